//! The type-specific parts of a Moodle XML question, as `qformat_xml::import_<type>()`
//! reads them, with fractions checked against Moodle's grade set.

use super::grades::{format_fraction, legal_grade};
use super::model::{Answer, MatchPair, NumericalAnswer, QuestionKind, Text, TextFormat};
use super::text::parse_number;
use super::xml_read::{Fault, at, formatted, own_text, text_child};
use super::xml_tree::Element;

/// `fraction="50"` as 0.5, before the legal-grade check.
fn raw_fraction(answer: &Element) -> Result<f64, Fault> {
    let Some(raw) = answer.attribute("fraction") else {
        return Ok(0.0);
    };
    parse_number(raw)
        .map(|percent| percent / 100.0)
        .ok_or_else(|| at(answer, format!("answer fraction \"{raw}\" is not a number")))
}

/// Snaps fractions to Moodle's grade set, or names every illegal one as Moodle does.
fn legal_fractions(element: &Element, fractions: &mut [f64]) -> Result<(), Fault> {
    let mut invalid = Vec::new();
    for fraction in fractions.iter_mut() {
        match legal_grade(*fraction) {
            Some(legal) => *fraction = legal,
            None => invalid.push(format_fraction(*fraction)),
        }
    }
    match invalid.len() {
        0 => Ok(()),
        1 => Err(at(
            element,
            format!(
                "grade {} is not one of Moodle's allowed grades",
                invalid.join("")
            ),
        )),
        _ => Err(at(
            element,
            format!(
                "grades {} are not Moodle's allowed grades",
                invalid.join(", ")
            ),
        )),
    }
}

pub(super) fn multichoice(element: &Element, format: TextFormat) -> Result<QuestionKind, Fault> {
    let single = element.child("single").map_or(Ok(true), |s| {
        own_text(s).map(|s| !(s.is_empty() || s == "false" || s == "0"))
    })?;
    let mut answers = Vec::new();
    let mut fractions = Vec::new();
    for answer in element.children_named("answer") {
        let text = formatted(Some(answer), format)?;
        let feedback = formatted(answer.child("feedback"), format)?;
        fractions.push(raw_fraction(answer)?);
        answers.push(Answer {
            text: text.text,
            text_format: text.format,
            fraction: 0.0,
            feedback: feedback.text,
            feedback_format: feedback.format,
        });
    }
    legal_fractions(element, &mut fractions)?;
    for (answer, fraction) in answers.iter_mut().zip(fractions) {
        answer.fraction = fraction;
    }
    Ok(QuestionKind::MultiChoice { single, answers })
}

pub(super) fn truefalse(element: &Element, format: TextFormat) -> Result<QuestionKind, Fault> {
    let mut correct = None;
    let mut feedback_true = Text::new("", format);
    let mut feedback_false = Text::new("", format);
    for (i, answer) in element.children_named("answer").enumerate() {
        let feedback = formatted(answer.child("feedback"), format)?;
        let full_marks = (raw_fraction(answer)? - 1.0).abs() < 1e-9;
        // Old exports used translated answer texts; Moodle then assumes true comes first.
        let is_true_answer = match text_child(answer)?.as_str() {
            "true" => true,
            "false" => false,
            _ => i == 0,
        };
        if is_true_answer {
            correct = Some(full_marks);
            feedback_true = feedback;
        } else {
            correct = Some(!full_marks);
            feedback_false = feedback;
        }
    }
    let correct = correct.ok_or_else(|| at(element, "true/false question has no answers"))?;
    Ok(QuestionKind::TrueFalse {
        correct,
        feedback_true,
        feedback_false,
    })
}

pub(super) fn shortanswer(element: &Element, format: TextFormat) -> Result<QuestionKind, Fault> {
    let use_case = match element.child("usecase") {
        Some(flag) => {
            let flag = own_text(flag)?;
            flag == "true" || parse_number(&flag).is_some_and(|n| n != 0.0)
        }
        None => false,
    };
    let mut answers = Vec::new();
    let mut fractions = Vec::new();
    for answer in element.children_named("answer") {
        let feedback = formatted(answer.child("feedback"), format)?;
        fractions.push(raw_fraction(answer)?);
        answers.push(Answer {
            text: text_child(answer)?,
            text_format: TextFormat::Plain,
            fraction: 0.0,
            feedback: feedback.text,
            feedback_format: feedback.format,
        });
    }
    legal_fractions(element, &mut fractions)?;
    for (answer, fraction) in answers.iter_mut().zip(fractions) {
        answer.fraction = fraction;
    }
    Ok(QuestionKind::ShortAnswer { answers, use_case })
}

pub(super) fn numerical(element: &Element, format: TextFormat) -> Result<QuestionKind, Fault> {
    let mut answers = Vec::new();
    let mut fractions = Vec::new();
    for answer in element.children_named("answer") {
        let feedback = formatted(answer.child("feedback"), format)?;
        let text = text_child(answer)?;
        let value = match text.as_str() {
            "" | "*" => None,
            number => Some(parse_number(number).ok_or_else(|| {
                at(
                    answer,
                    format!("numerical answer \"{number}\" is not a number"),
                )
            })?),
        };
        let tolerance = match answer.child("tolerance") {
            Some(t) if value.is_some() => {
                let t = own_text(t)?;
                if t.is_empty() {
                    0.0
                } else {
                    parse_number(&t)
                        .ok_or_else(|| at(answer, format!("tolerance \"{t}\" is not a number")))?
                }
            }
            _ => 0.0,
        };
        // `<fraction>` inside the answer is Moodle's deprecated spelling, already 0..1.
        let fraction = match answer.child("fraction") {
            Some(f) => {
                let f = own_text(f)?;
                parse_number(&f)
                    .ok_or_else(|| at(answer, format!("answer fraction \"{f}\" is not a number")))?
            }
            None => raw_fraction(answer)?,
        };
        fractions.push(fraction);
        answers.push(NumericalAnswer {
            value,
            tolerance,
            fraction: 0.0,
            feedback: feedback.text,
            feedback_format: feedback.format,
        });
    }
    legal_fractions(element, &mut fractions)?;
    for (answer, fraction) in answers.iter_mut().zip(fractions) {
        answer.fraction = fraction;
    }
    Ok(QuestionKind::Numerical { answers })
}

pub(super) fn matching(element: &Element, format: TextFormat) -> Result<QuestionKind, Fault> {
    let mut pairs = Vec::new();
    for sub in element.children_named("subquestion") {
        let question = formatted(Some(sub), format)?;
        let answer = match sub.child("answer") {
            Some(answer) => text_child(answer)?,
            None => String::new(),
        };
        // Moodle skips rows left entirely blank in the editing form.
        if question.text.is_empty() && answer.is_empty() {
            continue;
        }
        pairs.push(MatchPair {
            question: question.text,
            question_format: question.format,
            answer,
        });
    }
    Ok(QuestionKind::Matching { pairs })
}
