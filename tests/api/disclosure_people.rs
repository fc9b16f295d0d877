//! The disclosure attacker's population: who sat what, where they worked when they sat it, in
//! which month, and what they truly scored. The test knows the truth so that a recovered value
//! can be checked: a guess that does not match is no disclosure.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use genomics_training::accounts::users;
use genomics_training::entities::{job_role, staff_group};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, ExprTrait,
    QueryFilter, Statement,
};

use crate::reports_support::{Sitting, learner, org_id, role_id, sit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    Baseline,
    Post,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Baseline => "baseline",
            Self::Post => "post",
        }
    }
}

/// One counted sitting: the job held when it was submitted, its month, and the truth.
#[derive(Debug, Clone)]
pub struct Sat {
    pub org: i64,
    pub group: String,
    pub role: String,
    pub band: Option<String>,
    /// 'YYYY-MM'; `None` until the month is closed (it is then still the current month).
    pub month: Option<String>,
    /// Its place in the order of all counted submissions: a manager sees the day of each
    /// (completion view) and, in the strongest case, the order within a day.
    pub seq: usize,
    /// 0–100, the same in every topic (`sit` answers each topic alike).
    pub knowledge: f64,
    pub rating: f64,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub baseline: Option<Sat>,
    pub post: Option<Sat>,
}

impl Person {
    pub fn sat(&self, phase: Phase) -> Option<&Sat> {
        match phase {
            Phase::Baseline => self.baseline.as_ref(),
            Phase::Post => self.post.as_ref(),
        }
    }
}

#[derive(Debug, Clone)]
struct Job {
    org: i64,
    role_slug: String,
    band: Option<String>,
}

/// Builds the population through the real assessment service and keeps the truth.
pub struct Census<'a> {
    db: &'a DatabaseConnection,
    pub people: Vec<Person>,
    jobs: Vec<Job>,
    /// Role slug → (job role name, staff group name).
    roles: HashMap<String, (String, String)>,
    /// How many counted submissions there have been: what a snapshot of the reports saw.
    pub submitted: usize,
    cohort_start: DateTime<Utc>,
}

impl<'a> Census<'a> {
    pub fn new(db: &'a DatabaseConnection) -> Self {
        Self {
            db,
            people: Vec::new(),
            jobs: Vec::new(),
            roles: HashMap::new(),
            submitted: 0,
            cohort_start: Utc::now(),
        }
    }

    async fn names(&mut self, slug: &str) -> (String, String) {
        if let Some(names) = self.roles.get(slug) {
            return names.clone();
        }
        let role = job_role::Entity::find()
            .filter(job_role::Column::Slug.eq(slug))
            .one(self.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no job role {slug}"));
        let group = staff_group::Entity::find_by_id(role.staff_group_id)
            .one(self.db)
            .await
            .unwrap()
            .unwrap();
        let names = (role.name, group.name);
        self.roles.insert(slug.to_owned(), names.clone());
        names
    }

    /// `count` new people in `org` as `role` at `band`, each sitting the baseline as `how`.
    pub async fn join(
        &mut self,
        org: &str,
        role: &str,
        band: &str,
        count: usize,
        how: Sitting,
    ) -> Vec<usize> {
        let mut out = Vec::new();
        for _ in 0..count {
            let index = self.people.len();
            let email = format!("p{index}-{role}-{org}@nhs.test");
            let id = learner(self.db, &email, org, role, band).await;
            self.people.push(Person {
                id,
                name: email,
                baseline: None,
                post: None,
            });
            self.jobs.push(Job {
                org: org_id(self.db, org).await,
                role_slug: role.to_owned(),
                band: Some(band.to_owned()),
            });
            self.sit(index, Phase::Baseline, how).await;
            out.push(index);
        }
        out
    }

    /// Person `who` sits the baseline or the post-assessment as `how` in their current job.
    pub async fn sit(&mut self, who: usize, phase: Phase, how: Sitting) {
        sit(self.db, self.people[who].id, phase.as_str(), how).await;
        let job = self.jobs[who].clone();
        let (role, group) = self.names(&job.role_slug).await;
        let sat = Sat {
            org: job.org,
            group,
            role,
            band: job.band,
            month: None,
            seq: self.submitted,
            knowledge: 100.0 * how.right as f64 / 3.0,
            rating: f64::from(how.rating),
        };
        let person = &mut self.people[who];
        match phase {
            // Only the first baseline counts.
            Phase::Baseline if person.baseline.is_some() => return,
            Phase::Baseline => person.baseline = Some(sat),
            // A replaced post-assessment would take the old one away from its atom; this
            // population sits it once each, so the model does not follow replacements.
            Phase::Post => {
                assert!(person.post.is_none(), "the model follows one post each");
                person.post = Some(sat);
            }
        }
        self.submitted += 1;
    }

    /// Ends `who`'s job and starts another, as an HR import does.
    pub async fn move_job(&mut self, who: usize, org: &str, role: &str, band: &str) {
        let user = self.people[who].id;
        let now = Utc::now();
        self.db
            .execute(
                &Query::update()
                    .table(Alias::new("job_assignments"))
                    .value(Alias::new("ended_at"), now)
                    .and_where(Expr::col(Alias::new("user_id")).eq(user))
                    .and_where(Expr::col(Alias::new("ended_at")).is_null())
                    .take(),
            )
            .await
            .unwrap();
        let org = org_id(self.db, org).await;
        let role_id = role_id(self.db, role).await;
        users::start_job(self.db, user, org, role_id, Some(band), now)
            .await
            .unwrap();
        self.jobs[who] = Job {
            org,
            role_slug: role.to_owned(),
            band: Some(band.to_owned()),
        };
    }

    /// Moves everything submitted since the last close into `month` ('YYYY-MM', in the past):
    /// the attempts' submission times and the `period` of every table that has one, found in
    /// the catalogue so that aggregate tables added later move too.
    pub async fn close_month(&mut self, month: &str) {
        let current = Utc::now().format("%Y-%m").to_string();
        let at: DateTime<Utc> = format!("{month}-15T10:00:00Z").parse().unwrap();
        self.db
            .execute(
                &Query::update()
                    .table(Alias::new("attempts"))
                    .value(Alias::new("submitted_at"), at)
                    .and_where(Expr::col(Alias::new("submitted_at")).gte(self.cohort_start))
                    .take(),
            )
            .await
            .unwrap();
        for table in tables_with_period(self.db).await {
            self.db
                .execute(
                    &Query::update()
                        .table(Alias::new(table.as_str()))
                        .value(Alias::new("period"), month)
                        .and_where(Expr::col(Alias::new("period")).eq(current.as_str()))
                        .take(),
                )
                .await
                .unwrap();
        }
        for person in &mut self.people {
            for sat in [&mut person.baseline, &mut person.post]
                .into_iter()
                .flatten()
            {
                sat.month.get_or_insert_with(|| month.to_owned());
            }
        }
        self.cohort_start = Utc::now();
    }

    /// The people as now: whatever is still unclosed belongs to the current month.
    pub fn snapshot(&self) -> Vec<Person> {
        let current = Utc::now().format("%Y-%m").to_string();
        let mut people = self.people.clone();
        for person in &mut people {
            for sat in [&mut person.baseline, &mut person.post]
                .into_iter()
                .flatten()
            {
                sat.month.get_or_insert_with(|| current.clone());
            }
        }
        people
    }
}

async fn tables_with_period(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND column_name = 'period'"
        }
        _ => {
            "SELECT m.name AS name FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND p.name = 'period'"
        }
    };
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String>("", "name").unwrap())
        .collect()
}
