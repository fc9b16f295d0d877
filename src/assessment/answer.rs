//! What a learner sends for one item (from a form or JSON), checked against the question and
//! turned into a gradable response with its certainty.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::questions::{Question, QuestionKind, ResponseValue};

/// How sure the learner was, or that they did not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sureness {
    Low,
    Medium,
    High,
    DontKnow,
}

impl Sureness {
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim() {
            "1" | "low" => Some(Self::Low),
            "2" | "medium" => Some(Self::Medium),
            "3" | "high" => Some(Self::High),
            "dont_know" | "dontknow" | "0" => Some(Self::DontKnow),
            _ => None,
        }
    }

    /// 1, 2 or 3; `None` for "I don't know".
    pub fn certainty(self) -> Option<i16> {
        match self {
            Self::Low => Some(1),
            Self::Medium => Some(2),
            Self::High => Some(3),
            Self::DontKnow => None,
        }
    }
}

/// The raw answer fields, whichever the question type uses.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AnswerInput {
    /// Single choice: the option index; true/false: 0 = true, 1 = false.
    #[serde(default)]
    pub choice: Option<usize>,
    /// Multiple response: the chosen option indices.
    #[serde(default)]
    pub choices: Vec<usize>,
    /// Short answer or numerical.
    #[serde(default)]
    pub text: Option<String>,
    /// Matching: row index -> chosen answer index.
    #[serde(default)]
    pub matches: BTreeMap<usize, usize>,
}

impl AnswerInput {
    pub fn is_empty(&self) -> bool {
        self.choice.is_none()
            && self.choices.is_empty()
            && self.text.as_deref().is_none_or(|t| t.trim().is_empty())
            && self.matches.is_empty()
    }
}

/// A checked response: "I don't know", or an answer with a certainty.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckedAnswer {
    DontKnow,
    Answered {
        value: ResponseValue,
        certainty: i16,
    },
}

/// Why an item's answer was refused, in words for the learner.
pub type AnswerProblem = String;

fn to_value(question: &Question, input: &AnswerInput) -> Result<ResponseValue, AnswerProblem> {
    let out_of_range = || "That option is not one of the choices.".to_owned();
    match &question.kind {
        QuestionKind::MultiChoice {
            single: true,
            answers,
        } => {
            let choice = input.choice.ok_or("Choose one answer.")?;
            (choice < answers.len())
                .then_some(ResponseValue::Choice(choice))
                .ok_or_else(out_of_range)
        }
        QuestionKind::MultiChoice { answers, .. } => {
            if input.choices.is_empty() {
                return Err("Choose at least one answer.".into());
            }
            if input.choices.iter().any(|&c| c >= answers.len()) {
                return Err(out_of_range());
            }
            Ok(ResponseValue::Choices(input.choices.clone()))
        }
        QuestionKind::TrueFalse { .. } => match input.choice {
            Some(0) => Ok(ResponseValue::Bool(true)),
            Some(1) => Ok(ResponseValue::Bool(false)),
            Some(_) => Err(out_of_range()),
            None => Err("Choose true or false.".into()),
        },
        QuestionKind::ShortAnswer { .. } => match input.text.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() && text.chars().count() <= 500 => {
                Ok(ResponseValue::Text(text.to_owned()))
            }
            Some(text) if !text.is_empty() => Err("Keep your answer under 500 characters.".into()),
            _ => Err("Type an answer.".into()),
        },
        QuestionKind::Numerical { .. } => {
            let text = input.text.as_deref().map(str::trim).unwrap_or_default();
            if text.is_empty() {
                return Err("Enter a number.".into());
            }
            match text.replace(',', "").parse::<f64>() {
                Ok(number) if number.is_finite() => Ok(ResponseValue::Number(number)),
                _ => Err(format!(
                    "\"{}\" is not a number.",
                    text.chars().take(40).collect::<String>()
                )),
            }
        }
        QuestionKind::Matching { pairs } => {
            let rows = pairs.iter().filter(|p| !p.question.is_empty()).count();
            let choices = question.matching_choices().len();
            if input.matches.keys().any(|&row| row >= rows)
                || input.matches.values().any(|&c| c >= choices)
            {
                return Err(out_of_range());
            }
            if input.matches.len() < rows {
                return Err("Choose a match for every row.".into());
            }
            Ok(ResponseValue::Matches(
                (0..rows)
                    .map(|row| input.matches.get(&row).copied())
                    .collect(),
            ))
        }
        QuestionKind::Essay | QuestionKind::Description => {
            Err("This question cannot be answered here.".into())
        }
    }
}

/// Checks an item's answer and certainty. `Ok(None)`: nothing given yet (allowed while saving).
pub fn check(
    question: &Question,
    input: &AnswerInput,
    sureness: Option<Sureness>,
) -> Result<Option<CheckedAnswer>, AnswerProblem> {
    match sureness {
        Some(Sureness::DontKnow) => Ok(Some(CheckedAnswer::DontKnow)),
        None if input.is_empty() => Ok(None),
        None => Err("Say how sure you are of your answer, or choose \"I don't know\".".into()),
        Some(sure) => {
            if input.is_empty() {
                return Err("Choose an answer, or choose \"I don't know\".".into());
            }
            let value = to_value(question, input)?;
            let certainty = sure.certainty().unwrap_or(1);
            Ok(Some(CheckedAnswer::Answered { value, certainty }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questions::parse_gift;

    fn question(gift: &str) -> Question {
        parse_gift(gift, "t.gift").expect("valid").remove(0)
    }

    #[test]
    fn single_choice_needs_a_certainty() {
        let q = question("::Q::Pick {=a ~b}");
        let input = AnswerInput {
            choice: Some(1),
            ..Default::default()
        };
        assert!(check(&q, &input, None).is_err());
        assert_eq!(
            check(&q, &input, Some(Sureness::High)),
            Ok(Some(CheckedAnswer::Answered {
                value: ResponseValue::Choice(1),
                certainty: 3
            }))
        );
    }

    #[test]
    fn dont_know_needs_no_answer() {
        let q = question("::Q::Pick {=a ~b}");
        assert_eq!(
            check(&q, &AnswerInput::default(), Some(Sureness::DontKnow)),
            Ok(Some(CheckedAnswer::DontKnow))
        );
    }

    #[test]
    fn out_of_range_choice_is_refused() {
        let q = question("::Q::Pick {=a ~b}");
        let input = AnswerInput {
            choice: Some(7),
            ..Default::default()
        };
        assert!(check(&q, &input, Some(Sureness::Low)).is_err());
    }

    #[test]
    fn true_false_maps_zero_to_true() {
        let q = question("::Q::Sky is blue {T}");
        let input = AnswerInput {
            choice: Some(0),
            ..Default::default()
        };
        assert_eq!(
            check(&q, &input, Some(Sureness::Medium)),
            Ok(Some(CheckedAnswer::Answered {
                value: ResponseValue::Bool(true),
                certainty: 2
            }))
        );
    }

    #[test]
    fn numerical_rejects_words() {
        let q = question("::Q::How many pairs? {#23}");
        let input = AnswerInput {
            text: Some("twenty".into()),
            ..Default::default()
        };
        assert!(check(&q, &input, Some(Sureness::Low)).is_err());
    }

    #[test]
    fn nothing_given_is_not_yet_answered() {
        let q = question("::Q::Pick {=a ~b}");
        assert_eq!(check(&q, &AnswerInput::default(), None), Ok(None));
    }
}
