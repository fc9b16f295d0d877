//! The aggregate tables and their one owner: the report cells (`report_cells`,
//! `report_totals`), their published side (`report_pending`, `report_published`,
//! `report_published_totals`, `publication_state`), and the item-analysis sums (`item_stats`,
//! `item_rest_histogram`, `item_option_counts`, `assessment_stats`, `removed_response_sums`).
//!
//! Outside the migrations, only this module names their columns. `assessment` works out what
//! a submit adds ([`cell::CellDelta`], [`items`]) and writes it through [`Increments`];
//! `reports` and `verify` read through [`read`]. It depends on `entities`, `measures` and
//! `error` only, so both sides can use it without depending on each other.

pub mod cell;
pub mod increments;
pub mod items;
pub mod period;
pub mod publication;
pub mod read;
pub mod replace;
pub mod tables;

pub use cell::{CellDelta, CellKey, LearnerCell, add_cell, stored_values};
pub use increments::{Increments, Key};
pub use period::Period;
pub use read::{CellFilter, StoredCell};
pub use tables::Table;
