//! A learner's actions on an assessment that need more than the attempt, each one service
//! call: starting one (the post-assessment only once the plan is done, a module's quiz only
//! for a published module), and the result pages, which lead with the plan's next step.

use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::modules::{self, ModuleSummary};
use super::plan::{self, NextStep};
use crate::assessment::progress::{self, Progress};
use crate::assessment::results::{self, AttemptResult};
use crate::assessment::{AttemptStatus, Phase, attempts};
use crate::error::{AppError, AppResult};
use crate::ids::{AttemptId, PersonId};

/// An assessment a learner can start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assessment<'a> {
    Baseline,
    Post,
    /// The quiz of the module with this slug.
    Quiz(&'a str),
}

impl<'a> Assessment<'a> {
    /// `baseline`, `post` or `quiz-<module slug>`, as the JSON API names them.
    pub fn parse(slug: &'a str) -> Option<Self> {
        match slug {
            "baseline" => Some(Self::Baseline),
            "post" => Some(Self::Post),
            other => other.strip_prefix("quiz-").map(Self::Quiz),
        }
    }
}

/// Starts `assessment` for the learner, or resumes the attempt in progress (the first
/// baseline, once submitted, is returned as it is). Options are shuffled from `shuffle_seed`
/// when it is set; with `adaptive`, a new baseline is the adaptive one (docs/measurement.md).
pub async fn start(
    db: &DatabaseConnection,
    user_id: PersonId,
    assessment: Assessment<'_>,
    shuffle_seed: Option<u64>,
    adaptive: bool,
) -> AppResult<AttemptId> {
    let slug = match assessment {
        Assessment::Baseline => "baseline".to_owned(),
        Assessment::Post => {
            plan::ensure_post_open(db, user_id).await?;
            "post".to_owned()
        }
        Assessment::Quiz(module) => {
            format!("quiz-{}", modules::module_by_slug(db, module).await?.slug)
        }
    };
    let attempt =
        attempts::start_or_resume_with(db, user_id, &slug, shuffle_seed, adaptive).await?;
    Ok(attempt.id.into())
}

/// [`start`], then the attempt with what is saved so far.
pub async fn start_progress(
    db: &DatabaseConnection,
    user_id: PersonId,
    assessment: Assessment<'_>,
    shuffle_seed: Option<u64>,
    adaptive: bool,
) -> AppResult<Progress> {
    let attempt_id = start(db, user_id, assessment, shuffle_seed, adaptive).await?;
    progress::progress(db, user_id, attempt_id).await
}

/// The learner's baseline attempt to resume or see, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaselineRef {
    pub id: AttemptId,
    pub status: AttemptStatus,
}

/// Where the learner stands: their baseline and whether their plan is complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub baseline: Option<BaselineRef>,
    pub plan_complete: bool,
}

pub async fn standing(db: &impl ConnectionTrait, user_id: PersonId) -> AppResult<Standing> {
    let baseline = attempts::attempts_at(db, user_id, "baseline").await?;
    let plan = plan::plan(db, user_id).await?;
    Ok(Standing {
        baseline: baseline
            .iter()
            .find(|a| a.is_reported || a.status == AttemptStatus::InProgress)
            .map(|a| BaselineRef {
                id: a.id.into(),
                status: a.status,
            }),
        plan_complete: plan.as_ref().is_some_and(|p| p.complete),
    })
}

/// A submitted attempt's result with the learner's next step.
pub struct ResultPage {
    pub result: AttemptResult,
    /// None before the learner has a plan.
    pub next: Option<NextStep>,
}

pub async fn result_page(
    db: &impl ConnectionTrait,
    user_id: PersonId,
    attempt_id: AttemptId,
) -> AppResult<ResultPage> {
    let result = results::attempt_result(db, user_id, attempt_id).await?;
    let next = plan::next_step(db, user_id, result.phase == Phase::Post).await?;
    Ok(ResultPage { result, next })
}

/// A submitted module quiz's result, its module (for the pass mark) and the next step.
pub struct QuizFeedback {
    pub result: AttemptResult,
    pub module: ModuleSummary,
    pub next: Option<NextStep>,
}

/// The feedback on one of the learner's submitted quizzes; any other attempt is "not found".
pub async fn quiz_feedback(
    db: &impl ConnectionTrait,
    user_id: PersonId,
    attempt_id: AttemptId,
) -> AppResult<QuizFeedback> {
    let result = results::attempt_result(db, user_id, attempt_id).await?;
    if result.phase != Phase::Quiz {
        return Err(AppError::NotFound("That quiz was not found.".into()));
    }
    let module = super::quiz::module_of_quiz(db, attempt_id).await?;
    let next = plan::next_step(db, user_id, false).await?;
    Ok(QuizFeedback {
        result,
        module,
        next,
    })
}

#[cfg(test)]
mod tests {
    use super::Assessment;

    #[test]
    fn assessments_are_named_as_the_api_names_them() {
        assert_eq!(Assessment::parse("baseline"), Some(Assessment::Baseline));
        assert_eq!(Assessment::parse("post"), Some(Assessment::Post));
        assert_eq!(
            Assessment::parse("quiz-genes"),
            Some(Assessment::Quiz("genes"))
        );
        assert_eq!(Assessment::parse("quiz-"), Some(Assessment::Quiz("")));
        assert_eq!(Assessment::parse("final"), None);
    }
}
