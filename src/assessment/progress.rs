//! Read models of a learner's attempt for its pages and the JSON API: each learner action
//! reads what it shows in one service call, and reads each thing once.

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::attempts::{self, FollowUpAdded, Indices, SaveItem, SaveProblems};
use super::bank::{self, Slot};
use crate::entities::{AttemptStatus, attempt, response, topic_rating};
use crate::error::{AppError, AppResult};
use crate::ids::{AttemptId, PersonId};
use crate::xapi::Recording;

/// One saved answer, as the pages read it back.
pub type SavedAnswer = response::Model;

/// An attempt with its items, in order: what never changes once it is drawn.
pub struct Drawn {
    pub attempt: attempt::Model,
    pub slots: Vec<Slot>,
}

impl Drawn {
    /// The learner's own attempt with its items (someone else's is "not found").
    pub async fn load(
        db: &impl ConnectionTrait,
        user_id: PersonId,
        attempt_id: AttemptId,
    ) -> AppResult<Self> {
        let attempt = attempts::owned_attempt(db, user_id, attempt_id).await?;
        let slots = bank::attempt_slots(db, attempt.id).await?;
        Ok(Self { attempt, slots })
    }

    pub fn is_submitted(&self) -> bool {
        self.attempt.status == AttemptStatus::Submitted
    }

    /// The attempt's topics in the order its pages take them.
    pub fn topic_order(&self) -> Vec<i64> {
        let mut order = Vec::new();
        for slot in &self.slots {
            if !order.contains(&slot.topic_id) {
                order.push(slot.topic_id);
            }
        }
        order
    }

    /// The topic of page `n` (from 1), or "not found".
    pub fn topic_of_page(&self, n: usize) -> AppResult<i64> {
        n.checked_sub(1)
            .and_then(|i| self.topic_order().get(i).copied())
            .ok_or_else(|| AppError::NotFound("There is no such topic in this attempt.".into()))
    }
}

/// An attempt as its pages show it: its items and what the learner has saved so far.
pub struct Progress {
    pub attempt: attempt::Model,
    pub slots: Vec<Slot>,
    /// Saved answers by item version.
    pub responses: HashMap<i64, SavedAnswer>,
    /// Saved confidence (1–5) by topic.
    pub ratings: BTreeMap<i64, i16>,
}

impl Progress {
    async fn of(db: &impl ConnectionTrait, drawn: Drawn) -> AppResult<Self> {
        let id = drawn.attempt.id;
        let responses = response::Entity::find()
            .filter(response::Column::AttemptId.eq(id))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.item_version_id, r))
            .collect();
        let ratings = topic_rating::Entity::find()
            .filter(topic_rating::Column::AttemptId.eq(id))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.topic_id, r.rating))
            .collect();
        Ok(Self {
            attempt: drawn.attempt,
            slots: drawn.slots,
            responses,
            ratings,
        })
    }

    fn drawn(&self) -> Drawn {
        Drawn {
            attempt: self.attempt.clone(),
            slots: self.slots.clone(),
        }
    }

    pub fn is_submitted(&self) -> bool {
        self.attempt.status == AttemptStatus::Submitted
    }

    /// The attempt's topics in the order its pages take them.
    pub fn topic_order(&self) -> Vec<i64> {
        self.drawn().topic_order()
    }

    /// The page (from 1) of the first topic with an unanswered item, if any.
    pub fn first_unfinished_page(&self) -> Option<usize> {
        self.topic_order()
            .iter()
            .position(|topic_id| {
                self.slots.iter().any(|s| {
                    s.topic_id == *topic_id && !self.responses.contains_key(&s.item_version_id)
                })
            })
            .map(|index| index + 1)
    }

    /// What is still missing before the attempt can be submitted, in words.
    pub fn missing(&self) -> Vec<String> {
        let rated: HashSet<i64> = self.ratings.keys().copied().collect();
        let responses: Vec<response::Model> = self.responses.values().cloned().collect();
        attempts::missing_in(self.attempt.phase, &self.slots, &responses, &rated)
    }
}

/// The learner's own attempt with everything saved so far.
pub async fn progress(
    db: &impl ConnectionTrait,
    user_id: PersonId,
    attempt_id: AttemptId,
) -> AppResult<Progress> {
    let drawn = Drawn::load(db, user_id, attempt_id).await?;
    Progress::of(db, drawn).await
}

/// Whether saves add the adaptive baseline's follow-up items (`app.adaptive_baseline`), and
/// the seed their draw uses (`app.shuffle_seed`).
#[derive(Debug, Clone, Copy)]
pub struct Adaptive {
    pub on: bool,
    pub shuffle_seed: Option<u64>,
}

/// What saving one topic's page came to.
pub enum TopicSaved {
    /// Everything on the page was saved with a rating: go on (`is_last`: to the review page).
    Saved { is_last: bool },
    /// The adaptive baseline added `items` more questions to the page's topic
    /// (docs/measurement.md): the same page again, with them at the end.
    More { items: usize },
    /// Something was refused or left out: the page again, with what is now saved.
    Again {
        progress: Box<Progress>,
        /// Problems by position, in the order the page lists them.
        problems: SaveProblems,
    },
}

/// What one topic's page sent: its confidence rating and answers (in shown option positions),
/// and the answers the page could not read.
pub struct TopicAnswers<'a> {
    pub rating: Option<i16>,
    pub items: &'a [SaveItem],
    /// Problems by position, kept first.
    pub refused: SaveProblems,
}

/// Saves what topic page `n` of an open attempt sent, reading the attempt and its items once;
/// an item sent with neither an answer nor a sureness is asked for again.
pub async fn save_topic(
    db: &DatabaseConnection,
    user_id: PersonId,
    attempt_id: AttemptId,
    n: usize,
    answers: TopicAnswers<'_>,
    adaptive: Adaptive,
) -> AppResult<TopicSaved> {
    let TopicAnswers {
        rating,
        items,
        refused,
    } = answers;
    let attempt = attempts::owned_attempt(db, user_id, attempt_id).await?;
    if attempt.status == AttemptStatus::Submitted {
        return Err(AppError::Conflict(
            "This attempt has been submitted. See your results instead.".into(),
        ));
    }
    let slots = bank::attempt_slots(db, attempt.id).await?;
    let drawn = Drawn { attempt, slots };
    let topic_id = drawn.topic_of_page(n)?;
    let ratings: Vec<(i64, i16)> = rating.map(|r| (topic_id, r)).into_iter().collect();
    let mut problems = refused;
    problems.extend(
        attempts::save_drawn(
            db,
            &drawn.attempt,
            &drawn.slots,
            &ratings,
            items,
            Indices::Shown,
        )
        .await?,
    );
    for item in items {
        if item.sureness.is_none()
            && item.answer.is_empty()
            && !problems.iter().any(|(p, _)| *p == item.position)
        {
            problems.push((
                item.position,
                "Choose an answer and how sure you are, or choose \"I don't know\".".into(),
            ));
        }
    }
    if problems.is_empty() && rating.is_some() {
        let added = if adaptive.on {
            attempts::follow_up(db, &drawn.attempt, Some(&[topic_id]), adaptive.shuffle_seed)
                .await?
        } else {
            Vec::new()
        };
        if !added.is_empty() {
            return Ok(TopicSaved::More {
                items: added.iter().map(|a| a.items).sum(),
            });
        }
        return Ok(TopicSaved::Saved {
            is_last: n == drawn.topic_order().len(),
        });
    }
    Ok(TopicSaved::Again {
        progress: Box::new(Progress::of(db, drawn).await?),
        problems,
    })
}

/// What submitting from the review page came to.
pub enum Submitted {
    Done,
    /// Something is still missing: the attempt as it stands, to list what.
    NotReady(Box<Progress>),
}

/// Submits the learner's attempt from its review page; if it is not ready, reads it back to
/// show what is missing.
pub async fn submit_from_review(
    db: &DatabaseConnection,
    xapi: Option<Recording<'_>>,
    user_id: PersonId,
    attempt_id: AttemptId,
) -> AppResult<Submitted> {
    match attempts::submit(db, xapi, user_id, attempt_id).await {
        Ok(_) => Ok(Submitted::Done),
        Err(AppError::Unprocessable(_)) => Ok(Submitted::NotReady(Box::new(
            progress(db, user_id, attempt_id).await?,
        ))),
        Err(other) => Err(other),
    }
}

/// What answering a module quiz came to.
pub enum QuizAnswered {
    Submitted,
    /// Something was refused or left out: nothing was submitted (valid answers were saved).
    Again {
        progress: Box<Progress>,
        /// Problems by position (0 for the quiz as a whole).
        problems: SaveProblems,
    },
}

/// Saves a quiz's answers (in shown option positions) and, when nothing was refused (neither
/// here nor in `refused`, the answers the page could not read), submits it.
pub async fn answer_quiz(
    db: &DatabaseConnection,
    xapi: Option<Recording<'_>>,
    user_id: PersonId,
    attempt_id: AttemptId,
    items: &[SaveItem],
    refused: SaveProblems,
) -> AppResult<QuizAnswered> {
    let mut problems = refused;
    problems
        .extend(attempts::save_with(db, user_id, attempt_id, &[], items, Indices::Shown).await?);
    if problems.is_empty() {
        match attempts::submit(db, xapi, user_id, attempt_id).await {
            Ok(_) => return Ok(QuizAnswered::Submitted),
            Err(AppError::Unprocessable(message)) => problems.push((0, message)),
            Err(other) => return Err(other),
        }
    }
    Ok(QuizAnswered::Again {
        progress: Box::new(progress(db, user_id, attempt_id).await?),
        problems,
    })
}

/// Saves ratings and answers (in shown option positions) as the JSON API sends them; when all
/// were accepted, adds the adaptive baseline's follow-up items to every topic that needs them.
pub async fn save_answers(
    db: &DatabaseConnection,
    user_id: PersonId,
    attempt_id: AttemptId,
    ratings: &[(i64, i16)],
    items: &[SaveItem],
    adaptive: Adaptive,
) -> AppResult<(SaveProblems, Vec<FollowUpAdded>)> {
    let problems =
        attempts::save_with(db, user_id, attempt_id, ratings, items, Indices::Shown).await?;
    if !problems.is_empty() || !adaptive.on {
        return Ok((problems, Vec::new()));
    }
    let attempt = attempts::owned_attempt(db, user_id, attempt_id).await?;
    let added = attempts::follow_up(db, &attempt, None, adaptive.shuffle_seed).await?;
    Ok((problems, added))
}
