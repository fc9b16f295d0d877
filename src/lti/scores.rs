//! Scores back to the platforms (Assignment and Grade Services). A submitted module quiz or
//! baseline queues one score per line item the person launched it from, in the submit's own
//! transaction, so no score is lost; the background sender (`web::mail_sender`, which drains
//! every outbox) posts it with an access token obtained by a client assertion signed with the
//! tool's key (RFC 7523). Delivery claims, retries and backs off exactly as the mail outbox
//! does (`accounts::outbox`): a platform that is down gets the score when it is back.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use super::{PlatformKeys, claims, keys};
use crate::delivery::{self, OutboxColumns, backoff};
use crate::entities::active_enums::Phase;
use crate::entities::lti_score_outbox::{self, Column, Entity};
use crate::entities::{assessment, attempt, lti_link, lti_platform, module};
use crate::error::{AppError, AppResult};

const BATCH: u64 = 20;

/// Queues the score of a submitted attempt for every line item it belongs to (inside the
/// submit's transaction). Module quizzes send their score out of 100; the baseline sends
/// its completion.
pub async fn queue_for_attempt(
    db: &impl ConnectionTrait,
    submitted: &attempt::Model,
) -> AppResult<()> {
    if !matches!(submitted.phase, Phase::Baseline | Phase::Quiz) {
        return Ok(());
    }
    // Most people never launch from a platform: one indexed read of their links on the submit
    // path, and the module is looked up only for those who have some.
    let links = lti_link::Entity::find()
        .filter(lti_link::Column::UserId.eq(submitted.user_id))
        .filter(lti_link::Column::LineitemUrl.is_not_null())
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(());
    }
    let activity = match submitted.phase {
        Phase::Quiz => {
            let Some(module_id) = assessment::Entity::find_by_id(submitted.assessment_id)
                .one(db)
                .await?
                .and_then(|a| a.module_id)
            else {
                return Ok(());
            };
            let Some(row) = module::Entity::find_by_id(module_id).one(db).await? else {
                return Ok(());
            };
            format!("module:{}", row.slug)
        }
        _ => "baseline".to_owned(),
    };
    let links: Vec<_> = links
        .into_iter()
        .filter(|l| l.activity == activity)
        .collect();
    let score = match submitted.phase {
        Phase::Quiz => (100.0 * submitted.accuracy.unwrap_or(0.0)).clamp(0.0, 100.0),
        _ => 100.0,
    };
    let now = Utc::now();
    for link in links {
        lti_score_outbox::ActiveModel {
            link_id: Set(link.id),
            score_given: Set((score * 100.0).round() / 100.0),
            score_maximum: Set(100.0),
            activity_progress: Set("Completed".to_owned()),
            grading_progress: Set("FullyGraded".to_owned()),
            scored_at: Set(submitted.submitted_at.unwrap_or(now)),
            created_at: Set(now),
            attempts: Set(0),
            next_attempt_at: Set(now),
            sent_at: Set(None),
            last_error: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Scores waiting, for the command line and the metrics.
pub async fn unsent(db: &impl ConnectionTrait) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(Entity::find()
        .filter(Column::SentAt.is_null())
        .count(db)
        .await?)
}

/// Sends the scores that are due; returns how many went.
pub async fn deliver_due(db: &impl ConnectionTrait, keys_http: &PlatformKeys) -> AppResult<usize> {
    deliver_due_at(db, keys_http, Utc::now()).await
}

/// [`deliver_due`] as if it were `now`.
pub async fn deliver_due_at(
    db: &impl ConnectionTrait,
    keys_http: &PlatformKeys,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let mut tokens: HashMap<i64, Result<String, String>> = HashMap::new();
    let mut sent = 0;
    for score in claim_due(db, now).await? {
        let outcome = send(db, keys_http, &score, &mut tokens).await;
        let ok = outcome.is_ok();
        finish(db, &score, outcome).await?;
        if ok {
            sent += 1;
        }
    }
    Ok(sent)
}

async fn claim_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<Vec<lti_score_outbox::Model>> {
    delivery::claim_due::<Entity>(db, &COLUMNS, |s| s.id, now, BATCH).await
}

const COLUMNS: OutboxColumns<Column> = OutboxColumns {
    id: Column::Id,
    sent_at: Column::SentAt,
    next_attempt_at: Column::NextAttemptAt,
};

async fn finish(
    db: &impl ConnectionTrait,
    score: &lti_score_outbox::Model,
    outcome: Result<(), String>,
) -> AppResult<()> {
    let attempts = score.attempts.saturating_add(1);
    let mut update = Entity::update_many()
        .col_expr(Column::Attempts, Expr::value(attempts))
        .filter(Column::Id.eq(score.id));
    match outcome {
        Ok(()) => {
            update = update
                .col_expr(Column::SentAt, Expr::value(Some(Utc::now())))
                .col_expr(Column::LastError, Expr::value(Option::<String>::None));
        }
        Err(problem) => {
            tracing::warn!(%problem, id = score.id, attempts, "could not send an LTI score; will retry");
            let problem: String = problem.chars().take(500).collect();
            update = update
                .col_expr(
                    Column::NextAttemptAt,
                    Expr::value(Utc::now() + backoff(attempts)),
                )
                .col_expr(Column::LastError, Expr::value(Some(problem)));
        }
    }
    update.exec(db).await?;
    Ok(())
}

async fn send(
    db: &impl ConnectionTrait,
    keys_http: &PlatformKeys,
    score: &lti_score_outbox::Model,
    tokens: &mut HashMap<i64, Result<String, String>>,
) -> Result<(), String> {
    let link = lti_link::Entity::find_by_id(score.link_id)
        .one(db)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the launch is gone")?;
    let lineitem = link
        .lineitem_url
        .clone()
        .ok_or("the launch has no line item")?;
    let platform = lti_platform::Entity::find_by_id(link.platform_id)
        .one(db)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the platform is no longer registered")?;
    // One token per platform and pass; a refused token fails the pass's other scores too.
    let token = match tokens.get(&platform.id) {
        Some(token) => token.clone(),
        None => {
            let token = access_token(db, keys_http, &platform).await;
            tokens.insert(platform.id, token.clone());
            token
        }
    }?;
    let body = json!({
        "userId": link.subject,
        "scoreGiven": score.score_given,
        "scoreMaximum": score.score_maximum,
        "activityProgress": score.activity_progress,
        "gradingProgress": score.grading_progress,
        "timestamp": score.scored_at.to_rfc3339_opts(SecondsFormat::Millis, true),
    });
    let response = keys_http
        .http
        .post(scores_url(&lineitem)?)
        .bearer_auth(token)
        .header("Content-Type", "application/vnd.ims.lis.v1.score+json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| format!("the platform could not be reached: {e}"))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!(
            "the platform answered {} to the score",
            response.status()
        ))
    }
}

/// The scores endpoint of a line item: `/scores` appended to its path, query kept.
fn scores_url(lineitem: &str) -> Result<String, String> {
    let mut url = url::Url::parse(lineitem).map_err(|e| format!("line item address: {e}"))?;
    let path = format!("{}/scores", url.path().trim_end_matches('/'));
    url.set_path(&path);
    Ok(url.into())
}

/// A client-credentials access token for the score scope, by a signed client assertion.
async fn access_token(
    db: &impl ConnectionTrait,
    keys_http: &PlatformKeys,
    platform: &lti_platform::Model,
) -> Result<String, String> {
    let now = Utc::now().timestamp();
    let assertion = keys::sign(
        db,
        &json!({
            "iss": platform.client_id,
            "sub": platform.client_id,
            "aud": platform.token_url,
            "iat": now,
            "exp": now + 300,
            "jti": crate::accounts::token::generate(),
        }),
    )
    .await
    .map_err(|e: AppError| e.to_string())?;
    let response = keys_http
        .http
        .post(&platform.token_url)
        .form(&[
            ("grant_type", "client_credentials"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion.as_str()),
            ("scope", claims::SCORE_SCOPE),
        ])
        .send()
        .await
        .map_err(|e| format!("the platform's token endpoint could not be reached: {e}"))?;
    if !response.status().is_success() {
        return Err(format!(
            "the platform refused an access token: {}",
            response.status()
        ));
    }
    let body: serde_json::Value = response
        .json()
        .await
        .map_err(|e| format!("the platform's token answer could not be read: {e}"))?;
    body.get("access_token")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| "the platform's token answer had no access_token".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_go_to_the_line_item_path_with_its_query_kept() {
        assert_eq!(
            scores_url("https://lms.example/ags/7/lineitem?type_id=3").ok(),
            Some("https://lms.example/ags/7/lineitem/scores?type_id=3".to_owned())
        );
    }
}
