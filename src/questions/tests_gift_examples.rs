//! EXPECTED.md sections 2–3: the GIFT file with a category, and Moodle's `examples.txt`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::approx_constant)]

use super::TextFormat::{Html, Markdown, Plain};
use super::tests_support::*;
use super::{Question, QuestionKind};

#[test]
fn questions_in_category_file() {
    let questions = gift_fixture("moodle_gift/questions_in_category.gift.txt");
    assert_eq!(questions.len(), 4);
    for q in &questions {
        assert_eq!(
            q.category.as_deref(),
            Some("$course$/Default for New Features")
        );
        assert_eq!(q.text_format, Html);
    }
    let activities = &questions[0];
    assert_eq!(activities.name, "Moodle activities");
    assert_eq!(activities.text, "Match the activity to the description.");
    let QuestionKind::Matching { pairs } = &activities.kind else {
        panic!("{activities:?}")
    };
    let answers: Vec<&str> = pairs.iter().map(|p| p.answer.as_str()).collect();
    assert_eq!(answers, ["Forum", "Choice", "Database", "Wiki", "Chat"]);
    assert!(pairs.iter().all(|p| p.question_format == Html));
    assert_eq!(pairs[4].question, "");

    let greeting = &questions[1];
    assert_eq!(greeting.name, "Greeting");
    assert_eq!(
        greeting.text,
        "<a href=\"http://demo.moodle.net/file.php/5/media/bonjour.mp3\">Listen to this \
         greeting:</a><br /><br />What language is being spoken?"
    );
    let sorry = "Sorry, listen again.";
    let expected = vec![
        answer("English", Html, 0.0, sorry, Html),
        answer("French", Html, 1.0, "Yes, well done!", Html),
        answer("German", Html, 0.0, sorry, Html),
        answer("Spanish", Html, 0.0, sorry, Html),
    ];
    assert_eq!(
        greeting.kind,
        QuestionKind::MultiChoice {
            single: true,
            answers: expected
        }
    );

    let user = &questions[2];
    assert_eq!(user.name, "Moodle user");
    assert_eq!(
        user.kind,
        QuestionKind::ShortAnswer {
            answers: vec![answer("Moodler", Plain, 1.0, "", Html)],
            use_case: false
        }
    );

    let acronym = &questions[3];
    assert_eq!(acronym.name, "Moodle acronym");
    assert_eq!(
        acronym.text,
        "Moodle is an acronym for <span style=\"font-style: italic;\">Modular Object-Oriented \
         Dynamic Learning Environment</span>."
    );
    assert!(matches!(
        acronym.kind,
        QuestionKind::TrueFalse { correct: true, .. }
    ));
}

#[test]
fn examples_file_parses_with_expected_values() {
    let questions = gift_fixture("moodle_gift/examples.txt");
    assert_eq!(questions.len(), 43);
    let by_line = |line: usize| {
        questions
            .iter()
            .find(|q| q.line == line)
            .unwrap_or_else(|| panic!("no question at line {line}"))
    };
    // `{#1822:1}`
    assert_eq!(
        by_line(16).kind,
        QuestionKind::Numerical {
            answers: vec![number(Some(1822.0), 1.0, 1.0, "")]
        }
    );
    // `{#3.141..3.142}` is midpoint and half-width.
    assert_eq!(
        by_line(74).kind,
        QuestionKind::Numerical {
            answers: vec![number(Some(3.1415), 0.0005, 1.0, "")]
        }
    );
    // `=1822:0 =%50%1822:2`
    assert_eq!(
        by_line(76).kind,
        QuestionKind::Numerical {
            answers: vec![
                number(Some(1822.0), 0.0, 1.0, ""),
                number(Some(1822.0), 2.0, 0.5, "")
            ]
        }
    );
    // Missing word.
    assert_eq!(by_line(10).text, "Grant is _____ in Grant's tomb.");
    // `[markdown]` reaches the answers' feedback.
    let markdown = by_line(108);
    assert_eq!(markdown.text, "Who's buried in **Grant's tomb**?");
    assert_eq!(markdown.text_format, Markdown);
    let QuestionKind::ShortAnswer { answers, .. } = &markdown.kind else {
        panic!("{markdown:?}")
    };
    assert!(answers.iter().all(|a| a.feedback_format == Markdown));
    // Partial and negative weights.
    let fractions = |q: &Question| match &q.kind {
        QuestionKind::MultiChoice { answers, .. } | QuestionKind::ShortAnswer { answers, .. } => {
            answers.iter().map(|a| a.fraction).collect::<Vec<_>>()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(fractions(by_line(117)), [0.0, 0.25, 0.5, 1.0]);
    assert_eq!(fractions(by_line(123)), [1.0, 0.75, 0.25]);
    assert_eq!(fractions(by_line(136)), [-0.5, 0.5, 0.5, -0.5]);
    assert!(matches!(
        by_line(136).kind,
        QuestionKind::MultiChoice { single: false, .. }
    ));
    // Escapes.
    let equals = by_line(143);
    let QuestionKind::MultiChoice { answers, .. } = &equals.kind else {
        panic!("{equals:?}")
    };
    let texts: Vec<&str> = answers.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(texts, ["= 2 + 2", "= 2 + 3", "= 2 + 4"]);
    let control = by_line(148);
    assert_eq!(control.name, "GIFT Control Characters");
    let QuestionKind::MultiChoice { answers, .. } = &control.kind else {
        panic!("{control:?}")
    };
    let texts: Vec<&str> = answers.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(texts, ["~", "=", "#", "{", "}", "\\"]);
    assert_eq!(answers[0].feedback, "~ is a control character.");
    assert_eq!(
        answers[5].feedback,
        "Correct! \\ (backslash) is not a control character. BUT,\nit is used to escape the \
         control characters. So, to specify\na literal backslash, you must escape it with a \
         backslash\n(as shown in this example)."
    );
    assert_eq!(answers[5].fraction, 1.0);
    // Default names are the start of the text, cut like Moodle's shorten_text().
    assert_eq!(
        by_line(29).name,
        "The American holiday of Thanksgiving is celebrated on the _____ Thursday of ..."
    );
    assert_eq!(by_line(90).name, "Kanji Origins");
    assert_eq!(
        by_line(90).text,
        "Japanese characters originally\ncame from what country?"
    );
}
