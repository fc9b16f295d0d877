//! The rules of a bank import that need no database, as Moodle applies them to a real bank:
//! which questions are passed over and why, which ids are replaced and by what, and the grade
//! sums Moodle 5 insists on. The import service ([`super::import`]) applies them in file order.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::check::{MAX_UID_LEN, check_uid};
use super::items::generated_uid;
use crate::questions::{Question, UnsupportedQuestion};

/// A question the service cannot score, so not imported; located for the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SkippedQuestion {
    /// 1-based line where the question starts.
    pub line: usize,
    /// 1-based position among the file's questions.
    pub position: usize,
    pub name: String,
    #[serde(rename = "type")]
    pub qtype: String,
    pub reason: String,
}

impl SkippedQuestion {
    /// A question that read but whose type cannot be scored (essay, description).
    pub fn of_question(question: &Question) -> Self {
        let qtype = question.kind.type_name();
        SkippedQuestion {
            line: question.line,
            position: question.position,
            name: question.name.clone(),
            qtype: qtype.to_owned(),
            reason: skip_reason(qtype),
        }
    }

    /// A question of a type the readers cannot hold (Cloze, random, calculated, ...).
    pub fn of_unsupported(question: &UnsupportedQuestion) -> Self {
        SkippedQuestion {
            line: question.line,
            position: question.position,
            name: question.name.clone(),
            qtype: question.qtype.clone(),
            reason: skip_reason(&question.qtype),
        }
    }
}

/// Why a question of this (Moodle) type is not imported, in words for the trainer.
pub fn skip_reason(qtype: &str) -> String {
    match qtype {
        "essay" => "essay answers are marked by a person; the service only uses questions it \
                    can score itself"
            .to_owned(),
        "description" => {
            "a description is text shown between questions, with nothing to answer".to_owned()
        }
        "cloze" | "multianswer" => "Cloze (embedded answers) questions hold several questions \
                                    in one text, which the service cannot score"
            .to_owned(),
        "random" | "randomsamatch" => "a random question is a quiz slot that Moodle fills from \
                                       a category, not a question of its own"
            .to_owned(),
        other => format!("the service cannot score {other} questions"),
    }
}

/// An id from the file that the bank cannot keep, and the one used instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RenamedId {
    pub line: usize,
    pub position: usize,
    pub name: String,
    /// The id as the file gives it.
    pub from: String,
    /// The id the item gets.
    pub to: String,
    pub reason: String,
}

/// Whether the question has no explanation (general feedback), so its item stays a draft.
pub fn needs_explanation(question: &Question) -> bool {
    question.general_feedback.trim().is_empty()
}

/// The message a draft without an explanation shows, and why publishing it is refused.
pub const NEEDS_EXPLANATION: &str = "needs an explanation before it can be published";

/// Hands out the file's item ids in file order, each unique within the file.
#[derive(Debug, Default)]
pub struct IdPlanner {
    /// Each id given so far, with the line of the question that has it.
    taken: HashMap<String, usize>,
}

/// The id a question gets, and why it is not the file's own when it was replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignedId {
    pub uid: String,
    pub replaced_because: Option<String>,
}

impl IdPlanner {
    /// The question's own id when the bank can keep it; otherwise one derived from it. A
    /// question without an id gets [`generated_uid`] of `topic` and its name (so importing
    /// the same file again finds the same items); a second question of the same name gets a
    /// numbered variant, since Moodle allows duplicate names.
    pub fn assign(&mut self, question: &Question, topic: &str) -> AssignedId {
        let assigned = match question.id.as_deref() {
            None => AssignedId {
                uid: self.first_free(|n| generated_uid(topic, &numbered(&question.name, n))),
                replaced_because: None,
            },
            Some(id) if check_uid(id).is_err() => AssignedId {
                uid: self.first_free(|n| derived_uid(id, n)),
                replaced_because: Some(format!(
                    "`{id}` is not a usable id (up to {MAX_UID_LEN} letters, digits, `-`, `_` \
                     or `.`)"
                )),
            },
            Some(id) => match self.taken.get(id) {
                None => AssignedId {
                    uid: id.to_owned(),
                    replaced_because: None,
                },
                Some(line) => {
                    let reason =
                        format!("id `{id}` is already used by the question at line {line}");
                    AssignedId {
                        uid: self.first_free(|n| derived_uid(id, n)),
                        replaced_because: Some(reason),
                    }
                }
            },
        };
        self.taken.insert(assigned.uid.clone(), question.line);
        assigned
    }

    fn first_free(&self, candidate: impl Fn(u32) -> String) -> String {
        (1..)
            .map(candidate)
            .find(|uid| !self.taken.contains_key(uid))
            .unwrap_or_default()
    }
}

/// `name` for the first question of that name, `name` and the count for later ones.
fn numbered(name: &str, n: u32) -> String {
    if n == 1 {
        name.to_owned()
    } else {
        format!("{name}\n{n}")
    }
}

/// Hex digits of the hash that makes a derived id unique.
const DERIVED_HASH_LEN: usize = 8;

/// A usable id made from an unusable one: its letters, digits, `-`, `_` and `.` (other runs
/// become one `-`), then a hash of the whole original (and `n` past the first), so that two
/// ids differing only in the characters dropped stay apart and the same file gives the same
/// ids each time. `T & F` becomes `T-F-` and eight hex digits.
pub fn derived_uid(original: &str, n: u32) -> String {
    let mut readable = String::new();
    for c in original.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            readable.push(c);
        } else if !readable.ends_with('-') {
            readable.push('-');
        }
    }
    let room = MAX_UID_LEN - DERIVED_HASH_LEN - 1;
    let readable: String = readable.trim_matches('-').chars().take(room).collect();
    let readable = readable.trim_end_matches('-');
    let readable = if readable.is_empty() { "id" } else { readable };
    let digest = Sha256::digest(numbered(original, n).as_bytes());
    format!("{readable}-{}", &hex::encode(digest)[..DERIVED_HASH_LEN])
}

#[cfg(test)]
#[path = "tests_import_rules.rs"]
mod tests;
