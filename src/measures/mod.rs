//! The measures of docs/design.md §4, exactly as defined there: per response (CBM mark, stated
//! probability), over responses (accuracy, CBM bonus, calibration bias, Brier score, confidently
//! wrong rate), per report cell (knowledge and its interval, gap, priority, self-confidence,
//! unrecognised need, completion, gain), small-number suppression, item analysis, and the
//! Rasch model (item calibration and ability on the calibrated scale).
//!
//! Pure functions over additive sums: the pre-aggregated tables store the sums, reports add
//! them up (a staff group is the sum of its job roles) and compute the measures here, and
//! `verify` can rebuild the same sums from raw responses. No I/O.
//!
//! Items are reachable both through their submodule (`measures::summary::ResponseSums`) and
//! re-exported here (`measures::ResponseSums`).
//!
//! Conventions: fractions and rates are 0–1, knowledge and "%" measures 0–100; a measure whose
//! denominator is empty is `None`; variances divide by n − 1.

pub mod cell;
pub mod decision;
pub mod item_analysis;
pub mod prior;
pub mod rasch;
pub mod reliability;
pub mod response;
mod stats;
pub mod summary;
pub mod suppression;

pub use cell::{CellMeasures, CellSums, Interval, LearnerTopic, individual_gain};
pub use item_analysis::{
    CertaintyMix, ItemFlag, ItemStatistics, ItemSums, discriminative_efficiency,
};
pub use reliability::{TestStatistics, TestSums};
pub use response::{
    Answer, Certainty, cbm_mark, clamp_fraction, is_confidently_wrong, stated_probability,
};
pub use summary::{ResponseSummary, ResponseSums, cbm_bonus};
pub use suppression::{Node, check_invariant, suppress};

#[cfg(test)]
mod tests_cell;
#[cfg(test)]
mod tests_item_analysis;
#[cfg(test)]
mod tests_rasch;
#[cfg(test)]
mod tests_reliability;
#[cfg(test)]
mod tests_response;
#[cfg(test)]
mod tests_summary;
#[cfg(test)]
mod tests_support;
#[cfg(test)]
mod tests_suppression;
