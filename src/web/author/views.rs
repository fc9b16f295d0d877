//! View shapes shared by the trainers' pages: choices for selects and radios, and a question's
//! sanitised preview (every text through `render_formatted`, so `{{{...}}}` is safe).

use serde::Serialize;

use crate::content::markdown::render_formatted;
use crate::questions::{Question, QuestionKind, TextFormat};

/// One option of a select or radio group.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn choices<'a>(
    options: impl IntoIterator<Item = (&'a str, &'a str)>,
    selected: &str,
) -> Vec<Choice> {
    options
        .into_iter()
        .map(|(value, label)| Choice {
            value: value.to_owned(),
            label: label.to_owned(),
            selected: value == selected,
        })
        .collect()
}

/// One answer line of a preview.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewLine {
    pub html: String,
    /// "100 %", "0 %", "right", "matches: ..." and so on, as text.
    pub credit: String,
    pub feedback_html: String,
}

/// A question as a trainer checks it: sanitised HTML for every text.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionPreview {
    pub name: String,
    pub type_label: String,
    pub stem_html: String,
    pub lines: Vec<PreviewLine>,
    pub explanation_html: String,
    pub tags: String,
}

fn percent(fraction: f64) -> String {
    let value = (fraction * 100.0 * 1000.0).round() / 1000.0;
    format!("{value} %")
}

pub fn type_label(qtype: &str) -> &'static str {
    match qtype {
        "multichoice" => "Multiple choice",
        "truefalse" => "True or false",
        "shortanswer" => "Short answer",
        "numerical" => "Numerical",
        "matching" => "Matching",
        "essay" => "Essay",
        "description" => "Description",
        _ => "Other",
    }
}

impl QuestionPreview {
    pub fn of(question: &Question) -> Self {
        let html = |text: &str, format: TextFormat| render_formatted(text, format);
        let lines = match &question.kind {
            QuestionKind::MultiChoice { answers, .. }
            | QuestionKind::ShortAnswer { answers, .. } => answers
                .iter()
                .map(|a| PreviewLine {
                    html: html(&a.text, a.text_format),
                    credit: percent(a.fraction),
                    feedback_html: html(&a.feedback, a.feedback_format),
                })
                .collect(),
            QuestionKind::TrueFalse {
                correct,
                feedback_true,
                feedback_false,
            } => vec![
                PreviewLine {
                    html: "True".to_owned(),
                    credit: percent(if *correct { 1.0 } else { 0.0 }),
                    feedback_html: html(&feedback_true.text, feedback_true.format),
                },
                PreviewLine {
                    html: "False".to_owned(),
                    credit: percent(if *correct { 0.0 } else { 1.0 }),
                    feedback_html: html(&feedback_false.text, feedback_false.format),
                },
            ],
            QuestionKind::Numerical { answers } => answers
                .iter()
                .map(|a| PreviewLine {
                    html: match a.value {
                        Some(v) => format!("{v} ± {}", a.tolerance),
                        None => "any number".to_owned(),
                    },
                    credit: percent(a.fraction),
                    feedback_html: html(&a.feedback, a.feedback_format),
                })
                .collect(),
            QuestionKind::Matching { pairs } => pairs
                .iter()
                .map(|p| PreviewLine {
                    html: if p.question.is_empty() {
                        "(extra answer)".to_owned()
                    } else {
                        html(&p.question, p.question_format)
                    },
                    credit: format!("matches: {}", p.answer),
                    feedback_html: String::new(),
                })
                .collect(),
            QuestionKind::Essay | QuestionKind::Description => Vec::new(),
        };
        let type_label = match &question.kind {
            QuestionKind::MultiChoice { single: true, .. } => "Single choice",
            QuestionKind::MultiChoice { single: false, .. } => "Multiple response",
            other => type_label(other.type_name()),
        };
        Self {
            name: question.name.clone(),
            type_label: type_label.to_owned(),
            stem_html: html(&question.text, question.text_format),
            lines,
            explanation_html: html(&question.general_feedback, question.general_feedback_format),
            tags: question.tags.join(", "),
        }
    }
}
