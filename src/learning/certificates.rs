//! CPD certificates: the reference each one carries, the learner's own certificate (page, PDF
//! and JSON), and the public check that anyone given a reference can make (for an NMC
//! revalidation portfolio, say), which shows only the name, the module and the date.
//!
//! A reference is `GT-` and 20 random hex digits (80 bits) in fives of four, stored without
//! the prefix and hyphens as `module_progress.certificate_code` when the module is completed.
//! Nothing in it can be guessed from who, what or when, so the public check cannot be used to
//! find people; references that match nothing are throttled per address
//! (`throttle::Key::CertificateAddress`), and every check that finds a certificate is audited.

use chrono::NaiveDate;
use rand::Rng;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::record::{self, CompletedModule};
use crate::accounts::throttle::{self, Key};
use crate::accounts::{OrgScope, users};
use crate::audit::{self, Event, action};
use crate::entities::{module_progress, module_version, user};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

/// Hex digits in a code.
const CODE_LEN: usize = 20;

/// What the public check says when a reference matches no certificate.
pub const NO_SUCH_CERTIFICATE: &str = "No certificate has this reference. Check that it was \
    copied in full, as GT- followed by five groups of four letters and numbers.";

/// A new random code (80 bits, upper-case hex) for a completed module.
pub fn new_code() -> String {
    let bytes: [u8; CODE_LEN / 2] = rand::rng().random();
    hex::encode_upper(bytes)
}

/// The reference as printed: `GT-1A2B-3C4D-5E6F-7A8B-9C0D`.
pub fn reference(code: &str) -> String {
    let groups: Vec<&str> = code
        .as_bytes()
        .chunks(4)
        .filter_map(|chunk| std::str::from_utf8(chunk).ok())
        .collect();
    format!("GT-{}", groups.join("-"))
}

/// The code in a reference as someone typed or pasted it: any case, with or without `GT-`,
/// hyphens or spaces, a letter O for a zero. `None` unless exactly 20 hex digits remain.
pub fn code_from_reference(input: &str) -> Option<String> {
    let upper = input.trim().to_ascii_uppercase();
    let rest = upper.strip_prefix("GT").unwrap_or(&upper);
    let code: String = rest
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{2010}'..='\u{2015}'))
        .map(|c| if c == 'O' { '0' } else { c })
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| b.is_ascii_hexdigit())).then_some(code)
}

/// The code of a completed module's progress row, given one now if it has none (a row
/// completed before codes were stored and missed by their migration).
pub(super) async fn code_of(
    db: &impl ConnectionTrait,
    row: &module_progress::Model,
) -> AppResult<String> {
    if let Some(code) = &row.certificate_code {
        return Ok(code.clone());
    }
    let code = new_code();
    module_progress::Entity::update_many()
        .col_expr(
            module_progress::Column::CertificateCode,
            Some(code.clone()).into(),
        )
        .filter(module_progress::Column::UserId.eq(row.user_id))
        .filter(module_progress::Column::ModuleId.eq(row.module_id))
        .filter(module_progress::Column::CertificateCode.is_null())
        .exec(db)
        .await?;
    // Another request may have given it one first: read back what was kept.
    let stored = module_progress::Entity::find_by_id((row.user_id, row.module_id))
        .one(db)
        .await?
        .and_then(|r| r.certificate_code);
    Ok(stored.unwrap_or(code))
}

/// A learner's certificate, as its page, PDF and JSON show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Certificate {
    /// The learner's name.
    pub name: String,
    /// The organisation they worked for when they completed the module (a mover's certificate
    /// keeps that one), if any.
    pub organisation: Option<String>,
    pub module: CompletedModule,
    /// The reference printed on the certificate, which anyone may check at
    /// `/certificates/check`.
    pub reference: String,
}

impl Certificate {
    /// "6 December 2026".
    pub fn date(&self) -> String {
        long_date(self.module.completed_at.date_naive())
    }
}

fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// The certificate of a module `user_id` has completed; "not found" otherwise.
pub async fn certificate(
    db: &impl ConnectionTrait,
    user_id: PersonId,
    slug: &str,
) -> AppResult<Certificate> {
    let module = record::certificate(db, user_id, slug).await?;
    let person = users::detail(db, &OrgScope::All, user_id).await?;
    let completed_at = module.completed_at;
    let organisation = person
        .job_history
        .iter()
        .find(|job| {
            job.started_at <= completed_at && job.ended_at.is_none_or(|end| completed_at < end)
        })
        .or(person.summary.current_job.as_ref())
        .map(|job| job.organisation_name.clone());
    Ok(Certificate {
        name: person.summary.display_name,
        organisation,
        reference: module.reference.clone(),
        module,
    })
}

/// What the public check shows of a genuine certificate, and nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CheckedCertificate {
    /// The learner's name as the service holds it.
    pub name: String,
    /// The title of the module (of the version they completed).
    pub module: String,
    /// The day they completed it.
    pub completed_on: NaiveDate,
}

/// Looks a reference up for the public check. A reference that matches no certificate (or one
/// of a person whose details were erased) is "not found" and counts against `client_address`;
/// one that matches is audited. While the address waits, nothing is looked up (429).
pub async fn check(
    db: &impl ConnectionTrait,
    input: &str,
    client_address: Option<String>,
) -> AppResult<CheckedCertificate> {
    let key = client_address.clone().map(Key::CertificateAddress);
    if let Some(key) = &key
        && let Some(until) = throttle::locked_until(db, std::slice::from_ref(key)).await?
    {
        return Err(AppError::TooManyRequests(format!(
            "There have been too many checks of references that do not exist from your \
             network. {}, then try again.",
            throttle::wait_phrase(until)
        )));
    }
    let found = match code_from_reference(input) {
        Some(code) => find(db, &code).await?,
        None => None,
    };
    let Some((user_id, module_id, checked)) = found else {
        if let Some(key) = &key {
            throttle::record_failure(db, key).await?;
        }
        return Err(AppError::NotFound(NO_SUCH_CERTIFICATE.into()));
    };
    audit::record(
        db,
        Event::new(action::CERTIFICATE_CHECKED)
            .subject(user_id.to_string())
            .detail(serde_json::json!({ "user_id": user_id, "module_id": module_id }))
            .from_address(client_address),
    )
    .await?;
    Ok(checked)
}

async fn find(
    db: &impl ConnectionTrait,
    code: &str,
) -> AppResult<Option<(i64, i64, CheckedCertificate)>> {
    let Some(row) = module_progress::Entity::find()
        .filter(module_progress::Column::CertificateCode.eq(code))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(completed_at) = row.completed_at else {
        return Ok(None);
    };
    let person = user::Entity::find_by_id(row.user_id).one(db).await?;
    let version = module_version::Entity::find_by_id(row.module_version_id)
        .one(db)
        .await?;
    let (Some(person), Some(version)) = (person, version) else {
        return Ok(None);
    };
    if person.pseudonymised_at.is_some() {
        return Ok(None);
    }
    let checked = CheckedCertificate {
        name: person.display_name,
        module: version.title,
        completed_on: completed_at.date_naive(),
    };
    Ok(Some((row.user_id, row.module_id, checked)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_print_in_groups_and_read_back_however_typed() {
        let code = new_code();
        assert_eq!(code.len(), 20);
        assert_ne!(code, new_code());
        let printed = reference(&code);
        assert_eq!(printed.len(), 3 + 20 + 4);
        assert!(printed.starts_with("GT-"));
        assert_eq!(code_from_reference(&printed), Some(code.clone()));
        assert_eq!(
            code_from_reference(&format!(" {} ", printed.to_lowercase())),
            Some(code.clone())
        );
        assert_eq!(code_from_reference(&code), Some(code.clone()));
        assert_eq!(
            code_from_reference("gt 0o00 0000 0000 0000 00ab"),
            Some("000000000000000000AB".to_owned())
        );
    }

    #[test]
    fn anything_but_twenty_hex_digits_is_no_reference() {
        assert_eq!(code_from_reference(""), None);
        assert_eq!(code_from_reference("GT-1-samples-v1-20261206"), None);
        assert_eq!(code_from_reference("GT-1A2B-3C4D-5E6F-7A8B"), None);
        assert_eq!(code_from_reference("GT-1A2B-3C4D-5E6F-7A8B-9C0D-1"), None);
        assert_eq!(code_from_reference("GT-1A2B-3C4D-5E6F-7A8B-9C0G"), None);
    }
}
