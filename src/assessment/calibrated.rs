//! Scores on the calibrated scale (docs/calibration.md, "Scores on the calibrated scale"): per
//! submitted attempt and topic, the learner's ability θ (Warm's weighted likelihood estimate,
//! finite also for all right and all wrong) from their answers to the topic's item versions a
//! calibration run estimated, and the percentage they would be expected to get right on all
//! of those item versions (the topic's whole calibrated bank). Written at submit under the
//! latest run, rewritten under a newer run by [`rescore`], and checked by `verify`.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::bank::Slot;
use super::calibration::{is_right, latest_run};
use super::draw::{Matching, PoolItem};
use crate::entities::{
    Phase, attempt, attempt_item, attempt_topic_ability, item_calibration, response,
};
use crate::error::AppResult;
use crate::measures::rasch::{self, ItemStatus};

/// One calibration run's difficulties.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub run_id: i64,
    /// Estimated item versions' difficulties.
    difficulty: HashMap<i64, f64>,
    /// Per topic, the difficulties of all its estimated item versions.
    bank: HashMap<i64, Vec<f64>>,
}

/// One topic's score of an attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicScore {
    pub topic_id: i64,
    /// Answered item versions the run estimated.
    pub n_items: u64,
    /// `None` when `n_items` is 0.
    pub ability: Option<rasch::Ability>,
    pub expected_percent: Option<f64>,
}

impl Scale {
    /// From a run's rows: `(item_version_id, topic_id, difficulty)` of its estimated versions.
    pub fn new(run_id: i64, estimated: impl IntoIterator<Item = (i64, i64, f64)>) -> Self {
        let mut difficulty = HashMap::new();
        let mut bank: HashMap<i64, Vec<f64>> = HashMap::new();
        for (version, topic, b) in estimated {
            difficulty.insert(version, b);
            bank.entry(topic).or_default().push(b);
        }
        Self {
            run_id,
            difficulty,
            bank,
        }
    }

    /// An estimated item version's difficulty.
    pub fn difficulty(&self, item_version_id: i64) -> Option<f64> {
        self.difficulty.get(&item_version_id).copied()
    }

    /// Per topic answered, in topic order: the ability from the answers `(topic_id,
    /// item_version_id, right)` to estimated versions, and the expected percentage on the
    /// topic's bank. A topic with no estimated answer has a row without figures.
    pub fn topic_scores(&self, answers: &[(i64, i64, bool)]) -> Vec<TopicScore> {
        let mut by_topic: BTreeMap<i64, Vec<(f64, bool)>> = BTreeMap::new();
        for &(topic, version, right) in answers {
            let entry = by_topic.entry(topic).or_default();
            if let Some(b) = self.difficulty(version) {
                entry.push((b, right));
            }
        }
        by_topic
            .into_iter()
            .map(|(topic_id, answered)| {
                let ability = rasch::ability(&answered);
                let bank = self.bank.get(&topic_id).map_or(&[][..], Vec::as_slice);
                TopicScore {
                    topic_id,
                    n_items: answered.len() as u64,
                    expected_percent: ability.and_then(|a| rasch::expected_percent(a.theta, bank)),
                    ability,
                }
            })
            .collect()
    }
}

/// What a learner's post-assessment is matched to (docs/calibration.md, "Equated forms"): the
/// latest calibration's difficulties of the `pool`, and per topic those of the item versions
/// in the learner's counted (first) baseline. Empty, so the draw is random, before the first
/// calibration or without a submitted baseline.
pub async fn matching_for(
    db: &impl ConnectionTrait,
    user_id: i64,
    pool: &[PoolItem],
) -> AppResult<Matching> {
    let Some(scale) = latest_scale(db).await? else {
        return Ok(Matching::default());
    };
    let baseline = super::aggregates::reported_baseline(db, user_id).await?;
    let mut targets: HashMap<i64, Vec<f64>> = HashMap::new();
    if let Some(baseline) = baseline {
        for seen in attempt_item::Entity::find()
            .filter(attempt_item::Column::AttemptId.eq(baseline.id))
            .all(db)
            .await?
        {
            if let Some(b) = scale.difficulty(seen.item_version_id) {
                targets.entry(seen.topic_id).or_default().push(b);
            }
        }
    }
    let difficulty = pool
        .iter()
        .filter_map(|item| {
            Some((
                item.item_version_id,
                scale.difficulty(item.item_version_id)?,
            ))
        })
        .collect();
    Ok(Matching {
        difficulty,
        targets,
    })
}

/// A run's scale.
pub async fn scale_of(db: &impl ConnectionTrait, run_id: i64) -> AppResult<Scale> {
    let rows = item_calibration::Entity::find()
        .filter(item_calibration::Column::CalibrationRunId.eq(run_id))
        .filter(item_calibration::Column::Status.eq(ItemStatus::Estimated.as_str()))
        .all(db)
        .await?;
    Ok(Scale::new(
        run_id,
        rows.into_iter()
            .filter_map(|r| Some((r.item_version_id, r.topic_id, r.difficulty?))),
    ))
}

/// The latest run's scale; `None` before the first calibration.
pub async fn latest_scale(db: &impl ConnectionTrait) -> AppResult<Option<Scale>> {
    match latest_run(db).await? {
        Some(run) => Ok(Some(scale_of(db, run.id).await?)),
        None => Ok(None),
    }
}

/// An attempt's answers as `(topic_id, item_version_id, right)`.
pub fn answers(slots: &[Slot], responses: &[response::Model]) -> Vec<(i64, i64, bool)> {
    let topic_of: HashMap<i64, i64> = slots
        .iter()
        .map(|s| (s.item_version_id, s.topic_id))
        .collect();
    responses
        .iter()
        .filter_map(|r| {
            let topic = topic_of.get(&r.item_version_id)?;
            Some((
                *topic,
                r.item_version_id,
                is_right(r.dont_know, r.certainty, r.fraction),
            ))
        })
        .collect()
}

/// The rows an attempt stores under `scale`.
pub fn rows(
    attempt_id: i64,
    scale: &Scale,
    answers: &[(i64, i64, bool)],
) -> Vec<attempt_topic_ability::Model> {
    scale
        .topic_scores(answers)
        .into_iter()
        .map(|s| attempt_topic_ability::Model {
            attempt_id,
            topic_id: s.topic_id,
            calibration_run_id: scale.run_id,
            n_items: i64::try_from(s.n_items).unwrap_or(i64::MAX),
            theta: s.ability.map(|a| a.theta),
            standard_error: s.ability.map(|a| a.standard_error),
            expected_percent: s.expected_percent,
            pre_expected_percent: None,
        })
        .collect()
}

/// Replaces an attempt's rows.
pub async fn write(
    db: &impl ConnectionTrait,
    attempt_id: i64,
    rows: Vec<attempt_topic_ability::Model>,
) -> AppResult<()> {
    attempt_topic_ability::Entity::delete_many()
        .filter(attempt_topic_ability::Column::AttemptId.eq(attempt_id))
        .exec(db)
        .await?;
    if !rows.is_empty() {
        let rows = rows
            .into_iter()
            .map(|r| attempt_topic_ability::ActiveModel {
                attempt_id: Set(r.attempt_id),
                topic_id: Set(r.topic_id),
                calibration_run_id: Set(r.calibration_run_id),
                n_items: Set(r.n_items),
                theta: Set(r.theta),
                standard_error: Set(r.standard_error),
                expected_percent: Set(r.expected_percent),
                pre_expected_percent: Set(r.pre_expected_percent),
            });
        attempt_topic_ability::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// What [`rescore`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rescored {
    /// `None` when there is no calibration yet (nothing is written).
    pub run_id: Option<i64>,
    pub attempts: u64,
    /// Attempts whose responses retention removed: their rows are kept as they were.
    pub kept: u64,
}

/// Attempts rewritten per transaction.
const BATCH: usize = 200;

/// Rewrites every submitted baseline's and post-assessment's scores under the latest
/// calibration, after which `verify` agrees with them once the report cells that sum the
/// calibrated gains are rebuilt (`crate::reports::rebuild`, which `bank rescore` runs next).
#[tracing::instrument(skip(db))]
pub async fn rescore(db: &DatabaseConnection) -> AppResult<Rescored> {
    let Some(scale) = latest_scale(db).await? else {
        return Ok(Rescored::default());
    };
    let attempts = scored_attempts(db).await?;
    let mut done = Rescored {
        run_id: Some(scale.run_id),
        ..Rescored::default()
    };
    for chunk in attempts.chunks(BATCH) {
        let txn = crate::db::begin_write(db).await?;
        for a in chunk {
            if a.responses_removed_at.is_some() {
                done.kept += 1;
                continue;
            }
            let answers = answers_of_attempt(&txn, a.id).await?;
            let mut rows = rows(a.id, &scale, &answers);
            super::calibrated_gain::attach_baseline(&txn, a, &scale, &mut rows).await?;
            write(&txn, a.id, rows).await?;
            done.attempts += 1;
        }
        txn.commit().await?;
    }
    Ok(done)
}

/// The attempts that have scores on the calibrated scale: submitted baselines and
/// post-assessments, in id order.
pub async fn scored_attempts(db: &impl ConnectionTrait) -> AppResult<Vec<attempt::Model>> {
    Ok(attempt::Entity::find()
        .filter(attempt::Column::SubmittedAt.is_not_null())
        .filter(attempt::Column::Phase.is_in([Phase::Baseline, Phase::Post]))
        .order_by_asc(attempt::Column::Id)
        .all(db)
        .await?)
}

/// A stored attempt's answers, read afresh.
pub async fn answers_of_attempt(
    db: &impl ConnectionTrait,
    attempt_id: i64,
) -> AppResult<Vec<(i64, i64, bool)>> {
    let slots = super::bank::attempt_slots(db, attempt_id).await?;
    let responses = response::Entity::find()
        .filter(response::Column::AttemptId.eq(attempt_id))
        .all(db)
        .await?;
    Ok(answers(&slots, &responses))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: Option<f64>, expected: f64) {
        let actual = actual.expect("a value");
        assert!((actual - expected).abs() < 1e-9, "{actual} vs {expected}");
    }

    /// Topic 1: versions 11 (b = 0) and 12 (b = ln 3); version 13 not estimated.
    fn scale() -> Scale {
        Scale::new(7, [(11, 1, 0.0), (12, 1, 3.0_f64.ln())])
    }

    #[test]
    fn one_right_answer_at_difficulty_0_gives_62_5_percent_by_hand() {
        // Warm: one right answer at b = 0 gives θ = ln 3 (P = 3/4). On the topic's bank,
        // b = 0 and b = ln 3: P = 3/4 and 1/2, so 62.5 %.
        let scores = scale().topic_scores(&[(1, 11, true), (1, 13, false)]);
        assert_eq!(scores.len(), 1);
        let s = &scores[0];
        assert_eq!((s.topic_id, s.n_items), (1, 1));
        close(s.ability.map(|a| a.theta), 3.0_f64.ln());
        close(s.expected_percent, 62.5);
    }

    #[test]
    fn all_wrong_is_finite_by_hand() {
        // One wrong answer at b = ln 3: θ = ln 3 − ln 3 = 0 (P = 1/4 at θ − b = −ln 3). On the
        // bank: P(0 − 0) = 1/2 and P(0 − ln 3) = 1/4, so 37.5 %.
        let s = &scale().topic_scores(&[(1, 12, false)])[0];
        close(s.ability.map(|a| a.theta), 0.0);
        close(s.expected_percent, 37.5);
    }

    #[test]
    fn a_harder_form_with_the_same_answers_scores_higher_on_the_bank() {
        // The point of equating: one of two right on the harder items means more.
        let scale = Scale::new(1, [(1, 1, -1.0), (2, 1, -0.5), (3, 1, 0.5), (4, 1, 1.0)]);
        let easy = &scale.topic_scores(&[(1, 1, true), (1, 2, false)])[0];
        let hard = &scale.topic_scores(&[(1, 3, true), (1, 4, false)])[0];
        assert!(hard.expected_percent > easy.expected_percent);
        // Symmetric forms around 0: 50 % exactly on a bank symmetric around 0 less and more.
        let mid = &scale.topic_scores(&[(1, 1, true), (1, 4, false)])[0];
        close(mid.expected_percent, 50.0);
    }

    #[test]
    fn a_topic_without_estimated_answers_has_a_row_without_figures() {
        let scores = scale().topic_scores(&[(2, 21, true), (1, 11, false)]);
        assert_eq!(scores.len(), 2);
        let uncalibrated = scores.iter().find(|s| s.topic_id == 2).unwrap();
        assert_eq!(uncalibrated.n_items, 0);
        assert_eq!(uncalibrated.ability, None);
        assert_eq!(uncalibrated.expected_percent, None);
    }
}
