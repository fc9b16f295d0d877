//! Authoring for trainers: topics, modules and items (draft → published → new versions →
//! retired), the baseline blueprint and quiz membership, review-due modules, question-bank
//! import and export, and item analysis from the aggregates kept at submit time.
//!
//! Services return [`crate::error::AppError`] (4xx with a message for the trainer). Each
//! takes the acting user's id for `created_by` (`None` for the command line); the web layer
//! gets it from the `Trainer` guard, which is the access check. Multi-write services take a
//! connection that can begin a transaction, so they are all-or-nothing.

pub mod analysis;
pub mod analysis_csv;
pub mod check;
pub mod curriculum;
pub mod diff;
pub mod export;
pub mod import;
pub mod import_rules;
pub mod items;
pub mod modules;
pub mod overview;
pub mod search;
#[cfg(test)]
mod tests_modules;
pub mod topics;

pub use analysis::{
    AnalysisOptions, AssessmentAnalysis, ItemAnalysis, OptionFrequency, analyse_assessment,
    analyse_item_version,
};
pub use analysis_csv::analysis_csv;
pub use curriculum::{
    BlueprintRow, ReviewDue, blueprint, review_due, set_assessment_items, set_blueprint,
    set_quiz_items,
};
pub use export::{ExportFormat, export_bank, topic_content_file};
pub use import::{
    ImportPreview, ImportSummary, PreviewRow, RowStatus, apply_import, preview_import,
};
pub use import_rules::{NEEDS_EXPLANATION, RenamedId, SkippedQuestion};
pub use items::{
    EditOutcome, ItemSummary, create_item, current_question, edit_item, list_items, publish_item,
    retire_item,
};

/// Records a content change in the audit log (docs/design.md §7), in the caller's transaction.
pub(crate) async fn audit_change(
    db: &impl sea_orm::ConnectionTrait,
    actor: Option<crate::ids::PersonId>,
    action: &str,
    subject: &str,
    detail: serde_json::Value,
) -> crate::error::AppResult<()> {
    crate::audit::record(
        db,
        crate::audit::Event::new(action)
            .by(actor)
            .subject(subject)
            .detail(detail),
    )
    .await
}
