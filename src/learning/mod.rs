//! The learner's path after the baseline: the personal plan, reading modules with progress
//! saved, module assignments from managers, the learner's record and certificates, and the
//! download of everything held about them.

pub mod assignment_audience;
pub mod assignment_changes;
pub mod assignment_list;
pub mod assignments;
pub mod certificate_pdf;
pub mod certificates;
pub mod esr_completions;
pub mod export;
pub mod frameworks;
pub mod module_versions;
pub mod modules;
pub mod plan;
pub mod quiz;
pub mod record;
pub mod scorm;
pub mod sitting;
