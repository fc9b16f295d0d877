//! The quiz as the package runs it: each gradable question as an NHS.UK form group, and the
//! key `player.js` marks answers with (the marks, each option's feedback and the explanation,
//! all as sanitised HTML), marked as the service marks them (`questions::grading`).

use serde::Serialize;

use crate::content::markdown::{escape_html, render_formatted};
use crate::questions::{Question, QuestionKind};

/// How `player.js` marks one question.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Key {
    /// One choice (radios): the fraction and feedback of each option, in the order shown.
    Choice {
        fractions: Vec<f64>,
        feedback: Vec<String>,
    },
    /// Several choices (check boxes): the chosen fractions add up, clamped to 0..1.
    Choices {
        fractions: Vec<f64>,
        feedback: Vec<String>,
    },
    /// A typed answer matched against Moodle wildcard patterns (`*`; `\*` is a literal star).
    Text {
        patterns: Vec<Pattern>,
        use_case: bool,
    },
    /// A typed number; a `value` of null accepts any number.
    Number { numbers: Vec<Number> },
    /// For each prompt, the index of its right answer among the choices shown.
    Match { right: Vec<usize> },
}

#[derive(Debug, Serialize)]
pub struct Pattern {
    pattern: String,
    fraction: f64,
    feedback: String,
}

#[derive(Debug, Serialize)]
pub struct Number {
    value: Option<f64>,
    tolerance: f64,
    fraction: f64,
    feedback: String,
}

/// One question's key with its explanation.
#[derive(Debug, Serialize)]
pub struct KeyedQuestion {
    #[serde(flatten)]
    key: Key,
    explanation: String,
}

/// The key of every question, in order (the n-th belongs to the form's question `q{n+1}`).
pub fn keys(questions: &[Question]) -> Vec<KeyedQuestion> {
    questions
        .iter()
        .map(|q| KeyedQuestion {
            key: key(q),
            explanation: render_formatted(&q.general_feedback, q.general_feedback_format),
        })
        .collect()
}

fn key(question: &Question) -> Key {
    match &question.kind {
        QuestionKind::MultiChoice { single, answers } => {
            let fractions = answers.iter().map(|a| a.fraction).collect();
            let feedback = answers
                .iter()
                .map(|a| render_formatted(&a.feedback, a.feedback_format))
                .collect();
            if *single {
                Key::Choice {
                    fractions,
                    feedback,
                }
            } else {
                Key::Choices {
                    fractions,
                    feedback,
                }
            }
        }
        QuestionKind::TrueFalse {
            correct,
            feedback_true,
            feedback_false,
        } => Key::Choice {
            fractions: vec![
                f64::from(u8::from(*correct)),
                f64::from(u8::from(!*correct)),
            ],
            feedback: vec![
                render_formatted(&feedback_true.text, feedback_true.format),
                render_formatted(&feedback_false.text, feedback_false.format),
            ],
        },
        QuestionKind::ShortAnswer { answers, use_case } => Key::Text {
            patterns: answers
                .iter()
                .map(|a| Pattern {
                    pattern: a.text.clone(),
                    fraction: a.fraction,
                    feedback: render_formatted(&a.feedback, a.feedback_format),
                })
                .collect(),
            use_case: *use_case,
        },
        QuestionKind::Numerical { answers } => Key::Number {
            numbers: answers
                .iter()
                .map(|a| Number {
                    value: a.value,
                    tolerance: a.tolerance,
                    fraction: a.fraction,
                    feedback: render_formatted(&a.feedback, a.feedback_format),
                })
                .collect(),
        },
        QuestionKind::Matching { pairs } => {
            let choices = question.matching_choices();
            Key::Match {
                right: pairs
                    .iter()
                    .filter(|p| !p.question.is_empty())
                    .map(|p| choices.iter().position(|c| *c == p.answer).unwrap_or(0))
                    .collect(),
            }
        }
        // Not gradable, so never in a package's quiz (`content::load` leaves them out).
        QuestionKind::Essay | QuestionKind::Description => Key::Match { right: Vec::new() },
    }
}

/// The form group of question `number` (from 1) of `count`.
pub fn form_group(question: &Question, number: usize, count: usize) -> String {
    let id = format!("q{number}");
    let text = render_formatted(&question.text, question.text_format);
    let inputs = match &question.kind {
        QuestionKind::MultiChoice { single, answers } => {
            let options: Vec<String> = answers
                .iter()
                .map(|a| render_formatted(&a.text, a.text_format))
                .collect();
            choice_inputs(&id, &options, *single)
        }
        QuestionKind::TrueFalse { .. } => {
            choice_inputs(&id, &["True".to_owned(), "False".to_owned()], true)
        }
        QuestionKind::ShortAnswer { .. } => typed_input(&id, "text"),
        QuestionKind::Numerical { .. } => typed_input(&id, "decimal"),
        QuestionKind::Matching { pairs } => {
            let choices = question.matching_choices();
            pairs
                .iter()
                .filter(|p| !p.question.is_empty())
                .enumerate()
                .map(|(n, p)| {
                    let options: String = choices
                        .iter()
                        .enumerate()
                        .map(|(i, c)| format!("<option value=\"{i}\">{}</option>", escape_html(c)))
                        .collect();
                    format!(
                        "<div class=\"nhsuk-form-group\"><label class=\"nhsuk-label\" \
                         for=\"{id}-{n}\">{}</label><select class=\"nhsuk-select\" id=\"{id}-{n}\" \
                         name=\"{id}-{n}\"><option value=\"\">Choose an answer</option>{options}\
                         </select></div>",
                        render_formatted(&p.question, p.question_format)
                    )
                })
                .collect()
        }
        QuestionKind::Essay | QuestionKind::Description => String::new(),
    };
    format!(
        "<div class=\"nhsuk-form-group app-question\" id=\"{id}\">\
         <fieldset class=\"nhsuk-fieldset\" aria-describedby=\"{id}-text\">\
         <legend class=\"nhsuk-fieldset__legend nhsuk-fieldset__legend--s\">Question {number} of {count}</legend>\
         <div class=\"app-question-text\" id=\"{id}-text\">{text}</div>{inputs}</fieldset>\
         <div class=\"app-feedback\" id=\"{id}-feedback\" hidden></div></div>"
    )
}

fn choice_inputs(id: &str, options: &[String], single: bool) -> String {
    let (kind, class) = if single {
        ("radio", "radios")
    } else {
        ("checkbox", "checkboxes")
    };
    let items: String = options
        .iter()
        .enumerate()
        .map(|(n, html)| {
            format!(
                "<div class=\"nhsuk-{class}__item\"><input class=\"nhsuk-{class}__input\" \
                 id=\"{id}-{n}\" name=\"{id}\" type=\"{kind}\" value=\"{n}\">\
                 <label class=\"nhsuk-label nhsuk-{class}__label\" for=\"{id}-{n}\">{html}</label></div>"
            )
        })
        .collect();
    format!("<div class=\"nhsuk-{class}\">{items}</div>")
}

fn typed_input(id: &str, mode: &str) -> String {
    format!(
        "<label class=\"nhsuk-label\" for=\"{id}-answer\">Your answer</label>\
         <input class=\"nhsuk-input nhsuk-input--width-20\" id=\"{id}-answer\" name=\"{id}\" \
         type=\"text\" inputmode=\"{mode}\" autocomplete=\"off\" spellcheck=\"false\">"
    )
}
