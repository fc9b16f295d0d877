//! Rasch calibration of the item bank (docs/calibration.md): fits
//! [`crate::measures::rasch::calibrate`] to the responses of each learner's first baseline,
//! one topic at a time, and stores the result as a new calibration run. Runs from the command
//! line (`bank calibrate`) and on a schedule (`app.calibration_interval_hours`).
//!
//! A response is right when it earned full credit; partly right, wrong and "I don't know" are
//! not right. Attempts whose responses retention has removed cannot take part.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Query,
};
use serde::Serialize;

use crate::entities::{
    Phase, attempt, calibration_run, item, item_calibration, item_version, response,
};
use crate::error::AppResult;
use crate::measures::rasch::{self, ItemStatus, Observation};

/// The method stored with each run.
pub const METHOD: &str = "cml";
/// A fraction at least this is full credit.
const FULL_CREDIT: f64 = 1.0 - 1e-9;

/// Who started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Command,
    Schedule,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Self::Command => "command",
            Self::Schedule => "schedule",
        }
    }
}

/// One item version's row of a run, with what identifies it to a trainer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibratedItem {
    pub item_version_id: i64,
    pub item_uid: String,
    pub version: i32,
    pub topic_id: i64,
    pub calibration: rasch::ItemCalibration,
}

/// What a run found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationSummary {
    pub run_id: i64,
    pub created_at: DateTime<Utc>,
    pub persons: u64,
    pub persons_extreme: u64,
    pub responses: u64,
    pub items: Vec<CalibratedItem>,
    /// Job-role and staff-group decision priors fitted (`super::priors`).
    pub priors: usize,
}

impl CalibrationSummary {
    /// Item versions with the given status.
    pub fn count(&self, status: ItemStatus) -> usize {
        self.items
            .iter()
            .filter(|i| i.calibration.status == status)
            .count()
    }

    /// Estimated item versions whose infit or outfit is out of range.
    pub fn misfitting(&self) -> impl Iterator<Item = &CalibratedItem> {
        self.items.iter().filter(|i| i.calibration.misfits())
    }
}

/// A response as the fit reads it.
pub(crate) fn is_right(dont_know: bool, certainty: Option<i16>, fraction: Option<f64>) -> bool {
    !dont_know && certainty.is_some() && fraction.unwrap_or(0.0) >= FULL_CREDIT
}

use super::priors::ResponseRow;

/// Per topic, the item versions answered and each attempt's answers to them (by index).
struct TopicData {
    versions: Vec<i64>,
    persons: BTreeMap<i64, Vec<Observation>>,
}

/// Calibrates every topic's item versions from first baselines and stores the run; `None`
/// (and nothing stored) when there is no first-baseline response to calibrate from.
#[tracing::instrument(skip(db))]
pub async fn calibrate(
    db: &DatabaseConnection,
    trigger: Trigger,
) -> AppResult<Option<CalibrationSummary>> {
    let first_baselines = Query::select()
        .column(attempt::Column::Id)
        .from(attempt::Entity)
        .and_where(attempt::Column::Phase.eq(Phase::Baseline))
        .and_where(attempt::Column::IsReported.eq(true))
        .and_where(attempt::Column::ResponsesRemovedAt.is_null())
        .take();
    let rows: Vec<ResponseRow> = response::Entity::find()
        .select_only()
        .columns([
            response::Column::AttemptId,
            response::Column::ItemVersionId,
            response::Column::DontKnow,
            response::Column::Certainty,
            response::Column::Fraction,
        ])
        .filter(response::Column::AttemptId.in_subquery(first_baselines))
        .order_by_asc(response::Column::AttemptId)
        .order_by_asc(response::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let versions = version_topics(db).await?;
    let mut topics: BTreeMap<i64, TopicData> = BTreeMap::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    let mut persons = std::collections::HashSet::new();
    for &(attempt_id, version_id, dont_know, certainty, fraction) in &rows {
        let Some((topic_id, _, _)) = versions.get(&version_id) else {
            continue;
        };
        persons.insert(attempt_id);
        let topic = topics.entry(*topic_id).or_insert_with(|| TopicData {
            versions: Vec::new(),
            persons: BTreeMap::new(),
        });
        let i = *index.entry(version_id).or_insert_with(|| {
            topic.versions.push(version_id);
            topic.versions.len() - 1
        });
        topic
            .persons
            .entry(attempt_id)
            .or_default()
            .push((i, is_right(dont_know, certainty, fraction)));
    }
    let mut items = Vec::new();
    let mut informative = std::collections::HashSet::new();
    for (topic_id, data) in &topics {
        let answers: Vec<Vec<Observation>> = data.persons.values().cloned().collect();
        let fit = rasch::calibrate(data.versions.len(), &answers);
        for (attempt_id, person) in &data.persons {
            let score = person
                .iter()
                .filter(|(i, x)| *x && fit.items[*i].difficulty.is_some())
                .count();
            let n = person
                .iter()
                .filter(|(i, _)| fit.items[*i].difficulty.is_some())
                .count();
            if score > 0 && score < n {
                informative.insert(*attempt_id);
            }
        }
        for (version_id, calibration) in data.versions.iter().zip(fit.items) {
            let (_, uid, version) = &versions[version_id];
            items.push(CalibratedItem {
                item_version_id: *version_id,
                item_uid: uid.clone(),
                version: *version,
                topic_id: *topic_id,
                calibration,
            });
        }
    }
    let created_at = Utc::now();
    let persons_n = persons.len() as u64;
    let summary_base = (
        persons_n,
        persons_n - informative.len() as u64,
        rows.len() as u64,
    );
    let txn = crate::db::begin_write(db).await?;
    let run = calibration_run::Entity::insert(calibration_run::ActiveModel {
        created_at: Set(created_at),
        method: Set(METHOD.to_owned()),
        trigger: Set(trigger.as_str().to_owned()),
        n_persons: Set(count(summary_base.0)),
        n_persons_extreme: Set(count(summary_base.1)),
        n_responses: Set(count(summary_base.2)),
        n_items_estimated: Set(count(
            items
                .iter()
                .filter(|i| i.calibration.status == ItemStatus::Estimated)
                .count() as u64,
        )),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    // In chunks, well under any database's bound-parameter limit.
    for chunk in items.chunks(500) {
        item_calibration::Entity::insert_many(chunk.iter().map(|i| item_row(run, i)))
            .exec_without_returning(&txn)
            .await?;
    }
    let topic_of: HashMap<i64, i64> = versions
        .iter()
        .map(|(version, (topic, _, _))| (*version, *topic))
        .collect();
    let priors = super::priors::fit_and_store(&txn, run, &rows, &topic_of).await?;
    txn.commit().await?;
    Ok(Some(CalibrationSummary {
        run_id: run,
        created_at,
        persons: summary_base.0,
        persons_extreme: summary_base.1,
        responses: summary_base.2,
        items,
        priors,
    }))
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn item_row(run_id: i64, item: &CalibratedItem) -> item_calibration::ActiveModel {
    let c = &item.calibration;
    item_calibration::ActiveModel {
        calibration_run_id: Set(run_id),
        item_version_id: Set(item.item_version_id),
        topic_id: Set(item.topic_id),
        status: Set(c.status.as_str().to_owned()),
        n: Set(count(c.n)),
        n_right: Set(count(c.n_right)),
        difficulty: Set(c.difficulty),
        standard_error: Set(c.standard_error),
        infit: Set(c.infit),
        outfit: Set(c.outfit),
    }
}

/// Every item version's topic, item uid and version number.
async fn version_topics(db: &DatabaseConnection) -> AppResult<HashMap<i64, (i64, String, i32)>> {
    let items: HashMap<i64, (i64, String)> = item::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, (i.topic_id, i.uid)))
        .collect();
    let versions: Vec<(i64, i64, i32)> = item_version::Entity::find()
        .select_only()
        .columns([
            item_version::Column::Id,
            item_version::Column::ItemId,
            item_version::Column::Version,
        ])
        .into_tuple()
        .all(db)
        .await?;
    Ok(versions
        .into_iter()
        .filter_map(|(id, item_id, version)| {
            let (topic, uid) = items.get(&item_id)?;
            Some((id, (*topic, uid.clone(), version)))
        })
        .collect())
}

/// A calibration run as item analysis shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RunInfo {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    /// "cml": conditional maximum likelihood.
    pub method: String,
    /// Learners whose first baseline informed it.
    pub n_persons: i64,
}

/// An item version's difficulty from a calibration run, as item analysis shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ItemDifficulty {
    pub status: ItemStatus,
    /// Logits, mean 0 over the topic's estimated item versions; `None` unless estimated.
    pub difficulty: Option<f64>,
    pub standard_error: Option<f64>,
    /// Information-weighted fit mean square (1 = as the model expects).
    pub infit: Option<f64>,
    /// Unweighted fit mean square.
    pub outfit: Option<f64>,
    /// Infit or outfit outside 0.7–1.3.
    pub misfit: bool,
}

impl From<&calibration_run::Model> for RunInfo {
    fn from(run: &calibration_run::Model) -> Self {
        Self {
            id: run.id,
            created_at: run.created_at,
            method: run.method.clone(),
            n_persons: run.n_persons,
        }
    }
}

impl From<&item_calibration::Model> for ItemDifficulty {
    fn from(row: &item_calibration::Model) -> Self {
        let calibration = rasch::ItemCalibration {
            status: ItemStatus::parse(&row.status).unwrap_or(ItemStatus::NotEstimable),
            n: u64::try_from(row.n).unwrap_or(0),
            n_right: u64::try_from(row.n_right).unwrap_or(0),
            difficulty: row.difficulty,
            standard_error: row.standard_error,
            infit: row.infit,
            outfit: row.outfit,
        };
        Self {
            status: calibration.status,
            difficulty: row.difficulty,
            standard_error: row.standard_error,
            infit: row.infit,
            outfit: row.outfit,
            misfit: calibration.misfits(),
        }
    }
}

/// The latest run, if any.
pub async fn latest_run(
    db: &impl sea_orm::ConnectionTrait,
) -> AppResult<Option<calibration_run::Model>> {
    Ok(calibration_run::Entity::find()
        .order_by_desc(calibration_run::Column::Id)
        .one(db)
        .await?)
}

/// The latest run with its rows by item version.
pub async fn latest(
    db: &impl sea_orm::ConnectionTrait,
) -> AppResult<
    Option<(
        calibration_run::Model,
        HashMap<i64, item_calibration::Model>,
    )>,
> {
    let Some(run) = latest_run(db).await? else {
        return Ok(None);
    };
    let rows = item_calibration::Entity::find()
        .filter(item_calibration::Column::CalibrationRunId.eq(run.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.item_version_id, r))
        .collect();
    Ok(Some((run, rows)))
}

/// One item version's row in the latest run, if any.
pub async fn latest_for_version(
    db: &impl sea_orm::ConnectionTrait,
    item_version_id: i64,
) -> AppResult<Option<ItemDifficulty>> {
    let Some(run) = latest_run(db).await? else {
        return Ok(None);
    };
    Ok(
        item_calibration::Entity::find_by_id((run.id, item_version_id))
            .one(db)
            .await?
            .as_ref()
            .map(ItemDifficulty::from),
    )
}

/// Runs a calibration when the latest is older than `interval` (or there is none); what a
/// scheduled pass does. Several instances may look at once: each runs only when due, so at
/// most a duplicate run results, never a wrong one.
pub async fn calibrate_if_due(
    db: &DatabaseConnection,
    interval: Duration,
    now: DateTime<Utc>,
) -> AppResult<Option<CalibrationSummary>> {
    let due = latest_run(db)
        .await?
        .is_none_or(|run| now - run.created_at >= interval);
    if !due {
        return Ok(None);
    }
    calibrate(db, Trigger::Schedule).await
}

#[cfg(test)]
mod tests {
    use super::is_right;

    #[test]
    fn only_full_credit_is_right() {
        assert!(is_right(false, Some(2), Some(1.0)));
        assert!(!is_right(false, Some(2), Some(0.5)));
        assert!(!is_right(false, Some(3), Some(0.0)));
        assert!(!is_right(true, None, None));
        assert!(!is_right(false, None, Some(1.0)));
    }
}
