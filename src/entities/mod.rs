//! Entities: persistence shapes only. Services and queries use them; handlers never do.

pub mod assessment;
pub mod assessment_item;
pub mod audit_log;
pub mod blueprint_topic;
pub mod item;
pub mod item_tag;
pub mod item_version;
pub mod job_assignment;
pub mod job_role;
pub mod manager_scope;
pub mod module;
pub mod module_page;
pub mod module_topic;
pub mod module_version;
pub mod one_time_token;
pub mod organisation;
pub mod role_target;
pub mod session;
pub mod sign_in_throttle;
pub mod staff_group;
pub mod topic;
pub mod user;
