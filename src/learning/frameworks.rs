//! Which published framework competencies a module supports (issue 20 point 17), for the
//! module's first page.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::entities::{framework, framework_competency, framework_competency_module};
use crate::error::AppResult;
use crate::ids::ModuleId;

/// One competency a module supports, named and numbered as its framework publishes it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct SupportedCompetency {
    pub framework: String,
    pub framework_url: String,
    pub number: String,
    pub name: String,
}

/// The competencies mapped to `module_id`, in framework then published order.
pub async fn supported_by_module(
    db: &impl ConnectionTrait,
    module_id: ModuleId,
) -> AppResult<Vec<SupportedCompetency>> {
    let competency_ids: Vec<i64> = framework_competency_module::Entity::find()
        .filter(framework_competency_module::Column::ModuleId.eq(module_id.get()))
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.competency_id)
        .collect();
    if competency_ids.is_empty() {
        return Ok(Vec::new());
    }
    let competencies = framework_competency::Entity::find()
        .filter(framework_competency::Column::Id.is_in(competency_ids))
        .all(db)
        .await?;
    let frameworks = framework::Entity::find().all(db).await?;
    let mut rows: Vec<_> = competencies
        .into_iter()
        .filter_map(|c| {
            let f = frameworks.iter().find(|f| f.id == c.framework_id)?;
            Some((
                (f.position, c.position),
                SupportedCompetency {
                    framework: f.name.clone(),
                    framework_url: f.url.clone(),
                    number: c.number,
                    name: c.name,
                },
            ))
        })
        .collect();
    rows.sort_by_key(|(order, _)| *order);
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}
