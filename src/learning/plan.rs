//! The personal plan: modules for the topics below the target for the learner's role, most
//! important gaps first (priority = importance / 7 × gap, docs/design.md §4), mastered topics shown
//! as tested out, plus modules a manager assigned. The post-assessment opens when it is done.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::assignments;
use super::modules::{ModuleSummary, published_modules};
use crate::assessment::aggregates::load_attempt_topics;
use crate::assessment::completion::reported_baseline;
use crate::assessment::priors;
use crate::entities::{module_progress, role_target, topic};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::measures::decision::{self, TopicDecision};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanModule {
    pub slug: String,
    pub title: String,
    pub minutes: i32,
    pub completed: bool,
    pub due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanTopic {
    pub topic_id: i64,
    pub name: String,
    pub knowledge: f64,
    pub target: f64,
    pub importance: f64,
    pub gap: f64,
    pub priority: f64,
    /// `to_do`, `completed` or `tested_out`.
    pub status: &'static str,
    /// The test-out decision and how sure it is (docs/measurement.md).
    pub decision: TopicDecision,
    pub modules: Vec<PlanModule>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Plan {
    pub baseline_attempt_id: i64,
    pub topics: Vec<PlanTopic>,
    pub assigned: Vec<PlanModule>,
    pub complete: bool,
}

fn plan_module(
    module: &ModuleSummary,
    completed: &HashMap<i64, bool>,
    due_on: Option<NaiveDate>,
) -> PlanModule {
    PlanModule {
        slug: module.slug.clone(),
        title: module.title.clone(),
        minutes: module.minutes,
        completed: completed
            .get(&module.module_id.get())
            .copied()
            .unwrap_or(false),
        due_on,
    }
}

/// The learner's plan, or `None` before their baseline is submitted.
pub async fn plan(db: &impl ConnectionTrait, user_id: PersonId) -> AppResult<Option<Plan>> {
    let Some(baseline) = reported_baseline(db, user_id).await? else {
        return Ok(None);
    };
    let scored = load_attempt_topics(db, baseline.id).await?.scored;
    let priors = priors::for_role(db, baseline.job_role_id.zip(baseline.staff_group_id)).await?;
    let targets: HashMap<i64, (f64, f64)> = match baseline.job_role_id {
        Some(role) => role_target::Entity::find()
            .filter(role_target::Column::JobRoleId.eq(role))
            .all(db)
            .await?
            .into_iter()
            .map(|t| {
                (
                    t.topic_id,
                    (f64::from(t.required_level), f64::from(t.importance)),
                )
            })
            .collect(),
        None => HashMap::new(),
    };
    let names: HashMap<i64, String> = topic::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let modules = published_modules(db).await?;
    let completed: HashMap<i64, bool> = module_progress::Entity::find()
        .filter(module_progress::Column::UserId.eq(user_id.get()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.module_id, p.completed_at.is_some()))
        .collect();
    let mut topics: Vec<PlanTopic> = scored
        .topics
        .iter()
        .map(|(topic_id, score)| {
            let (target, importance) = targets.get(topic_id).copied().unwrap_or((0.0, 1.0));
            let gap = (target - score.knowledge).max(0.0);
            let decision = decision::decide(
                priors.topic(*topic_id),
                score.responses.n_responses,
                score.responses.sum_fraction_answered,
                target,
            );
            let topic_modules: Vec<PlanModule> = modules
                .iter()
                .filter(|m| m.topic_ids.contains(topic_id))
                .map(|m| plan_module(m, &completed, None))
                .collect();
            let status = if decision.skip {
                "tested_out"
            } else if topic_modules.iter().any(|m| m.completed) {
                "completed"
            } else {
                "to_do"
            };
            PlanTopic {
                topic_id: *topic_id,
                name: names.get(topic_id).cloned().unwrap_or_default(),
                knowledge: score.knowledge,
                target,
                importance,
                gap,
                priority: importance / 7.0 * gap,
                status,
                decision,
                modules: topic_modules,
            }
        })
        .collect();
    topics.sort_by(|a, b| {
        (a.status == "tested_out")
            .cmp(&(b.status == "tested_out"))
            .then(b.priority.total_cmp(&a.priority))
            .then(a.name.cmp(&b.name))
    });
    let assigned: Vec<PlanModule> = assignments::assigned_to(db, user_id)
        .await?
        .into_iter()
        .filter_map(|(module_id, due_on)| {
            modules
                .iter()
                .find(|m| m.module_id.get() == module_id)
                .map(|m| plan_module(m, &completed, Some(due_on)))
        })
        .collect();
    let complete =
        topics.iter().all(|t| t.status != "to_do") && assigned.iter().all(|m| m.completed);
    Ok(Some(Plan {
        baseline_attempt_id: baseline.id,
        topics,
        assigned,
        complete,
    }))
}

/// Refuses the post-assessment until the baseline is done and the plan is complete.
pub async fn ensure_post_open(db: &impl ConnectionTrait, user_id: PersonId) -> AppResult<()> {
    match plan(db, user_id).await? {
        None => Err(AppError::Conflict("Complete your baseline first.".into())),
        Some(plan) if !plan.complete => Err(AppError::Conflict(
            "The post-assessment opens when you have completed every module in your plan.".into(),
        )),
        Some(_) => Ok(()),
    }
}

/// The learner's next step, or `None` before their baseline is submitted; `post_taken` when
/// they have submitted the post-assessment.
pub async fn next_step(
    db: &impl ConnectionTrait,
    user_id: PersonId,
    post_taken: bool,
) -> AppResult<Option<NextStep>> {
    Ok(plan(db, user_id)
        .await?
        .map(|plan| plan.next_step(post_taken)))
}

/// What the learner should do next, which every results page leads with.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub enum NextStep {
    /// The first unfinished module: for the most important gap first, then any assigned one.
    Module(PlanModule),
    /// Every module in the plan is done: the post-assessment shows what was learned.
    PostAssessment,
    /// No topic below the role's level and nothing assigned left to do.
    AtLevelEverywhere,
    /// The plan and the post-assessment are done.
    Finished,
}

impl Plan {
    /// The next step; `post_taken` when the learner has submitted the post-assessment.
    pub fn next_step(&self, post_taken: bool) -> NextStep {
        let unfinished = self
            .topics
            .iter()
            .filter(|t| t.status == "to_do")
            .flat_map(|t| t.modules.iter())
            .chain(self.assigned.iter())
            .find(|m| !m.completed);
        if let Some(module) = unfinished {
            return NextStep::Module(module.clone());
        }
        let any_gap = self.topics.iter().any(|t| t.status != "tested_out");
        match (any_gap, post_taken) {
            (_, true) => NextStep::Finished,
            (true, false) => NextStep::PostAssessment,
            (false, false) => NextStep::AtLevelEverywhere,
        }
    }
}
