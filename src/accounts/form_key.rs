//! The key that signs pre-session CSRF tokens (the sign-in, reset and activation forms, before
//! anyone has a session). Double submit alone accepts whatever the cookie says, so anyone who
//! can plant a cookie (a sibling subdomain, a network attacker on plain HTTP) could choose
//! both cookie and form value. With the key, a token is `nonce.mac`, the MAC an HMAC-SHA256 of
//! the nonce: only tokens this service issued are accepted.
//!
//! The key is made once and kept in the database's `settings` table, so every instance behind
//! a load balancer accepts the tokens of the others and a restart does not expire open forms.

use std::fmt;

use chrono::Utc;
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use sha2::Sha256;

use super::token;
use crate::entities::setting;

const SETTING: &str = "pre_session_form_key";

/// The signing key. Its `Debug` never shows it.
#[derive(Clone)]
pub struct FormKey(Vec<u8>);

impl fmt::Debug for FormKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FormKey(***)")
    }
}

impl FormKey {
    /// The stored key, made and stored first if there is none (instances starting together
    /// all end up with the first one written).
    pub async fn load_or_create(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        setting::Entity::insert(setting::ActiveModel {
            key: Set(SETTING.to_owned()),
            value: Set(token::generate()),
            updated_at: Set(Utc::now()),
        })
        .on_conflict_do_nothing_on([setting::Column::Key])
        .exec(db)
        .await?;
        let stored = setting::Entity::find_by_id(SETTING.to_owned())
            .one(db)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound(format!("setting {SETTING}")))?;
        Ok(Self(stored.value.into_bytes()))
    }

    fn mac(&self, nonce: &str) -> Option<Hmac<Sha256>> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).ok()?;
        mac.update(nonce.as_bytes());
        Some(mac)
    }

    /// A new token: a random nonce and its MAC.
    pub fn issue(&self) -> String {
        let nonce = token::generate();
        let tag = self
            .mac(&nonce)
            .map(|mac| hex::encode(mac.finalize().into_bytes()))
            .unwrap_or_default();
        format!("{nonce}.{tag}")
    }

    /// `message` with a MAC that only this service can make: `message.tag`. `purpose` keeps
    /// one use's signatures from passing as another's (or as a token).
    pub fn sign(&self, purpose: &str, message: &str) -> String {
        let tag = self
            .mac(&format!("{purpose}\n{message}"))
            .map(|mac| hex::encode(mac.finalize().into_bytes()))
            .unwrap_or_default();
        format!("{message}.{tag}")
    }

    /// The message of a [`FormKey::sign`]ed value for `purpose`, if the MAC holds.
    pub fn verified<'a>(&self, purpose: &str, signed: &'a str) -> Option<&'a str> {
        let (message, tag) = signed.rsplit_once('.')?;
        let mac = self.mac(&format!("{purpose}\n{message}"))?;
        let tag = hex::decode(tag).ok()?;
        mac.verify_slice(&tag).is_ok().then_some(message)
    }

    /// Whether `candidate` is a token this key issued (compared in constant time).
    pub fn issued(&self, candidate: &str) -> bool {
        let Some((nonce, tag)) = candidate.split_once('.') else {
            return false;
        };
        let (Some(mac), Ok(tag)) = (self.mac(nonce), hex::decode(tag)) else {
            return false;
        };
        token::well_formed(nonce) && mac.verify_slice(&tag).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tokens_the_key_issued_are_accepted() {
        let key = FormKey(b"one key".to_vec());
        let other = FormKey(b"another key".to_vec());
        let issued = key.issue();
        assert!(key.issued(&issued));
        assert!(!other.issued(&issued));
        assert!(!key.issued("abc"));
        assert!(!key.issued(&token::generate()));
        let (nonce, _) = issued.split_once('.').unwrap_or_default();
        assert!(!key.issued(&format!("{nonce}.{}", "0".repeat(64))));
        assert!(!key.issued(&format!("{}.{}", token::generate(), "zz")));
    }

    #[test]
    fn a_signed_value_verifies_only_with_its_key_and_purpose() {
        let key = FormKey(b"one key".to_vec());
        let signed = key.sign("kept", "1.2.abcd");
        assert_eq!(key.verified("kept", &signed), Some("1.2.abcd"));
        assert_eq!(key.verified("other", &signed), None);
        assert_eq!(FormKey(b"another".to_vec()).verified("kept", &signed), None);
        assert_eq!(key.verified("kept", &signed.replace("1.2", "1.3")), None);
        assert!(!key.issued(&signed), "a signature is not a token");
    }

    #[test]
    fn debug_hides_the_key() {
        assert_eq!(format!("{:?}", FormKey(b"k".to_vec())), "FormKey(***)");
    }
}
