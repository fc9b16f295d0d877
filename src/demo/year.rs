//! The demo trust's year: each synthetic person sits the baseline on a working day of the
//! year (most in the first months, as a trust's launch would have it, the rest as people join
//! or get round to it), studies some of the modules their plan gives them (the module quiz,
//! retaken once when failed), and some sit the post-assessment weeks later. What they learnt
//! from a module shows in its quiz and in the post-assessment's topics, so trends, item
//! analysis and completion look as they would after a trust's first year.
//!
//! Sittings are submitted in time order across everyone, through the real submit, so releases
//! of reported figures happen in the months they would have.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use rand::Rng;
use rand::rngs::StdRng;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{DemoSpec, DemoSummary, Learner};
use crate::assessment::attempts;
use crate::assessment::bank;
use crate::entities::{attempt, module_progress, response};
use crate::error::{AppError, AppResult};
use crate::learning::{modules, plan};

use crate::reports::lookups::Lookups;

/// One synthetic member of staff, made by [`super::populate`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Person {
    pub user: i64,
    pub role: i64,
    pub learner: Learner,
    pub baseline_at: DateTime<Utc>,
}

/// When a person sits the baseline: a working day within the year before `ends`, weighted
/// towards its start, in working hours.
pub fn baseline_time(rng: &mut StdRng, ends: DateTime<Utc>) -> DateTime<Utc> {
    let into_year: f64 = rng.random::<f64>().powf(1.8);
    let day = ends - Duration::days(365) + Duration::days((364.0 * into_year) as i64);
    std::cmp::min(working_hours(rng, day), ends - Duration::hours(1))
}

/// `day` moved to a weekday if it fell at a weekend, at a time between 08:00 and 17:59.
fn working_hours(rng: &mut StdRng, day: DateTime<Utc>) -> DateTime<Utc> {
    let shift = match day.weekday() {
        Weekday::Sat => 2,
        Weekday::Sun => 1,
        _ => 0,
    };
    let date = (day + Duration::days(shift)).date_naive();
    let time = date
        .and_hms_opt(rng.random_range(8..18), rng.random_range(0..60), 0)
        .unwrap_or_default();
    time.and_utc()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Baseline,
    /// The person's `n`th chosen module's quiz, and how many times it was failed before.
    Quiz {
        n: usize,
        failed: u8,
    },
    Post,
}

/// What a person is doing with their plan.
#[derive(Debug, Default)]
struct Progress {
    modules: Vec<String>,
    studied: HashSet<i64>,
    /// Share of a module's topic a quiz sitter has learnt; grows with a retake.
    gain: f64,
    sits_post: bool,
}

/// Plays every person's year in time order and submits each sitting on its day.
pub async fn play(
    db: &DatabaseConnection,
    rng: &mut StdRng,
    spec: &DemoSpec,
    people: &[Person],
) -> AppResult<DemoSummary> {
    let lookups = Lookups::load(db).await?;
    let mut due: BinaryHeap<Reverse<(DateTime<Utc>, usize, Step)>> = people
        .iter()
        .enumerate()
        .map(|(i, p)| Reverse((p.baseline_at, i, Step::Baseline)))
        .collect();
    let mut progress: HashMap<usize, Progress> = HashMap::new();
    let mut summary = DemoSummary {
        organisation_id: 0,
        users: Vec::new(),
        baselines: 0,
        quizzes: 0,
        modules_completed: 0,
        posts: 0,
    };
    while let Some(Reverse((at, i, step))) = due.pop() {
        let person = people[i];
        let target = |topic_id| lookups.target(person.role, topic_id).0;
        let next = match step {
            Step::Baseline => {
                sit(db, rng, &person, "baseline", at, target, |_| 0.0).await?;
                summary.baselines += 1;
                let chosen = chosen_modules(db, rng, person.user).await?;
                let state = Progress {
                    gain: rng.random_range(0.3..0.8),
                    sits_post: rng.random_bool(spec.post_share.clamp(0.0, 1.0)),
                    modules: chosen,
                    ..Progress::default()
                };
                // Nobody is asked to sit the post-assessment before studying anything.
                let next = (!state.modules.is_empty())
                    .then(|| (days(rng, 2, 40), Step::Quiz { n: 0, failed: 0 }));
                progress.insert(i, state);
                next
            }
            Step::Quiz { n, failed } => {
                let state = progress.get_mut(&i).ok_or_else(|| lost(i))?;
                let slug = &state.modules[n];
                let module = modules::module_by_slug(db, slug).await?;
                let gain = state.gain;
                let slots = sit(
                    db,
                    rng,
                    &person,
                    &format!("quiz-{slug}"),
                    at,
                    target,
                    |_| gain,
                )
                .await?;
                state.studied.extend(slots);
                summary.quizzes += 1;
                if passed(db, person.user, module.module_id.get()).await? {
                    summary.modules_completed += 1;
                    if n + 1 < state.modules.len() {
                        Some((
                            days(rng, 3, 45),
                            Step::Quiz {
                                n: n + 1,
                                failed: 0,
                            },
                        ))
                    } else {
                        state.sits_post.then_some((days(rng, 14, 60), Step::Post))
                    }
                } else if failed == 0 {
                    // Back to the module, and a second go a few days later.
                    state.gain = (state.gain + 0.25).min(1.0);
                    Some((days(rng, 1, 8), Step::Quiz { n, failed: 1 }))
                } else {
                    state.sits_post.then_some((days(rng, 14, 60), Step::Post))
                }
            }
            Step::Post => {
                let state = progress.get(&i).ok_or_else(|| lost(i))?;
                // What was studied stays mostly learnt; other topics gain a little from the
                // modules' overlap and from talk on the ward.
                let (studied, gain) = (&state.studied, state.gain);
                let learnt = |topic| {
                    if studied.contains(&topic) {
                        gain * 0.9
                    } else {
                        0.15
                    }
                };
                sit(db, rng, &person, "post", at, target, learnt).await?;
                summary.posts += 1;
                None
            }
        };
        if let Some((after, step)) = next {
            let when = working_hours(rng, at + after);
            if when < spec.ends {
                due.push(Reverse((when, i, step)));
            }
        }
    }
    Ok(summary)
}

fn days(rng: &mut StdRng, from: i64, to: i64) -> Duration {
    Duration::days(rng.random_range(from..=to))
}

fn lost(person: usize) -> AppError {
    AppError::internal(format!("demo person {person} has no plan"))
}

/// The modules a person takes on from their plan, in the plan's order: keener people take
/// more, and nobody takes every one.
async fn chosen_modules(
    db: &DatabaseConnection,
    rng: &mut StdRng,
    user: i64,
) -> AppResult<Vec<String>> {
    let Some(plan) = plan::plan(db, user.into()).await? else {
        return Ok(Vec::new());
    };
    let keenness: f64 = rng.random_range(0.0..1.0);
    let mut chosen: Vec<String> = Vec::new();
    for module in plan
        .topics
        .iter()
        .filter(|t| t.status == "to_do")
        .flat_map(|t| &t.modules)
    {
        if chosen.contains(&module.slug) {
            continue;
        }
        if !rng.random_bool(0.25 + 0.6 * keenness) {
            break;
        }
        chosen.push(module.slug.clone());
    }
    Ok(chosen)
}

async fn passed(db: &DatabaseConnection, user: i64, module_id: i64) -> AppResult<bool> {
    Ok(module_progress::Entity::find()
        .filter(module_progress::Column::UserId.eq(user))
        .filter(module_progress::Column::ModuleId.eq(module_id))
        .filter(module_progress::Column::CompletedAt.is_not_null())
        .one(db)
        .await?
        .is_some())
}

/// Sits the assessment `slug` at `at` as `person` would after learning `learnt(topic)`, and
/// returns the topics its questions were on.
async fn sit(
    db: &DatabaseConnection,
    rng: &mut StdRng,
    person: &Person,
    slug: &str,
    at: DateTime<Utc>,
    target: impl Fn(i64) -> f64,
    learnt: impl Fn(i64) -> f64,
) -> AppResult<HashSet<i64>> {
    let attempt = attempts::start_or_resume(db, person.user.into(), slug).await?;
    let slots = bank::attempt_slots(db, attempt.id).await?;
    let (mut ratings, items) = person.learner.answer_after(rng, &slots, target, learnt);
    if slug.starts_with("quiz-") {
        ratings.clear();
    }
    let problems =
        attempts::save(db, person.user.into(), attempt.id.into(), &ratings, &items).await?;
    if let Some((position, problem)) = problems.first() {
        return Err(AppError::internal(format!(
            "demo answer {position} to {slug} refused: {problem}"
        )));
    }
    let took: i64 = items
        .iter()
        .filter_map(|item| item.time_on_item_ms)
        .map(i64::from)
        .sum();
    let started = at - Duration::milliseconds(took);
    attempts::submit_at(db, None, person.user.into(), attempt.id.into(), at).await?;
    // The sitting's own times, so nothing in it is dated the day the demo was loaded.
    attempt::Entity::update_many()
        .col_expr(attempt::Column::StartedAt, started.into())
        .filter(attempt::Column::Id.eq(attempt.id))
        .exec(db)
        .await?;
    response::Entity::update_many()
        .col_expr(response::Column::AnsweredAt, at.into())
        .filter(response::Column::AttemptId.eq(attempt.id))
        .exec(db)
        .await?;
    Ok(slots.iter().map(|s| s.topic_id).collect())
}
