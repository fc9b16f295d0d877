//! Managers' reports (docs/design.md §4, issue 7): the training-gap grid by job role and topic with
//! small-number suppression, top priorities, monthly trends, the completion view, CSV/JSON
//! exports with their audit entry, and `verify` (every aggregate recomputed from raw data).
//! Nothing else lives here: the demo population that fills the reports is `crate::demo`, the
//! removal of old answers `crate::retention`, and the audit entries `crate::audit`.
//!
//! The gap grid, priorities, trends and exports read only the published aggregates (through
//! [`crate::aggregates::read`]) plus small lookup tables, so they cost O(cells)
//! (docs/design.md §5). Services take the
//! organisations the caller may see as a [`gaps::Scope`]; the web layer builds it from the
//! signed-in manager's guard, so a service can never be asked for more than that.
//!
//! Services return [`crate::error::AppError`].

pub mod charts;
pub mod completion;
mod counted;
pub mod dashboard;
pub mod dashboard_cache;
pub mod export;
pub mod frameworks;
pub mod gaps;
pub mod lookups;
pub mod priorities;
pub mod rebuild;
#[cfg(test)]
pub(crate) mod tests_support;
pub mod trends;
pub mod verify;
mod verify_calibrated;
mod verify_items;
mod verify_publication;

pub use crate::aggregates::{Period, publication};
pub use gaps::{Cell, GapQuery, GapReport, Level, Phase, ReportRow, Scope, ScopeTeam, gap_report};
/// What a counted baseline added to item analysis, as `verify` recomputes it: retention keeps
/// it when it deletes the responses (`crate::retention`).
pub use verify_items::ItemContributions;
