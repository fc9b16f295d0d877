//! The learner's pages: "My learning", the baseline one topic at a time, review, submit and
//! the result; the plan, modules and quizzes; the record, certificates and data download.

pub(crate) mod api;
mod attempt_pages;
mod dashboard;
mod kept_answers;
mod module_pages;
mod next_step;
mod record_pages;
mod result_view;
mod review_view;
mod views;

use rocket::{Route, routes};

pub fn routes() -> Vec<Route> {
    routes![
        dashboard::show_dashboard,
        attempt_pages::start_attempt,
        attempt_pages::resume_attempt,
        attempt_pages::show_topic,
        attempt_pages::save_topic,
        kept_answers::keep_answers,
        attempt_pages::show_review,
        attempt_pages::submit_attempt,
        attempt_pages::show_result,
        module_pages::list_modules,
        module_pages::open_module,
        module_pages::show_module_page,
        module_pages::start_quiz,
        module_pages::show_quiz,
        module_pages::answer_quiz,
        module_pages::show_quiz_feedback,
        record_pages::show_plan,
        record_pages::show_record,
        record_pages::show_certificate,
        record_pages::download_certificate,
        record_pages::export_json,
        record_pages::export_csv,
        api::api_dashboard,
        api::api_start_attempt,
        api::api_show_attempt,
        api::api_save_answers,
        api::api_submit_attempt,
        api::api_show_result,
        api::api_show_plan,
        api::api_list_modules,
        api::api_module_page,
        api::api_certificate,
        api::api_record,
        api::api_export,
    ]
}
