//! Grading a learner's response the way Moodle's question types do.

use serde::{Deserialize, Serialize};

use super::error::GradeError;
use super::model::{Answer, NumericalAnswer, Question, QuestionKind};

/// A learner's response; which variant fits depends on the question kind.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ResponseValue {
    /// Single-answer multiple choice: index into `answers`.
    Choice(usize),
    /// Multi-response multiple choice: indices into `answers` (repeats count once).
    Choices(Vec<usize>),
    /// True/false.
    Bool(bool),
    /// Short answer.
    Text(String),
    /// Numerical.
    Number(f64),
    /// Matching: for each pair that has a question, in order, the chosen index into
    /// [`Question::matching_choices`], or `None` when left unanswered.
    Matches(Vec<Option<usize>>),
}

/// Moodle's numerical qtype widens every tolerance by 10^-precision (PHP precision 14) so
/// that an answer equal to a bound is not lost to rounding.
const NUMERICAL_EPSILON: f64 = 1e-14;

impl Question {
    /// Whether [`Question::grade`] can mark this question (essays and descriptions cannot).
    pub fn is_gradable(&self) -> bool {
        !matches!(self.kind, QuestionKind::Essay | QuestionKind::Description)
    }

    /// The distinct answers of a matching question in first-appearance order, distractors
    /// included: the list learners choose from. Empty for other kinds.
    pub fn matching_choices(&self) -> Vec<&str> {
        let mut choices: Vec<&str> = Vec::new();
        if let QuestionKind::Matching { pairs } = &self.kind {
            for pair in pairs {
                if !choices.contains(&pair.answer.as_str()) {
                    choices.push(&pair.answer);
                }
            }
        }
        choices
    }

    /// The fraction of the marks earned by `response`, in 0..=1.
    ///
    /// Where several short or numerical answers accept the response, the best fraction wins
    /// (Moodle takes the first in order; authors put the `*` catch-all last, where both
    /// rules agree, and taking the best spares learners an author's ordering slip).
    pub fn grade(&self, response: &ResponseValue) -> Result<f64, GradeError> {
        let question = self.kind.type_name();
        let wrong = |expected| GradeError::WrongResponseType { question, expected };
        let fraction =
            match (&self.kind, response) {
                (QuestionKind::Essay | QuestionKind::Description, _) => {
                    return Err(GradeError::NotAutoGradable { question });
                }
                (
                    QuestionKind::MultiChoice {
                        single: true,
                        answers,
                    },
                    ResponseValue::Choice(i),
                ) => chosen(answers, *i)?.fraction,
                (QuestionKind::MultiChoice { single: true, .. }, _) => {
                    return Err(wrong("a single choice"));
                }
                (QuestionKind::MultiChoice { answers, .. }, ResponseValue::Choices(picked)) => {
                    let mut seen: Vec<usize> = Vec::with_capacity(picked.len());
                    let mut sum = 0.0;
                    for &i in picked {
                        if !seen.contains(&i) {
                            sum += chosen(answers, i)?.fraction;
                            seen.push(i);
                        }
                    }
                    sum
                }
                (QuestionKind::MultiChoice { .. }, _) => return Err(wrong("a list of choices")),
                (QuestionKind::TrueFalse { correct, .. }, ResponseValue::Bool(b)) => {
                    if b == correct { 1.0 } else { 0.0 }
                }
                (QuestionKind::TrueFalse { .. }, _) => return Err(wrong("true or false")),
                (QuestionKind::ShortAnswer { answers, use_case }, ResponseValue::Text(text)) => {
                    grade_short_answer(answers, *use_case, text)
                }
                (QuestionKind::ShortAnswer { .. }, _) => return Err(wrong("a text response")),
                (QuestionKind::Numerical { answers }, ResponseValue::Number(x)) => {
                    if !x.is_finite() {
                        return Err(GradeError::NotFinite);
                    }
                    grade_number(answers, *x)
                }
                (QuestionKind::Numerical { .. }, _) => return Err(wrong("a number")),
                (QuestionKind::Matching { .. }, ResponseValue::Matches(picks)) => {
                    self.grade_matches(picks)?
                }
                (QuestionKind::Matching { .. }, _) => return Err(wrong("a list of matches")),
            };
        // Moodle clamps: wrong ticks in a multi-response question cannot score below zero. It
        // also keeps grades to 7 decimal places, so three ticks of 33.33333% make full marks.
        let fraction = if (fraction - 1.0).abs() < 5e-7 {
            1.0
        } else {
            fraction
        };
        Ok(fraction.clamp(0.0, 1.0))
    }

    fn grade_matches(&self, picks: &[Option<usize>]) -> Result<f64, GradeError> {
        let QuestionKind::Matching { pairs } = &self.kind else {
            return Ok(0.0);
        };
        let choices = self.matching_choices();
        let stems: Vec<_> = pairs.iter().filter(|p| !p.question.is_empty()).collect();
        if picks.len() != stems.len() {
            return Err(GradeError::WrongMatchCount {
                expected: stems.len(),
                got: picks.len(),
            });
        }
        let mut right = 0usize;
        for (pair, pick) in stems.iter().zip(picks) {
            if let Some(i) = *pick {
                let choice = choices.get(i).ok_or(GradeError::IndexOutOfRange {
                    index: i,
                    count: choices.len(),
                })?;
                if *choice == pair.answer {
                    right += 1;
                }
            }
        }
        if stems.is_empty() {
            return Ok(0.0);
        }
        Ok(right as f64 / stems.len() as f64)
    }
}

fn chosen(answers: &[Answer], index: usize) -> Result<&Answer, GradeError> {
    answers.get(index).ok_or(GradeError::IndexOutOfRange {
        index,
        count: answers.len(),
    })
}

fn best(fractions: impl Iterator<Item = f64>) -> f64 {
    fractions.fold(0.0, f64::max)
}

fn grade_short_answer(answers: &[Answer], use_case: bool, response: &str) -> f64 {
    let response = response.trim();
    // Moodle treats a blank response as unanswered, even against a `*` answer.
    if response.is_empty() {
        return 0.0;
    }
    best(
        answers
            .iter()
            .filter(|a| wildcard_match(&a.text, response, !use_case))
            .map(|a| a.fraction),
    )
}

fn grade_number(answers: &[NumericalAnswer], x: f64) -> f64 {
    best(
        answers
            .iter()
            .filter(|a| match a.value {
                None => true,
                Some(value) => (x - value).abs() <= a.tolerance.abs() + NUMERICAL_EPSILON,
            })
            .map(|a| a.fraction),
    )
}

/// Moodle's `compare_string_with_wildcard()`: `*` matches any run of characters, `\*` is a
/// literal asterisk, and the whole response must match.
pub(crate) fn wildcard_match(pattern: &str, response: &str, ignore_case: bool) -> bool {
    let fold = |s: &str| {
        if ignore_case {
            s.to_lowercase()
        } else {
            s.to_owned()
        }
    };
    let pieces: Vec<String> = split_on_stars(pattern).iter().map(|p| fold(p)).collect();
    let response = fold(response);
    let Some((first, rest)) = pieces.split_first() else {
        return response.is_empty();
    };
    let Some(mut remaining) = response.strip_prefix(first.as_str()) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for piece in middle {
        match remaining.find(piece.as_str()) {
            Some(pos) => remaining = remaining.get(pos + piece.len()..).unwrap_or_default(),
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last.as_str())
}

/// The literal pieces between unescaped runs of `*`, with `\*` unescaped.
fn split_on_stars(pattern: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut chars = pattern.chars().peekable();
    let mut after_star = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'*') => {
                chars.next();
                push_char(&mut pieces, '*');
                after_star = false;
            }
            '*' => {
                if !after_star {
                    pieces.push(String::new());
                }
                after_star = true;
            }
            _ => {
                push_char(&mut pieces, c);
                after_star = false;
            }
        }
    }
    pieces
}

fn push_char(pieces: &mut [String], c: char) {
    if let Some(last) = pieces.last_mut() {
        last.push(c);
    }
}
