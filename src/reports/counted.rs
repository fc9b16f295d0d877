//! The submitted baselines and post-assessments, read a range of learners at a time, with the
//! attempts the reports count scored: what `verify` and the rebuild recompute from. Each range
//! costs a handful of set-based queries (attempts, their items, kept sums, responses, ratings)
//! instead of several per attempt, and only one range is held in memory, so both stay linear
//! in the population and flat in memory at national scale.
//!
//! A learner's attempts always fall in one range (ranges are of user ids), so deciding which
//! attempts count and pairing a post-assessment with its baseline never crosses ranges.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{Alias, Expr, Func, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::assessment::aggregates::kept_sums;
use crate::assessment::scoring::{self, Scored};
use crate::entities::{Phase, attempt, attempt_item, attempt_topic_score, response, topic_rating};
use crate::error::AppResult;

/// Learners per range: a few thousand attempts, so each `IN` list stays far below both
/// databases' parameter limits.
const USERS_PER_RANGE: i64 = 2_000;

/// A counted attempt, scored as the submit path scores it.
pub struct Sitting {
    pub attempt: attempt::Model,
    pub scored: Scored,
    pub ratings: HashMap<i64, i16>,
    /// Its responses (empty once retention has removed them).
    pub responses: Vec<response::Model>,
}

/// One range of learners.
pub struct Range {
    /// Every submitted baseline and post-assessment, ordered by user, time and id.
    pub submitted: Vec<attempt::Model>,
    /// The counted ones among them ([`counted_attempts`]), scored.
    pub counted: Vec<Sitting>,
}

/// Walks the learners with submitted attempts, one range of user ids at a time.
pub struct Ranges {
    next: i64,
    last: i64,
}

fn submitted() -> sea_orm::Select<attempt::Entity> {
    attempt::Entity::find()
        .filter(attempt::Column::SubmittedAt.is_not_null())
        .filter(attempt::Column::Phase.is_in([Phase::Baseline, Phase::Post]))
}

impl Ranges {
    pub async fn start(db: &impl ConnectionTrait) -> AppResult<Self> {
        let query = Query::select()
            .expr_as(
                Func::min(Expr::col(attempt::Column::UserId)),
                Alias::new("first"),
            )
            .expr_as(
                Func::max(Expr::col(attempt::Column::UserId)),
                Alias::new("last"),
            )
            .from(attempt::Entity)
            .take();
        let (first, last) = match db.query_one(&query).await? {
            Some(row) => (
                row.try_get::<Option<i64>>("", "first")?,
                row.try_get::<Option<i64>>("", "last")?,
            ),
            None => (None, None),
        };
        Ok(match (first, last) {
            (Some(next), Some(last)) => Self { next, last },
            _ => Self { next: 1, last: 0 },
        })
    }

    /// The next range with submitted attempts, or `None` after the last.
    pub async fn next(&mut self, db: &impl ConnectionTrait) -> AppResult<Option<Range>> {
        while self.next <= self.last {
            let from = self.next;
            self.next = from.saturating_add(USERS_PER_RANGE);
            let attempts = submitted()
                .filter(attempt::Column::UserId.gte(from))
                .filter(attempt::Column::UserId.lt(self.next))
                .order_by_asc(attempt::Column::UserId)
                .order_by_asc(attempt::Column::SubmittedAt)
                .order_by_asc(attempt::Column::Id)
                .all(db)
                .await?;
            if !attempts.is_empty() {
                return Ok(Some(range(db, attempts).await?));
            }
        }
        Ok(None)
    }
}

/// The attempts reports count: per learner the first submitted baseline and the most recent
/// submitted post-assessment (docs/design.md §4). `submitted` is ordered by user, time, id.
pub fn counted_attempts(submitted: &[attempt::Model]) -> HashSet<i64> {
    let mut first_baseline: HashMap<i64, i64> = HashMap::new();
    let mut last_post: HashMap<i64, i64> = HashMap::new();
    for a in submitted {
        match a.phase {
            Phase::Baseline => {
                first_baseline.entry(a.user_id).or_insert(a.id);
            }
            _ => {
                last_post.insert(a.user_id, a.id);
            }
        }
    }
    first_baseline
        .into_values()
        .chain(last_post.into_values())
        .collect()
}

async fn range(db: &impl ConnectionTrait, submitted: Vec<attempt::Model>) -> AppResult<Range> {
    let counted = counted_attempts(&submitted);
    let ids: Vec<i64> = submitted
        .iter()
        .filter(|a| counted.contains(&a.id))
        .map(|a| a.id)
        .collect();
    // The four reads are independent: on a pool they run side by side on their own
    // connections, so the database works on one while the rows of another are decoded (in a
    // transaction they simply take turns).
    let (item_rows, kept_rows, response_rows, rating_rows) = tokio::try_join!(
        attempt_item::Entity::find()
            .filter(attempt_item::Column::AttemptId.is_in(ids.clone()))
            .order_by_asc(attempt_item::Column::AttemptId)
            .order_by_asc(attempt_item::Column::Position)
            .all(db),
        attempt_topic_score::Entity::find()
            .filter(attempt_topic_score::Column::AttemptId.is_in(ids.clone()))
            .all(db),
        response::Entity::find()
            .filter(response::Column::AttemptId.is_in(ids.clone()))
            .order_by_asc(response::Column::AttemptId)
            .order_by_asc(response::Column::ItemVersionId)
            .all(db),
        topic_rating::Entity::find()
            .filter(topic_rating::Column::AttemptId.is_in(ids))
            .all(db),
    )?;
    let mut items: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    for row in item_rows {
        items
            .entry(row.attempt_id)
            .or_default()
            .push((row.item_version_id, row.topic_id));
    }
    let mut kept: HashMap<i64, Vec<attempt_topic_score::Model>> = HashMap::new();
    for row in kept_rows {
        kept.entry(row.attempt_id).or_default().push(row);
    }
    let mut responses: HashMap<i64, Vec<response::Model>> = HashMap::new();
    for row in response_rows {
        responses.entry(row.attempt_id).or_default().push(row);
    }
    let mut ratings: HashMap<i64, HashMap<i64, i16>> = HashMap::new();
    for row in rating_rows {
        ratings
            .entry(row.attempt_id)
            .or_default()
            .insert(row.topic_id, row.rating);
    }
    let counted = submitted
        .iter()
        .filter(|a| counted.contains(&a.id))
        .map(|a| {
            // As `load_attempt_topics`: the kept sums once retention removed the responses.
            let (scored, responses) = match kept.remove(&a.id) {
                Some(kept) => (
                    Scored::from_topic_sums(kept.iter().map(|k| (k.topic_id, kept_sums(k)))),
                    Vec::new(),
                ),
                None => {
                    let responses = responses.remove(&a.id).unwrap_or_default();
                    let items = items.get(&a.id).map(Vec::as_slice).unwrap_or_default();
                    (scoring::score_items(items, &responses), responses)
                }
            };
            Sitting {
                attempt: a.clone(),
                scored,
                ratings: ratings.remove(&a.id).unwrap_or_default(),
                responses,
            }
        })
        .collect();
    Ok(Range { submitted, counted })
}
