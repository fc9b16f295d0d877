//! The order one attempt shows an item's options in (docs/design.md §3), and the translation
//! between what the learner saw and the item's own option indices.
//!
//! Two index spaces meet here. Pages and the JSON API speak in *shown* positions (the first
//! option on the page is 0), because that is all a learner or client can know. Stored answers,
//! grading, item analysis and the aggregates speak in the item's *canonical* indices (the
//! order written in the bank), so a response means the same whichever order it was shown in.
//! Everything crossing between them goes through [`OptionOrder`].

use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::answer::AnswerInput;
use crate::questions::{Question, QuestionKind};

/// For each shown position, the canonical index shown there. An empty list means the order
/// written (items that do not shuffle, and attempts from before shuffling).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OptionOrder {
    /// Choice items: canonical option indices. Matching: canonical indices into
    /// [`Question::matching_choices`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<usize>,
    /// Matching: canonical row indices (rows are the pairs with a question).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<usize>,
}

fn permutation(len: usize, rng: &mut impl Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.shuffle(rng);
    order
}

/// Position of `canonical` in `order`; the identity where `order` is empty or lacks it.
fn shown_of(order: &[usize], canonical: usize) -> usize {
    order
        .iter()
        .position(|&c| c == canonical)
        .unwrap_or(canonical)
}

/// The canonical index at `shown`; an index beyond the list passes through unchanged, so that
/// the answer check still refuses it as "not one of the choices".
fn canonical_at(order: &[usize], shown: usize) -> usize {
    order.get(shown).copied().unwrap_or(shown)
}

impl OptionOrder {
    /// A fresh order for one attempt's showing of `question`. Matching choices are always
    /// reordered, as Moodle does: written in pair order, row n's answer would be choice n.
    pub fn draw(question: &Question, rng: &mut impl Rng) -> Self {
        match &question.kind {
            QuestionKind::MultiChoice { answers, .. } if question.shuffle_answers => Self {
                options: permutation(answers.len(), rng),
                rows: Vec::new(),
            },
            QuestionKind::Matching { pairs } => Self {
                options: permutation(question.matching_choices().len(), rng),
                rows: if question.shuffle_answers {
                    permutation(pairs.iter().filter(|p| !p.question.is_empty()).count(), rng)
                } else {
                    Vec::new()
                },
            },
            _ => Self::default(),
        }
    }

    /// Reads a stored order; NULL, or anything unreadable, is the order written.
    pub fn parse(stored: Option<&str>) -> Self {
        stored
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default()
    }

    /// The stored form; `None` for the order written.
    pub fn to_stored(&self) -> Option<String> {
        (!self.is_identity())
            .then(|| serde_json::to_string(self).ok())
            .flatten()
    }

    pub fn is_identity(&self) -> bool {
        let fixed = |order: &[usize]| order.iter().enumerate().all(|(i, &c)| i == c);
        fixed(&self.options) && fixed(&self.rows)
    }

    /// Canonical option indices in the order shown, for `len` options.
    pub fn shown_options(&self, len: usize) -> Vec<usize> {
        Self::complete(&self.options, len)
    }

    /// Canonical row indices in the order shown, for `len` rows.
    pub fn shown_rows(&self, len: usize) -> Vec<usize> {
        Self::complete(&self.rows, len)
    }

    /// `order` when it is a permutation of `0..len`, else the identity (an order stored for
    /// another option count cannot describe this item; versions are immutable, so this only
    /// guards against a damaged row).
    fn complete(order: &[usize], len: usize) -> Vec<usize> {
        let mut sorted = order.to_vec();
        sorted.sort_unstable();
        if sorted.len() == len && sorted.iter().enumerate().all(|(i, &c)| i == c) {
            order.to_vec()
        } else {
            (0..len).collect()
        }
    }

    /// What the learner sent (shown positions) in the item's own indices, for `question`.
    pub fn to_canonical(&self, question: &Question, shown: &AnswerInput) -> AnswerInput {
        let (options, rows) = self.orders_for(question);
        let mut canonical = shown.clone();
        if Self::applies_to_options(question) {
            canonical.choice = shown.choice.map(|c| canonical_at(&options, c));
            canonical.choices = shown
                .choices
                .iter()
                .map(|&c| canonical_at(&options, c))
                .collect();
        }
        if matches!(question.kind, QuestionKind::Matching { .. }) {
            canonical.matches = shown
                .matches
                .iter()
                .map(|(&row, &choice)| (canonical_at(&rows, row), canonical_at(&options, choice)))
                .collect();
        }
        canonical
    }

    /// A stored answer (canonical indices) as the learner saw it, for `question`.
    pub fn to_shown(&self, question: &Question, canonical: &AnswerInput) -> AnswerInput {
        let (options, rows) = self.orders_for(question);
        let mut shown = canonical.clone();
        if Self::applies_to_options(question) {
            shown.choice = canonical.choice.map(|c| shown_of(&options, c));
            shown.choices = canonical
                .choices
                .iter()
                .map(|&c| shown_of(&options, c))
                .collect();
        }
        if matches!(question.kind, QuestionKind::Matching { .. }) {
            shown.matches = canonical
                .matches
                .iter()
                .map(|(&row, &choice)| (shown_of(&rows, row), shown_of(&options, choice)))
                .collect();
        }
        shown
    }

    /// True/false answers are 0 = true, 1 = false whatever the order: it never shuffles.
    fn applies_to_options(question: &Question) -> bool {
        matches!(question.kind, QuestionKind::MultiChoice { .. })
    }

    /// The option and row orders, completed to full permutations for `question`.
    fn orders_for(&self, question: &Question) -> (Vec<usize>, Vec<usize>) {
        match &question.kind {
            QuestionKind::MultiChoice { answers, .. } => {
                (self.shown_options(answers.len()), Vec::new())
            }
            QuestionKind::Matching { pairs } => (
                self.shown_options(question.matching_choices().len()),
                self.shown_rows(pairs.iter().filter(|p| !p.question.is_empty()).count()),
            ),
            _ => (Vec::new(), Vec::new()),
        }
    }

    /// `question` with its choice options in the order shown, for the JSON API's review of a
    /// submitted attempt. Matching items are returned as written: their rows and choices
    /// move independently, which one question value cannot express.
    pub fn shown_question(&self, question: &Question) -> Question {
        let mut shown = question.clone();
        if let QuestionKind::MultiChoice { answers, .. } = &mut shown.kind {
            let order = self.shown_options(answers.len());
            let original = answers.clone();
            *answers = order
                .iter()
                .filter_map(|&c| original.get(c).cloned())
                .collect();
        }
        shown
    }
}
