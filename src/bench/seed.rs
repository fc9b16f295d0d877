//! `bench seed`: a whole synthetic population written straight into the database with
//! multi-row inserts, its aggregates built in memory by the very functions a submit uses
//! ([`cell_deltas`], [`item_stats::add`]) and written through [`Increments`], so `verify` is
//! clean. Also, optionally, "ready" learners: each with a session and an open baseline whose
//! answers are written to a file for the load driver.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};
use tokio::task::JoinHandle;

use super::insert::{next_id, resync_ids};
use super::population::{Person, Role, Workforce, organisation_weights};
use crate::accounts::password::{self, Password};
use crate::aggregates::{Increments, add_cell, publication};
use crate::assessment::aggregates::{AttemptTopics, Targets, cell_deltas, knowledge_by_topic};
use crate::assessment::answer;
use crate::assessment::attempts::{SaveItem, response_row};
use crate::assessment::bank::{self, Slot};
use crate::assessment::draw::{self, PoolItem};
use crate::assessment::{item_stats, scoring};
use crate::entities::{
    AttemptStatus, Phase, assessment, attempt, attempt_item, job_assignment, job_role,
    organisation, response, role_target, session, staff_group, topic_rating, user,
};
use crate::error::{AppError, AppResult};

/// What to create.
#[derive(Debug, Clone)]
pub struct SeedSpec {
    pub staff: usize,
    pub orgs: usize,
    /// Share (0–1) of staff who also sat the post-assessment.
    pub post_share: f64,
    /// Learners to leave with an open baseline, for the load driver.
    pub ready: usize,
    /// Where to write the ready learners (one JSON object per line).
    pub ready_file: Option<PathBuf>,
    pub seed: u64,
    /// Every seeded person's password (hashed once), so sign-in can be measured.
    pub password: String,
    /// How long the ready learners' sessions last.
    pub session_hours: u32,
}

/// What was created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedSummary {
    pub staff: usize,
    pub orgs: usize,
    pub attempts: usize,
    pub responses: usize,
    pub aggregate_rows: usize,
    pub ready: usize,
}

/// People written per transaction: large enough for long multi-row inserts, small enough
/// that memory stays flat whatever the population.
const PEOPLE_PER_BATCH: usize = 2_000;

/// An assessment's drawing rules and pool.
pub(super) struct Form {
    pub(super) id: i64,
    pub(super) blueprint: Vec<(i64, usize)>,
    pub(super) pool: Vec<PoolItem>,
}

/// Everything about the content the seed needs, read once.
pub(super) struct Content {
    pub(super) roles: Vec<Role>,
    pub(super) targets: Vec<Targets>,
    pub(super) baseline: Form,
    pub(super) post: Form,
    pub(super) slots: HashMap<i64, Slot>,
    pub(super) item_of_version: HashMap<i64, i64>,
}

async fn form(db: &impl ConnectionTrait, slug: &str) -> AppResult<Form> {
    let row = assessment::Entity::find()
        .filter(assessment::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| AppError::Conflict(format!("Load the content first: no {slug}.")))?;
    let blueprint = bank::blueprint(db, row.id).await?;
    Ok(Form {
        id: row.id,
        blueprint,
        pool: bank::pool(db, row.id).await?,
    })
}

pub(super) async fn content(db: &impl ConnectionTrait) -> AppResult<Content> {
    let groups: HashMap<i64, String> = staff_group::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g.slug))
        .collect();
    let roles: Vec<Role> = job_role::Entity::find()
        .order_by_asc(job_role::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Role {
            id: r.id,
            staff_group_id: r.staff_group_id,
            staff_group_slug: groups.get(&r.staff_group_id).cloned().unwrap_or_default(),
        })
        .collect();
    let mut by_role: HashMap<i64, Targets> = HashMap::new();
    for t in role_target::Entity::find().all(db).await? {
        by_role.entry(t.job_role_id).or_default().insert(
            t.topic_id,
            (f64::from(t.required_level), f64::from(t.importance)),
        );
    }
    let targets = roles
        .iter()
        .map(|r| by_role.remove(&r.id).unwrap_or_default())
        .collect();
    let baseline = form(db, "baseline").await?;
    let post = form(db, "post").await?;
    let pool: Vec<&PoolItem> = baseline.pool.iter().chain(&post.pool).collect();
    let item_of_version = pool
        .iter()
        .map(|p| (p.item_version_id, p.item_id))
        .collect();
    let slots = bank::slots_for(db, pool.iter().map(|p| (0, p.item_version_id, p.topic_id)))
        .await?
        .into_iter()
        .map(|s| (s.item_version_id, s))
        .collect();
    if roles.is_empty() || baseline.pool.is_empty() {
        return Err(AppError::Conflict(
            "Load the content (roles and a baseline bank) before seeding.".into(),
        ));
    }
    Ok(Content {
        roles,
        targets,
        baseline,
        post,
        slots,
        item_of_version,
    })
}

/// One sitting, in memory: its rows and its scores.
struct Sitting {
    attempt: attempt::Model,
    items: Vec<attempt_item::ActiveModel>,
    ratings: Vec<(i64, i16)>,
    topics: AttemptTopics,
}

impl Content {
    pub(super) fn draw(&self, form: &Form, avoid: &HashSet<i64>, rng: &mut StdRng) -> Vec<Slot> {
        draw::draw(&form.blueprint, &form.pool, avoid, rng)
            .iter()
            .zip(1..)
            .filter_map(|(p, position)| {
                let mut slot = self.slots.get(&p.item_version_id)?.clone();
                slot.position = position;
                Some(slot)
            })
            .collect()
    }

    /// A submitted attempt by `person` (with `who`'s job) at `form`, as the submit path would
    /// have stored and scored it.
    #[expect(clippy::too_many_arguments, reason = "one sitting's whole context")]
    fn sit(
        &self,
        rng: &mut StdRng,
        form: &Form,
        phase: Phase,
        attempt_id: i64,
        who: &attempt::Model,
        person: &Person,
        avoid: &HashSet<i64>,
        submitted_at: DateTime<Utc>,
    ) -> AppResult<Sitting> {
        let slots = self.draw(form, avoid, rng);
        let targets = &self.targets[person.role];
        let target = |topic| targets.get(&topic).map_or(0.0, |t| t.0);
        let mut learner = person.learner;
        if phase == Phase::Post {
            learner.ability = (learner.ability + 0.2).min(0.98);
        }
        let (ratings, answers) = learner.answer(rng, &slots, target);
        let responses = responses(attempt_id, &slots, &answers, submitted_at)?;
        let scored = scoring::score(&slots, &responses);
        let summary = scored.overall.summary();
        let attempt = attempt::Model {
            id: attempt_id,
            assessment_id: form.id,
            phase,
            status: AttemptStatus::Submitted,
            started_at: submitted_at - Duration::minutes(20),
            submitted_at: Some(submitted_at),
            is_reported: true,
            accuracy: summary.accuracy,
            cbm_mean: summary.mean_cbm_mark,
            ..who.clone()
        };
        let items = attempt_items(attempt_id, &slots);
        Ok(Sitting {
            attempt,
            items,
            topics: AttemptTopics {
                slots,
                scored,
                ratings: ratings.iter().copied().collect(),
                responses,
            },
            ratings,
        })
    }
}

pub(super) fn attempt_items(attempt_id: i64, slots: &[Slot]) -> Vec<attempt_item::ActiveModel> {
    slots
        .iter()
        .map(|s| attempt_item::ActiveModel {
            attempt_id: Set(attempt_id),
            position: Set(s.position),
            item_version_id: Set(s.item_version_id),
            topic_id: Set(s.topic_id),
            // Benchmarks answer in the order written; NULL says so.
            option_order: Set(None),
        })
        .collect()
}

/// The stored responses for `answers`, checked and graded as a save would.
fn responses(
    attempt_id: i64,
    slots: &[Slot],
    answers: &[SaveItem],
    at: DateTime<Utc>,
) -> AppResult<Vec<response::Model>> {
    let mut out = Vec::with_capacity(answers.len());
    for (slot, item) in slots.iter().zip(answers) {
        let checked = answer::check(&slot.question, &item.answer, item.sureness)
            .map_err(|problem| AppError::internal(format!("seed answer refused: {problem}")))?;
        if let Some(checked) = checked {
            out.push(response_row(
                attempt_id,
                slot,
                &item.answer,
                &checked,
                item.time_on_item_ms,
                at,
            )?);
        }
    }
    Ok(out)
}

/// Rows of one batch of people, written in one transaction.
#[derive(Default)]
pub(super) struct Rows {
    pub(super) users: Vec<user::ActiveModel>,
    pub(super) jobs: Vec<job_assignment::ActiveModel>,
    pub(super) attempts: Vec<attempt::ActiveModel>,
    pub(super) items: Vec<attempt_item::ActiveModel>,
    pub(super) ratings: Vec<topic_rating::ActiveModel>,
    pub(super) responses: Vec<response::ActiveModel>,
    pub(super) sessions: Vec<session::ActiveModel>,
    pub(super) aggregates: Increments,
}

impl Rows {
    fn add_sitting(&mut self, sitting: Sitting) {
        let id = sitting.attempt.id;
        self.items.extend(sitting.items);
        self.ratings
            .extend(
                sitting
                    .ratings
                    .iter()
                    .map(|&(topic_id, rating)| topic_rating::ActiveModel {
                        attempt_id: Set(id),
                        topic_id: Set(topic_id),
                        rating: Set(rating),
                    }),
            );
        self.responses
            .extend(sitting.topics.responses.into_iter().map(|r| {
                let mut row: response::ActiveModel = r.into();
                row.id = NotSet;
                row
            }));
        self.attempts.push(sitting.attempt.into());
    }

    /// Writes the batch in one transaction and says how many aggregate rows it added to.
    pub(super) async fn write(self, db: &DatabaseConnection) -> AppResult<usize> {
        match db.get_database_backend() {
            DbBackend::Postgres => {
                super::write::copy(db.get_postgres_connection_pool(), self).await
            }
            _ => super::write::insert(db.get_sqlite_connection_pool(), self).await,
        }
    }
}

pub(super) fn new_user(
    id: i64,
    email: String,
    name: String,
    hash: &str,
    now: DateTime<Utc>,
) -> user::ActiveModel {
    user::ActiveModel {
        id: Set(id),
        email: Set(email),
        display_name: Set(name),
        employee_number: Set(None),
        password_hash: Set(Some(hash.to_owned())),
        is_active: Set(true),
        is_trainer: Set(false),
        is_admin: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        disabled_at: Set(None),
        pseudonymised_at: Set(None),
    }
}

async fn organisations(db: &impl ConnectionTrait, n: usize) -> AppResult<Vec<i64>> {
    let existing = organisation::Entity::find()
        .filter(organisation::Column::Code.starts_with("BENCH"))
        .one(db)
        .await?;
    if existing.is_some() {
        return Err(AppError::Conflict(
            "This database already holds a benchmark population; seed a fresh database.".into(),
        ));
    }
    let mut ids = Vec::with_capacity(n);
    for i in 1..=n {
        let row = organisation::ActiveModel {
            code: Set(format!("BENCH{i:03}")),
            name: Set(format!("Benchmark NHS Trust {i}")),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        ids.push(row.id);
    }
    Ok(ids)
}

/// Seeds the population and the ready learners.
pub async fn seed(db: &DatabaseConnection, spec: &SeedSpec) -> AppResult<SeedSummary> {
    let started = Instant::now();
    let content = content(db).await?;
    let org_ids = organisations(db, spec.orgs.max(1)).await?;
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let weights = organisation_weights(org_ids.len(), &mut rng);
    let workforce = Workforce::new(&content.roles, &weights);
    let password = Password::parse(&spec.password).map_err(AppError::Unprocessable)?;
    let hash = password::hash(password).await?;
    let mut next_user = next_id(db, "users").await?;
    let mut next_attempt = next_id(db, "attempts").await?;
    let now = Utc::now();
    let mut summary = SeedSummary {
        orgs: org_ids.len(),
        ..SeedSummary::default()
    };
    let mut rows = Rows::default();
    // The aggregates are added up over the whole population and written once, with the last
    // batch: written per batch, each row was upserted again by nearly every batch, and on
    // PostgreSQL those upserts took most of the seed's time.
    let mut aggregates = Increments::default();
    let mut writing: Option<JoinHandle<AppResult<usize>>> = None;
    for i in 0..spec.staff {
        let Some(person) = workforce.person(&mut rng) else {
            break;
        };
        let role = &content.roles[person.role];
        let who = attempt::Model {
            id: 0,
            user_id: next_user,
            assessment_id: 0,
            // The sitting sets its own phase and status.
            phase: Phase::Baseline,
            status: AttemptStatus::InProgress,
            started_at: now,
            submitted_at: None,
            organisation_id: Some(org_ids[person.organisation]),
            job_role_id: Some(role.id),
            staff_group_id: Some(role.staff_group_id),
            band: person.band.map(str::to_owned),
            // The benchmark population has no teams.
            team_id: None,
            is_reported: false,
            accuracy: None,
            cbm_mean: None,
            responses_removed_at: None,
        };
        let email = format!("staff{i}@bench{}.nhs.uk", person.organisation + 1);
        rows.users
            .push(new_user(next_user, email, format!("Staff {i}"), &hash, now));
        rows.jobs.push(job(&who, now - Duration::days(730)));
        // Baselines over the last year; a post-assessment 1 to 12 weeks after.
        let baseline_at = now - Duration::minutes(rng.random_range(60..525_600));
        let baseline = content.sit(
            &mut rng,
            &content.baseline,
            Phase::Baseline,
            next_attempt,
            &who,
            &person,
            &HashSet::new(),
            baseline_at,
        )?;
        next_attempt += 1;
        let mut deltas = cell_deltas(
            &baseline.attempt,
            &baseline.topics,
            &content.targets[person.role],
            &HashMap::new(),
            &HashMap::new(),
            &HashSet::new(),
        );
        item_stats::add(&mut aggregates, &baseline.attempt, &baseline.topics)?;
        if !content.post.pool.is_empty() && rng.random_bool(spec.post_share.clamp(0.0, 1.0)) {
            let seen: HashSet<i64> = baseline
                .topics
                .slots
                .iter()
                .filter_map(|s| content.item_of_version.get(&s.item_version_id).copied())
                .collect();
            let post_at =
                (baseline_at + Duration::minutes(rng.random_range(10_080..120_960))).min(now);
            let post = content.sit(
                &mut rng,
                &content.post,
                Phase::Post,
                next_attempt,
                &who,
                &person,
                &seen,
                post_at,
            )?;
            next_attempt += 1;
            let pre = knowledge_by_topic(&baseline.topics);
            deltas.extend(cell_deltas(
                &post.attempt,
                &post.topics,
                &content.targets[person.role],
                &pre,
                // The seed writes no calibration, so no scores on the calibrated scale.
                &HashMap::new(),
                &HashSet::new(),
            ));
            summary.attempts += 1;
            summary.responses += post.topics.responses.len();
            rows.add_sitting(post);
        }
        for (key, delta) in deltas {
            add_cell(&mut aggregates, &key, &delta)?;
        }
        summary.attempts += 1;
        summary.responses += baseline.topics.responses.len();
        rows.add_sitting(baseline);
        next_user += 1;
        summary.staff += 1;
        if rows.users.len() >= PEOPLE_PER_BATCH {
            // One batch is written while the next is made: the writer and the database work
            // on one core, the simulation on the other.
            if let Some(previous) = writing.take() {
                summary.aggregate_rows += finished(previous).await?;
            }
            let (batch, db) = (std::mem::take(&mut rows), db.clone());
            writing = Some(tokio::spawn(async move { batch.write(&db).await }));
            if summary.staff % 100_000 < PEOPLE_PER_BATCH {
                tracing::info!(
                    staff = summary.staff,
                    seconds = started.elapsed().as_secs(),
                    "seeding"
                );
            }
        }
    }
    if let Some(previous) = writing.take() {
        summary.aggregate_rows += finished(previous).await?;
    }
    rows.aggregates = aggregates;
    summary.aggregate_rows += std::mem::take(&mut rows).write(db).await?;
    // Publish as the submits would have, month by month, so reports see the population.
    let threshold = publication::threshold(db).await?;
    publication::rebuild(db, threshold).await?;
    summary.ready = super::ready::ready(
        db,
        spec,
        &content,
        &workforce,
        &mut rng,
        &hash,
        &org_ids,
        &mut next_user,
        &mut next_attempt,
    )
    .await?;
    resync_ids(db, &["users", "attempts"]).await?;
    if db.get_database_backend() == DbBackend::Postgres {
        // Statistics for what was just loaded, as after any bulk load: until autovacuum got
        // round to it, PostgreSQL planned a submit's reads as if the tables were empty and a
        // submit took half a second on 1.5 million staff (docs/benchmarks.md).
        // Not subject to the service's statement timeout, which the pool sets for requests:
        // at 1.5 million staff on a busy machine ANALYZE can take longer.
        let txn = db.begin().await?;
        txn.execute_unprepared("SET LOCAL statement_timeout = 0")
            .await?;
        txn.execute_unprepared("ANALYZE").await?;
        txn.commit().await?;
    }
    Ok(summary)
}

async fn finished(batch: JoinHandle<AppResult<usize>>) -> AppResult<usize> {
    batch.await.map_err(AppError::internal)?
}

fn job(who: &attempt::Model, started_at: DateTime<Utc>) -> job_assignment::ActiveModel {
    job_assignment::ActiveModel {
        user_id: Set(who.user_id),
        organisation_id: Set(who.organisation_id.unwrap_or_default()),
        job_role_id: Set(who.job_role_id.unwrap_or_default()),
        band: Set(who.band.clone()),
        started_at: Set(started_at),
        ended_at: Set(None),
        ..Default::default()
    }
}
