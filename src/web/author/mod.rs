//! The trainers' pages under `/author` and their JSON twins under `/api/v1/author`: the
//! overview, items (every type, or GIFT; draft → published → new versions → retired),
//! question-bank import and export, item analysis, the blueprint and module quizzes,
//! modules (Markdown pages with a preview; draft → published → new versions → retired) and
//! topics.
//! Every handler takes the `Trainer` guard (admins pass) and calls the `authoring` services.

pub(crate) mod analysis;
pub(crate) mod api;
mod bank;
mod curriculum;
pub(crate) mod diff;
pub mod item_form;
mod items;
pub(crate) mod module_api;
mod module_form;
mod modules;
pub(crate) mod scorm;
pub(crate) mod search;
mod topics;
mod views;

use rocket::{Route, routes};

pub fn routes() -> Vec<Route> {
    routes![
        curriculum::show_overview,
        curriculum::show_blueprint,
        curriculum::save_blueprint,
        curriculum::show_quiz,
        curriculum::save_quiz,
        items::list_topic_items,
        search::search_items,
        search::api_search_items,
        items::new_item,
        items::create_item,
        items::show_item,
        diff::show_diff,
        diff::api_diff_versions,
        items::edit_item_form,
        items::edit_item,
        items::publish_item,
        items::confirm_retire_item,
        items::retire_item,
        bank::show_import,
        bank::preview_import,
        bank::apply_import,
        bank::export_bank,
        analysis::show_analysis,
        analysis::analysis_csv,
        analysis::api_analysis,
        api::api_list_items,
        api::api_show_item,
        api::api_create_item,
        api::api_edit_item,
        api::api_publish_item,
        api::api_retire_item,
        api::api_preview_import,
        api::api_apply_import,
        modules::list_modules,
        scorm::download_scorm,
        scorm::api_scorm_package,
        modules::new_module,
        modules::create_module,
        modules::show_module,
        modules::edit_module_form,
        modules::edit_module,
        modules::publish_module,
        modules::retire_module,
        topics::new_topic,
        topics::create_topic,
        topics::edit_topic_form,
        topics::edit_topic,
        module_api::api_overview,
        module_api::api_blueprint,
        module_api::api_quiz,
        module_api::api_list_modules,
        module_api::api_show_module,
        module_api::api_create_module,
        module_api::api_edit_module,
        module_api::api_publish_module,
        module_api::api_retire_module,
        module_api::api_preview_markdown,
        module_api::api_create_topic,
        module_api::api_edit_topic,
    ]
}
