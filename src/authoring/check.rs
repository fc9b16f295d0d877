//! Checks on what trainers author, beyond what the question formats' readers check.

use crate::error::{AppError, AppResult};
use crate::questions::{Question, parse_moodle_xml, write_moodle_xml};

/// Longest stable id accepted: ids appear in file comments and URLs.
pub(crate) const MAX_UID_LEN: usize = 64;

/// Problems that make a question unfit to import, so the whole file is refused: no name, no
/// stem, or grades that Moodle 5's import refuses (no answer worth 100 % for a single-answer
/// question; positive grades not adding up to 100 % for a multiple-answer one). A missing
/// explanation is not one: such a question comes in as a draft.
pub fn import_problems(question: &Question) -> Vec<String> {
    let mut problems = Vec::new();
    if question.name.trim().is_empty() {
        problems.push("The question needs a name.".to_owned());
    }
    if question.text.trim().is_empty() {
        problems.push("The question needs a stem (question text).".to_owned());
    }
    problems.extend(question.form_warnings());
    problems
}

/// Problems that stop a question being an assessment item, in words for the trainer: those
/// of [`import_problems`], a missing explanation, and a type that cannot be marked.
pub fn question_problems(question: &Question) -> Vec<String> {
    let mut problems = import_problems(question);
    if question.general_feedback.trim().is_empty() {
        problems.push(
            "Every item needs an explanation (general feedback, after `####` in GIFT).".to_owned(),
        );
    }
    if !question.is_gradable() {
        problems.push(format!(
            "{} questions cannot be marked, so they cannot be assessment items.",
            question.kind.type_name()
        ));
    }
    problems
}

/// Refuses a question that is no use as an item or that could not be exported and imported
/// again unchanged.
pub fn check_question(question: &Question) -> AppResult<()> {
    let mut problems = question_problems(question);
    if problems.is_empty() {
        // Writing and re-reading Moodle XML applies exactly the import rules (legal grades, a
        // correct answer, non-empty choices), so an authored item can always be exported and
        // imported again; comparing catches anything the format would lose.
        let xml = write_moodle_xml(std::slice::from_ref(question));
        match parse_moodle_xml(&xml, "item") {
            Err(errors) => problems.extend(errors.into_iter().map(|e| e.message)),
            Ok(read) if read.first() != Some(question) => {
                problems.push("The question cannot be saved exactly as written.".to_owned());
            }
            Ok(_) => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Unprocessable(problems.join(" ")))
    }
}

/// A stable id: letters, digits, `-`, `_` and `.`, so it survives GIFT's `[id:...]`.
pub fn check_uid(uid: &str) -> AppResult<&str> {
    let ok = !uid.is_empty()
        && uid.len() <= MAX_UID_LEN
        && uid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(uid)
    } else {
        Err(AppError::Unprocessable(format!(
            "`{uid}` is not a usable id: use up to {MAX_UID_LEN} letters, digits, `-`, `_` or `.`."
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questions::{Answer, QuestionKind, TextFormat};

    fn choice(text: &str, fraction: f64) -> Answer {
        Answer {
            text: text.into(),
            text_format: TextFormat::Moodle,
            fraction,
            feedback: format!("about {text}"),
            feedback_format: TextFormat::Moodle,
        }
    }

    fn good() -> Question {
        let mut q = Question::new(
            "Tube",
            "Which tube?",
            QuestionKind::MultiChoice {
                single: true,
                answers: vec![choice("EDTA", 1.0), choice("Plain", 0.0)],
            },
        );
        q.general_feedback = "EDTA stops clotting.".into();
        q
    }

    #[test]
    fn a_complete_question_passes() {
        assert!(check_question(&good()).is_ok());
    }

    #[test]
    fn missing_explanation_and_essays_are_refused() {
        let mut q = good();
        q.general_feedback = " ".into();
        let Err(AppError::Unprocessable(message)) = check_question(&q) else {
            panic!("should be refused");
        };
        assert!(message.contains("explanation"), "{message}");
        let mut essay = good();
        essay.kind = QuestionKind::Essay;
        assert!(check_question(&essay).is_err());
    }

    #[test]
    fn no_correct_answer_and_illegal_grades_are_refused() {
        let mut q = good();
        q.kind = QuestionKind::MultiChoice {
            single: true,
            answers: vec![choice("A", 0.0), choice("B", 0.0)],
        };
        assert!(check_question(&q).is_err());
        q.kind = QuestionKind::MultiChoice {
            single: false,
            answers: vec![choice("A", 0.33), choice("B", 0.67)],
        };
        assert!(check_question(&q).is_err(), "33% is not a Moodle grade");
    }

    #[test]
    fn ids_are_checked() {
        assert!(check_uid("samp-b01").is_ok());
        assert!(check_uid("has space").is_err());
        assert!(check_uid("a]b").is_err());
        assert!(check_uid("").is_err());
    }
}
