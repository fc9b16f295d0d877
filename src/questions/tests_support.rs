//! Fixture loading and small builders shared by the test modules.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::approx_constant)]

use super::{
    Answer, MatchPair, NumericalAnswer, ParseError, Question, TextFormat, parse_gift,
    parse_moodle_xml,
};

pub(super) const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/questions/");

pub(super) fn fixture(relative: &str) -> String {
    let path = format!("{FIXTURES}{relative}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

pub(super) fn gift_fixture(relative: &str) -> Vec<Question> {
    parse_gift(&fixture(relative), relative).unwrap_or_else(|e| panic!("{relative}: {e:#?}"))
}

pub(super) fn xml_fixture(relative: &str) -> Vec<Question> {
    parse_moodle_xml(&fixture(relative), relative).unwrap_or_else(|e| panic!("{relative}: {e:#?}"))
}

pub(super) fn gift(source: &str) -> Vec<Question> {
    parse_gift(source, "inline.gift").unwrap_or_else(|e| panic!("{e:#?}"))
}

pub(super) fn gift_errors(source: &str) -> Vec<ParseError> {
    match parse_gift(source, "inline.gift") {
        Ok(questions) => panic!("expected errors, got {questions:#?}"),
        Err(errors) => errors,
    }
}

pub(super) fn only(questions: Vec<Question>) -> Question {
    assert_eq!(questions.len(), 1, "{questions:#?}");
    questions
        .into_iter()
        .next()
        .unwrap_or_else(|| unreachable!())
}

/// Every fixture file in a subfolder with the given extension, sorted.
pub(super) fn fixture_files(folder: &str, extension: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(format!("{FIXTURES}{folder}"))
        .unwrap_or_else(|e| panic!("{folder}: {e}"))
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(extension))
        .map(|name| format!("{folder}/{name}"))
        .collect();
    names.sort();
    names
}

/// An answer as Moodle's tests spell it out.
pub(super) fn answer(
    text: &str,
    tf: TextFormat,
    fraction: f64,
    feedback: &str,
    ff: TextFormat,
) -> Answer {
    Answer {
        text: text.into(),
        text_format: tf,
        fraction,
        feedback: feedback.into(),
        feedback_format: ff,
    }
}

pub(super) fn pair(question: &str, format: TextFormat, answer: &str) -> MatchPair {
    MatchPair {
        question: question.into(),
        question_format: format,
        answer: answer.into(),
    }
}

pub(super) fn number(
    value: Option<f64>,
    tolerance: f64,
    fraction: f64,
    feedback: &str,
) -> NumericalAnswer {
    NumericalAnswer {
        value,
        tolerance,
        fraction,
        feedback: feedback.into(),
        feedback_format: TextFormat::Moodle,
    }
}
