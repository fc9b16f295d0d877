//! The "what next" panel that leads every results page (after the baseline, the
//! post-assessment or a quiz), so a learner never reaches a dead end: the plan's next step as
//! one link, then the places to go on to.

use serde::Serialize;

use crate::learning::plan::NextStep;

/// The next step as a sentence with the link that takes it.
#[derive(Debug, Serialize)]
pub struct NextStepView {
    text: String,
    href: String,
    detail: &'static str,
}

impl From<Option<NextStep>> for NextStepView {
    fn from(step: Option<NextStep>) -> Self {
        let (text, href, detail) = match step {
            None => (
                "Next: your baseline assessment".to_owned(),
                "/learn".to_owned(),
                "Your plan is made from your baseline.",
            ),
            Some(NextStep::Module(module)) => (
                format!("Next: {} ({} minutes)", module.title, module.minutes),
                format!("/learn/modules/{}", module.slug),
                "The module for the most important gap in your plan.",
            ),
            Some(NextStep::PostAssessment) => (
                "Next: the post-assessment".to_owned(),
                "/learn/plan".to_owned(),
                "You have done every module in your plan. The post-assessment shows what you have learned.",
            ),
            Some(NextStep::AtLevelEverywhere) => (
                "You're at your role's level in every topic".to_owned(),
                "/learn/record".to_owned(),
                "There is nothing in your plan to do. Your record keeps your results.",
            ),
            Some(NextStep::Finished) => (
                "You have finished your plan".to_owned(),
                "/learn/record".to_owned(),
                "Your record keeps your results and certificates.",
            ),
        };
        Self { text, href, detail }
    }
}
