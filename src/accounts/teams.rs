//! Teams: the organisation unit of an ESR extract (ward, department, cost centre), named once
//! per organisation. People are put in teams by the people import; an admin may limit a manager
//! to some teams, which then narrows what [`super::OrgScope`] lets them see.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;

use super::{Account, OrgScope, sessions};
use crate::audit::{self, Event, action};
use crate::entities::{manager_team_scope, team, user};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

/// A team a manager may see, with its organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TeamGrant {
    pub team_id: i64,
    pub organisation_id: i64,
}

/// A team as pages and the JSON API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Team {
    pub id: i64,
    pub organisation_id: i64,
    /// "Name (CODE)" of the organisation.
    pub organisation: String,
    pub name: String,
}

/// Every team's name, by id.
pub async fn names(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, String>> {
    Ok(team::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

/// The teams in `scope`, by organisation and name.
pub async fn list(db: &impl ConnectionTrait, scope: &OrgScope) -> AppResult<Vec<Team>> {
    let organisations = super::organisations::labels(db).await?;
    let mut teams: Vec<Team> = team::Entity::find()
        .order_by_asc(team::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .filter(|t| scope.covers(t.organisation_id, Some(t.id)))
        .map(|t| Team {
            organisation: organisations
                .get(&t.organisation_id)
                .cloned()
                .unwrap_or_default(),
            id: t.id,
            organisation_id: t.organisation_id,
            name: t.name,
        })
        .collect();
    teams.sort_by(|a, b| (&a.organisation, &a.name).cmp(&(&b.organisation, &b.name)));
    Ok(teams)
}

/// The team with `id`, if there is one.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<team::Model>> {
    Ok(team::Entity::find_by_id(id).one(db).await?)
}

/// The teams a person manages.
pub async fn grants_of(db: &impl ConnectionTrait, user_id: i64) -> AppResult<Vec<TeamGrant>> {
    let ids: Vec<i64> = manager_team_scope::Entity::find()
        .filter(manager_team_scope::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.team_id)
        .collect();
    Ok(team::Entity::find()
        .filter(team::Column::Id.is_in(ids))
        .order_by_asc(team::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|t| TeamGrant {
            team_id: t.id,
            organisation_id: t.organisation_id,
        })
        .collect())
}

/// Which of `user_ids` manage at least one team.
pub async fn managers_among(db: &impl ConnectionTrait, user_ids: &[i64]) -> AppResult<Vec<i64>> {
    Ok(manager_team_scope::Entity::find()
        .filter(manager_team_scope::Column::UserId.is_in(user_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.user_id)
        .collect())
}

/// Team ids by organisation and lower-cased name, for an import that finds or makes teams by
/// the names a file gives, in the import's transaction.
pub struct TeamNames {
    ids: HashMap<(i64, String), i64>,
    created: usize,
}

impl TeamNames {
    pub async fn load(db: &impl ConnectionTrait) -> AppResult<Self> {
        let ids = team::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|t| ((t.organisation_id, t.name.to_lowercase()), t.id))
            .collect();
        Ok(Self { ids, created: 0 })
    }

    /// The id of the team called `name` in the organisation; made if there is none (the first
    /// spelling seen is kept).
    pub async fn id_of(
        &mut self,
        db: &impl ConnectionTrait,
        organisation_id: i64,
        name: &str,
    ) -> AppResult<i64> {
        let key = (organisation_id, name.to_lowercase());
        if let Some(id) = self.ids.get(&key) {
            return Ok(*id);
        }
        let made = team::ActiveModel {
            organisation_id: Set(organisation_id),
            name: Set(name.to_owned()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        self.ids.insert(key, made.id);
        self.created += 1;
        Ok(made.id)
    }

    /// The id of the team called `name` (any case and spacing) in the organisation, if any.
    pub fn find(&self, organisation_id: i64, name: &str) -> Option<i64> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        self.ids
            .get(&(organisation_id, name.to_lowercase()))
            .copied()
    }

    /// How many teams [`Self::id_of`] made.
    pub fn created(&self) -> usize {
        self.created
    }
}

/// A person and the teams they manage, for the admin's page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ManagerTeams {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    /// The ids of the teams they manage.
    pub team_ids: Vec<i64>,
    /// Every team, to choose from.
    pub teams: Vec<Team>,
}

/// The teams a person manages and those an admin can choose from.
pub async fn manager_teams(
    db: &impl ConnectionTrait,
    user_id: PersonId,
) -> AppResult<ManagerTeams> {
    let person = user::Entity::find_by_id(user_id.get())
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("No such person.".into()))?;
    Ok(ManagerTeams {
        user_id: person.id,
        display_name: person.display_name,
        email: person.email,
        team_ids: grants_of(db, person.id)
            .await?
            .into_iter()
            .map(|g| g.team_id)
            .collect(),
        teams: list(db, &OrgScope::All).await?,
    })
}

/// Sets the teams a person manages (admins only: `actor` is the admin). Their sessions end so
/// the new scope applies at once, as when roles change; the change is audited.
pub async fn set_manager_teams(
    db: &DatabaseConnection,
    actor: &Account,
    client_address: Option<String>,
    user_id: PersonId,
    team_ids: Vec<i64>,
) -> AppResult<ManagerTeams> {
    let mut team_ids = team_ids;
    team_ids.sort_unstable();
    team_ids.dedup();
    let txn = crate::db::begin_write(db).await?;
    let person = user::Entity::find_by_id(user_id.get())
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("No such person.".into()))?;
    let names: Vec<String> = team::Entity::find()
        .filter(team::Column::Id.is_in(team_ids.clone()))
        .order_by_asc(team::Column::Name)
        .all(&txn)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    if names.len() != team_ids.len() {
        return Err(AppError::Unprocessable("Choose teams from the list".into()));
    }
    manager_team_scope::Entity::delete_many()
        .filter(manager_team_scope::Column::UserId.eq(person.id))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    for team_id in &team_ids {
        manager_team_scope::ActiveModel {
            user_id: Set(person.id),
            team_id: Set(*team_id),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    sessions::end_all_for(&txn, person.id, None).await?;
    audit::record(
        &txn,
        Event::new(action::MANAGER_TEAMS_CHANGED)
            .by(Some(actor.id))
            .subject(person.email)
            .detail(serde_json::json!({
                "user_id": person.id,
                "teams": team_ids,
                "team_names": names,
            }))
            .from_address(client_address),
    )
    .await?;
    txn.commit().await?;
    manager_teams(db, user_id).await
}
