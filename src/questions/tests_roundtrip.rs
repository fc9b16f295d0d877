//! Parse → write → parse gives equal questions, in each format and across formats.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::approx_constant)]

use super::TextFormat::{Html, Markdown, Moodle, Plain};
use super::tests_support::*;
use super::{
    Answer, Category, MatchPair, NumericalAnswer, Question, QuestionBank, QuestionKind, Text,
    TextFormat, parse_gift, parse_moodle_xml, parse_moodle_xml_bank, write_gift, write_moodle_xml,
    write_moodle_xml_bank,
};

fn reread_gift(questions: &[Question]) -> Vec<Question> {
    let written = write_gift(questions);
    parse_gift(&written, "written.gift").unwrap_or_else(|e| panic!("{e:#?}\n{written}"))
}

fn reread_xml(questions: &[Question]) -> Vec<Question> {
    let written = write_moodle_xml(questions);
    parse_moodle_xml(&written, "written.xml").unwrap_or_else(|e| panic!("{e:#?}\n{written}"))
}

fn assert_same(label: &str, expected: &[Question], got: &[Question]) {
    assert_eq!(expected.len(), got.len(), "{label}");
    for (e, g) in expected.iter().zip(got) {
        assert_eq!(e, g, "{label}");
    }
}

/// GIFT → GIFT, GIFT → XML, and GIFT → XML → GIFT.
fn assert_round_trips(label: &str, questions: &[Question]) {
    assert_same(
        &format!("{label}: gift"),
        questions,
        &reread_gift(questions),
    );
    let via_xml = reread_xml(questions);
    assert_same(&format!("{label}: xml"), questions, &via_xml);
    assert_same(
        &format!("{label}: xml→gift"),
        questions,
        &reread_gift(&via_xml),
    );
}

#[test]
fn gift_fixtures_round_trip() {
    let files = fixture_files("moodle_gift", ".txt")
        .into_iter()
        .chain(fixture_files("gift_pegjs", ".gift"));
    for file in files {
        assert_round_trips(&file, &gift_fixture(&file));
    }
}

#[test]
fn xml_fixtures_round_trip() {
    let files = fixture_files("moodle_xml", ".xml")
        .into_iter()
        .chain(fixture_files("moodle_xml_inline", ".xml"))
        .filter(|f| !f.contains("error_invalid_grades"));
    for file in files {
        let bank = parse_moodle_xml_bank(&fixture(&file), &file).unwrap();
        let written = write_moodle_xml_bank(&bank);
        let again = parse_moodle_xml_bank(&written, "written.xml").unwrap();
        assert_eq!(bank.categories, again.categories, "{file}");
        assert_same(&file, &bank.questions, &again.questions);
    }
}

fn answer(text: &str, format: TextFormat, fraction: f64, feedback: Text) -> Answer {
    Answer {
        text: text.into(),
        text_format: format,
        fraction,
        feedback: feedback.text,
        feedback_format: feedback.format,
    }
}

fn question(name: &str, text: &str, format: TextFormat, kind: QuestionKind) -> Question {
    Question {
        text_format: format,
        general_feedback_format: format,
        ..Question::new(name, text, kind)
    }
}

/// Questions of every kind whose texts exercise escaping, prefixes and formats.
fn hand_made() -> Vec<Question> {
    let nasty = "Braces {x} \\ backslash #hash =eq ~tilde :colon ]]> <tag> & 'q' \"dq\"";
    let mut single = question(
        "Genes: {BRCA1} #1 ~ = \\",
        "Which base pairs with adenine?\nSecond line _____ here.",
        Moodle,
        QuestionKind::MultiChoice {
            single: true,
            answers: vec![
                answer(
                    "Thymine",
                    Moodle,
                    1.0,
                    Text::new("Yes — T pairs with A.", Html),
                ),
                answer("[html] is literal text", Moodle, 0.0, Text::new("", Moodle)),
                answer(
                    "%50% is not a weight",
                    Moodle,
                    0.0,
                    Text::new(nasty, Markdown),
                ),
                answer("<b>Uracil</b>", Html, 0.0, Text::new("Only in RNA.", Plain)),
                answer(nasty, Plain, 0.1, Text::new("", Moodle)),
            ],
        },
    );
    single.id = Some("gb-001".into());
    single.tags = vec!["dna".into(), "base pairs".into(), "odd]tag".into()];
    single.general_feedback = "Watson–Crick pairing: A–T, G–C. 🧬".into();

    let all_correct = question(
        "All right",
        "[markdown] at the start is text here",
        Moodle,
        QuestionKind::MultiChoice {
            single: true,
            answers: vec![
                answer("One", Moodle, 1.0, Text::new("", Moodle)),
                answer("Two", Moodle, 1.0, Text::new("", Moodle)),
            ],
        },
    );

    let mut multi = question(
        "Multi",
        "<p>Select the <em>purines</em>.</p>",
        Html,
        QuestionKind::MultiChoice {
            single: false,
            answers: vec![
                answer("Adenine", Html, 0.5, Text::new("", Html)),
                answer("Guanine", Html, 0.5, Text::new("Right", Markdown)),
                answer("Cytosine", Html, -1.0, Text::new("", Html)),
                answer("Thymine", Html, -0.3333333, Text::new("", Html)),
                answer("Uracil", Plain, 0.0, Text::new("", Html)),
            ],
        },
    );
    multi.general_feedback = "[html]not a prefix".into();

    let truefalse = question(
        "TF",
        "Humans have 46 chromosomes.",
        Markdown,
        QuestionKind::TrueFalse {
            correct: true,
            feedback_true: Text::new("Correct: 23 *pairs*.", Markdown),
            feedback_false: Text::new("<p>No.</p>", Html),
        },
    );
    let mut truefalse_right_only = question(
        "TF2",
        "The Earth is flat.",
        Moodle,
        QuestionKind::TrueFalse {
            correct: false,
            feedback_true: Text::new("", Moodle),
            feedback_false: Text::new("Right#really", Plain),
        },
    );
    truefalse_right_only.general_feedback = "General #### feedback".into();
    truefalse_right_only.general_feedback_format = Html;

    let short = question(
        "Short",
        "Name the gene: _____",
        Moodle,
        QuestionKind::ShortAnswer {
            answers: vec![
                answer("BRCA1", Plain, 1.0, Text::new("Yes", Moodle)),
                answer("brca*", Plain, 0.5, Text::new("Which one?", Html)),
                answer("\\*literal star", Plain, 0.25, Text::new("", Moodle)),
                answer("[html]x", Plain, 0.2, Text::new("", Moodle)),
                answer("T", Plain, 0.1, Text::new("", Moodle)),
                answer("*", Plain, 0.0, Text::new("No", Moodle)),
            ],
            use_case: false,
        },
    );
    let number = |value, tolerance, fraction, feedback: &str| NumericalAnswer {
        value,
        tolerance,
        fraction,
        feedback: feedback.into(),
        feedback_format: Moodle,
    };
    let mut numerical = question(
        "Num",
        "How many base pairs (millions) in chromosome 1?",
        Moodle,
        QuestionKind::Numerical {
            answers: vec![
                number(Some(248.956422), 0.5, 1.0, "Good"),
                number(None, 0.0, 0.0, "wildcard in the middle ~ # ="),
                number(Some(-2.5e-3), 0.0, 0.5, ""),
                number(Some(1e21), 1e-9, 0.3333333, ""),
                number(None, 0.0, 0.0, "Anything else"),
            ],
        },
    );
    numerical.id = Some("a]b".into());
    let matching = question(
        "Match",
        "Match the <b>test</b> to its use.",
        Html,
        QuestionKind::Matching {
            pairs: vec![
                MatchPair {
                    question: "Karyotype".into(),
                    question_format: Html,
                    answer: "Chromosome number -> structure".into(),
                },
                MatchPair {
                    question: "[plain]prefix-like".into(),
                    question_format: Moodle,
                    answer: "Trio = {parents}".into(),
                },
                MatchPair {
                    question: "".into(),
                    question_format: Html,
                    answer: "Distractor: #1".into(),
                },
            ],
        },
    );
    let mut essay = question(
        "Essay",
        "Explain *penetrance*.",
        Markdown,
        QuestionKind::Essay,
    );
    essay.general_feedback = "Look for incomplete penetrance.".into();
    essay.tags = vec!["reflection".into()];
    let description = question(
        "Intro",
        "These questions cover inheritance.\n\nTake your time.",
        Plain,
        QuestionKind::Description,
    );
    let mut questions = vec![
        single,
        all_correct,
        multi,
        truefalse,
        truefalse_right_only,
        short,
        numerical,
        matching,
        essay,
        description,
    ];
    // GIFT cannot switch back to "no category", so every question has one.
    for (i, q) in questions.iter_mut().enumerate() {
        let category = if (2..8).contains(&i) {
            "genomics/advanced: part 1"
        } else {
            "genomics-basics"
        };
        q.category = Some(category.into());
    }
    questions
}

#[test]
fn hand_made_questions_round_trip() {
    let questions = hand_made();
    for q in &questions {
        super::validate::check_structure(&q.kind).unwrap_or_else(|e| panic!("{e}: {q:?}"));
    }
    assert_round_trips("hand made", &questions);
    // Each question alone too, so no category carries over from a neighbour.
    for q in &questions {
        assert_round_trips(&q.name, std::slice::from_ref(q));
    }
}

#[test]
fn xml_keeps_what_gift_cannot() {
    let mut description = question("D", "Read this.", Html, QuestionKind::Description);
    description.general_feedback = "Only XML keeps this.".into();
    description.category = Some("$course$/top/Genomics".into());
    let mut short = question(
        "S",
        "Gene symbol?",
        Moodle,
        QuestionKind::ShortAnswer {
            answers: vec![answer("TP53", Plain, 1.0, Text::new("", Moodle))],
            use_case: true,
        },
    );
    short.category = Some("$course$/top/Genomics".into());
    let bank = QuestionBank {
        categories: vec![Category {
            path: "$course$/top/Genomics".into(),
            info: "All about <genes> & more".into(),
            info_format: Html,
            id: Some("cat-1".into()),
        }],
        questions: vec![description, short],
    };
    let written = write_moodle_xml_bank(&bank);
    let again = parse_moodle_xml_bank(&written, "w.xml").unwrap();
    assert_eq!(again, bank);
}

/// Regression (found by the `moodle_xml_reader` fuzz target): the writer wrote only the
/// categories that held questions, where the questions came, so an empty category (and its
/// description) was lost, and categories whose questions came in another order than the
/// categories were declared read back reordered.
#[test]
fn bank_keeps_empty_categories_and_the_order_they_were_declared_in() {
    let category = |path: &str, info: &str| Category {
        path: path.into(),
        info: info.into(),
        info_format: Plain,
        id: None,
    };
    let in_category = |name: &str, path: &str| {
        let mut q = question(
            name,
            "DNA is a double helix.",
            Moodle,
            QuestionKind::TrueFalse {
                correct: true,
                feedback_true: Text::new("", Moodle),
                feedback_false: Text::new("", Moodle),
            },
        );
        q.category = Some(path.into());
        q
    };
    let bank = QuestionBank {
        categories: vec![
            category("$course$/Empty", "Nothing here yet"),
            category("$course$/B", "Second"),
            category("$course$/C", "Third"),
            category("$course$/Last", "Also empty"),
        ],
        questions: vec![
            in_category("c1", "$course$/C"),
            in_category("b1", "$course$/B"),
            in_category("c2", "$course$/C"),
        ],
    };
    let written = write_moodle_xml_bank(&bank);
    let again = parse_moodle_xml_bank(&written, "w.xml").unwrap();
    assert_eq!(again, bank, "{written}");
}

#[test]
fn serde_round_trip() {
    let questions = hand_made();
    let json = serde_json::to_string(&questions).unwrap();
    let back: Vec<Question> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, questions);
    let essay: serde_json::Value = serde_json::to_value(&questions[8]).unwrap();
    assert_eq!(essay["kind"]["type"], "essay");
    assert_eq!(essay["text_format"], "markdown");
}
