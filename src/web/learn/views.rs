//! View models for the learner's assessment pages: built from the service's slots and saved
//! answers, shaped for the templates (every field always present; strict mode).

use serde::Serialize;

use crate::assessment::answer::AnswerInput;
use crate::assessment::bank::Slot;
use crate::assessment::progress::SavedAnswer;
use crate::content::markdown::render_formatted;
use crate::questions::{Answer, MatchPair, QuestionKind, TextFormat};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OptionView {
    pub index: usize,
    pub html: String,
    pub checked: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SurenessView {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchRowView {
    pub row: usize,
    pub html: String,
    pub options: Vec<MatchOptionView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchOptionView {
    pub index: usize,
    pub text: String,
    pub selected: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    /// Index in the form's `items` list.
    pub slot: usize,
    pub position: i32,
    pub text_html: String,
    /// single, multi, truefalse, short, numerical or matching.
    pub kind: &'static str,
    pub is_choice: bool,
    pub is_multi: bool,
    pub is_text: bool,
    pub is_matching: bool,
    pub options: Vec<OptionView>,
    pub text_value: String,
    pub matches: Vec<MatchRowView>,
    pub sureness: Vec<SurenessView>,
    pub error: Option<String>,
}

const SURENESS: [(&str, &str); 4] = [
    ("1", "Not sure (low)"),
    ("2", "Quite sure (medium)"),
    ("3", "Very sure (high)"),
    ("dont_know", "I don't know"),
];

fn saved_input(row: Option<&SavedAnswer>) -> (AnswerInput, Option<&'static str>) {
    let Some(row) = row else {
        return (AnswerInput::default(), None);
    };
    if row.dont_know {
        return (AnswerInput::default(), Some("dont_know"));
    }
    let input = row
        .answer
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    let sureness = match row.certainty {
        Some(1) => Some("1"),
        Some(2) => Some("2"),
        Some(3) => Some("3"),
        _ => None,
    };
    (input, sureness)
}

/// An item as the learner sees it while answering: no marks, no feedback. Options are in
/// this attempt's order and numbered by shown position, which is what the form and the JSON
/// API send back (the save translates them to the item's own indices).
pub fn item_view(
    slot_index: usize,
    slot: &Slot,
    saved: Option<&SavedAnswer>,
    entered: Option<(&AnswerInput, Option<&str>)>,
    error: Option<String>,
) -> ItemView {
    let (saved_input, saved_sureness) = saved_input(saved);
    let question = &slot.question;
    let (input, sureness) = match entered {
        // What the learner just sent is already in shown positions.
        Some((input, sureness)) => (input.clone(), sureness.map(str::to_owned)),
        None => (
            slot.order.to_shown(question, &saved_input),
            saved_sureness.map(str::to_owned),
        ),
    };
    let option = |index: usize, text: &str, format: TextFormat, checked: bool| OptionView {
        index,
        html: render_formatted(text, format),
        checked,
    };
    let shown_answers = |answers: &[Answer]| -> Vec<(usize, Answer)> {
        slot.order
            .shown_options(answers.len())
            .into_iter()
            .filter_map(|c| answers.get(c).cloned())
            .enumerate()
            .collect()
    };
    let (kind, options, matches) = match &question.kind {
        QuestionKind::MultiChoice {
            single: true,
            answers,
        } => (
            "single",
            shown_answers(answers)
                .into_iter()
                .map(|(i, a)| option(i, &a.text, a.text_format, input.choice == Some(i)))
                .collect(),
            Vec::new(),
        ),
        QuestionKind::MultiChoice { answers, .. } => (
            "multi",
            shown_answers(answers)
                .into_iter()
                .map(|(i, a)| option(i, &a.text, a.text_format, input.choices.contains(&i)))
                .collect(),
            Vec::new(),
        ),
        QuestionKind::TrueFalse { .. } => (
            "truefalse",
            vec![
                option(0, "True", TextFormat::Plain, input.choice == Some(0)),
                option(1, "False", TextFormat::Plain, input.choice == Some(1)),
            ],
            Vec::new(),
        ),
        QuestionKind::ShortAnswer { .. } => ("short", Vec::new(), Vec::new()),
        QuestionKind::Numerical { .. } => ("numerical", Vec::new(), Vec::new()),
        QuestionKind::Matching { pairs } => {
            let canonical_choices = question.matching_choices();
            let choices: Vec<&str> = slot
                .order
                .shown_options(canonical_choices.len())
                .into_iter()
                .filter_map(|c| canonical_choices.get(c).copied())
                .collect();
            let canonical_rows: Vec<&MatchPair> =
                pairs.iter().filter(|p| !p.question.is_empty()).collect();
            let rows = slot
                .order
                .shown_rows(canonical_rows.len())
                .into_iter()
                .filter_map(|c| canonical_rows.get(c).copied())
                .enumerate()
                .map(|(row, pair)| MatchRowView {
                    row,
                    html: render_formatted(&pair.question, pair.question_format),
                    options: choices
                        .iter()
                        .enumerate()
                        .map(|(index, text)| MatchOptionView {
                            index,
                            text: (*text).to_owned(),
                            selected: input.matches.get(&row) == Some(&index),
                        })
                        .collect(),
                })
                .collect();
            ("matching", Vec::new(), rows)
        }
        QuestionKind::Essay | QuestionKind::Description => ("short", Vec::new(), Vec::new()),
    };
    ItemView {
        slot: slot_index,
        position: slot.position,
        text_html: render_formatted(&question.text, question.text_format),
        kind,
        is_choice: matches!(kind, "single" | "truefalse"),
        is_multi: kind == "multi",
        is_text: matches!(kind, "short" | "numerical"),
        is_matching: kind == "matching",
        options,
        text_value: input.text.clone().unwrap_or_default(),
        matches,
        sureness: SURENESS
            .iter()
            .map(|(value, label)| SurenessView {
                value,
                label,
                checked: sureness.as_deref() == Some(*value),
            })
            .collect(),
        error,
    }
}

/// Topic ids in the order the attempt presents them.
pub fn topic_order(slots: &[Slot]) -> Vec<i64> {
    let mut order = Vec::new();
    for slot in slots {
        if !order.contains(&slot.topic_id) {
            order.push(slot.topic_id);
        }
    }
    order
}
