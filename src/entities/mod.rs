//! Entities: persistence shapes only. Services and queries use them; handlers never do.

pub mod active_enums;
pub mod assessment;
pub mod assessment_item;
pub mod assessment_stat;
pub mod attempt;
pub mod attempt_item;
pub mod attempt_topic_ability;
pub mod attempt_topic_score;
pub mod audit_log;
pub mod blueprint_topic;
pub mod calibration_run;
pub mod federated_session;
pub mod framework;
pub mod framework_competency;
pub mod framework_competency_module;
pub mod framework_competency_topic;
pub mod identity_link;
pub mod item;
pub mod item_calibration;
pub mod item_option_count;
pub mod item_rest_histogram;
pub mod item_stat;
pub mod item_tag;
pub mod item_version;
pub mod job_assignment;
pub mod job_role;
pub mod job_title_mapping;
pub mod mail_outbox;
pub mod manager_scope;
pub mod module;
pub mod module_assignment;
pub mod module_page;
pub mod module_progress;
pub mod module_topic;
pub mod module_version;
pub mod oidc_login;
pub mod one_time_token;
pub mod organisation;
pub mod organisation_local_detail;
pub mod publication_state;
pub mod removed_response_sum;
mod report_tables;
pub mod response;
pub mod role_target;
pub mod role_target_version;
pub mod session;
pub mod setting;
pub mod sign_in_throttle;
pub mod staff_group;
pub mod topic;
pub mod topic_rating;
pub mod user;

pub use active_enums::{AttemptStatus, Phase};
pub use report_tables::{
    report_cell, report_pending, report_published, report_published_total, report_total,
};
