//! Managers' reports (docs/design.md §4, issue 7): the training-gap grid by job role and topic with
//! small-number suppression, top priorities, monthly trends, the completion view, CSV/JSON
//! exports with their audit entry, and `verify` (every aggregate recomputed from raw data).
//! Nothing else lives here: the demo population that fills the reports is `crate::demo`, the
//! removal of old answers `crate::retention`, and the audit entries `crate::audit`.
//!
//! The gap grid, priorities, trends and exports read only the pre-aggregated `report_cells`
//! table plus small lookup tables, so they cost O(cells) (docs/design.md §5). Services take the
//! organisations the caller may see as a [`gaps::Scope`]; the web layer builds it from the
//! signed-in manager's guard, so a service can never be asked for more than that.
//!
//! Services return [`crate::error::AppError`].

pub mod cells;
pub mod completion;
pub mod dashboard;
pub mod export;
pub mod frameworks;
pub mod gaps;
pub mod period;
pub mod priorities;
pub mod publication;
pub mod trends;
pub mod verify;
mod verify_items;
mod verify_publication;

pub use gaps::{Cell, GapQuery, GapReport, Level, Phase, ReportRow, Scope, gap_report};
pub use period::Period;
/// What a counted baseline added to item analysis, as `verify` recomputes it: retention keeps
/// it when it deletes the responses (`crate::retention`).
pub use verify_items::ItemContributions;
