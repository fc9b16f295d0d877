//! Which module a quiz attempt belongs to.

use sea_orm::{ConnectionTrait, EntityTrait};

use super::modules::{ModuleSummary, published_modules};
use crate::entities::{assessment, attempt};
use crate::error::{AppError, AppResult};
use crate::ids::AttemptId;

pub async fn module_of_quiz(
    db: &impl ConnectionTrait,
    attempt_id: AttemptId,
) -> AppResult<ModuleSummary> {
    let not_found = || AppError::NotFound("That quiz was not found.".into());
    let attempt = attempt::Entity::find_by_id(attempt_id.get())
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let assessment = assessment::Entity::find_by_id(attempt.assessment_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let module_id = assessment.module_id.ok_or_else(not_found)?;
    published_modules(db)
        .await?
        .into_iter()
        .find(|m| m.module_id.get() == module_id)
        .ok_or_else(not_found)
}
