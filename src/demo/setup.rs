//! `serve --demo`: the demo organisation with its synthetic staff ([`super::populate`])
//! and one sign-in per persona (learner, trainer, manager of the demo trust, admin) sharing a
//! documented demo password. Idempotent: a second start finds the staff and the sign-ins and
//! creates nothing.

use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, ExprTrait};

use super::{DemoSpec, populate};
use crate::accounts::users::{self, NewUser};
use crate::accounts::{Password, password};
use crate::error::{AppError, AppResult};

/// The demo organisation's ODS-like code and name.
pub const DEMO_CODE: &str = "DEMO1";
pub const DEMO_NAME: &str = "Demo NHS Foundation Trust";
/// The password of every demo sign-in (printed at start; documented in docs/managers.md).
pub const DEMO_PASSWORD: &str = "demo genomics training";
/// Synthetic staff created by default: "a few thousand", about 100 s through the real submit
/// path with a release build on 2 cores (measured; see docs/managers.md).
pub const DEFAULT_STAFF: usize = 3000;

/// One demo sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignIn {
    pub persona: &'static str,
    pub email: String,
}

/// What `--demo` found or made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLoaded {
    pub organisation_id: i64,
    /// Staff created now; 0 when they were there already.
    pub created_staff: usize,
    pub existing_staff: u64,
    pub took: Duration,
    pub sign_ins: Vec<SignIn>,
}

async fn demo_staff(db: &impl ConnectionTrait) -> AppResult<(Option<i64>, u64)> {
    let find = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("organisations"))
        .and_where(Expr::col(Alias::new("code")).eq(DEMO_CODE))
        .take();
    let Some(row) = db.query_one(&find).await? else {
        return Ok((None, 0));
    };
    let id: i64 = row.try_get("", "id")?;
    let count = Query::select()
        .expr_as(Expr::col(Alias::new("id")).count(), Alias::new("n"))
        .from(Alias::new("job_assignments"))
        .and_where(Expr::col(Alias::new("organisation_id")).eq(id))
        .take();
    let n: i64 = match db.query_one(&count).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok((Some(id), u64::try_from(n).unwrap_or(0)))
}

/// Loads the demo (when not loaded yet) and makes sure every persona can sign in.
pub async fn load_demo(db: &DatabaseConnection, staff: usize, seed: u64) -> AppResult<DemoLoaded> {
    let started = Instant::now();
    let (found, existing_staff) = demo_staff(db).await?;
    // Personas hold jobs too, so "staff already there" means more than the personas.
    let (organisation_id, created_staff) = match found {
        Some(id) if existing_staff > PERSONAS.len() as u64 => (id, 0),
        _ => {
            let summary = populate(
                db,
                &DemoSpec {
                    organisation_code: DEMO_CODE.into(),
                    organisation_name: DEMO_NAME.into(),
                    staff,
                    post_share: 0.6,
                    seed,
                    ends: Utc::now(),
                },
            )
            .await?;
            (summary.organisation_id, summary.users.len())
        }
    };
    let mut sign_ins = Vec::new();
    for persona in &PERSONAS {
        ensure_persona(db, organisation_id, persona).await?;
        sign_ins.push(SignIn {
            persona: persona.label,
            email: persona.email.into(),
        });
    }
    Ok(DemoLoaded {
        organisation_id,
        created_staff,
        existing_staff,
        took: started.elapsed(),
        sign_ins,
    })
}

struct Persona {
    label: &'static str,
    email: &'static str,
    name: &'static str,
    trainer: bool,
    admin: bool,
    manager: bool,
}

const PERSONAS: [Persona; 4] = [
    Persona {
        label: "learner",
        email: "learner@demo.nhs.uk",
        name: "Demo Learner",
        trainer: false,
        admin: false,
        manager: false,
    },
    Persona {
        label: "trainer",
        email: "trainer@demo.nhs.uk",
        name: "Demo Trainer",
        trainer: true,
        admin: false,
        manager: false,
    },
    Persona {
        label: "manager (Demo NHS Foundation Trust)",
        email: "manager@demo.nhs.uk",
        name: "Demo Manager",
        trainer: false,
        admin: false,
        manager: true,
    },
    Persona {
        label: "admin",
        email: "admin@demo.nhs.uk",
        name: "Demo Admin",
        trainer: false,
        admin: true,
        manager: false,
    },
];

async fn user_id(db: &impl ConnectionTrait, email: &str) -> AppResult<Option<i64>> {
    let find = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("users"))
        .and_where(Expr::col(Alias::new("email")).eq(email))
        .take();
    match db.query_one(&find).await? {
        Some(row) => Ok(Some(row.try_get("", "id")?)),
        None => Ok(None),
    }
}

/// Creates the persona's account, job and manager scope unless it exists.
async fn ensure_persona(
    db: &DatabaseConnection,
    organisation_id: i64,
    persona: &Persona,
) -> AppResult<()> {
    if user_id(db, persona.email).await?.is_some() {
        return Ok(());
    }
    let secret = Password::parse(DEMO_PASSWORD).map_err(AppError::internal)?;
    let hash = password::hash(secret).await?;
    let now = Utc::now();
    let new = NewUser {
        email: persona.email.to_owned(),
        display_name: persona.name.to_owned(),
        password_hash: Some(hash),
        active: true,
        trainer: persona.trainer,
        admin: persona.admin,
        ..NewUser::default()
    };
    let id = users::create(db, new).await?.id;
    if persona.manager {
        let scope = Query::insert()
            .into_table(Alias::new("manager_scopes"))
            .columns(["user_id", "organisation_id", "created_at"].map(Alias::new))
            .values([id.into(), organisation_id.into(), now.into()])
            .map_err(AppError::internal)?
            .take();
        db.execute(&scope).await?;
    }
    if !persona.admin {
        let role = Query::select()
            .column(Alias::new("id"))
            .from(Alias::new("job_roles"))
            .order_by(Alias::new("position"), sea_orm::sea_query::Order::Asc)
            .limit(1)
            .take();
        if let Some(row) = db.query_one(&role).await? {
            let role: i64 = row.try_get("", "id")?;
            users::start_job(db, id, organisation_id, role, Some("Band 6"), now).await?;
        }
    }
    Ok(())
}
