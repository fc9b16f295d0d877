//! EXPECTED.md section 1: Moodle's `questions.gift.txt`, plus the unit-test strings and
//! export goldens of `giftformat_test.php`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::approx_constant)]

use super::TextFormat::{Html, Markdown, Moodle, Plain};
use super::tests_support::*;
use super::{Question, QuestionKind, Text, write_gift};

fn questions_gift() -> Vec<Question> {
    gift_fixture("moodle_gift/questions.gift.txt")
}

#[test]
fn questions_gift_has_nine_questions_at_their_lines() {
    let questions = questions_gift();
    assert_eq!(questions.len(), 9);
    let names: Vec<&str> = questions.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Q8",
            "Moodle activities",
            "Q2",
            "colours",
            "Q5",
            "Shortanswer",
            "Q1",
            "2-08 TSL",
            "2-08 TSL"
        ]
    );
    let lines: Vec<usize> = questions.iter().map(|q| q.line).collect();
    assert_eq!(lines, [2, 5, 14, 22, 31, 34, 41, 46, 49]);
    assert!(
        questions
            .iter()
            .all(|q| q.category.is_none() && q.id.is_none())
    );
}

#[test]
fn q8_essay() {
    let q = &questions_gift()[0];
    assert_eq!(q.kind, QuestionKind::Essay);
    assert_eq!((q.text.as_str(), q.text_format), ("How are you?", Moodle));
    assert_eq!(
        (q.general_feedback.as_str(), q.general_feedback_format),
        ("", Moodle)
    );
}

#[test]
fn moodle_activities_matching_with_per_pair_formats_and_distractor() {
    let q = &questions_gift()[1];
    assert_eq!(q.text, "Match the <b>activity</b> to the description.");
    assert_eq!(q.text_format, Html);
    assert_eq!(
        (q.general_feedback.as_str(), q.general_feedback_format),
        ("", Html)
    );
    let expected = vec![
        pair(
            "An activity supporting asynchronous discussions.",
            Html,
            "Forum",
        ),
        pair(
            "A teacher asks a question and specifies a choice of multiple responses.",
            Moodle,
            "Choice",
        ),
        pair(
            "A bank of record entries which participants can add to.",
            Plain,
            "Database",
        ),
        pair(
            "A collection of web pages that anyone can add to or edit.",
            Markdown,
            "Wiki",
        ),
        pair("", Html, "Chat"),
    ];
    assert_eq!(q.kind, QuestionKind::Matching { pairs: expected });
}

#[test]
fn q2_single_choice_with_feedback_formats() {
    let q = &questions_gift()[2];
    assert_eq!(q.text, "What's between orange and green in the spectrum?");
    assert_eq!(q.text_format, Moodle);
    let expected = vec![
        answer("yellow", Moodle, 1.0, "right; good!", Moodle),
        answer("red", Moodle, 0.0, "wrong, it's yellow", Html),
        answer("blue", Plain, 0.0, "wrong, it's yellow", Moodle),
    ];
    assert_eq!(
        q.kind,
        QuestionKind::MultiChoice {
            single: true,
            answers: expected
        }
    );
}

#[test]
fn colours_multi_response_with_negative_weights() {
    let q = &questions_gift()[3];
    assert_eq!(q.text, "What's between orange and green in the spectrum?");
    let expected = vec![
        answer("yellow", Moodle, 0.5, "right; good!", Moodle),
        answer("red", Moodle, -1.0, "wrong", Html),
        answer("off-beige", Moodle, 0.5, "right; good!", Moodle),
        answer("blue", Plain, -1.0, "wrong", Moodle),
    ];
    assert_eq!(
        q.kind,
        QuestionKind::MultiChoice {
            single: false,
            answers: expected
        }
    );
}

#[test]
fn q5_numerical_missing_word_text_and_other_answer() {
    let q = &questions_gift()[4];
    assert_eq!(q.text, "What is a number from 1 to 5? _____\";");
    let expected = vec![
        number(Some(3.0), 2.0, 1.0, ""),
        number(None, 0.0, 0.0, "Completely wrong"),
    ];
    assert_eq!(q.kind, QuestionKind::Numerical { answers: expected });
}

#[test]
fn shortanswer_with_weights_and_wildcard() {
    let q = &questions_gift()[5];
    assert_eq!(q.text, "Which is the best animal?");
    let expected = vec![
        answer("Frog", Plain, 1.0, "Good!", Moodle),
        answer(
            "Cat",
            Plain,
            0.5,
            "What is it with Moodlers and cats?",
            Moodle,
        ),
        answer("*", Plain, 0.0, "Completely wrong", Moodle),
    ];
    assert_eq!(
        q.kind,
        QuestionKind::ShortAnswer {
            answers: expected,
            use_case: false
        }
    );
}

#[test]
fn q1_truefalse_feedback_order_and_general_feedback() {
    let q = &questions_gift()[6];
    assert_eq!(q.text, "42 is the Absolute Answer to everything._____\";");
    assert_eq!(
        q.kind,
        QuestionKind::TrueFalse {
            correct: false,
            feedback_true: Text::new("42 is the Ultimate Answer.", Moodle),
            feedback_false: Text::new("You gave the right answer.", Moodle),
        }
    );
    assert_eq!(
        q.general_feedback,
        "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    );
    assert_eq!(q.general_feedback_format, Moodle);
}

#[test]
fn tsl_truefalse_t_and_true() {
    let questions = questions_gift();
    for q in &questions[7..9] {
        assert_eq!(q.text, "TSL is blablabla.");
        assert_eq!(
            q.kind,
            QuestionKind::TrueFalse {
                correct: true,
                feedback_true: Text::new("", Moodle),
                feedback_false: Text::new("", Moodle),
            }
        );
    }
}

#[test]
fn questions_gift_re_export_size_is_in_behat_range() {
    // Behat expects Moodle's export of this file to be 1650–1800 bytes. Moodle adds a
    // `// question: N  name: X` line and a category switch; without them ours is smaller.
    let exported = write_gift(&questions_gift());
    assert!((1100..1800).contains(&exported.len()), "{}", exported.len());
}

#[test]
fn unit_test_extras() {
    let q = only(gift(
        "// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n\
         =Frog#Good!\n=%50%Cat#What is it with Moodlers and cats?\n=%0%*#Completely wrong\n\
         ####[html]Here is some general feedback!\n}",
    ));
    assert_eq!(q.general_feedback, "Here is some general feedback!");
    assert_eq!(q.general_feedback_format, Html);
    assert_eq!(q.text_format, Moodle);

    let q = only(gift("::double backslash:: A \\\\ B \\\\\\\\ C{}"));
    assert_eq!(q.kind, QuestionKind::Essay);
    assert_eq!(q.text, "A \\ B \\\\ C");

    let q = only(gift(
        "::Q001::[html]<p>What would running the test method print?</p>\n<pre>\n    \
         public void test() \\{\n        method1();\n    \\}\n</pre>\n{}",
    ));
    assert_eq!(
        q.text,
        "<p>What would running the test method print?</p>\n<pre>\npublic void test() {\n\
         method1();\n}\n</pre>"
    );

    let q = only(gift(
        "// This question is to test tags: [tag:tag] [tag:other-tag].\n\
         // And an idnumber: [id:myid].\n::Question name::How are you?{}",
    ));
    assert_eq!(q.tags, ["tag", "other-tag"]);
    assert_eq!(q.id.as_deref(), Some("myid"));

    let q = only(gift(
        "// multiple choice, multiple response\n::colours:: What's between orange and green?\n\
         {\n~%100%yellow\n~%-50%red\n~%-50%blue\n}",
    ));
    let QuestionKind::MultiChoice { single, answers } = &q.kind else {
        panic!("{q:?}")
    };
    assert!(!single);
    let fractions: Vec<f64> = answers.iter().map(|a| a.fraction).collect();
    assert_eq!(fractions, [1.0, -0.5, -0.5]);
}

#[test]
fn export_goldens() {
    let essay = only(gift("::Q8:: How are you? {}"));
    assert_eq!(write_gift(&[essay]), "::Q8::How are you?{}\n\n");

    let out = write_gift(&questions_gift()[2..3]);
    let golden = "\t=yellow#right; good!\n\t~red#[html]wrong, it's yellow\n\t~[plain]blue#wrong, \
                  it's yellow\n";
    assert!(out.contains(golden), "{out}");

    let numerical = only(gift(
        "::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}",
    ));
    let out = write_gift(&[numerical]);
    assert!(
        out.contains("{#\n\t=%100%3:2#\n\t~#Completely wrong\n}"),
        "{out}"
    );

    let tf = only(gift(
        "::Q1:: 42 is the Absolute Answer to everything.{TRUE#[html]42 is the Ultimate \
         Answer.#You gave the right answer.}",
    ));
    let out = write_gift(&[tf]);
    assert!(
        out.contains("{TRUE#[html]42 is the Ultimate Answer.#You gave the right answer.}"),
        "{out}"
    );
}
