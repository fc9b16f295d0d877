//! The job a learner holds now: the group their answers count in when they submit.

use sea_orm::sea_query::{Alias, Expr, JoinType, Order, Query};
use sea_orm::{ConnectionTrait, DbErr, ExprTrait};

use crate::ids::PersonId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub organisation_id: i64,
    pub job_role_id: i64,
    pub staff_group_id: i64,
    pub band: Option<String>,
    pub team_id: Option<i64>,
}

pub async fn current_job(
    db: &impl ConnectionTrait,
    user_id: PersonId,
) -> Result<Option<Job>, DbErr> {
    let ja = Alias::new("ja");
    let jr = Alias::new("jr");
    let query = Query::select()
        .column((ja.clone(), Alias::new("organisation_id")))
        .column((ja.clone(), Alias::new("job_role_id")))
        .column((jr.clone(), Alias::new("staff_group_id")))
        .column((ja.clone(), Alias::new("band")))
        .column((ja.clone(), Alias::new("team_id")))
        .from_as(Alias::new("job_assignments"), ja.clone())
        .join_as(
            JoinType::InnerJoin,
            Alias::new("job_roles"),
            jr.clone(),
            Expr::col((jr.clone(), Alias::new("id")))
                .equals((ja.clone(), Alias::new("job_role_id"))),
        )
        .and_where(Expr::col((ja.clone(), Alias::new("user_id"))).eq(user_id.get()))
        .and_where(Expr::col((ja.clone(), Alias::new("ended_at"))).is_null())
        .order_by((ja, Alias::new("started_at")), Order::Desc)
        .limit(1)
        .take();
    let Some(row) = db.query_one(&query).await? else {
        return Ok(None);
    };
    Ok(Some(Job {
        organisation_id: row.try_get("", "organisation_id")?,
        job_role_id: row.try_get("", "job_role_id")?,
        staff_group_id: row.try_get("", "staff_group_id")?,
        band: row.try_get("", "band")?,
        team_id: row.try_get("", "team_id")?,
    }))
}
