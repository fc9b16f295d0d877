//! The trainers' pages under `/author` and their JSON twins under `/api/v1/author`: the
//! overview, items (every type, or GIFT; draft → published → new versions → retired),
//! question-bank import and export, item analysis, the blueprint and module quizzes.
//! Every handler takes the `Trainer` guard (admins pass) and calls the `authoring` services.

mod analysis;
mod api;
mod bank;
mod curriculum;
pub mod item_form;
mod items;
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
        items::new_item,
        items::create_item,
        items::show_item,
        items::edit_item_form,
        items::edit_item,
        items::publish_item,
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
    ]
}
