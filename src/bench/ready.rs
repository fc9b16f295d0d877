//! The ready learners of `bench seed`: each with a live session and an open baseline whose
//! answers are written, one JSON object a line, to the ready file the load driver reads; and
//! sessions for a national learning lead and one trust's manager.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::insert::insert_all;
use super::population::Workforce;
use super::seed::{Content, Rows, SeedSpec, attempt_items, new_user};
use crate::accounts::token;
use crate::assessment::answer::Sureness;
use crate::entities::{AttemptStatus, Phase, attempt, job_assignment, manager_scope, session};
use crate::error::{AppError, AppResult};

/// Learners with an open baseline and a live session; each line of the ready file holds the
/// session, its CSRF token, the attempt and the answers body to send.
#[expect(clippy::too_many_arguments, reason = "the seed's running state")]
pub(super) async fn ready(
    db: &DatabaseConnection,
    spec: &SeedSpec,
    content: &Content,
    workforce: &Workforce<'_>,
    rng: &mut StdRng,
    hash: &str,
    org_ids: &[i64],
    next_user: &mut i64,
    next_attempt: &mut i64,
) -> AppResult<usize> {
    let Some(path) = &spec.ready_file else {
        return Ok(0);
    };
    let mut file =
        std::io::BufWriter::new(std::fs::File::create(path).map_err(AppError::internal)?);
    let now = Utc::now();
    let mut rows = Rows::default();
    // A learning lead who sees every benchmark organisation (the national view), and one
    // trust's own manager.
    let mut scopes = Vec::new();
    let managers = [
        (
            "manager",
            "lead@bench.nhs.uk",
            "Benchmark Learning Lead",
            org_ids,
        ),
        (
            "trust_manager",
            "trust-lead@bench1.nhs.uk",
            "Benchmark Trust Lead",
            &org_ids[..1],
        ),
    ];
    for (role, email, name, organisations) in managers {
        let id = *next_user;
        *next_user += 1;
        rows.users
            .push(new_user(id, email.into(), name.into(), hash, now));
        scopes.extend(
            organisations
                .iter()
                .map(|&organisation_id| manager_scope::ActiveModel {
                    user_id: Set(id),
                    organisation_id: Set(organisation_id),
                    created_at: Set(now),
                }),
        );
        let (session_row, line) = bench_session(id, role, None, spec.session_hours, now);
        rows.sessions.push(session_row);
        writeln!(file, "{line}").map_err(AppError::internal)?;
    }
    for i in 0..spec.ready {
        let Some(person) = workforce.person(rng) else {
            break;
        };
        let role = &content.roles[person.role];
        let email = format!("ready{i}@bench{}.nhs.uk", person.organisation + 1);
        rows.users.push(new_user(
            *next_user,
            email.clone(),
            format!("Ready {i}"),
            hash,
            now,
        ));
        rows.jobs.push(job_assignment::ActiveModel {
            user_id: Set(*next_user),
            organisation_id: Set(org_ids[person.organisation]),
            job_role_id: Set(role.id),
            band: Set(person.band.map(str::to_owned)),
            started_at: Set(now - Duration::days(30)),
            ended_at: Set(None),
            ..Default::default()
        });
        let slots = content.draw(&content.baseline, &HashSet::new(), rng);
        let targets = &content.targets[person.role];
        let (ratings, answers) = person
            .learner
            .answer(rng, &slots, |t| targets.get(&t).map_or(0.0, |v| v.0));
        rows.attempts.push(attempt::ActiveModel {
            id: Set(*next_attempt),
            user_id: Set(*next_user),
            assessment_id: Set(content.baseline.id),
            phase: Set(Phase::Baseline),
            status: Set(AttemptStatus::InProgress),
            started_at: Set(now),
            is_reported: Set(false),
            ..Default::default()
        });
        rows.items.extend(attempt_items(*next_attempt, &slots));
        let body = json!({
            "ratings": ratings.iter().map(|(t, r)| (t.to_string(), *r)).collect::<HashMap<_, _>>(),
            "answers": answers.iter().map(|a| {
                let mut item = serde_json::to_value(&a.answer).unwrap_or_default();
                item["position"] = json!(a.position);
                item["sureness"] = json!(a.sureness.unwrap_or(Sureness::DontKnow));
                item["time_on_item_ms"] = json!(a.time_on_item_ms);
                item
            }).collect::<Vec<_>>(),
        });
        let attempt = json!({ "id": *next_attempt, "answers": body, "email": email });
        let (session_row, line) = bench_session(
            *next_user,
            "learner",
            Some(attempt),
            spec.session_hours,
            now,
        );
        rows.sessions.push(session_row);
        writeln!(file, "{line}").map_err(AppError::internal)?;
        *next_user += 1;
        *next_attempt += 1;
    }
    file.flush().map_err(AppError::internal)?;
    let n = rows.users.len() - 2;
    let txn = crate::db::begin_write(db).await?;
    insert_all(&txn, rows.users.drain(..2).collect()).await?;
    insert_all(&txn, scopes).await?;
    txn.commit().await?;
    rows.write(db).await?;
    Ok(n)
}

/// A live session row for `user_id` and the ready file's line for it.
fn bench_session(
    user_id: i64,
    role: &str,
    attempt: Option<serde_json::Value>,
    hours: u32,
    now: DateTime<Utc>,
) -> (session::ActiveModel, serde_json::Value) {
    let id = token::generate();
    let csrf = token::generate();
    let row = session::ActiveModel {
        id_hash: Set(token::digest(&id)),
        user_id: Set(user_id),
        csrf_token: Set(csrf.clone()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + Duration::hours(i64::from(hours))),
        client_address: Set(None),
        lti_view: Set(None),
    };
    let line = json!({ "role": role, "session": id, "csrf": csrf, "attempt": attempt });
    (row, line)
}
