//! The aggregate tables' names, keys and columns: the one place outside the migrations that
//! writes them, checked against the entities (`crate::entities::report_cell`, …) by the tests
//! below.

/// The count columns of the report tables, with any extra ones after them.
macro_rules! report_counts {
    ($($extra:literal),*) => {
        &[
            "n_learners",
            "n_rated",
            "n_rating_high",
            "n_high_below_target",
            "n_at_target",
            "n_completed",
            "n_responses",
            "n_answered",
            "n_dont_know",
            "n_confidently_wrong",
            "n_paired",
            "n_gain",
            "n_calibrated",
            $($extra),*
        ]
    };
}

/// The count columns of `report_cells`, in the order [`super::cell::stored_values`] returns
/// them.
pub const COUNT_COLUMNS: &[&str] = report_counts!();

/// The learners a waiting or published row holds (after the report counts).
pub const N_CHANGES: &str = "n_changes";

/// The count columns of the published tables (`super::publication`): the report counts, then
/// [`N_CHANGES`].
pub const PUBLISHED_COUNT_COLUMNS: &[&str] = report_counts!("n_changes");

/// The running-sum columns of `report_cells`, after the counts in
/// [`super::cell::stored_values`].
pub const SUM_COLUMNS: &[&str] = &[
    "sum_knowledge",
    "sum_knowledge_sq",
    "sum_rating",
    "sum_stated_probability",
    "sum_answered_fraction",
    "sum_brier",
    "sum_paired_pre",
    "sum_paired_post",
    "sum_gain",
    "sum_calibrated_gain",
];

/// The key columns of `report_cells` and `report_published`. `team_id` is 0 for no team (and,
/// when published, for what was released for the whole organisation).
pub static CELL_KEYS: [&str; 7] = [
    "organisation_id",
    "job_role_id",
    "band",
    "topic_id",
    "phase",
    "team_id",
    "period",
];

/// The key columns of the all-months tables (`report_totals`, `report_pending`,
/// `report_published_totals`): [`CELL_KEYS`] without the month.
pub static ATOM_KEYS: [&str; 6] = [
    "organisation_id",
    "job_role_id",
    "band",
    "topic_id",
    "phase",
    "team_id",
];

/// The position of `team_id` in [`CELL_KEYS`] and [`ATOM_KEYS`].
pub const TEAM_KEY: usize = 5;

/// The key columns of `report_published_national`: [`ATOM_KEYS`] without the organisation and team,
/// for scopes that cover every organisation (the national view reads a row per job role, band
/// group, topic and phase instead of one per organisation too).
pub static NATIONAL_KEYS: [&str; 4] = ["job_role_id", "band", "topic_id", "phase"];

const ITEM_KEYS: &[&str] = &["item_version_id", "phase", "staff_group_id"];
const ITEM_COUNTS: &[&str] = &[
    "n",
    "n_dont_know",
    "n_certainty_1",
    "n_certainty_2",
    "n_certainty_3",
    "n_confidently_wrong",
];
const ITEM_SUMS: &[&str] = &[
    "sum_fraction",
    "sum_fraction_sq",
    "sum_rest",
    "sum_rest_sq",
    "sum_fraction_rest",
];

/// The additive aggregate tables, in the order they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Table {
    ReportCells,
    ReportTotals,
    ReportPending,
    ReportPublished,
    ReportPublishedTotals,
    ReportPublishedNational,
    ItemStats,
    ItemRestHistogram,
    ItemOptionCounts,
    AssessmentStats,
    RemovedResponseSums,
}

/// A table's name, key columns, and the count and sum columns additions go to.
pub(super) struct Spec {
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub counts: &'static [&'static str],
    pub sums: &'static [&'static str],
}

impl Table {
    /// The tables whose rows every submit of an assessment adds to, whatever the learner's
    /// organisation: its items' statistics and its own.
    pub const SHARED_BY_ASSESSMENT: [Self; 4] = [
        Self::ItemStats,
        Self::ItemRestHistogram,
        Self::ItemOptionCounts,
        Self::AssessmentStats,
    ];

    pub(super) fn spec(self) -> Spec {
        let report = |name, keys, counts| Spec {
            name,
            keys,
            counts,
            sums: SUM_COLUMNS,
        };
        match self {
            Self::ReportCells => report("report_cells", &CELL_KEYS, COUNT_COLUMNS),
            Self::ReportTotals => report("report_totals", &ATOM_KEYS, COUNT_COLUMNS),
            Self::ReportPending => report("report_pending", &ATOM_KEYS, PUBLISHED_COUNT_COLUMNS),
            Self::ReportPublished => {
                report("report_published", &CELL_KEYS, PUBLISHED_COUNT_COLUMNS)
            }
            Self::ReportPublishedTotals => report(
                "report_published_totals",
                &ATOM_KEYS,
                PUBLISHED_COUNT_COLUMNS,
            ),
            Self::ReportPublishedNational => report(
                "report_published_national",
                &NATIONAL_KEYS,
                PUBLISHED_COUNT_COLUMNS,
            ),
            Self::ItemStats => Spec {
                name: "item_stats",
                keys: ITEM_KEYS,
                counts: ITEM_COUNTS,
                sums: ITEM_SUMS,
            },
            Self::ItemRestHistogram => Spec {
                name: "item_rest_histogram",
                keys: &["item_version_id", "phase", "staff_group_id", "rest_bucket"],
                counts: &["n"],
                sums: &[],
            },
            Self::ItemOptionCounts => Spec {
                name: "item_option_counts",
                keys: &["item_version_id", "phase", "staff_group_id", "option_key"],
                counts: &["n"],
                sums: &[],
            },
            Self::AssessmentStats => Spec {
                name: "assessment_stats",
                keys: &["assessment_id", "phase", "staff_group_id"],
                counts: &["n", "sum_items"],
                sums: &["sum_total", "sum_total_sq"],
            },
            Self::RemovedResponseSums => Spec {
                name: "removed_response_sums",
                keys: &["aggregate", "row_key", "column_name"],
                counts: &[],
                sums: &["value"],
            },
        }
    }

    /// The table's name in the database.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The table's key columns.
    pub fn keys(self) -> &'static [&'static str] {
        self.spec().keys
    }

    /// The table's measure columns: its counts, then its sums.
    pub fn measures(self) -> Vec<&'static str> {
        let spec = self.spec();
        spec.counts.iter().chain(spec.sums).copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{EntityTrait, Iterable};

    use super::*;
    use crate::entities::{
        assessment_stat, item_option_count, item_rest_histogram, item_stat, removed_response_sum,
        report_cell, report_pending, report_published, report_published_national,
        report_published_total, report_total,
    };

    /// The entity's table and columns, in name order.
    fn columns_of<E: EntityTrait>(entity: E) -> (String, Vec<String>) {
        let mut columns: Vec<String> = E::Column::iter()
            .map(|c| sea_orm::IdenStatic::as_str(&c).to_owned())
            .collect();
        columns.sort();
        (entity.table_name().to_owned(), columns)
    }

    #[test]
    fn every_table_is_written_as_its_entity_describes_it() {
        for (table, entity) in [
            (Table::ReportCells, columns_of(report_cell::Entity)),
            (Table::ReportTotals, columns_of(report_total::Entity)),
            (Table::ReportPending, columns_of(report_pending::Entity)),
            (Table::ReportPublished, columns_of(report_published::Entity)),
            (
                Table::ReportPublishedTotals,
                columns_of(report_published_total::Entity),
            ),
            (
                Table::ReportPublishedNational,
                columns_of(report_published_national::Entity),
            ),
            (Table::ItemStats, columns_of(item_stat::Entity)),
            (
                Table::ItemRestHistogram,
                columns_of(item_rest_histogram::Entity),
            ),
            (
                Table::ItemOptionCounts,
                columns_of(item_option_count::Entity),
            ),
            (Table::AssessmentStats, columns_of(assessment_stat::Entity)),
            (
                Table::RemovedResponseSums,
                columns_of(removed_response_sum::Entity),
            ),
        ] {
            let spec = table.spec();
            let mut ours: Vec<String> = spec
                .keys
                .iter()
                .copied()
                .chain(table.measures())
                // Written by the release step, not added to.
                .chain((table == Table::ReportPending).then_some("waiting_since"))
                .map(str::to_owned)
                .collect();
            ours.sort();
            assert_eq!((spec.name.to_owned(), ours), entity, "{table:?}");
        }
    }
}
