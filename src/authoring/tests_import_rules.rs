//! The import's pure rules: derived ids, skip reasons, grade sums.

use super::*;
use crate::authoring::check::{check_uid, import_problems};
use crate::questions::{Answer, QuestionKind, TextFormat, parse_gift};

fn with_id(id: Option<&str>, name: &str, line: usize) -> Question {
    let mut q = Question::new(name, "Is it?", QuestionKind::Essay);
    q.id = id.map(str::to_owned);
    q.line = line;
    q
}

#[test]
fn an_unusable_id_becomes_a_readable_usable_one_the_same_each_time() {
    let derived = derived_uid("T & F", 1);
    assert!(derived.starts_with("T-F-"), "{derived}");
    assert_eq!(derived.len(), "T-F-".len() + 8);
    assert!(check_uid(&derived).is_ok());
    assert_eq!(derived, derived_uid("T & F", 1), "deterministic");
    assert_ne!(
        derived,
        derived_uid("T &F", 1),
        "the hash keeps near ids apart"
    );
    assert_ne!(derived, derived_uid("T & F", 2));
    for odd in ["<>", "", " ", &"x".repeat(200), "é clé", "--a--b--"] {
        let uid = derived_uid(odd, 1);
        assert!(check_uid(&uid).is_ok(), "{odd:?} gave {uid}");
    }
    assert!(derived_uid("<>", 1).starts_with("id-"));
    assert!(derived_uid("--a--b--", 1).starts_with("a--b-"));
}

#[test]
fn ids_are_kept_replaced_or_generated_and_unique_in_the_file() {
    let mut ids = IdPlanner::default();
    let kept = ids.assign(&with_id(Some("ok-1"), "A", 1), "samples");
    assert_eq!(
        kept,
        AssignedId {
            uid: "ok-1".into(),
            replaced_because: None
        }
    );
    let bad = ids.assign(&with_id(Some("T & F"), "B", 3), "samples");
    assert_eq!(bad.uid, derived_uid("T & F", 1));
    assert!(bad.replaced_because.unwrap().contains("not a usable id"));
    let again = ids.assign(&with_id(Some("T & F"), "C", 5), "samples");
    assert_eq!(again.uid, derived_uid("T & F", 2), "a second T & F differs");
    let duplicate = ids.assign(&with_id(Some("ok-1"), "D", 7), "samples");
    assert_eq!(duplicate.uid, derived_uid("ok-1", 1));
    assert_eq!(
        duplicate.replaced_because.as_deref(),
        Some("id `ok-1` is already used by the question at line 1")
    );
    let generated = ids.assign(&with_id(None, "Same name", 9), "samples");
    assert_eq!(generated.uid, generated_uid("samples", "Same name"));
    assert_eq!(generated.replaced_because, None);
    let second = ids.assign(&with_id(None, "Same name", 11), "samples");
    assert_ne!(second.uid, generated.uid, "Moodle allows duplicate names");
    assert_eq!(second.replaced_because, None, "no id of its own to report");
}

#[test]
fn every_type_that_cannot_be_scored_says_why() {
    for (qtype, needle) in [
        ("essay", "marked by a person"),
        ("description", "nothing to answer"),
        ("cloze", "Cloze"),
        ("multianswer", "Cloze"),
        ("random", "quiz slot"),
        ("calculated", "cannot score calculated questions"),
    ] {
        assert!(skip_reason(qtype).contains(needle), "{qtype}");
    }
    let essay = parse_gift("::Q8:: How are you? {}", "f").unwrap();
    let skipped = SkippedQuestion::of_question(&essay[0]);
    assert_eq!(
        (skipped.line, skipped.position, skipped.qtype.as_str()),
        (1, 1, "essay")
    );
}

fn choice(fraction: f64) -> Answer {
    Answer {
        text: format!("{fraction}"),
        text_format: TextFormat::Moodle,
        fraction,
        feedback: String::new(),
        feedback_format: TextFormat::Moodle,
    }
}

#[test]
fn grade_sums_follow_moodle_5() {
    let multi = |fractions: &[f64]| {
        Question::new(
            "M",
            "Which?",
            QuestionKind::MultiChoice {
                single: false,
                answers: fractions.iter().copied().map(choice).collect(),
            },
        )
    };
    assert!(import_problems(&multi(&[0.5, 0.5, -1.0])).is_empty());
    assert!(import_problems(&multi(&[0.3333333, 0.3333333, 0.3333333])).is_empty());
    let twice = import_problems(&multi(&[1.0, 1.0, 0.0]));
    assert_eq!(twice.len(), 1);
    assert!(twice[0].contains("add up to 200%"), "{twice:?}");
    let short = Question::new(
        "S",
        "Which?",
        QuestionKind::ShortAnswer {
            answers: vec![choice(0.5)],
            use_case: false,
        },
    );
    let problems = import_problems(&short);
    assert!(problems[0].contains("score of 100%"), "{problems:?}");
    assert!(needs_explanation(&short));
}
