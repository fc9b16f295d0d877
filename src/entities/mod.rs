//! Entities: persistence shapes only. Services and queries use them; handlers never do.

pub mod assessment;
pub mod assessment_item;
pub mod assessment_stat;
pub mod attempt;
pub mod attempt_item;
pub mod blueprint_topic;
pub mod item;
pub mod item_option_count;
pub mod item_rest_histogram;
pub mod item_stat;
pub mod item_tag;
pub mod item_version;
pub mod job_role;
pub mod module;
pub mod module_assignment;
pub mod module_page;
pub mod module_progress;
pub mod module_topic;
pub mod module_version;
pub mod organisation;
pub mod response;
pub mod role_target;
pub mod staff_group;
pub mod topic;
pub mod topic_rating;
