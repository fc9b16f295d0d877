//! Starting, saving and submitting attempts. Every check that protects a learner's record is
//! here: only the owner may touch an attempt, only while it is in progress, only its own items;
//! a submit happens once, updating the report aggregates in the same transaction.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, SubsecRound, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};

use super::answer::{self, AnswerInput, CheckedAnswer, Sureness};
use super::draw::{self, PoolItem};
use super::option_order::OptionOrder;
use super::{aggregates, bank, job, priors, submit_group, submit_plan};
use crate::entities::role_target;
use crate::entities::{
    AttemptStatus, Phase, assessment, attempt, attempt_item, response, topic_rating, user,
};
use crate::error::{AppError, AppResult};
use crate::ids::{AttemptId, PersonId};
use crate::measures::decision::FollowUp;
use crate::monitoring::{self, Outcome};
use crate::xapi::Recording;

/// One item's answer as sent by the learner.
#[derive(Debug, Clone, Default)]
pub struct SaveItem {
    pub position: i32,
    pub answer: AnswerInput,
    pub sureness: Option<Sureness>,
    pub time_on_item_ms: Option<i32>,
}

/// Items whose answers were refused, by position, with the reason in words.
pub type SaveProblems = Vec<(i32, String)>;

async fn assessment_by_slug(db: &impl ConnectionTrait, slug: &str) -> AppResult<assessment::Model> {
    assessment::Entity::find()
        .filter(assessment::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no assessment called {slug}.")))
}

async fn attempts_of(
    db: &impl ConnectionTrait,
    user_id: PersonId,
    assessment_id: i64,
) -> AppResult<Vec<attempt::Model>> {
    Ok(attempt::Entity::find()
        .filter(attempt::Column::UserId.eq(user_id.get()))
        .filter(attempt::Column::AssessmentId.eq(assessment_id))
        .order_by_asc(attempt::Column::Id)
        .all(db)
        .await?)
}

/// Items the learner saw in submitted baselines, to avoid in a parallel form.
async fn seen_items(db: &impl ConnectionTrait, user_id: PersonId) -> AppResult<HashSet<i64>> {
    let baseline = assessment_by_slug(db, "baseline").await?;
    let mut seen = HashSet::new();
    for previous in attempts_of(db, user_id, baseline.id).await? {
        seen.extend(bank::item_ids_of_attempt(db, previous.id).await?);
    }
    Ok(seen)
}

/// The learner's in-progress attempt at `slug`, or a new one drawn from the bank. For the
/// baseline, a submitted attempt is returned as it is: the first baseline is locked.
/// Options are shuffled from the operating system's entropy.
pub async fn start_or_resume(
    db: &DatabaseConnection,
    user_id: PersonId,
    slug: &str,
) -> AppResult<attempt::Model> {
    start_or_resume_shuffled(db, user_id, slug, None).await
}

/// The random source for a new attempt's draw and option orders: the operating system's, unless
/// `app.shuffle_seed` is set (tests), when the same learner, assessment and attempt number
/// always get the same orders, so that no test depends on luck.
fn shuffle_rng(seed: Option<u64>, user_id: PersonId, assessment_id: i64, earlier: usize) -> StdRng {
    match seed {
        None => StdRng::from_os_rng(),
        Some(seed) => {
            // Odd multipliers spread the ids over the seed's bits (splitmix-style).
            let mix = seed
                ^ (user_id.get() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                ^ (assessment_id as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9)
                ^ (earlier as u64).wrapping_mul(0x94D0_49BB_1331_11EB);
            StdRng::seed_from_u64(mix)
        }
    }
}

/// [`start_or_resume`] with the option orders drawn from `shuffle_seed` when it is set.
pub async fn start_or_resume_shuffled(
    db: &DatabaseConnection,
    user_id: PersonId,
    slug: &str,
    shuffle_seed: Option<u64>,
) -> AppResult<attempt::Model> {
    start_or_resume_with(db, user_id, slug, shuffle_seed, false).await
}

/// [`start_or_resume_shuffled`]; with `adaptive`, a new baseline starts each topic with
/// [`FollowUp::BASELINE`]'s items and gets more through [`follow_up`] (docs/measurement.md).
pub async fn start_or_resume_with(
    db: &DatabaseConnection,
    user_id: PersonId,
    slug: &str,
    shuffle_seed: Option<u64>,
    adaptive: bool,
) -> AppResult<attempt::Model> {
    let assessment = assessment_by_slug(db, slug).await?;
    let existing = attempts_of(db, user_id, assessment.id).await?;
    if let Some(open) = existing
        .iter()
        .find(|a| a.status == AttemptStatus::InProgress)
    {
        return Ok(open.clone());
    }
    if assessment.kind == Phase::Baseline
        && let Some(done) = existing
            .iter()
            .find(|a| a.status == AttemptStatus::Submitted)
    {
        return Ok(done.clone());
    }
    // One random source for the draw and the option orders, so that a seeded test sees the
    // same items in the same orders on every run.
    let mut rng = shuffle_rng(shuffle_seed, user_id, assessment.id, existing.len());
    let pool = bank::pool(db, assessment.id).await?;
    let drawn: Vec<PoolItem> = if assessment.kind == Phase::Quiz {
        pool
    } else {
        let mut blueprint = bank::blueprint(db, assessment.id).await?;
        if adaptive && assessment.kind == Phase::Baseline {
            // The adaptive baseline starts each topic small and adds items where the answers
            // leave the decision open ([`follow_up`]).
            for (_, count) in &mut blueprint {
                *count = (*count).min(FollowUp::BASELINE.start);
            }
        }
        if assessment.kind == Phase::Post {
            // The equated form: matched in difficulty to the baseline where calibrated.
            let avoid = seen_items(db, user_id).await?;
            let matching = super::calibrated::matching_for(db, user_id.get(), &pool).await?;
            draw::draw_matched(&blueprint, &pool, &avoid, &matching, &mut rng)
        } else {
            draw::draw(&blueprint, &pool, &HashSet::new(), &mut rng)
        }
    };
    if drawn.is_empty() {
        return Err(AppError::Conflict(
            "This assessment has no questions yet. Please tell your trainer.".into(),
        ));
    }
    // Each item's option order is fixed now and stored with the attempt, so every later
    // view of it (resume, review, results, item analysis) shows what this learner saw.
    let questions =
        bank::slots_for(db, drawn.iter().map(|i| (0, i.item_version_id, i.topic_id))).await?;
    let orders: Vec<Option<String>> = questions
        .iter()
        .map(|slot| OptionOrder::draw(&slot.question, &mut rng).to_stored())
        .collect();
    let txn = crate::db::begin_write(db).await?;
    // Another start of this learner's (a double click, another instance) may have won the race
    // since the check above: then its attempt is the one.
    lock_learner(&txn, user_id).await?;
    let existing = attempts_of(&txn, user_id, assessment.id).await?;
    if let Some(open) = existing
        .iter()
        .find(|a| a.status == AttemptStatus::InProgress)
    {
        return Ok(open.clone());
    }
    let row = attempt::ActiveModel {
        user_id: Set(user_id.get()),
        assessment_id: Set(assessment.id),
        phase: Set(assessment.kind),
        status: Set(AttemptStatus::InProgress),
        started_at: Set(Utc::now()),
        is_reported: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    insert_items(&txn, row.id, 1, &drawn, orders).await?;
    txn.commit().await?;
    Ok(row)
}

/// Stores `items` (with their option orders) as the attempt's items from position `first` on.
async fn insert_items(
    db: &impl ConnectionTrait,
    attempt_id: i64,
    first: i32,
    items: &[PoolItem],
    orders: Vec<Option<String>>,
) -> AppResult<()> {
    attempt_item::Entity::insert_many(items.iter().zip(orders).zip(first..).map(
        |((item, order), position)| attempt_item::ActiveModel {
            attempt_id: Set(attempt_id),
            position: Set(position),
            item_version_id: Set(item.item_version_id),
            topic_id: Set(item.topic_id),
            option_order: Set(order),
        },
    ))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Items the adaptive baseline added to one topic of an attempt.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FollowUpAdded {
    pub topic_id: i64,
    pub topic_name: String,
    /// How many items were added.
    pub items: usize,
}

/// The learner's current role's targets (0–100) by topic and its decision priors; no targets
/// without a job.
async fn current_targets(
    db: &impl ConnectionTrait,
    user_id: PersonId,
) -> AppResult<(HashMap<i64, f64>, priors::RolePriors)> {
    let Some(job) = job::current_job(db, user_id).await? else {
        return Ok((HashMap::new(), priors::RolePriors::default()));
    };
    let targets = role_target::Entity::find()
        .filter(role_target::Column::JobRoleId.eq(job.job_role_id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.topic_id, f64::from(t.required_level)))
        .collect();
    let job = Some((job.job_role_id, job.staff_group_id));
    Ok((targets, priors::for_role(db, job).await?))
}

/// The adaptive baseline (docs/measurement.md): for each of `topics` (every topic when `None`)
/// whose items are all answered, adds items of the topic, stored with the attempt, while
/// [`FollowUp::BASELINE`] finds the test-out decision open against the learner's current
/// role's target. Nothing for other assessments, an attempt no longer open, or a learner with
/// no role. Returns what was added.
pub async fn follow_up(
    db: &DatabaseConnection,
    attempt: &attempt::Model,
    topics: Option<&[i64]>,
    shuffle_seed: Option<u64>,
) -> AppResult<Vec<FollowUpAdded>> {
    if attempt.phase != Phase::Baseline || attempt.status != AttemptStatus::InProgress {
        return Ok(Vec::new());
    }
    let (targets, priors) = current_targets(db, attempt.user_id.into()).await?;
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let slots = bank::attempt_slots(db, attempt.id).await?;
    let fractions: HashMap<i64, f64> = response::Entity::find()
        .filter(response::Column::AttemptId.eq(attempt.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.item_version_id, r.fraction.unwrap_or(0.0)))
        .collect();
    let mut wanted: Vec<(i64, String, usize)> = Vec::new();
    for slot in &slots {
        let topic_id = slot.topic_id;
        if wanted.iter().any(|(t, _, _)| *t == topic_id)
            || topics.is_some_and(|only| !only.contains(&topic_id))
        {
            continue;
        }
        let answered: Option<Vec<f64>> = slots
            .iter()
            .filter(|s| s.topic_id == topic_id)
            .map(|s| fractions.get(&s.item_version_id).copied())
            .collect();
        let Some(answered) = answered else { continue };
        let target = targets.get(&topic_id).copied().unwrap_or(0.0);
        let n = u64::try_from(answered.len()).unwrap_or(u64::MAX);
        let more =
            FollowUp::BASELINE.more(priors.topic(topic_id), n, answered.iter().sum(), target);
        wanted.push((topic_id, slot.topic_name.clone(), more));
    }
    wanted.retain(|(_, _, more)| *more > 0);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let pool = bank::pool(db, attempt.assessment_id).await?;
    let mut held: HashSet<i64> = bank::item_ids_of_attempt(db, attempt.id)
        .await?
        .into_iter()
        .collect();
    let mut rng = shuffle_rng(
        shuffle_seed,
        attempt.user_id.into(),
        attempt.assessment_id,
        slots.len(),
    );
    let mut added = Vec::new();
    let mut new_items: Vec<PoolItem> = Vec::new();
    for (topic_id, topic_name, more) in wanted {
        let extra = draw::more(topic_id, more, &pool, &held, &mut rng);
        if extra.is_empty() {
            continue;
        }
        held.extend(extra.iter().map(|i| i.item_id));
        added.push(FollowUpAdded {
            topic_id,
            topic_name,
            items: extra.len(),
        });
        new_items.extend(extra);
    }
    if new_items.is_empty() {
        return Ok(Vec::new());
    }
    let questions = bank::slots_for(
        db,
        new_items.iter().map(|i| (0, i.item_version_id, i.topic_id)),
    )
    .await?;
    let orders: Vec<Option<String>> = questions
        .iter()
        .map(|slot| OptionOrder::draw(&slot.question, &mut rng).to_stored())
        .collect();
    let txn = crate::db::begin_write(db).await?;
    lock_learner(&txn, attempt.user_id.into()).await?;
    ensure_open(&owned_attempt(&txn, attempt.user_id.into(), attempt.id.into()).await?)?;
    let now: Vec<i32> = attempt_item::Entity::find()
        .select_only()
        .column(attempt_item::Column::Position)
        .filter(attempt_item::Column::AttemptId.eq(attempt.id))
        .into_tuple()
        .all(&txn)
        .await?;
    if now.len() != slots.len() {
        // Another save of the learner's added items meanwhile: its follow-up stands.
        txn.rollback().await?;
        return Ok(Vec::new());
    }
    let last = now.into_iter().max().unwrap_or(0);
    insert_items(&txn, attempt.id, last + 1, &new_items, orders).await?;
    txn.commit().await?;
    Ok(added)
}

/// Holds the learner's row until the transaction ends, so that one learner's starts and submits
/// take turns (PostgreSQL `FOR UPDATE`; on SQLite the write transaction already excludes every
/// other writer, so there is nothing to read).
async fn lock_learner(db: &impl ConnectionTrait, user_id: PersonId) -> AppResult<()> {
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        return Ok(());
    }
    user::Entity::find_by_id(user_id.get())
        .lock_exclusive()
        .one(db)
        .await?;
    Ok(())
}

/// The learner's own attempt; someone else's is "not found", so ids reveal nothing.
pub async fn owned_attempt(
    db: &impl ConnectionTrait,
    user_id: PersonId,
    attempt_id: AttemptId,
) -> AppResult<attempt::Model> {
    attempt::Entity::find_by_id(attempt_id.get())
        .one(db)
        .await?
        .filter(|a| a.user_id == user_id.get())
        .ok_or_else(|| AppError::NotFound("That attempt was not found.".into()))
}

fn ensure_open(attempt: &attempt::Model) -> AppResult<()> {
    if attempt.status == AttemptStatus::InProgress {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "This attempt has already been submitted, so its answers can no longer be changed."
                .into(),
        ))
    }
}

/// Which index space a saved answer's option numbers are in (see
/// [`super::option_order`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indices {
    /// Positions as shown in this attempt: what pages and the JSON API send.
    Shown,
    /// The item's own option indices, as stored: what code that reads the item sends.
    Canonical,
}

/// Saves topic ratings and item answers given in the item's own option indices (the demo,
/// tools and tests that pick options from the item itself). Pages and the API, which know
/// only what was shown, use [`save_with`] and [`Indices::Shown`].
pub async fn save(
    db: &DatabaseConnection,
    user_id: PersonId,
    attempt_id: AttemptId,
    ratings: &[(i64, i16)],
    items: &[SaveItem],
) -> AppResult<SaveProblems> {
    save_with(db, user_id, attempt_id, ratings, items, Indices::Canonical).await
}

/// Saves topic ratings and item answers as the learner goes. Valid answers are kept even when
/// others on the page are refused; the refused ones come back with reasons. Answers are stored
/// in the item's own indices whichever `indices` they came in.
pub async fn save_with(
    db: &DatabaseConnection,
    user_id: PersonId,
    attempt_id: AttemptId,
    ratings: &[(i64, i16)],
    items: &[SaveItem],
    indices: Indices,
) -> AppResult<SaveProblems> {
    let attempt = owned_attempt(db, user_id, attempt_id).await?;
    ensure_open(&attempt)?;
    let slots = bank::attempt_slots(db, attempt.id).await?;
    save_drawn(db, &attempt, &slots, ratings, items, indices).await
}

/// [`save_with`] for an attempt and its items already read (its owner's, as
/// [`owned_attempt`] returns it).
pub async fn save_drawn(
    db: &DatabaseConnection,
    attempt: &attempt::Model,
    slots: &[bank::Slot],
    ratings: &[(i64, i16)],
    items: &[SaveItem],
    indices: Indices,
) -> AppResult<SaveProblems> {
    // An attempt's items never change, so checking and grading happen before the write lock;
    // under it, only whether the attempt is still open is read again.
    ensure_open(attempt)?;
    let topics: HashSet<i64> = slots.iter().map(|s| s.topic_id).collect();
    // Later values for the same topic or question win, as if each were saved in turn.
    let mut rated: BTreeMap<i64, i16> = BTreeMap::new();
    for &(topic_id, rating) in ratings {
        if !topics.contains(&topic_id) {
            return Err(AppError::BadRequest(
                "That topic is not part of this attempt.".into(),
            ));
        }
        if !(1..=5).contains(&rating) {
            return Err(AppError::Unprocessable(
                "Confidence must be from 1 (not at all) to 5 (very confident).".into(),
            ));
        }
        rated.insert(topic_id, rating);
    }
    let by_position: HashMap<i32, &bank::Slot> = slots.iter().map(|s| (s.position, s)).collect();
    let mut problems = Vec::new();
    let mut answered: BTreeMap<i64, response::ActiveModel> = BTreeMap::new();
    for item in items {
        let slot = by_position.get(&item.position).ok_or_else(|| {
            AppError::BadRequest("That question is not part of this attempt.".into())
        })?;
        if item.time_on_item_ms.is_some_and(|ms| ms < 0) {
            return Err(AppError::Unprocessable(
                "Time on a question cannot be negative.".into(),
            ));
        }
        let input = match indices {
            Indices::Shown => slot.order.to_canonical(&slot.question, &item.answer),
            Indices::Canonical => item.answer.clone(),
        };
        match answer::check(&slot.question, &input, item.sureness) {
            Err(problem) => problems.push((item.position, problem)),
            Ok(None) => {}
            Ok(Some(checked)) => {
                let row = response_row(
                    attempt.id,
                    slot,
                    &input,
                    &checked,
                    item.time_on_item_ms,
                    Utc::now(),
                )?;
                let mut row: response::ActiveModel = row.into();
                row.id = NotSet;
                answered.insert(slot.item_version_id, row);
            }
        }
    }
    let (writer, attempt_id, user_id) = (db.clone(), attempt.id, attempt.user_id);
    crate::db::on_writer_thread(db, async move {
        write_saved(&writer, user_id, attempt_id, rated, answered).await
    })
    .await?;
    Ok(problems)
}

/// Writes checked ratings and answers, replacing earlier ones for the same topics and
/// questions, if the attempt is still open.
///
/// The writes go first and the attempt is read after them, in the same call on SQLite (one
/// hand-over to its connection's thread while holding the write lock, not five); if the
/// attempt was submitted meanwhile, the transaction is rolled back and nothing is written.
async fn write_saved(
    db: &DatabaseConnection,
    user_id: i64,
    attempt_id: i64,
    rated: BTreeMap<i64, i16>,
    answered: BTreeMap<i64, response::ActiveModel>,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    // On PostgreSQL a submit in flight holds the learner's lock until it commits: waiting for
    // it here means the attempt read below sees it submitted, and the answers are not stored
    // behind what was scored.
    lock_learner(&txn, user_id.into()).await?;
    let backend = txn.get_database_backend();
    let mut writes = Vec::new();
    if !rated.is_empty() {
        let delete = topic_rating::Entity::delete_many()
            .filter(topic_rating::Column::AttemptId.eq(attempt_id))
            .filter(topic_rating::Column::TopicId.is_in(rated.keys().copied()));
        let insert =
            topic_rating::Entity::insert_many(rated.into_iter().map(|(topic_id, rating)| {
                topic_rating::ActiveModel {
                    attempt_id: Set(attempt_id),
                    topic_id: Set(topic_id),
                    rating: Set(rating),
                }
            }));
        writes.extend([delete.build(backend), insert.build(backend)]);
    }
    if !answered.is_empty() {
        let delete = response::Entity::delete_many()
            .filter(response::Column::AttemptId.eq(attempt_id))
            .filter(response::Column::ItemVersionId.is_in(answered.keys().copied()));
        let insert = response::Entity::insert_many(answered.into_values());
        writes.extend([delete.build(backend), insert.build(backend)]);
    }
    let read = attempt::Entity::find_by_id(attempt_id).build(backend);
    let rows = crate::db::execute_then_query(&txn, writes, read).await?;
    let stored = match rows.first() {
        Some(row) => Some(attempt::Model::from_query_result(row, "")?),
        None => None,
    };
    let still_open = stored
        .filter(|a| a.user_id == user_id)
        .ok_or_else(|| AppError::NotFound("That attempt was not found.".into()))
        .and_then(|a| ensure_open(&a));
    if let Err(refused) = still_open {
        txn.rollback().await?;
        return Err(refused);
    }
    txn.commit().await?;
    Ok(())
}

/// The stored row (id not yet given) for one checked answer.
pub fn response_row(
    attempt_id: i64,
    slot: &bank::Slot,
    input: &AnswerInput,
    checked: &CheckedAnswer,
    time_on_item_ms: Option<i32>,
    answered_at: DateTime<Utc>,
) -> AppResult<response::Model> {
    let (answer_json, fraction, certainty, dont_know) = match checked {
        CheckedAnswer::DontKnow => (None, Some(0.0), None, true),
        CheckedAnswer::Answered { value, certainty } => {
            let fraction = slot
                .question
                .grade(value)
                .map_err(|e| AppError::Unprocessable(e.to_string()))?;
            (
                serde_json::to_string(input).ok(),
                Some(fraction),
                Some(*certainty),
                false,
            )
        }
    };
    Ok(response::Model {
        id: 0,
        attempt_id,
        item_version_id: slot.item_version_id,
        answer: answer_json,
        fraction,
        certainty,
        dont_know,
        time_on_item_ms,
        answered_at,
    })
}

/// What is still missing before an attempt can be submitted, in words.
pub async fn missing(
    db: &impl ConnectionTrait,
    attempt: &attempt::Model,
) -> AppResult<Vec<String>> {
    let slots = bank::attempt_slots(db, attempt.id).await?;
    let responses = response::Entity::find()
        .filter(response::Column::AttemptId.eq(attempt.id))
        .all(db)
        .await?;
    let rated: HashSet<i64> = topic_rating::Entity::find()
        .filter(topic_rating::Column::AttemptId.eq(attempt.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.topic_id)
        .collect();
    Ok(missing_in(attempt.phase, &slots, &responses, &rated))
}

pub(super) fn missing_in(
    phase: Phase,
    slots: &[bank::Slot],
    responses: &[response::Model],
    rated: &HashSet<i64>,
) -> Vec<String> {
    let answered: HashSet<i64> = responses.iter().map(|r| r.item_version_id).collect();
    let mut missing = Vec::new();
    let mut topics_done = HashSet::new();
    for slot in slots {
        if phase != Phase::Quiz
            && !rated.contains(&slot.topic_id)
            && topics_done.insert(slot.topic_id)
        {
            missing.push(format!(
                "Say how confident you feel about {}.",
                slot.topic_name
            ));
        }
        if !answered.contains(&slot.item_version_id) {
            missing.push(format!(
                "Answer question {}, or choose \"I don't know\".",
                slot.position
            ));
        }
    }
    missing
}

/// Submits an attempt once. A repeat returns the first result and changes nothing.
///
/// Scoring and working out every aggregate it changes only read, so they are done before the
/// write lock is taken; under the lock the submit checks that nothing it read has changed
/// since (else it starts again under the lock) and writes. On SQLite, where writers take
/// turns, this keeps the turn short.
pub async fn submit(
    db: &DatabaseConnection,
    xapi: Option<Recording<'_>>,
    user_id: PersonId,
    attempt_id: AttemptId,
) -> AppResult<attempt::Model> {
    Ok(submit_scored(db, xapi, user_id, attempt_id).await?.0)
}

/// [`submit`], also giving the scored attempt when this call is the one that submitted it, so
/// that its result is built without reading everything again.
pub async fn submit_scored(
    db: &DatabaseConnection,
    xapi: Option<Recording<'_>>,
    user_id: PersonId,
    attempt_id: AttemptId,
) -> AppResult<Submitted> {
    let result = submit_scored_at(db, xapi, user_id, attempt_id, Utc::now()).await;
    monitoring::submit(match &result {
        Ok(_) => Outcome::Success,
        // Refused (not the learner's attempt, or not ready to submit) rather than failed.
        Err(error) if error.status().class().is_client_error() => Outcome::Failure,
        Err(_) => Outcome::Error,
    });
    result
}

/// The submitted attempt, with its scored topics when this call submitted it (`None` when it
/// had been submitted before).
pub type Submitted = (attempt::Model, Option<aggregates::AttemptTopics>);

/// [`submit`] as if it happened at `at`: the demo trust's year of answers is submitted
/// through the same path as a learner's, each sitting on its own day.
pub async fn submit_at(
    db: &DatabaseConnection,
    xapi: Option<Recording<'_>>,
    user_id: PersonId,
    attempt_id: AttemptId,
    at: DateTime<Utc>,
) -> AppResult<attempt::Model> {
    Ok(submit_scored_at(db, xapi, user_id, attempt_id, at).await?.0)
}

async fn submit_scored_at(
    db: &DatabaseConnection,
    xapi: Option<Recording<'_>>,
    user_id: PersonId,
    attempt_id: AttemptId,
    at: DateTime<Utc>,
) -> AppResult<Submitted> {
    let attempt = owned_attempt(db, user_id, attempt_id).await?;
    if attempt.status == AttemptStatus::Submitted {
        return Ok((attempt, None));
    }
    let plan = plan_at(db, attempt, at).await?;
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        let job = submit_group::Job {
            plan,
            recording: xapi.map(|r| (r.home.to_owned(), r.actor)),
            user_id,
            attempt_id,
            at,
        };
        let writer = db.clone();
        let applied =
            crate::db::on_writer_thread(
                db,
                async move { submit_group::submit(&writer, job).await },
            )
            .await?;
        return match applied {
            Some((submitted, topics)) => Ok((submitted, Some(topics))),
            None => Ok((owned_attempt(db, user_id, attempt_id).await?, None)),
        };
    }
    // PostgreSQL's writers lock only the rows they change: each submit commits on its own.
    let txn = crate::db::begin_write(db).await?;
    // Whether this attempt is the one reports count depends on the learner's other
    // attempts, so one learner's submits take turns, whichever instance serves them.
    lock_learner(&txn, user_id).await?;
    if !submit_plan::unchanged(&txn, &plan).await? {
        txn.rollback().await?;
        return submit_locked(db, xapi, user_id, attempt_id, at).await;
    }
    finish(db, txn, plan, xapi, user_id, attempt_id).await
}

/// The submit with every read under the lock, for when the attempt changed while it was
/// being scored (a save or another submit of the learner's in between).
async fn submit_locked(
    db: &DatabaseConnection,
    xapi: Option<Recording<'_>>,
    user_id: PersonId,
    attempt_id: AttemptId,
    at: DateTime<Utc>,
) -> AppResult<Submitted> {
    let txn = crate::db::begin_write(db).await?;
    lock_learner(&txn, user_id).await?;
    match replan(&txn, user_id, attempt_id, at).await? {
        Ok(plan) => finish(db, txn, plan, xapi, user_id, attempt_id).await,
        Err(submitted) => Ok((submitted, None)),
    }
}

/// The plan worked out again under the lock, from what is stored now; the attempt as stored
/// when another request has submitted it meanwhile.
pub(super) async fn replan(
    txn: &impl ConnectionTrait,
    user_id: PersonId,
    attempt_id: AttemptId,
    at: DateTime<Utc>,
) -> AppResult<Result<submit_plan::SubmitPlan, attempt::Model>> {
    let attempt = owned_attempt(txn, user_id, attempt_id).await?;
    if attempt.status == AttemptStatus::Submitted {
        return Ok(Err(attempt));
    }
    Ok(Ok(plan_at(txn, attempt, at).await?))
}

/// Applies `plan` and commits; if another request submitted the attempt first, returns that
/// stored result instead.
async fn finish(
    db: &DatabaseConnection,
    txn: crate::db::Write,
    plan: submit_plan::SubmitPlan,
    xapi: Option<Recording<'_>>,
    user_id: PersonId,
    attempt_id: AttemptId,
) -> AppResult<Submitted> {
    let mut shared = crate::aggregates::Increments::default();
    match submit_plan::apply_submit(&txn, plan, xapi, &mut shared).await? {
        Some((submitted, topics)) => {
            shared.write(&txn).await?;
            txn.commit().await?;
            Ok((submitted, Some(topics)))
        }
        None => {
            txn.rollback().await?;
            Ok((owned_attempt(db, user_id, attempt_id).await?, None))
        }
    }
}

/// The open `attempt` as it will be stored when submitted now, with what that changes (reads
/// only; [`submit`] checks under the lock that it still holds).
pub async fn plan(
    db: &impl ConnectionTrait,
    attempt: attempt::Model,
) -> AppResult<submit_plan::SubmitPlan> {
    plan_at(db, attempt, Utc::now()).await
}

async fn plan_at(
    db: &impl ConnectionTrait,
    attempt: attempt::Model,
    at: DateTime<Utc>,
) -> AppResult<submit_plan::SubmitPlan> {
    let topics = aggregates::load_attempt_topics(db, attempt.id).await?;
    let rated: HashSet<i64> = topics.ratings.keys().copied().collect();
    let missing = missing_in(attempt.phase, &topics.slots, &topics.responses, &rated);
    if !missing.is_empty() {
        return Err(AppError::Unprocessable(missing.join(" ")));
    }
    let job = job::current_job(db, attempt.user_id.into()).await?;
    let submitted = attempt::Model {
        status: AttemptStatus::Submitted,
        // Microseconds, as PostgreSQL stores it, so the model returned equals the row read back.
        submitted_at: Some(at.trunc_subsecs(6)),
        organisation_id: job.as_ref().map(|j| j.organisation_id),
        job_role_id: job.as_ref().map(|j| j.job_role_id),
        staff_group_id: job.as_ref().map(|j| j.staff_group_id),
        band: job.as_ref().and_then(|j| j.band.clone()),
        team_id: job.as_ref().and_then(|j| j.team_id),
        ..attempt
    };
    submit_plan::plan_submit(db, submitted, topics).await
}

/// The learner's attempts at `slug`, oldest first.
pub async fn attempts_at(
    db: &impl ConnectionTrait,
    user_id: PersonId,
    slug: &str,
) -> AppResult<Vec<attempt::Model>> {
    let assessment = assessment_by_slug(db, slug).await?;
    attempts_of(db, user_id, assessment.id).await
}
