//! Item analysis for trainers (docs/design.md §4): per item version and per assessment, from first
//! baseline attempts, with Moodle's definitions computed by [`crate::measures`].
//!
//! Reads only the aggregate tables written at submit time (`item_stats`,
//! `item_option_counts`, `item_rest_histogram`, `assessment_stats`), never responses: the
//! page costs O(items) at any scale, and trainers cannot see who answered what.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::aggregates::items::bucket_rest;
use crate::assessment::bank::decode_question;
use crate::assessment::calibration::{self, ItemDifficulty, RunInfo};
use crate::entities::{
    Phase, assessment, assessment_stat, item, item_option_count, item_rest_histogram, item_stat,
    item_version, staff_group, topic,
};
use crate::error::{AppError, AppResult};
use crate::measures::{
    ItemStatistics, ItemSums, TestStatistics, TestSums, discriminative_efficiency,
};
use crate::questions::QuestionKind;

/// Only first baseline attempts feed item statistics (later sittings are practice).
const PHASE: Phase = Phase::Baseline;
/// The aggregate rows' "everyone" staff group.
const EVERYONE: i64 = 0;

/// Which responses to analyse and when to warn about too few.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnalysisOptions {
    /// One staff group's learners; `None` for everyone.
    pub staff_group_id: Option<i64>,
    /// Fewer responses than this raise the "too few responses" flag.
    pub min_responses: u64,
    /// `app.min_cell_size`: an item's figures for fewer people than this are never shown,
    /// nor any that would let a group that small be worked out by subtraction.
    pub min_cell_size: u64,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            staff_group_id: None,
            min_responses: 30,
            min_cell_size: 8,
        }
    }
}

/// The staff groups whose figures may be shown, given everyone's count `all` and each
/// group's: a group of fewer than `k` is hidden, and so are the smallest shown groups until
/// what the hidden ones add up to (everyone minus the shown) is nobody or at least `k`.
/// Nothing is shown when everyone is fewer than `k`.
pub fn shown_groups(all: u64, groups: &[(i64, u64)], k: u64) -> Vec<i64> {
    if all < k {
        return Vec::new();
    }
    let mut shown: Vec<(i64, u64)> = groups.iter().copied().filter(|(_, n)| *n >= k).collect();
    shown.sort_by_key(|(g, n)| (std::cmp::Reverse(*n), *g));
    loop {
        let rest = all.saturating_sub(shown.iter().map(|(_, n)| n).sum());
        if rest == 0 || rest >= k || shown.pop().is_none() {
            break;
        }
    }
    shown.into_iter().map(|(g, _)| g).collect()
}

/// Whether `group`'s figures from a set of rows (group → n, `EVERYONE` included) may be shown.
fn may_show(counts: &HashMap<i64, u64>, group: i64, k: u64) -> bool {
    let all = counts.get(&EVERYONE).copied().unwrap_or(0);
    if group == EVERYONE {
        return all >= k;
    }
    let groups: Vec<(i64, u64)> = counts
        .iter()
        .filter(|(g, _)| **g != EVERYONE)
        .map(|(g, n)| (*g, *n))
        .collect();
    shown_groups(all, &groups, k).contains(&group)
}

/// How often one option (or "I don't know") was chosen.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OptionFrequency {
    /// `option_<index>` or `dont_know`.
    pub key: String,
    pub text: String,
    /// The credit the option earns (0–1, negative for penalties); `None` for "I don't know".
    pub credit: Option<f64>,
    pub n: u64,
    /// % of the item's responses (multiple-response options can add up past 100).
    pub percent: Option<f64>,
}

/// One item version's analysis.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ItemAnalysis {
    pub item_id: i64,
    pub item_uid: String,
    pub item_status: String,
    pub topic_slug: String,
    pub version_id: i64,
    pub version: i32,
    pub name: String,
    pub qtype: String,
    #[serde(flatten)]
    pub statistics: ItemStatistics,
    /// 100 × cov(f, R) / max cov(f, R) (Moodle).
    pub discriminative_efficiency: Option<f64>,
    pub options: Vec<OptionFrequency>,
    /// From the latest Rasch calibration (of everyone's first baselines, whatever the staff
    /// group); `None` when there is none or it did not include this version.
    pub calibration: Option<ItemDifficulty>,
}

/// An assessment's analysis: whole-test statistics and every item version answered in it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AssessmentAnalysis {
    pub assessment_slug: String,
    pub title: String,
    /// 0 for everyone.
    pub staff_group_id: i64,
    pub min_responses: u64,
    pub test: TestStatistics,
    pub items: Vec<ItemAnalysis>,
    /// Item versions answered in this group but not shown: too few people (issue 16).
    pub hidden_items: usize,
    /// The latest Rasch calibration, which `calibration` of each item comes from; `None`:
    /// not calibrated yet.
    pub calibration: Option<RunInfo>,
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn sums_of(row: &item_stat::Model) -> ItemSums {
    ItemSums {
        n: count(row.n),
        sum_f: row.sum_fraction,
        sum_f2: row.sum_fraction_sq,
        sum_r: row.sum_rest,
        sum_r2: row.sum_rest_sq,
        sum_fr: row.sum_fraction_rest,
        n_dont_know: count(row.n_dont_know),
        n_certainty_1: count(row.n_certainty_1),
        n_certainty_2: count(row.n_certainty_2),
        n_certainty_3: count(row.n_certainty_3),
        n_confidently_wrong: count(row.n_confidently_wrong),
    }
}

/// The options a learner could choose, with their credit, in the keys `item_stats` records.
fn option_labels(kind: &QuestionKind) -> Vec<(String, String, f64)> {
    match kind {
        QuestionKind::MultiChoice { answers, .. } => answers
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("option_{i}"), a.text.clone(), a.fraction))
            .collect(),
        // The answer form sends 0 for "true" and 1 for "false".
        QuestionKind::TrueFalse { correct, .. } => vec![
            (
                "option_0".into(),
                "True".into(),
                f64::from(u8::from(*correct)),
            ),
            (
                "option_1".into(),
                "False".into(),
                f64::from(u8::from(!*correct)),
            ),
        ],
        _ => Vec::new(),
    }
}

async fn analyse_version(
    db: &impl ConnectionTrait,
    stats: &item_stat::Model,
    options: &AnalysisOptions,
) -> AppResult<ItemAnalysis> {
    let group = stats.staff_group_id;
    let version = item_version::Entity::find_by_id(stats.item_version_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("item statistics name a missing version"))?;
    let item = item::Entity::find_by_id(version.item_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("an item version names a missing item"))?;
    let topic_slug = topic::Entity::find_by_id(item.topic_id)
        .one(db)
        .await?
        .map(|t| t.slug)
        .unwrap_or_default();
    let question = decode_question(&version)?;
    let sums = sums_of(stats);
    let histogram: Vec<(f64, u64)> = item_rest_histogram::Entity::find()
        .filter(item_rest_histogram::Column::ItemVersionId.eq(version.id))
        .filter(item_rest_histogram::Column::Phase.eq(PHASE.as_str()))
        .filter(item_rest_histogram::Column::StaffGroupId.eq(group))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (bucket_rest(h.rest_bucket), count(h.n)))
        .collect();
    let chosen: HashMap<String, u64> = item_option_count::Entity::find()
        .filter(item_option_count::Column::ItemVersionId.eq(version.id))
        .filter(item_option_count::Column::Phase.eq(PHASE.as_str()))
        .filter(item_option_count::Column::StaffGroupId.eq(group))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.option_key, count(o.n)))
        .collect();
    let percent = |n: u64| (sums.n > 0).then(|| 100.0 * n as f64 / sums.n as f64);
    let mut frequencies: Vec<OptionFrequency> = option_labels(&question.kind)
        .into_iter()
        .map(|(key, text, credit)| {
            let n = chosen.get(&key).copied().unwrap_or(0);
            OptionFrequency {
                key,
                text,
                credit: Some(credit),
                n,
                percent: percent(n),
            }
        })
        .collect();
    let dont_know = chosen.get("dont_know").copied().unwrap_or(0);
    frequencies.push(OptionFrequency {
        key: "dont_know".into(),
        text: "I don't know".into(),
        credit: None,
        n: dont_know,
        percent: percent(dont_know),
    });
    Ok(ItemAnalysis {
        item_id: item.id,
        item_uid: item.uid,
        item_status: item.status,
        topic_slug,
        version_id: version.id,
        version: version.version,
        name: version.name,
        qtype: version.qtype,
        statistics: ItemStatistics::from_sums(&sums, options.min_responses),
        discriminative_efficiency: discriminative_efficiency(&sums, &histogram),
        options: frequencies,
        calibration: None,
    })
}

/// One item version's analysis; `None` until someone's first baseline included it.
pub async fn analyse_item_version(
    db: &impl ConnectionTrait,
    item_version_id: i64,
    options: AnalysisOptions,
) -> AppResult<Option<ItemAnalysis>> {
    let group = options.staff_group_id.unwrap_or(EVERYONE);
    let rows = item_stat::Entity::find()
        .filter(item_stat::Column::ItemVersionId.eq(item_version_id))
        .filter(item_stat::Column::Phase.eq(PHASE.as_str()))
        .all(db)
        .await?;
    let counts: HashMap<i64, u64> = rows
        .iter()
        .map(|r| (r.staff_group_id, count(r.n)))
        .collect();
    if !may_show(&counts, group, options.min_cell_size) {
        return Ok(None);
    }
    let row = rows.into_iter().find(|r| r.staff_group_id == group);
    match row {
        Some(row) => {
            let mut item = analyse_version(db, &row, &options).await?;
            item.calibration = calibration::latest_for_version(db, item_version_id).await?;
            Ok(Some(item))
        }
        None => Ok(None),
    }
}

/// The baseline's analysis: every item version answered in first baseline attempts, and the
/// whole-test statistics.
#[tracing::instrument(skip(db))]
pub async fn analyse_assessment(
    db: &impl ConnectionTrait,
    assessment_slug: &str,
    options: AnalysisOptions,
) -> AppResult<AssessmentAnalysis> {
    let assessment = assessment::Entity::find()
        .filter(assessment::Column::Slug.eq(assessment_slug))
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!("There is no assessment `{assessment_slug}`."))
        })?;
    if assessment.kind != PHASE {
        return Err(AppError::Unprocessable(format!(
            "Item analysis uses first baseline attempts; `{assessment_slug}` is a {}.",
            assessment.kind
        )));
    }
    let group = options.staff_group_id.unwrap_or(EVERYONE);
    let mut by_version: HashMap<i64, HashMap<i64, u64>> = HashMap::new();
    let mut rows = Vec::new();
    for row in item_stat::Entity::find()
        .filter(item_stat::Column::Phase.eq(PHASE.as_str()))
        .order_by_asc(item_stat::Column::ItemVersionId)
        .all(db)
        .await?
    {
        by_version
            .entry(row.item_version_id)
            .or_default()
            .insert(row.staff_group_id, count(row.n));
        if row.staff_group_id == group {
            rows.push(row);
        }
    }
    let answered = rows.len();
    rows.retain(|r| {
        by_version
            .get(&r.item_version_id)
            .is_some_and(|counts| may_show(counts, group, options.min_cell_size))
    });
    let latest = calibration::latest(db).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut item = analyse_version(db, row, &options).await?;
        item.calibration = latest
            .as_ref()
            .and_then(|(_, by_version)| by_version.get(&item.version_id))
            .map(ItemDifficulty::from);
        items.push(item);
    }
    items.sort_by(|a, b| {
        (a.topic_slug.as_str(), a.item_uid.as_str(), a.version).cmp(&(
            b.topic_slug.as_str(),
            b.item_uid.as_str(),
            b.version,
        ))
    });
    let test_rows = assessment_stat::Entity::find()
        .filter(assessment_stat::Column::AssessmentId.eq(assessment.id))
        .filter(assessment_stat::Column::Phase.eq(PHASE.as_str()))
        .all(db)
        .await?;
    let test_counts: HashMap<i64, u64> = test_rows
        .iter()
        .map(|r| (r.staff_group_id, count(r.n)))
        .collect();
    let test_row = test_rows
        .iter()
        .find(|r| r.staff_group_id == group)
        .filter(|_| may_show(&test_counts, group, options.min_cell_size));
    let test = test_statistics(test_row, &rows);
    Ok(AssessmentAnalysis {
        assessment_slug: assessment.slug,
        title: assessment.title,
        staff_group_id: group,
        min_responses: options.min_responses,
        test,
        hidden_items: answered - items.len(),
        items,
        calibration: latest.as_ref().map(|(run, _)| RunInfo::from(run)),
    })
}

/// Cronbach's α needs the variance of each of the k items every attempt answered. When the
/// blueprint draws k items from a larger pool, attempts answer different items: each item
/// then stands for its share (n_i / n) of a slot, and the k slots' variances are that
/// weighted sum spread evenly. When every attempt answers every item this is exactly
/// Σ var_i (n_i = n).
fn test_statistics(
    row: Option<&assessment_stat::Model>,
    items: &[item_stat::Model],
) -> TestStatistics {
    let sums = row.map_or_else(TestSums::default, |r| TestSums {
        n: count(r.n),
        sum_t: r.sum_total,
        sum_t2: r.sum_total_sq,
    });
    let k = row
        .filter(|r| r.n > 0)
        .map_or(0, |r| (r.sum_items as f64 / r.n as f64).round() as usize);
    let weighted: f64 = items
        .iter()
        .filter_map(|i| {
            let sums = sums_of(i);
            Some(sums.variance()? * sums.n as f64)
        })
        .sum::<f64>()
        / sums.n.max(1) as f64;
    let per_slot = if k > 0 { weighted / k as f64 } else { 0.0 };
    TestStatistics::from_sums(&sums, &vec![per_slot; k])
}

/// A staff group learners can be split by.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StaffGroupChoice {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

/// The staff groups, for choosing a split.
pub async fn staff_groups(db: &impl ConnectionTrait) -> AppResult<Vec<StaffGroupChoice>> {
    Ok(staff_group::Entity::find()
        .order_by_asc(staff_group::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|g| StaffGroupChoice {
            id: g.id,
            slug: g.slug,
            name: g.name,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::shown_groups;

    #[test]
    fn a_group_is_shown_only_when_neither_it_nor_what_is_left_is_small() {
        // 20 people: 10, 9 and 1. The 1 is hidden, and the 9 too, or 20 - 10 - 9 gives it.
        assert_eq!(shown_groups(20, &[(1, 10), (2, 9), (3, 1)], 8), vec![1]);
        // 10 + 9 + 8 = 27: every group is large enough and nothing is left over.
        assert_eq!(
            shown_groups(27, &[(1, 10), (2, 9), (3, 8)], 8),
            vec![1, 2, 3]
        );
        // 6 in one group: hidden, with everyone else (16 - 10 = 6 is too few): all hidden.
        assert_eq!(shown_groups(16, &[(1, 10), (2, 6)], 8), Vec::<i64>::new());
        // Everyone under the threshold: nothing.
        assert_eq!(shown_groups(7, &[(1, 7)], 8), Vec::<i64>::new());
    }
}
