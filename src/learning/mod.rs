//! The learner's path after the baseline: the personal plan, reading modules with progress
//! saved, module assignments from managers, and the learner's record and certificates.

pub mod assignments;
pub mod modules;
pub mod plan;
pub mod quiz;
pub mod record;
