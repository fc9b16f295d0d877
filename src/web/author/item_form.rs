//! The item form: the type is chosen first, then only that type's fields are shown (a fixed
//! number of option and pair rows, blank rows ignored) or GIFT text for power users; turned
//! into a [`Question`] with per-field errors, and filled back from a question for editing.

use rocket::form::FromForm;
use serde::{Deserialize, Serialize};

use crate::questions::{
    Answer, MatchPair, NumericalAnswer, Question, QuestionKind, Text, TextFormat, parse_gift,
    write_gift,
};
use crate::web::accounts::FormErrors;
use crate::web::csrf::CsrfField;

/// Option and pair rows shown on a new form (more when an item already has more).
pub const ROWS: usize = 6;

/// The types the form offers, as (value, label).
pub const TYPES: [(&str, &str); 7] = [
    ("single", "Single choice (one right answer)"),
    ("multi", "Multiple response (tick all that apply)"),
    ("truefalse", "True or false"),
    ("shortanswer", "Short answer"),
    ("numerical", "Numerical"),
    ("matching", "Matching pairs"),
    ("gift", "Write it as GIFT"),
];

/// The form's type for a `type` value from a link or form: one of [`TYPES`], or Moodle's
/// name for it (`multichoice` is single choice, Moodle's default; `match` is matching).
pub fn form_type(value: &str) -> Option<&'static str> {
    let value = value.trim();
    let value = match value {
        "multichoice" => "single",
        "match" => "matching",
        other => other,
    };
    TYPES.iter().map(|(v, _)| *v).find(|v| *v == value)
}

/// The label of a form type (`value` being one of [`TYPES`]).
pub fn form_type_label(value: &str) -> &'static str {
    TYPES
        .iter()
        .find(|(v, _)| *v == value)
        .map_or("", |(_, label)| *label)
}

/// The text formats, as (value, label).
pub const FORMATS: [(&str, &str); 4] = [
    ("markdown", "Markdown"),
    ("moodle", "Moodle auto-format"),
    ("html", "HTML"),
    ("plain", "Plain text"),
];

#[derive(Debug, Clone, Default, FromForm, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OptionRow {
    #[field(default = String::new())]
    #[serde(default)]
    pub text: String,
    /// Credit in percent (100 for right, 0 for wrong; Moodle's grades).
    #[field(default = String::new())]
    #[serde(default)]
    pub fraction: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub feedback: String,
}

#[derive(Debug, Clone, Default, FromForm, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PairRow {
    #[field(default = String::new())]
    #[serde(default)]
    pub question: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub answer: String,
}

/// What the item form posts (also accepted as JSON by the API).
#[derive(Debug, Clone, Default, FromForm, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemForm {
    #[field(default = String::new())]
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub csrf_token: String,
    /// `save` or `preview`.
    #[field(default = String::new())]
    #[serde(default)]
    pub action: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub topic: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub uid: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub qtype: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub name: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub stem: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub format: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub explanation: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub options: Vec<OptionRow>,
    #[field(default = String::new())]
    #[serde(default)]
    pub tf_correct: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub tf_feedback_true: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub tf_feedback_false: String,
    #[field(default = false)]
    #[serde(default)]
    pub use_case: bool,
    #[field(default = String::new())]
    #[serde(default)]
    pub num_value: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub num_tolerance: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub num_feedback: String,
    #[serde(default)]
    pub pairs: Vec<PairRow>,
    #[field(default = String::new())]
    #[serde(default)]
    pub gift: String,
}

impl CsrfField for ItemForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

fn format_of(value: &str) -> TextFormat {
    TextFormat::from_gift_name(value).unwrap_or(TextFormat::Markdown)
}

/// A percentage such as `100`, `50`, `-33.33333` or blank (`blank` then) as a 0–1 fraction.
fn percent(value: &str, blank: f64) -> Option<f64> {
    let value = value.trim().trim_end_matches('%').trim();
    if value.is_empty() {
        return Some(blank);
    }
    value
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(|v| v / 100.0)
}

fn number(value: &str) -> Option<f64> {
    value.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

fn percent_text(fraction: f64) -> String {
    let value = fraction * 100.0;
    let rounded = (value * 100_000.0).round() / 100_000.0;
    format!("{rounded}")
}

impl ItemForm {
    pub fn is_preview(&self) -> bool {
        self.action == "preview"
    }

    fn tag_list(&self) -> Vec<String> {
        self.tags
            .split([',', ' '])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The question the form describes, or what to correct, field by field.
    pub fn to_question(&self) -> Result<Question, FormErrors> {
        let mut errors = FormErrors::default();
        if self.qtype == "gift" {
            return self.gift_question();
        }
        let format = format_of(&self.format);
        let kind = match self.qtype.as_str() {
            "single" | "multi" => self.choices(format, &mut errors),
            "truefalse" => self.true_false(format, &mut errors),
            "shortanswer" => self.short_answer(format, &mut errors),
            "numerical" => self.numerical(format, &mut errors),
            "matching" => self.matching(format, &mut errors),
            _ => {
                errors.add("qtype", "Choose the type of question");
                None
            }
        };
        if self.name.trim().is_empty() {
            errors.add("name", "Enter a short name for the question");
        }
        if self.stem.trim().is_empty() {
            errors.add("stem", "Enter the question (the stem)");
        }
        if self.explanation.trim().is_empty() {
            errors.add(
                "explanation",
                "Enter an explanation: every item needs one, shown after answering",
            );
        }
        match kind {
            Some(kind) if errors.is_empty() => {
                let mut question = Question::new(self.name.trim(), self.stem.trim(), kind);
                question.text_format = format;
                question.general_feedback = self.explanation.trim().to_owned();
                question.general_feedback_format = format;
                question.tags = self.tag_list();
                question.category = Some(self.topic.clone()).filter(|t| !t.is_empty());
                question.take_no_shuffle_tag();
                Ok(question)
            }
            _ => Err(errors),
        }
    }

    fn gift_question(&self) -> Result<Question, FormErrors> {
        let mut errors = FormErrors::default();
        match parse_gift(&self.gift.replace("\r\n", "\n"), "item") {
            Ok(mut questions) if questions.len() == 1 => {
                let mut question = questions.remove(0);
                if !self.tags.trim().is_empty() {
                    question.tags = self.tag_list();
                    question.shuffle_answers = true;
                    question.take_no_shuffle_tag();
                }
                return Ok(question);
            }
            Ok(questions) if questions.is_empty() => {
                errors.add("gift", "Enter one question in GIFT");
            }
            Ok(questions) => errors.add(
                "gift",
                format!("Enter one question, not {}", questions.len()),
            ),
            Err(parse) => {
                for error in parse {
                    errors.add("gift", format!("Line {}: {}", error.line, error.message));
                }
            }
        }
        Err(errors)
    }

    fn filled_options(&self) -> impl Iterator<Item = (usize, &OptionRow)> {
        self.options
            .iter()
            .enumerate()
            .filter(|(_, o)| !o.text.trim().is_empty())
    }

    fn choices(&self, format: TextFormat, errors: &mut FormErrors) -> Option<QuestionKind> {
        let mut answers = Vec::new();
        for (index, row) in self.filled_options() {
            let Some(fraction) = percent(&row.fraction, 0.0) else {
                errors.add(
                    option_field(index),
                    format!(
                        "Option {}: enter the credit as a percentage, for example 100 or 0",
                        index + 1
                    ),
                );
                continue;
            };
            answers.push(Answer {
                text: row.text.trim().to_owned(),
                text_format: format,
                fraction,
                feedback: row.feedback.trim().to_owned(),
                feedback_format: format,
            });
        }
        if answers.len() < 2 {
            errors.add("options-0-text", "Enter at least two options");
        }
        Some(QuestionKind::MultiChoice {
            single: self.qtype == "single",
            answers,
        })
    }

    fn true_false(&self, format: TextFormat, errors: &mut FormErrors) -> Option<QuestionKind> {
        let correct = match self.tf_correct.as_str() {
            "true" => true,
            "false" => false,
            _ => {
                errors.add(
                    "tf_correct",
                    "Choose whether the statement is true or false",
                );
                return None;
            }
        };
        Some(QuestionKind::TrueFalse {
            correct,
            feedback_true: Text::new(self.tf_feedback_true.trim(), format),
            feedback_false: Text::new(self.tf_feedback_false.trim(), format),
        })
    }

    fn short_answer(&self, format: TextFormat, errors: &mut FormErrors) -> Option<QuestionKind> {
        let mut answers = Vec::new();
        for (index, row) in self.filled_options() {
            let Some(fraction) = percent(&row.fraction, 1.0) else {
                errors.add(
                    option_field(index),
                    format!(
                        "Answer {}: enter the credit as a percentage, for example 100",
                        index + 1
                    ),
                );
                continue;
            };
            answers.push(Answer {
                text: row.text.trim().to_owned(),
                text_format: TextFormat::Plain,
                fraction,
                feedback: row.feedback.trim().to_owned(),
                feedback_format: format,
            });
        }
        if answers.is_empty() {
            errors.add("options-0-text", "Enter at least one accepted answer");
        }
        Some(QuestionKind::ShortAnswer {
            answers,
            use_case: self.use_case,
        })
    }

    fn numerical(&self, format: TextFormat, errors: &mut FormErrors) -> Option<QuestionKind> {
        let value = number(&self.num_value);
        if value.is_none() {
            errors.add(
                "num_value",
                "Enter the right answer as a number, for example 3.5",
            );
        }
        let tolerance = if self.num_tolerance.trim().is_empty() {
            Some(0.0)
        } else {
            number(&self.num_tolerance).filter(|t| *t >= 0.0)
        };
        if tolerance.is_none() {
            errors.add(
                "num_tolerance",
                "Enter the tolerance as a number, 0 or more (or leave it blank for an exact answer)",
            );
        }
        Some(QuestionKind::Numerical {
            answers: vec![NumericalAnswer {
                value: Some(value?),
                tolerance: tolerance?,
                fraction: 1.0,
                feedback: self.num_feedback.trim().to_owned(),
                feedback_format: format,
            }],
        })
    }

    fn matching(&self, format: TextFormat, errors: &mut FormErrors) -> Option<QuestionKind> {
        let pairs: Vec<MatchPair> = self
            .pairs
            .iter()
            .filter(|p| !p.answer.trim().is_empty() || !p.question.trim().is_empty())
            .map(|p| MatchPair {
                question: p.question.trim().to_owned(),
                question_format: format,
                answer: p.answer.trim().to_owned(),
            })
            .collect();
        if pairs.iter().filter(|p| !p.question.is_empty()).count() < 2 {
            errors.add("pairs-0-question", "Enter at least two pairs to match");
        }
        if pairs.iter().any(|p| p.answer.is_empty()) {
            errors.add("pairs-0-answer", "Every pair needs an answer to match");
        }
        Some(QuestionKind::Matching { pairs })
    }

    /// The form filled from an existing question (for editing).
    pub fn from_question(question: &Question) -> Self {
        let mut form = ItemForm {
            name: question.name.clone(),
            stem: question.text.clone(),
            format: question.text_format.gift_name().to_owned(),
            explanation: question.general_feedback.clone(),
            tags: question.tags_with_no_shuffle().join(", "),
            gift: write_gift(std::slice::from_ref(question)),
            ..Default::default()
        };
        match &question.kind {
            QuestionKind::MultiChoice { single, answers } => {
                form.qtype = if *single { "single" } else { "multi" }.to_owned();
                form.options = answers.iter().map(option_row).collect();
            }
            QuestionKind::TrueFalse {
                correct,
                feedback_true,
                feedback_false,
            } => {
                form.qtype = "truefalse".to_owned();
                form.tf_correct = correct.to_string();
                form.tf_feedback_true = feedback_true.text.clone();
                form.tf_feedback_false = feedback_false.text.clone();
            }
            QuestionKind::ShortAnswer { answers, use_case } => {
                form.qtype = "shortanswer".to_owned();
                form.use_case = *use_case;
                form.options = answers.iter().map(option_row).collect();
            }
            QuestionKind::Numerical { answers } if answers.len() == 1 => {
                form.qtype = "numerical".to_owned();
                let answer = &answers[0];
                form.num_value = answer.value.map(|v| v.to_string()).unwrap_or_default();
                form.num_tolerance = answer.tolerance.to_string();
                form.num_feedback = answer.feedback.clone();
            }
            QuestionKind::Matching { pairs } => {
                form.qtype = "matching".to_owned();
                form.pairs = pairs
                    .iter()
                    .map(|p| PairRow {
                        question: p.question.clone(),
                        answer: p.answer.clone(),
                    })
                    .collect();
            }
            // Anything the simple form cannot hold exactly is edited as GIFT.
            _ => form.qtype = "gift".to_owned(),
        }
        form
    }

    /// Pads the option and pair rows to at least [`ROWS`], two spare when full.
    pub fn padded(mut self) -> Self {
        let rows = |n: usize| ROWS.max(n + 2);
        let options = rows(self.options.len());
        self.options
            .resize_with(options, <OptionRow as Default>::default);
        let pairs = rows(self.pairs.len());
        self.pairs.resize_with(pairs, <PairRow as Default>::default);
        self
    }
}

fn option_row(answer: &Answer) -> OptionRow {
    OptionRow {
        text: answer.text.clone(),
        fraction: percent_text(answer.fraction),
        feedback: answer.feedback.clone(),
    }
}

fn option_field(index: usize) -> &'static str {
    const FIELDS: [&str; 8] = [
        "options-0-fraction",
        "options-1-fraction",
        "options-2-fraction",
        "options-3-fraction",
        "options-4-fraction",
        "options-5-fraction",
        "options-6-fraction",
        "options-7-fraction",
    ];
    FIELDS.get(index).copied().unwrap_or("options-0-fraction")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn single_choice() -> ItemForm {
        ItemForm {
            qtype: "single".into(),
            name: "Tube".into(),
            stem: "Which tube?".into(),
            format: "markdown".into(),
            explanation: "EDTA stops clotting.".into(),
            options: vec![
                OptionRow {
                    text: "EDTA".into(),
                    fraction: "100".into(),
                    feedback: "Right.".into(),
                },
                OptionRow {
                    text: "Serum".into(),
                    fraction: String::new(),
                    feedback: "It clots.".into(),
                },
                <OptionRow as Default>::default(),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn blank_rows_are_ignored_and_blank_credit_is_zero() {
        let question = single_choice()
            .to_question()
            .unwrap_or_else(|e| panic!("{e:?}"));
        let QuestionKind::MultiChoice { single, answers } = &question.kind else {
            panic!("{question:?}");
        };
        assert!(single);
        assert_eq!(answers.len(), 2);
        assert!((answers[0].fraction - 1.0).abs() < 1e-9);
        assert_eq!(answers[1].fraction, 0.0);
        assert_eq!(question.general_feedback, "EDTA stops clotting.");
    }

    #[test]
    fn a_missing_explanation_and_bad_credit_are_field_errors() {
        let mut form = single_choice();
        form.explanation = " ".into();
        form.options[1].fraction = "lots".into();
        let errors = form.to_question().err().unwrap_or_default();
        assert!(errors.on("explanation").is_some());
        assert!(errors.on("options-1-fraction").is_some());
    }

    #[test]
    fn every_type_fills_back_into_the_form_unchanged() {
        let form = single_choice();
        let question = form.to_question().unwrap_or_else(|e| panic!("{e:?}"));
        let again = ItemForm::from_question(&question).to_question();
        assert_eq!(again.ok(), Some(question));
        let tf = ItemForm {
            qtype: "truefalse".into(),
            tf_correct: "false".into(),
            tf_feedback_true: "No.".into(),
            ..single_choice()
        };
        let question = tf.to_question().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            ItemForm::from_question(&question).to_question().ok(),
            Some(question)
        );
    }

    #[test]
    fn types_are_known_by_the_forms_name_or_moodles() {
        assert_eq!(form_type("multi"), Some("multi"));
        assert_eq!(form_type("multichoice"), Some("single"));
        assert_eq!(form_type("match"), Some("matching"));
        assert_eq!(form_type(" gift "), Some("gift"));
        for bad in ["", "essay", "SINGLE", "single;drop"] {
            assert_eq!(form_type(bad), None, "{bad}");
        }
        assert_eq!(form_type_label("truefalse"), "True or false");
    }

    #[test]
    fn gift_text_is_read_as_one_question() {
        let form = ItemForm {
            qtype: "gift".into(),
            gift: "::Q::Is EDTA purple? {T####Lavender top.}".into(),
            ..Default::default()
        };
        let question = form.to_question().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(question.name, "Q");
        let broken = ItemForm {
            gift: "::Q::Broken {=a ~b".into(),
            ..form
        };
        assert!(
            broken
                .to_question()
                .err()
                .unwrap_or_default()
                .on("gift")
                .is_some()
        );
    }
}
