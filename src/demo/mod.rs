//! A synthetic demo population: an organisation with staff across every job role who, over a
//! year, sit the baseline, study the modules their plan gives them and sit the
//! post-assessment, all through the real assessment service, so every report and aggregate is
//! built exactly as live data would be. Deterministic for a seed: the
//! same seed gives the same people, roles, bands, ratings and right/wrong pattern. (Which bank
//! items each person is shown is drawn by the assessment service itself, so item statistics
//! vary between runs while every knowledge score does not.)
//!
//! [`year`] plays the year; [`setup`] is `serve --demo`, the demo trust with its sign-ins. The
//! benchmark's far larger population (`bench::population`) borrows [`Learner`] from here.

pub mod setup;
pub mod year;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryOrder};

use crate::accounts::teams::TeamNames;
use crate::accounts::users::{self, NewUser};
use crate::assessment::answer::{AnswerInput, Sureness};
use crate::assessment::attempts::SaveItem;
use crate::assessment::bank::Slot;
use crate::entities::job_role;
use crate::error::{AppError, AppResult};
use crate::questions::{Question, QuestionKind};

/// What to create.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoSpec {
    pub organisation_code: String,
    pub organisation_name: String,
    pub staff: usize,
    /// Share (0–1) of staff who also sit the post-assessment, once they have studied.
    pub post_share: f64,
    pub seed: u64,
    /// The end of the demo's year: every sitting falls in the 365 days before it.
    pub ends: DateTime<Utc>,
}

/// What was created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub organisation_id: i64,
    pub users: Vec<i64>,
    pub baselines: usize,
    pub quizzes: usize,
    pub modules_completed: usize,
    pub posts: usize,
}

const FIRST: &[&str] = &[
    "Amina", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Harry", "Isla", "Jack", "Kiran",
    "Leah", "Mo", "Nia", "Owen", "Priya", "Rhys", "Sara", "Tom", "Zara",
];
const LAST: &[&str] = &[
    "Ahmed", "Brown", "Clarke", "Davies", "Evans", "Green", "Hughes", "Iqbal", "Jones", "Khan",
    "Lewis", "Morgan", "Patel", "Roberts", "Smith", "Taylor", "Walker", "Wilson", "Wright",
];
const BANDS: &[&str] = &["Band 2", "Band 3", "Band 4", "Band 5", "Band 6", "Band 7"];
/// The demo trust's two directorates, as ESR's organisation unit: people take turns, so the
/// team reports have teams large enough for figures of their own in a demo of a few thousand.
const TEAMS: &[&str] = &["Medicine directorate", "Surgery directorate"];

/// Creates the organisation (or reuses it by code) and `spec.staff` people, then plays their
/// year of learning ([`year`]). Needs the content (roles, targets, baseline, post
/// and module quizzes) loaded.
pub async fn populate(db: &DatabaseConnection, spec: &DemoSpec) -> AppResult<DemoSummary> {
    let organisation_id =
        organisation(db, &spec.organisation_code, &spec.organisation_name).await?;
    let roles = job_role::Entity::find()
        .order_by_asc(job_role::Column::Position)
        .order_by_asc(job_role::Column::Id)
        .all(db)
        .await?;
    if roles.is_empty() {
        return Err(AppError::Conflict(
            "Load the content before the demo population.".into(),
        ));
    }
    let mut teams = Vec::new();
    let mut names = TeamNames::load(db).await?;
    for team in TEAMS {
        teams.push(names.id_of(db, organisation_id, team).await?);
    }
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let mut people = Vec::with_capacity(spec.staff);
    for i in 0..spec.staff {
        let role = &roles[rng.random_range(0..roles.len())];
        let band = BANDS[rng.random_range(0..BANDS.len())];
        let name = format!(
            "{} {}",
            FIRST[rng.random_range(0..FIRST.len())],
            LAST[rng.random_range(0..LAST.len())]
        );
        let email = format!(
            "demo{i}@{}.demo.nhs.uk",
            spec.organisation_code.to_lowercase()
        );
        // How much this person knows, and how sure of themselves they tend to be.
        let learner = Learner {
            ability: rng.random_range(0.1..0.95),
            boldness: rng.random_range(0.0..1.0),
        };
        let baseline_at = year::baseline_time(&mut rng, spec.ends);
        let job_from = baseline_at - Duration::days(rng.random_range(30..3_000));
        // Demo names repeat, as real ones do; the employee number tells the people apart.
        let employee_number = format!("{}-{i:05}", spec.organisation_code);
        let user = person(
            db,
            NewUser {
                email,
                display_name: name,
                employee_number: Some(employee_number),
                active: true,
                ..NewUser::default()
            },
            (organisation_id, Some(teams[i % teams.len()])),
            role.id,
            band,
            job_from,
        )
        .await?;
        people.push(year::Person {
            user,
            role: role.id,
            learner,
            baseline_at,
        });
    }
    let mut summary = year::play(db, &mut rng, spec, &people).await?;
    summary.organisation_id = organisation_id;
    summary.users = people.iter().map(|p| p.user).collect();
    Ok(summary)
}

/// A synthetic learner: how much they know (0–1) and how sure of themselves they tend to be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Learner {
    pub ability: f64,
    pub boldness: f64,
}

impl Learner {
    /// The chance (0–1) that this learner answers an item of a topic right before any
    /// learning, where their role's target for the topic is `target` (0–100): roles that need
    /// a topic tend to know it better. `bench simulate` takes it as the learner's true
    /// knowledge of the topic.
    pub fn topic_knowledge(self, target: f64) -> f64 {
        (0.6 * self.ability + 0.4 * target / 100.0).clamp(0.05, 0.97)
    }

    /// Topic ratings and answers to `slots`, as this learner would give them; `target` is the
    /// learner's role target (0–100) for a topic. Roles that need a topic tend to know it
    /// better; bolder people rate themselves higher and are surer of their answers.
    pub fn answer(
        self,
        rng: &mut impl Rng,
        slots: &[Slot],
        target: impl Fn(i64) -> f64,
    ) -> (Vec<(i64, i16)>, Vec<SaveItem>) {
        self.answer_after(rng, slots, target, |_| 0.0)
    }

    /// [`Self::answer`] after some learning: `learnt(topic)` (0–1) is the share of what the
    /// learner did not know about a topic that they have learnt since.
    pub fn answer_after(
        self,
        rng: &mut impl Rng,
        slots: &[Slot],
        target: impl Fn(i64) -> f64,
        learnt: impl Fn(i64) -> f64,
    ) -> (Vec<(i64, i16)>, Vec<SaveItem>) {
        let Self { ability, boldness } = self;
        let mut ratings: Vec<(i64, i16)> = Vec::new();
        let mut items = Vec::new();
        for slot in slots {
            let before = self.topic_knowledge(target(slot.topic_id));
            let gained = learnt(slot.topic_id).clamp(0.0, 1.0);
            let p_right = (before + gained * (0.97 - before)).clamp(0.05, 0.97);
            if !ratings.iter().any(|(t, _)| *t == slot.topic_id) {
                let feel = 0.5 * p_right + 0.5 * boldness + rng.random_range(-0.15..0.15);
                ratings.push((
                    slot.topic_id,
                    (1.0 + 4.0 * feel.clamp(0.0, 1.0)).round() as i16,
                ));
            }
            let dont_know = rng.random_bool(((1.0 - ability) * 0.2).clamp(0.0, 1.0));
            let right = rng.random_bool(p_right);
            let sure_roll: f64 = rng.random();
            let answer = if dont_know {
                None
            } else {
                answer_for(&slot.question, right)
            };
            let sureness = match answer {
                None => Sureness::DontKnow,
                Some(_) if sure_roll < 0.2 + 0.5 * boldness => Sureness::High,
                Some(_) if sure_roll < 0.6 + 0.3 * boldness => Sureness::Medium,
                Some(_) => Sureness::Low,
            };
            items.push(SaveItem {
                position: slot.position,
                answer: answer.unwrap_or_default(),
                sureness: Some(sureness),
                time_on_item_ms: Some(rng.random_range(8_000..90_000)),
            });
        }
        (ratings, items)
    }
}

/// A fully right (or fully wrong) answer to a choice or true/false item; `None` for other
/// kinds, which the demo answers "I don't know".
pub fn answer_for(question: &Question, right: bool) -> Option<AnswerInput> {
    match &question.kind {
        QuestionKind::MultiChoice {
            single: true,
            answers,
        } => {
            let index = answers.iter().position(|a| (a.fraction >= 1.0) == right)?;
            Some(AnswerInput {
                choice: Some(index),
                ..Default::default()
            })
        }
        QuestionKind::MultiChoice { answers, .. } => {
            let chosen: Vec<usize> = answers
                .iter()
                .enumerate()
                .filter(|(_, a)| (a.fraction > 0.0) == right)
                .map(|(i, _)| i)
                .collect();
            (!chosen.is_empty()).then(|| AnswerInput {
                choices: chosen,
                ..Default::default()
            })
        }
        QuestionKind::TrueFalse { correct, .. } => Some(AnswerInput {
            choice: Some(if *correct == right { 0 } else { 1 }),
            ..Default::default()
        }),
        _ => None,
    }
}

async fn organisation(db: &impl ConnectionTrait, code: &str, name: &str) -> AppResult<i64> {
    let find = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("organisations"))
        .and_where(Expr::col(Alias::new("code")).eq(code))
        .take();
    if let Some(row) = db.query_one(&find).await? {
        return Ok(row.try_get("", "id")?);
    }
    let insert = Query::insert()
        .into_table(Alias::new("organisations"))
        .columns(["code", "name", "created_at"].map(Alias::new))
        .values([code.into(), name.into(), Utc::now().into()])
        .map_err(AppError::internal)?
        .take();
    db.execute(&insert).await?;
    let row = db
        .query_one(&find)
        .await?
        .ok_or_else(|| AppError::internal("demo organisation vanished after insert"))?;
    Ok(row.try_get("", "id")?)
}

async fn person(
    db: &impl ConnectionTrait,
    new: NewUser,
    where_: (i64, Option<i64>),
    job_role_id: i64,
    band: &str,
    job_from: DateTime<Utc>,
) -> AppResult<i64> {
    let user = users::create(db, new).await?.id;
    users::start_job_in_team(db, user, where_, job_role_id, Some(band), job_from).await?;
    Ok(user)
}
