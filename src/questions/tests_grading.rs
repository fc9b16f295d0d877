//! Grading every kind of question, including wildcard and tolerance edge cases.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::approx_constant)]

use super::grading::wildcard_match;
use super::tests_support::*;
use super::{GradeError, Question, ResponseValue as R};

fn grade(q: &Question, response: R) -> f64 {
    q.grade(&response).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn single_choice() {
    let q = only(gift("Q{=right ~%50%half ~wrong ~%-50%bad}"));
    assert!(q.is_gradable());
    assert_eq!(grade(&q, R::Choice(0)), 1.0);
    assert_eq!(grade(&q, R::Choice(1)), 0.5);
    assert_eq!(grade(&q, R::Choice(2)), 0.0);
    assert_eq!(grade(&q, R::Choice(3)), 0.0, "negative clamps to zero");
    assert_eq!(
        q.grade(&R::Choice(4)),
        Err(GradeError::IndexOutOfRange { index: 4, count: 4 })
    );
    assert!(matches!(
        q.grade(&R::Choices(vec![0])),
        Err(GradeError::WrongResponseType { .. })
    ));
}

#[test]
fn multi_response_sums_and_clamps() {
    let q = only(gift("Q{~%50%a ~%50%b ~%-100%c ~d}"));
    assert_eq!(grade(&q, R::Choices(vec![0, 1])), 1.0);
    assert_eq!(grade(&q, R::Choices(vec![0])), 0.5);
    assert_eq!(
        grade(&q, R::Choices(vec![0, 0, 0])),
        0.5,
        "repeats count once"
    );
    assert_eq!(grade(&q, R::Choices(vec![0, 1, 2])), 0.0);
    assert_eq!(
        grade(&q, R::Choices(vec![2, 3])),
        0.0,
        "negative sum clamps to zero"
    );
    assert_eq!(grade(&q, R::Choices(vec![])), 0.0);
    assert!(matches!(
        q.grade(&R::Choices(vec![1, 9])),
        Err(GradeError::IndexOutOfRange { index: 9, .. })
    ));
    assert!(q.grade(&R::Choice(0)).is_err());
    // Three thirds stored as 0.3333333 each are full marks, not 0.9999999.
    let q = only(gift("Q{~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}"));
    assert_eq!(grade(&q, R::Choices(vec![0, 1, 2])), 1.0);
    assert_eq!(grade(&q, R::Choices(vec![0, 1])), 0.6666666);
    // multichoice_19 has two answers worth 100%; choosing both still scores at most 1.
    let q = only(xml_fixture("moodle_xml_inline/multichoice_19.question.xml"));
    assert_eq!(grade(&q, R::Choices(vec![1, 3])), 1.0);
    assert_eq!(grade(&q, R::Choices(vec![1])), 1.0);
}

#[test]
fn true_false() {
    let q = only(gift("Q{F}"));
    assert_eq!(grade(&q, R::Bool(false)), 1.0);
    assert_eq!(grade(&q, R::Bool(true)), 0.0);
    assert!(q.grade(&R::Text("false".into())).is_err());
}

#[test]
fn short_answer_wildcards_and_case() {
    let q = gift_fixture("moodle_gift/questions.gift.txt").remove(5);
    assert_eq!(grade(&q, R::Text("Frog".into())), 1.0);
    assert_eq!(
        grade(&q, R::Text("  frog ".into())),
        1.0,
        "trimmed, case-insensitive"
    );
    assert_eq!(grade(&q, R::Text("CAT".into())), 0.5);
    assert_eq!(
        grade(&q, R::Text("Dog".into())),
        0.0,
        "`*` catch-all scores 0"
    );
    assert_eq!(grade(&q, R::Text("   ".into())), 0.0);
    assert!(q.grade(&R::Number(1.0)).is_err());

    let q = only(gift("Q{=%100%BRCA* =%50%*gene*}"));
    assert_eq!(grade(&q, R::Text("brca1".into())), 1.0);
    assert_eq!(
        grade(&q, R::Text("BRCA".into())),
        1.0,
        "`*` matches nothing too"
    );
    assert_eq!(grade(&q, R::Text("a gene test".into())), 0.5);
    assert_eq!(grade(&q, R::Text("xbrca1".into())), 0.0);

    let mut q = only(gift("Q{=TP53}"));
    if let super::QuestionKind::ShortAnswer { use_case, .. } = &mut q.kind {
        *use_case = true;
    }
    assert_eq!(grade(&q, R::Text("TP53".into())), 1.0);
    assert_eq!(
        grade(&q, R::Text("tp53".into())),
        0.0,
        "use_case is case-sensitive"
    );
}

#[test]
fn wildcard_rules() {
    assert!(wildcard_match("*", "", true));
    assert!(wildcard_match("a*b*c", "aXbYc", true));
    assert!(wildcard_match("a**c", "abc", true));
    assert!(!wildcard_match("a*b*c", "aXbY", true));
    assert!(
        !wildcard_match("ab*ba", "aba", true),
        "pieces must not overlap"
    );
    assert!(
        wildcard_match("3\\*4", "3*4", true),
        "escaped star is literal"
    );
    assert!(!wildcard_match("3\\*4", "3x4", true));
    assert!(
        wildcard_match("a.b", "a.b", true),
        "regex characters are literal"
    );
    assert!(!wildcard_match("a.b", "axb", true));
    assert!(wildcard_match("Ärzte", "ärzte", true));
    assert!(!wildcard_match("Ärzte", "ärzte", false));
    assert!(
        !wildcard_match("abc", "abcd", true),
        "whole response must match"
    );
}

#[test]
fn numerical_tolerance_edges() {
    let q = only(gift("Q{#\n=1822:2#close\n=%50%1800..1900\n~#other}"));
    assert_eq!(grade(&q, R::Number(1822.0)), 1.0);
    assert_eq!(grade(&q, R::Number(1824.0)), 1.0, "bound is inclusive");
    assert_eq!(
        grade(&q, R::Number(1824.001)),
        0.5,
        "best of the answers that accept it"
    );
    assert_eq!(grade(&q, R::Number(1900.0)), 0.5);
    assert_eq!(
        grade(&q, R::Number(1900.5)),
        0.0,
        "only the catch-all accepts it"
    );
    assert_eq!(grade(&q, R::Number(-5.0)), 0.0);
    assert_eq!(q.grade(&R::Number(f64::NAN)), Err(GradeError::NotFinite));

    let q = only(gift("Pi{#3.141..3.142}"));
    assert_eq!(
        grade(&q, R::Number(3.141)),
        1.0,
        "range ends survive the midpoint maths"
    );
    assert_eq!(grade(&q, R::Number(3.142)), 1.0);
    assert_eq!(grade(&q, R::Number(3.1405)), 0.0);

    let q = only(gift("Exact{#0.1}"));
    assert_eq!(grade(&q, R::Number(0.1)), 1.0);
    assert_eq!(
        grade(&q, R::Number(0.3 - 0.2)),
        1.0,
        "float noise within Moodle's epsilon"
    );
    assert!(q.grade(&R::Text("0.1".into())).is_err());
}

#[test]
fn matching_counts_right_pairs() {
    let q = gift_fixture("moodle_gift/questions.gift.txt").remove(1);
    assert_eq!(
        q.matching_choices(),
        ["Forum", "Choice", "Database", "Wiki", "Chat"]
    );
    let all = R::Matches(vec![Some(0), Some(1), Some(2), Some(3)]);
    assert_eq!(grade(&q, all), 1.0);
    let half = R::Matches(vec![Some(0), Some(1), Some(4), None]);
    assert_eq!(grade(&q, half), 0.5);
    assert_eq!(
        q.grade(&R::Matches(vec![Some(0)])),
        Err(GradeError::WrongMatchCount {
            expected: 4,
            got: 1
        })
    );
    assert!(matches!(
        q.grade(&R::Matches(vec![Some(5), None, None, None])),
        Err(GradeError::IndexOutOfRange { index: 5, count: 5 })
    ));

    // Equal answers are one choice, as in Moodle.
    let q = only(gift("Q{=A -> vowel =B -> consonant =E -> vowel}"));
    assert_eq!(q.matching_choices(), ["vowel", "consonant"]);
    assert_eq!(grade(&q, R::Matches(vec![Some(0), Some(1), Some(0)])), 1.0);
    assert!((grade(&q, R::Matches(vec![Some(0), Some(0), Some(0)])) - 2.0 / 3.0).abs() < 1e-12);
}

#[test]
fn essay_and_description_are_not_gradable() {
    for source in ["Essay{}", "Just a description."] {
        let q = only(gift(source));
        assert!(!q.is_gradable());
        assert!(matches!(
            q.grade(&R::Text("anything".into())),
            Err(GradeError::NotAutoGradable { .. })
        ));
    }
}
