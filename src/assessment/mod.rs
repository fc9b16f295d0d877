//! The learner's assessments: drawing items by the blueprint, saving answers as the learner
//! goes, submitting once, scoring (docs/design.md §4) and keeping the report aggregates current.
//!
//! Services return [`crate::error::AppError`]; they take the learner's user id, which the web
//! layer gets from the `CurrentUser` guard, and check ownership themselves.

pub mod aggregates;
pub mod answer;
pub mod attempts;
pub mod bank;
pub mod calibrated;
pub mod calibrated_gain;
pub mod calibration;
pub mod certainty_words;
pub mod completion;
pub mod draw;
pub mod item_stats;
pub mod job;
pub mod option_order;
pub mod priors;
pub mod progress;
pub mod results;
pub mod scoring;
mod submit_group;
pub mod submit_plan;
mod xapi_sitting;

pub use crate::entities::{AttemptStatus, Phase};

#[cfg(test)]
mod tests_option_order;
