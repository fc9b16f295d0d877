//! Errors from reading question files and from grading responses.

use serde::Serialize;

/// Larger inputs are refused rather than read into memory.
pub const MAX_SOURCE_BYTES: usize = 10 * 1024 * 1024;

/// Files with more questions are refused, so that memory stays bounded however small each
/// question is (10 MB of one-letter GIFT questions would otherwise be 3.5 million of them).
pub const MAX_QUESTIONS: usize = 10_000;

/// Reading stops after this many broken questions, for the same reason; nothing is imported
/// either way.
pub const MAX_ERRORS: usize = 200;

/// One broken question (or an unreadable file), located for an import preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, utoipa::ToSchema)]
#[error("{file}:{line}: {message}")]
pub struct ParseError {
    pub file: String,
    /// 1-based line where the broken question (or the XML fault) starts.
    pub line: usize,
    pub message: String,
}

impl ParseError {
    pub fn new(file: &str, line: usize, message: impl Into<String>) -> Self {
        ParseError {
            file: file.to_owned(),
            line,
            message: message.into(),
        }
    }

    pub(crate) fn too_large(file: &str) -> Self {
        let megabytes = MAX_SOURCE_BYTES / 1024 / 1024;
        ParseError::new(
            file,
            1,
            format!("the file is larger than {megabytes} MB and was not read"),
        )
    }

    /// The first character of `source` a question cannot hold, if any, located.
    pub(crate) fn forbidden_char(file: &str, source: &str) -> Option<Self> {
        let (offset, c) = super::text::forbidden_char(source)?;
        let line = source[..offset].matches('\n').count() + 1;
        Some(ParseError::new(file, line, forbidden_char_message(c)))
    }

    pub(crate) fn too_many_questions(file: &str) -> Self {
        ParseError::new(
            file,
            1,
            format!(
                "the file has more than {MAX_QUESTIONS} questions; split it into smaller files"
            ),
        )
    }

    pub(crate) fn too_many_errors(file: &str, line: usize) -> Self {
        ParseError::new(
            file,
            line,
            format!("reading stopped after {MAX_ERRORS} broken questions; correct these first"),
        )
    }
}

pub(crate) fn forbidden_char_message(c: char) -> String {
    format!(
        "the file contains the control character U+{:04X}, which a question cannot hold: remove it",
        u32::from(c)
    )
}

/// A response that cannot be graded against the question it was given for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GradeError {
    #[error("{question} questions are not graded automatically")]
    NotAutoGradable { question: &'static str },
    #[error("a {question} question needs {expected}")]
    WrongResponseType {
        question: &'static str,
        expected: &'static str,
    },
    #[error("choice {index} does not exist: there are {count}")]
    IndexOutOfRange { index: usize, count: usize },
    #[error("expected {expected} matches, one per question, but got {got}")]
    WrongMatchCount { expected: usize, got: usize },
    #[error("the response is not a finite number")]
    NotFinite,
}
