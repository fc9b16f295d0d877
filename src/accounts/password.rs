//! Passwords: at least 8 characters, long passphrases welcome, no composition rules, and not one
//! of the ~20,000 most common passwords (the list Django ships, compiled by Royce Williams from
//! breach corpora; BSD licence in `common-passwords.LICENSE`). Hashed with argon2id on threads of
//! its own, off the async runtime.

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use rocket::tokio::sync::oneshot;
use validator::Validate;

use crate::error::{AppError, AppResult};
use crate::validation::{self, FieldErrors};

pub const MIN_CHARS: usize = 8;
/// Long enough for any passphrase, short enough that hashing it costs nothing extra.
pub const MAX_CHARS: usize = 256;

const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON_PASSWORDS.lines().map(str::trim).collect())
}

/// Words anyone would try first against this service (ASVS 6.2.11): its name, its owner and
/// its subject. Only a password that is nothing but these (with digits and symbols) is refused;
/// a passphrase that merely contains one ("my nhs genomics course rocks") is fine.
const CONTEXT_WORDS: [&str; 12] = [
    "nhs",
    "genomics",
    "genomic",
    "genome",
    "genomes",
    "genetics",
    "training",
    "genomicstraining",
    "genomicsnhs",
    "nhsgenomics",
    "nhstraining",
    "dna",
];

/// Whether `input`, lowercased and without digits, spaces and symbols, is a context word.
fn from_context(input: &str) -> bool {
    let letters: String = input
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    CONTEXT_WORDS.contains(&letters.as_str())
}

/// A password that meets the rules. Its `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(input: &str) -> Result<Self, String> {
        let chars = input.chars().count();
        if chars == 0 {
            return Err("Enter a password".into());
        }
        if chars < MIN_CHARS {
            return Err(format!("Password must be {MIN_CHARS} characters or more"));
        }
        if chars > MAX_CHARS {
            return Err(format!("Password must be {MAX_CHARS} characters or fewer"));
        }
        if common_passwords().contains(input.to_lowercase().as_str()) || from_context(input) {
            return Err(
                "That password is too common and easy to guess. Choose a different one, for example three random words"
                    .into(),
            );
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A new password typed twice, as a form sends it (activation, reset, first admin). The
/// password's own rules are [`Password::parse`]'s; the confirmation must match it.
#[derive(Debug, Validate)]
pub struct NewPasswordInput<'a> {
    pub password: &'a str,
    #[validate(must_match(
        other = "password",
        message = "The passwords do not match. Enter the same password twice"
    ))]
    pub confirm: &'a str,
}

impl TryFrom<&NewPasswordInput<'_>> for Password {
    /// Problems by field (`password`, `confirm`), in page order.
    type Error = FieldErrors;

    fn try_from(input: &NewPasswordInput<'_>) -> Result<Self, FieldErrors> {
        with_rules(
            input.password,
            validation::check(input, &["confirm"])
                .err()
                .unwrap_or_default(),
        )
    }
}

/// Changing one's password: the current one, then a new one typed twice.
#[derive(Debug, Validate)]
pub struct PasswordChangeInput<'a> {
    #[validate(length(min = 1, message = "Enter your current password"))]
    pub current: &'a str,
    pub password: &'a str,
    #[validate(must_match(
        other = "password",
        message = "The passwords do not match. Enter the same password twice"
    ))]
    pub confirm: &'a str,
}

impl TryFrom<&PasswordChangeInput<'_>> for Password {
    /// Problems by field (`current`, `password`, `confirm`), in page order.
    type Error = FieldErrors;

    fn try_from(input: &PasswordChangeInput<'_>) -> Result<Self, FieldErrors> {
        with_rules(
            input.password,
            validation::check(input, &["current", "confirm"])
                .err()
                .unwrap_or_default(),
        )
    }
}

/// The new password, or the problems: those of the body's rules with the password's own. A
/// password that breaks its rules is the one problem about it (its confirmation is not judged);
/// `problems` are in page order with `confirm` last, as the password goes before it.
fn with_rules(password: &str, mut problems: FieldErrors) -> Result<Password, FieldErrors> {
    match Password::parse(password) {
        Ok(password) if problems.is_empty() => Ok(password),
        Ok(_) => Err(problems),
        Err(message) => {
            problems.retain(|(field, _)| *field != "confirm");
            problems.push(("password", message));
            Err(problems)
        }
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A job for the hashing threads.
type Job = Box<dyn FnOnce() + Send>;

/// Runs argon2 work on one of a fixed set of threads, one per core. Each hash takes about
/// 19 MiB and is CPU-bound: unbounded, 64 simultaneous sign-ins took the server to over 5 GB
/// resident (bench sign_in), for no more throughput than one per core gives. The threads live as
/// long as the process, so the blocks are freed and reused in the same few allocator arenas
/// (with jemalloc, src/main.rs: 92 MB peak at 64 clients, docs/benchmarks.md issue 27).
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    static JOBS: OnceLock<crossbeam_channel::Sender<Job>> = OnceLock::new();
    let jobs = JOBS.get_or_init(|| {
        let (sender, receiver) = crossbeam_channel::unbounded::<Job>();
        for n in 0..std::thread::available_parallelism().map_or(2, usize::from) {
            let receiver = receiver.clone();
            let started = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || receiver.iter().for_each(|job| job()));
            if let Err(error) = started {
                tracing::error!(%error, "could not start a password hashing thread");
            }
        }
        sender
    });
    let (answer, answered) = oneshot::channel();
    jobs.send(Box::new(move || {
        // A panic is answered as an error (the sender is dropped) and the thread goes on.
        if let Ok(value) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
            let _ = answer.send(value);
        }
    }))
    .map_err(|_| AppError::internal("no password hashing thread is running"))?;
    answered.await.map_err(AppError::internal)
}

/// The argon2id PHC string for `password`, computed on a blocking thread.
pub async fn hash(password: Password) -> AppResult<String> {
    hashing(move || {
        Argon2::default()
            .hash_password(password.expose().as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::internal(e.to_string()))
    })
    .await?
}

/// A real hash of nothing anyone knows, verified against when an account has no hash (unknown
/// email, not yet activated) so that every sign-in costs the same time.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        Argon2::default()
            .hash_password(b"not a password anyone can type \x00")
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    })
}

/// Whether `candidate` matches `stored`; does the same work when there is no stored hash.
pub async fn verify(candidate: String, stored: Option<String>) -> AppResult<bool> {
    hashing(move || {
        let has_hash = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        let ok = Argon2::default()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok();
        ok && has_hash
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_shipped_with_at_least_ten_thousand_entries() {
        assert!(common_passwords().len() >= 10_000);
    }

    #[test]
    fn short_passwords_are_rejected() {
        assert!(Password::parse("seven77").is_err());
        assert!(Password::parse("").is_err());
    }

    #[test]
    fn common_passwords_are_rejected_whatever_the_case() {
        assert!(Password::parse("password1").is_err());
        assert!(Password::parse("PASSWORD1").is_err());
        assert!(Password::parse("iloveyou").is_err());
    }

    #[test]
    fn words_from_the_service_context_are_rejected() {
        for password in [
            "genomics",
            "nhs12345",
            "Genomics2024!",
            "NHS-Training",
            "dna-1234",
        ] {
            assert!(Password::parse(password).is_err(), "{password}");
        }
        assert!(Password::parse("my nhs genomics course rocks").is_ok());
    }

    #[test]
    fn passphrases_without_composition_rules_are_accepted() {
        assert!(Password::parse("correct horse battery staple").is_ok());
        assert!(Password::parse("alllowercaseletters").is_ok());
    }

    const MISMATCH: &str = "The passwords do not match. Enter the same password twice";

    fn new_password(password: &str, confirm: &str) -> Result<Password, FieldErrors> {
        Password::try_from(&NewPasswordInput { password, confirm })
    }

    #[test]
    fn a_new_password_must_keep_its_rules_then_match_its_confirmation() {
        let good = "correct horse battery staple";
        assert!(new_password(good, good).is_ok());
        assert_eq!(
            new_password(good, "correct horse").unwrap_err(),
            vec![("confirm", MISMATCH.to_owned())]
        );
        // A password that breaks a rule is the one problem shown, matched or not.
        assert_eq!(
            new_password("seven77", "other").unwrap_err(),
            vec![(
                "password",
                "Password must be 8 characters or more".to_owned()
            )]
        );
        assert_eq!(
            new_password("", "").unwrap_err(),
            vec![("password", "Enter a password".to_owned())]
        );
    }

    #[test]
    fn a_change_needs_the_current_password_as_well() {
        let good = "correct horse battery staple";
        let change = |current, password, confirm| {
            Password::try_from(&PasswordChangeInput {
                current,
                password,
                confirm,
            })
        };
        assert!(change("old one", good, good).is_ok());
        assert_eq!(
            change("", good, "x").unwrap_err(),
            vec![
                ("current", "Enter your current password".to_owned()),
                ("confirm", MISMATCH.to_owned())
            ]
        );
        assert_eq!(
            change("", "", "x").unwrap_err(),
            vec![
                ("current", "Enter your current password".to_owned()),
                ("password", "Enter a password".to_owned())
            ]
        );
    }

    #[test]
    fn debug_hides_the_password() {
        let password = Password::parse("correct horse battery staple").map(|p| format!("{p:?}"));
        assert_eq!(password.as_deref(), Ok("Password(***)"));
    }

    #[rocket::async_test]
    async fn hash_verifies_only_the_same_password() {
        let Ok(password) = Password::parse("correct horse battery staple") else {
            panic!("valid password");
        };
        let hash = hash(password).await.ok();
        assert!(hash.as_deref().is_some_and(|h| h.starts_with("$argon2id$")));
        assert_eq!(
            verify("correct horse battery staple".into(), hash.clone())
                .await
                .ok(),
            Some(true)
        );
        assert_eq!(
            verify("wrong horse battery staple".into(), hash).await.ok(),
            Some(false)
        );
        assert_eq!(
            verify("anything at all".into(), None).await.ok(),
            Some(false)
        );
    }
}
