//! The gift-pegjs corpus: every file is valid GIFT, and a handful are checked against that
//! project's own JSON where its model and Moodle's agree (TF feedback order follows Moodle).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::approx_constant)]

use serde_json::Value;

use super::TextFormat::{Html, Moodle};
use super::tests_support::*;
use super::{Question, QuestionKind, Text, parse_gift};

#[test]
fn every_pegjs_file_parses() {
    let files = fixture_files("gift_pegjs", ".gift");
    assert_eq!(files.len(), 51);
    for file in files {
        if let Err(errors) = parse_gift(&fixture(&file), &file) {
            panic!("{file}: {errors:#?}");
        }
    }
}

fn pegjs_type(q: &Question) -> &'static str {
    match q.kind {
        QuestionKind::MultiChoice { .. } => "MC",
        QuestionKind::TrueFalse { .. } => "TF",
        QuestionKind::ShortAnswer { .. } => "Short",
        QuestionKind::Matching { .. } => "Matching",
        QuestionKind::Numerical { .. } => "Numerical",
        QuestionKind::Essay => "Essay",
        QuestionKind::Description => "Description",
    }
}

/// Type, stem, title, id and tags of every question agree with the sibling JSON.
fn assert_matches_json(stem: &str) {
    let questions = gift_fixture(&format!("gift_pegjs/{stem}.gift"));
    let json: Value = serde_json::from_str(&fixture(&format!("gift_pegjs/{stem}.json")))
        .unwrap_or_else(|e| panic!("{stem}.json: {e}"));
    let expected = json.as_array().unwrap_or_else(|| panic!("{stem}.json"));
    assert_eq!(questions.len(), expected.len(), "{stem}");
    for (q, e) in questions.iter().zip(expected) {
        assert_eq!(pegjs_type(q), e["type"], "{stem}: {q:?}");
        assert_eq!(q.text, e["stem"]["text"], "{stem}");
        assert_eq!(q.text_format.gift_name(), e["stem"]["format"], "{stem}");
        if let Some(title) = e["title"].as_str() {
            assert_eq!(q.name, title, "{stem}");
        }
        assert_eq!(q.id.as_deref(), e["id"].as_str(), "{stem}");
        let tags: Vec<&str> = e["tags"]
            .as_array()
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(q.tags, tags, "{stem}");
        if let (QuestionKind::MultiChoice { answers, .. }, Some(choices)) =
            (&q.kind, e["choices"].as_array())
        {
            let texts: Vec<&str> = answers.iter().map(|a| a.text.as_str()).collect();
            let expected: Vec<&str> = choices
                .iter()
                .filter_map(|c| c["text"]["text"].as_str())
                .collect();
            assert_eq!(texts, expected, "{stem}");
        }
    }
}

#[test]
fn spot_checks_against_pegjs_json() {
    for stem in [
        "mc1",
        "mc4",
        "tf1",
        "tf1_html",
        "tf1_markdown",
        "essay1",
        "tag_id",
        "tag_id_and_two_tags",
        "tag_two_tags",
        "descriptionWithID",
        "description1",
        "descriptionTitleEscapedColon",
        "escapeEquals",
        "formatExamples",
        "matching1",
        "multipleAnswersFloat",
        "shortAnswer2",
        "escapeAll",
    ] {
        assert_matches_json(stem);
    }
}

#[test]
fn tf_two_feedback_follows_moodle_not_pegjs() {
    let questions = gift_fixture("gift_pegjs/TFTwoFeedback.gift");
    let feedback = |q: &Question| match &q.kind {
        QuestionKind::TrueFalse {
            correct,
            feedback_true,
            feedback_false,
        } => (
            *correct,
            feedback_true.text.clone(),
            feedback_false.text.clone(),
        ),
        other => panic!("{other:?}"),
    };
    // `{FALSE#a#b}`: pegjs and Moodle agree.
    assert_eq!(
        feedback(&questions[0]),
        (
            false,
            "feedback for true".into(),
            "feedback for false".into()
        )
    );
    // `{TRUE#a}`: the first feedback is for the wrong choice, i.e. "false".
    assert_eq!(
        feedback(&questions[1]),
        (true, String::new(), "feedback for true".into())
    );
    // `{TRUE# #b}`: the second is for the right choice, "true".
    assert_eq!(
        feedback(&questions[2]),
        (true, "feedback for false".into(), String::new())
    );
}

#[test]
fn multiple_answers_float_snaps_to_moodle_grades() {
    let q = only(gift_fixture("gift_pegjs/multipleAnswersFloat.gift"));
    let QuestionKind::MultiChoice { single, answers } = &q.kind else {
        panic!("{q:?}")
    };
    assert!(!single);
    let fractions: Vec<f64> = answers.iter().map(|a| a.fraction).collect();
    assert_eq!(fractions, [0.3333333, 0.3333333, -1.0, 0.3333333, -1.0]);
    assert_eq!(
        q.text,
        "Select all of the options below which name a continent:"
    );
}

#[test]
fn numerical_ranges_and_negatives() {
    let questions = gift_fixture("gift_pegjs/numerical1.gift");
    let first = |q: &Question| match &q.kind {
        QuestionKind::Numerical { answers } => (answers[0].value, answers[0].tolerance),
        other => panic!("{other:?}"),
    };
    let got: Vec<(Option<f64>, f64)> = questions.iter().take(8).map(first).collect();
    assert_eq!(
        got,
        [
            (Some(1822.0), 0.0),
            (Some(-1.0), 0.0),
            (Some(3.1415), 0.0005),
            (Some(-3.142), 0.001),
            (Some(3.1415), 0.0005),
            (Some(-3.1415), 0.0005),
            (Some(3.0), 2.0),
            (Some(0.0), 5.0),
        ]
    );
    let grasp = &questions[9];
    assert_eq!(grasp.name, "Combien de principes GRASP y a-t-il?");
    assert_eq!(grasp.text_format, Html);
    let QuestionKind::Numerical { answers } = &grasp.kind else {
        panic!("{grasp:?}")
    };
    assert_eq!(answers[1].value, Some(9.0));
    assert_eq!(answers[1].fraction, 1.0);
    assert_eq!(answers[2].feedback_format, Html);
    assert!(
        answers[2]
            .feedback
            .contains("href=\"http://fr.wikipedia.org")
    );
}

#[test]
fn categories_apply_to_following_questions() {
    assert!(gift_fixture("gift_pegjs/category1.gift").is_empty());
    let source = format!(
        "{}\n\n::Q::Text{{T}}",
        fixture("gift_pegjs/categorySpecialCharacter.gift")
    );
    let q = only(gift(&source));
    assert_eq!(
        q.category.as_deref(),
        Some("$course$/top/Default for Unit 1: Topic")
    );
}

#[test]
fn escapes_newlines_and_latex() {
    let q = only(gift_fixture("gift_pegjs/newlineAndLaTeX.gift"));
    assert_eq!(q.text, "Blah\nblah $ 1 \\neq 0 $");
    assert_eq!(q.text_format, Html);

    let q = only(gift_fixture("gift_pegjs/symbolsAll.gift"));
    assert_eq!(
        q.text,
        "Here's a question that has symbols inside,\nsuch as `-=[];',./~!@#$%^&*()_+{}|:\"<>?"
    );

    let q = only(gift_fixture("gift_pegjs/mcHTMLComment.gift"));
    assert!(
        q.general_feedback
            .starts_with("<p><span style=\"color: #ff6600;\">")
    );
    assert!(q.general_feedback.contains("</p>\n<p><em>"));
    let QuestionKind::MultiChoice { answers, .. } = &q.kind else {
        panic!("{q:?}")
    };
    assert!(answers.iter().all(|a| a.text_format == Moodle));
    assert_eq!(answers[2].fraction, 1.0);
}

#[test]
fn shortanswer_not_matching_is_multichoice() {
    let questions = gift_fixture("gift_pegjs/shortAnswerNotMatching.gift");
    assert!(
        questions
            .iter()
            .all(|q| matches!(q.kind, QuestionKind::MultiChoice { single: true, .. }))
    );
    let QuestionKind::TrueFalse { feedback_true, .. } =
        &only(gift("Grant is buried in Grant's tomb.{FALSE#No one.}")).kind
    else {
        panic!()
    };
    assert_eq!(feedback_true, &Text::new("No one.", Moodle));
}
