//! Checks on questions beyond what each file format's syntax catches.
//!
//! Two levels, because Moodle itself has two:
//! - [`check_structure`] runs on import (both formats) and rejects questions nobody could
//!   answer or grade: too few choices, empty answers, no answer worth anything.
//! - [`Question::form_warnings`] holds the extra rules of Moodle's question *editing form*
//!   (`errfractionsaddwrong`, `errfractionsnomax`). Moodle's importers do not apply them:
//!   its XML import test accepts `multichoice_19`, a multi-response question whose correct
//!   answers are each worth 100% (fractions summing to 2). The readers accept such files, as
//!   that test does; Moodle 5 refuses them, and so does the bank import
//!   (`crate::authoring::check::import_problems`), which treats these warnings as errors.

use super::grades::format_percent;
use super::model::{Question, QuestionKind};

const FULL_MARKS: f64 = 1.0 - 1e-6;

/// Import-time rules shared by the GIFT and XML readers; the message names the fault.
pub(crate) fn check_structure(kind: &QuestionKind) -> Result<(), String> {
    match kind {
        QuestionKind::MultiChoice { single, answers } => {
            if answers.len() < 2 {
                return Err("a multiple choice question needs at least 2 answers".into());
            }
            if let Some(i) = answers.iter().position(|a| a.text.is_empty()) {
                return Err(format!("multiple choice answer {} is empty", i + 1));
            }
            let best = max_fraction(answers.iter().map(|a| a.fraction));
            if *single && best < FULL_MARKS {
                return Err(format!(
                    "multiple choice question has no correct answer: one answer must be worth \
                     100%, the best is worth {}%",
                    format_percent(best)
                ));
            }
            if !*single && best <= 0.0 {
                return Err(
                    "multiple choice question has no correct answer: no answer is worth marks"
                        .into(),
                );
            }
        }
        QuestionKind::ShortAnswer { answers, .. } => {
            if answers.is_empty() {
                return Err("short answer question has no answers".into());
            }
            if let Some(i) = answers.iter().position(|a| a.text.is_empty()) {
                return Err(format!("short answer {} is empty", i + 1));
            }
            if max_fraction(answers.iter().map(|a| a.fraction)) <= 0.0 {
                return Err("short answer question has no correct answer".into());
            }
        }
        QuestionKind::Numerical { answers } => {
            if answers.is_empty() {
                return Err("numerical question has no answers".into());
            }
            if let Some(a) = answers
                .iter()
                .find(|a| a.tolerance.is_nan() || a.tolerance < 0.0)
            {
                return Err(format!("tolerance {} must not be negative", a.tolerance));
            }
            if max_fraction(answers.iter().map(|a| a.fraction)) <= 0.0 {
                return Err("numerical question has no correct answer".into());
            }
        }
        QuestionKind::Matching { pairs } => {
            if let Some(i) = pairs.iter().position(|p| p.answer.is_empty()) {
                return Err(format!("matching pair {} has no answer", i + 1));
            }
            if pairs.iter().filter(|p| !p.question.is_empty()).count() < 2 {
                return Err("a matching question needs at least 2 pairs with a question".into());
            }
        }
        QuestionKind::TrueFalse { .. } | QuestionKind::Essay | QuestionKind::Description => {}
    }
    Ok(())
}

fn max_fraction(fractions: impl Iterator<Item = f64>) -> f64 {
    fractions.fold(f64::NEG_INFINITY, f64::max)
}

impl Question {
    /// Moodle's editing-form complaints about grades, which its importers (and ours) accept.
    pub fn form_warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        let no_max = |best: f64| {
            format!(
                "One of the answers should have a score of 100% so it is possible to get full \
                 marks for this question. The maximum score for this question is {}%.",
                format_percent(best)
            )
        };
        match &self.kind {
            QuestionKind::MultiChoice {
                single: false,
                answers,
            } => {
                let total: f64 = answers
                    .iter()
                    .map(|a| a.fraction)
                    .filter(|f| *f > 0.0)
                    .sum();
                // Moodle rounds the sum to 2 decimals before comparing.
                if ((total * 100.0).round() / 100.0 - 1.0).abs() > 1e-9 {
                    warnings.push(format!(
                        "The positive grades you have chosen do not add up to 100%. Instead, \
                         they add up to {}%.",
                        format_percent(total)
                    ));
                }
            }
            QuestionKind::MultiChoice {
                single: true,
                answers,
            }
            | QuestionKind::ShortAnswer { answers, .. } => {
                let best = max_fraction(answers.iter().map(|a| a.fraction));
                if best < FULL_MARKS {
                    warnings.push(no_max(best));
                }
            }
            QuestionKind::Numerical { answers } => {
                let best = max_fraction(answers.iter().map(|a| a.fraction));
                if best < FULL_MARKS {
                    warnings.push(no_max(best));
                }
            }
            _ => {}
        }
        warnings
    }
}
