//! Which published framework competencies a module supports (issue 20 point 17), for the
//! module's first page.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationDef,
};
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

/// The competencies mapped to `module_id`, in framework then published order (one statement:
/// the module's first page shows them to every reader).
pub async fn supported_by_module(
    db: &impl ConnectionTrait,
    module_id: ModuleId,
) -> AppResult<Vec<SupportedCompetency>> {
    let competency: RelationDef =
        framework_competency_module::Entity::belongs_to(framework_competency::Entity)
            .from(framework_competency_module::Column::CompetencyId)
            .to(framework_competency::Column::Id)
            .into();
    let its_framework: RelationDef = framework_competency::Entity::belongs_to(framework::Entity)
        .from(framework_competency::Column::FrameworkId)
        .to(framework::Column::Id)
        .into();
    let rows: Vec<(String, String, String, String)> = framework_competency_module::Entity::find()
        .filter(framework_competency_module::Column::ModuleId.eq(module_id.get()))
        .join(JoinType::InnerJoin, competency)
        .join(JoinType::InnerJoin, its_framework)
        .select_only()
        .column(framework::Column::Name)
        .column(framework::Column::Url)
        .column(framework_competency::Column::Number)
        .column(framework_competency::Column::Name)
        .order_by_asc(framework::Column::Position)
        .order_by_asc(framework_competency::Column::Position)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(framework, framework_url, number, name)| SupportedCompetency {
                framework,
                framework_url,
                number,
                name,
            },
        )
        .collect())
}
