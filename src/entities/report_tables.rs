//! Persistence shapes of the six report aggregate tables (`crate::aggregates` owns them):
//! `report_cells` and `report_totals` (the exact aggregates), `report_pending`,
//! `report_published`, `report_published_totals` and `report_published_national` (the published
//! side, issues 16 and 27). They share one set of measure columns, so one macro writes them;
//! the per-month tables add `period`, the published side `n_changes`. Every key but the
//! national table's ends with `team_id` (0: no team, or, on the published side, released for
//! the whole organisation).

/// An entity module for a report table: its key columns, then the shared measures.
macro_rules! report_table {
    ($(#[$doc:meta])* $module:ident, $table:literal, [$($key:ident: $ty:ty),*] $(, $extra:ident: $extra_ty:ty)*) => {
        $(#[$doc])*
        pub mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                $(
                    #[sea_orm(primary_key, auto_increment = false)]
                    pub $key: $ty,
                )*
                pub n_learners: i64,
                pub n_rated: i64,
                pub n_rating_high: i64,
                pub n_high_below_target: i64,
                pub n_at_target: i64,
                pub n_completed: i64,
                pub n_responses: i64,
                pub n_answered: i64,
                pub n_dont_know: i64,
                pub n_confidently_wrong: i64,
                pub n_paired: i64,
                pub n_gain: i64,
                pub n_calibrated: i64,
                pub sum_knowledge: f64,
                pub sum_knowledge_sq: f64,
                pub sum_rating: f64,
                pub sum_stated_probability: f64,
                pub sum_answered_fraction: f64,
                pub sum_brier: f64,
                pub sum_paired_pre: f64,
                pub sum_paired_post: f64,
                pub sum_gain: f64,
                pub sum_calibrated_gain: f64,
                $(pub $extra: $extra_ty,)*
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

report_table!(
    /// `report_cells`: one row per organisation × job role × band × topic × phase × month.
    report_cell,
    "report_cells",
    [organisation_id: i64, job_role_id: i64, band: String, topic_id: i64, phase: String, team_id: i64, period: String]
);

report_table!(
    /// `report_totals`: `report_cells` added up over the months.
    report_total,
    "report_totals",
    [organisation_id: i64, job_role_id: i64, band: String, topic_id: i64, phase: String, team_id: i64]
);

report_table!(
    /// `report_pending`: contributions waiting for their atom's release (band = band group).
    report_pending,
    "report_pending",
    [organisation_id: i64, job_role_id: i64, band: String, topic_id: i64, phase: String, team_id: i64],
    n_changes: i64,
    waiting_since: Option<String>
);

report_table!(
    /// `report_published`: the released batches, under the month of their release.
    report_published,
    "report_published",
    [organisation_id: i64, job_role_id: i64, band: String, topic_id: i64, phase: String, team_id: i64, period: String],
    n_changes: i64
);

report_table!(
    /// `report_published_totals`: `report_published` added up over the months.
    report_published_total,
    "report_published_totals",
    [organisation_id: i64, job_role_id: i64, band: String, topic_id: i64, phase: String, team_id: i64],
    n_changes: i64
);

report_table!(
    /// `report_published_national`: `report_published_totals` added up over the
    /// organisations, for scopes that cover them all.
    report_published_national,
    "report_published_national",
    [job_role_id: i64, band: String, topic_id: i64, phase: String],
    n_changes: i64
);
