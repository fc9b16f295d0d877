//! The learner's result page: their own numbers only, with the explanation of every item.

use serde::Serialize;

use super::next_step::NextStepView;
use crate::assessment::certainty_words::shown_bonus;
use crate::assessment::results::AttemptResult;
use crate::content::markdown::render_formatted;
use crate::questions::QuestionKind;
use crate::web::glossary::{self, Measure};

#[derive(Serialize)]
pub struct TopicRow {
    name: String,
    knowledge: String,
    target: String,
    met_target: bool,
    rating: String,
    calibration: String,
    baseline: Option<String>,
    gain: Option<String>,
    /// Against the role's target: how sure we are, in words, and the decision.
    sureness: Option<&'static str>,
    decision: Option<&'static str>,
}

#[derive(Serialize)]
pub struct ItemRow {
    position: i32,
    topic: String,
    text_html: String,
    correct_html: String,
    outcome: &'static str,
    certainty: &'static str,
    cbm_mark: String,
    explanation_html: String,
}

#[derive(Serialize)]
pub struct ResultView {
    attempt_id: i64,
    /// The plan's next step, shown first.
    next: NextStepView,
    accuracy: String,
    mean_cbm: String,
    cbm_bonus: String,
    /// What the bonus says, following from the figures.
    certainty_reading: Option<String>,
    topics: Vec<TopicRow>,
    items: Vec<ItemRow>,
    is_post: bool,
    answers_removed_on: Option<String>,
    /// The explanations beside the scores and the gain.
    help: ResultHelp,
}

#[derive(Serialize)]
struct ResultHelp {
    scores: Vec<&'static Measure>,
    gain: Vec<&'static Measure>,
}

/// The test-out decision, in the words the result and plan pages use.
pub fn decision_words(skip: bool) -> &'static str {
    if skip {
        "You can skip this module."
    } else {
        "We recommend this module."
    }
}

fn correct_answer_html(kind: &QuestionKind) -> String {
    match kind {
        QuestionKind::MultiChoice { answers, .. } | QuestionKind::ShortAnswer { answers, .. } => {
            answers
                .iter()
                .filter(|a| a.fraction > 0.0)
                .map(|a| render_formatted(&a.text, a.text_format))
                .collect::<Vec<_>>()
                .join("; ")
        }
        QuestionKind::TrueFalse { correct, .. } => if *correct { "True" } else { "False" }.into(),
        QuestionKind::Numerical { answers } => answers
            .iter()
            .filter(|a| a.fraction > 0.0)
            .filter_map(|a| {
                a.value.map(|v| {
                    if a.tolerance > 0.0 {
                        format!("{v} ± {}", a.tolerance)
                    } else {
                        v.to_string()
                    }
                })
            })
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::Matching { pairs } => pairs
            .iter()
            .filter(|p| !p.question.is_empty())
            .map(|p| {
                format!(
                    "{} → {}",
                    ammonia::clean_text(&p.question),
                    ammonia::clean_text(&p.answer)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::Essay | QuestionKind::Description => String::new(),
    }
}

pub fn result_view(result: &AttemptResult, next: NextStepView) -> ResultView {
    let pct = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{:.0}%", 100.0 * v));
    let signed = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{v:+.2}"));
    let items = result
        .items
        .iter()
        .filter_map(|item| {
            let slot = result.slots.iter().find(|s| s.position == item.position)?;
            let q = &slot.question;
            Some(ItemRow {
                position: item.position,
                topic: item.topic_name.clone(),
                text_html: render_formatted(&q.text, q.text_format),
                correct_html: correct_answer_html(&q.kind),
                outcome: if item.dont_know {
                    "You said you did not know"
                } else if item.fraction >= 1.0 {
                    "Right"
                } else if item.fraction > 0.0 {
                    "Partly right"
                } else {
                    "Wrong"
                },
                certainty: match item.certainty {
                    Some(1) => "low",
                    Some(2) => "medium",
                    Some(3) => "high",
                    _ => "–",
                },
                cbm_mark: format!("{:+.1}", item.cbm_mark),
                explanation_html: render_formatted(&q.general_feedback, q.general_feedback_format),
            })
        })
        .collect();
    ResultView {
        attempt_id: result.attempt_id,
        next,
        accuracy: pct(result.summary.accuracy),
        mean_cbm: signed(result.summary.mean_cbm_mark),
        cbm_bonus: signed(result.summary.cbm_bonus.map(shown_bonus)),
        certainty_reading: result.certainty_reading.clone(),
        topics: result
            .topics
            .iter()
            .map(|t| TopicRow {
                name: t.name.clone(),
                knowledge: format!("{:.0}%", t.knowledge),
                target: t.target.map_or_else(|| "–".into(), |v| format!("{v}%")),
                met_target: t.met_target,
                rating: t.rating_label.unwrap_or("–").to_owned(),
                calibration: t.calibration.clone(),
                baseline: t.baseline_knowledge.map(|v| format!("{v:.0}%")),
                gain: t.gain.map(|g| format!("{:+.0}%", 100.0 * g)),
                sureness: t
                    .decision
                    .zip(t.target)
                    .map(|(d, target)| d.words(f64::from(target))),
                decision: t.decision.map(|d| decision_words(d.skip)),
            })
            .collect(),
        items,
        is_post: result.phase == crate::assessment::Phase::Post,
        answers_removed_on: result
            .answers_removed_at
            .map(|d| d.date_naive().to_string()),
        help: ResultHelp {
            scores: glossary::pick(&["score", "certainty_based_mark", "certainty_bonus"]),
            gain: glossary::pick(&["learner_gain"]),
        },
    }
}
