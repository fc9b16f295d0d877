//! The text between a GIFT question's braces: which kind of question it makes, and its
//! answers. Type detection and splitting follow `qformat_gift::readquestion()` step by step.

use super::gift_syntax::{
    Weight, escape_post, match_weight, parse_text_with_format, split_answer_feedback,
    split_truefalse,
};
use super::grades::{legal_grade, round_significant};
use super::model::{Answer, MatchPair, NumericalAnswer, QuestionKind, TextFormat};
use super::text::{parse_number, php_trim};

/// `answers` is the trimmed text between the braces, without general feedback and with
/// escapes still as placeholders; `format` is the question text's format, the default for
/// answers and feedback.
pub(crate) fn read_answers(answers: &str, format: TextFormat) -> Result<QuestionKind, String> {
    if answers.is_empty() {
        return Ok(QuestionKind::Essay);
    }
    if let Some(numbers) = answers.strip_prefix('#') {
        return numerical(numbers, format);
    }
    if answers.contains('~') {
        return multichoice(answers, format);
    }
    if answers.contains('=') && answers.contains("->") {
        return matching(answers, format);
    }
    let choice = match answers.split_once('#') {
        Some((before, _)) if !before.is_empty() => php_trim(before),
        _ => answers,
    };
    if ["T", "TRUE", "F", "FALSE"].contains(&choice) {
        Ok(truefalse(answers, format))
    } else {
        shortanswer(answers, format)
    }
}

/// PHP's `explode()` followed by Moodle's "drop an empty first item".
fn explode(text: &str, separator: char) -> Vec<&str> {
    let mut parts: Vec<&str> = text.split(separator).collect();
    if parts
        .first()
        .is_some_and(|first| php_trim(first).is_empty())
    {
        parts.remove(0);
    }
    parts
}

/// A `%n%` weight as a legal Moodle grade.
fn weight_fraction(weight: &Weight<'_>) -> Result<f64, String> {
    let fraction = weight
        .fraction
        .ok_or_else(|| format!("answer weight %{}% is not a number", weight.written))?;
    legal_grade(fraction).ok_or_else(|| {
        format!(
            "answer weight {}% is not one of Moodle's allowed grades",
            weight.written
        )
    })
}

/// An answer's leading weight, or `default` when it has none.
fn weighted(answer: &str, default: f64) -> Result<(f64, &str), String> {
    match match_weight(answer) {
        Some(weight) => Ok((weight_fraction(&weight)?, weight.rest)),
        None => Ok((default, answer)),
    }
}

fn multichoice(answers: &str, format: TextFormat) -> Result<QuestionKind, String> {
    // Without any `=` answer, several answers may be chosen (check boxes).
    let single = answers.contains('=');
    let marked = answers.replace('=', "~=");
    let mut list = Vec::new();
    for raw in explode(&marked, '~') {
        let answer = php_trim(raw);
        let (fraction, rest) = match answer.strip_prefix('=') {
            Some(rest) => (1.0, rest),
            None => weighted(answer, 0.0)?,
        };
        let (text, feedback) = split_answer_feedback(rest, format);
        list.push(Answer {
            text: text.text,
            text_format: text.format,
            fraction,
            feedback: feedback.text,
            feedback_format: feedback.format,
        });
    }
    Ok(QuestionKind::MultiChoice {
        single,
        answers: list,
    })
}

fn matching(answers: &str, format: TextFormat) -> Result<QuestionKind, String> {
    let mut pairs = Vec::new();
    for raw in explode(answers, '=') {
        let pair = php_trim(raw);
        let Some((question, answer)) = pair.split_once("->") else {
            return Err(format!(
                "matching pair \"{}\" has no '->'",
                escape_post(pair)
            ));
        };
        let question = parse_text_with_format(question, format);
        pairs.push(MatchPair {
            question: question.text,
            question_format: question.format,
            answer: php_trim(&escape_post(answer)).to_owned(),
        });
    }
    Ok(QuestionKind::Matching { pairs })
}

fn truefalse(answers: &str, format: TextFormat) -> QuestionKind {
    let (choice, wrong, right) = split_truefalse(answers, format);
    // The first feedback is for the wrong choice, the second for the right one.
    let correct = choice.text == "T" || choice.text == "TRUE";
    let (feedback_true, feedback_false) = if correct {
        (right, wrong)
    } else {
        (wrong, right)
    };
    QuestionKind::TrueFalse {
        correct,
        feedback_true,
        feedback_false,
    }
}

fn shortanswer(answers: &str, format: TextFormat) -> Result<QuestionKind, String> {
    let mut list = Vec::new();
    for raw in explode(answers, '=') {
        let (fraction, rest) = weighted(php_trim(raw), 1.0)?;
        let (text, feedback) = split_answer_feedback(rest, format);
        list.push(Answer {
            text: text.text,
            text_format: TextFormat::Plain,
            fraction,
            feedback: feedback.text,
            feedback_format: feedback.format,
        });
    }
    Ok(QuestionKind::ShortAnswer {
        answers: list,
        use_case: false,
    })
}

fn numerical(numbers: &str, format: TextFormat) -> Result<QuestionKind, String> {
    // Everything from the first `~` on is feedback for any other number.
    let (main, other) = match numbers.find('~') {
        Some(pos) => numbers.split_at(pos),
        None => (numbers, ""),
    };
    let parts = explode(main, '=');
    if parts.is_empty() {
        return Err("numerical question has no answers".into());
    }
    let mut list = Vec::new();
    for raw in parts {
        let (fraction, rest) = weighted(php_trim(raw), 1.0)?;
        let (answer, feedback) = split_answer_feedback(rest, format);
        let (value, tolerance) = value_and_tolerance(&answer.text)?;
        list.push(NumericalAnswer {
            value,
            tolerance,
            fraction,
            feedback: feedback.text,
            feedback_format: feedback.format,
        });
    }
    if !other.is_empty() {
        let (_, feedback) = split_answer_feedback(other, format);
        list.push(NumericalAnswer {
            value: None,
            tolerance: 0.0,
            fraction: 0.0,
            feedback: feedback.text,
            feedback_format: feedback.format,
        });
    }
    Ok(QuestionKind::Numerical { answers: list })
}

/// `min..max`, `value:tolerance`, `value`, or `*` for any number.
fn value_and_tolerance(answer: &str) -> Result<(Option<f64>, f64), String> {
    let number = |s: &str| {
        parse_number(s).ok_or_else(|| format!("numerical answer \"{answer}\" is not a number"))
    };
    if let Some((min, max)) = answer.split_once("..").filter(|(min, _)| !min.is_empty()) {
        let (min, max) = (number(min)?, number(max)?);
        if max < min {
            return Err(format!(
                "range \"{answer}\" has its maximum below its minimum"
            ));
        }
        let middle = round_significant(f64::midpoint(min, max));
        return Ok((Some(middle), round_significant(max - middle)));
    }
    let (value, tolerance) = match answer.split_once(':').filter(|(v, _)| !v.is_empty()) {
        Some((value, tolerance)) => (php_trim(value), Some(php_trim(tolerance))),
        None => (php_trim(answer), None),
    };
    if value == "*" {
        return Ok((None, 0.0));
    }
    let tolerance = match tolerance {
        Some(t) => parse_number(t)
            .ok_or_else(|| format!("tolerance \"{t}\" in \"{answer}\" is not a number"))?,
        None => 0.0,
    };
    Ok((Some(number(value)?), tolerance))
}
