//! A submit scores the attempt before taking the write lock; if the learner's answers changed
//! in between, it must score them again under the lock rather than write stale aggregates.

use genomics_training::assessment::answer::Sureness;
use genomics_training::assessment::attempts::{self, SaveItem};
use genomics_training::assessment::bank;
use genomics_training::assessment::submit_plan;
use genomics_training::entities::module_progress;
use genomics_training::learning::modules::published_modules;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

use crate::assessment_flow::pick;
use crate::helpers::{assert_aggregates_consistent, spawn_app};
use crate::reports_support::learner;

#[rocket::async_test]
async fn a_plan_goes_stale_when_answers_change_and_submit_scores_the_last_answers() {
    let app = spawn_app().await;
    let db = app.db();
    let user = learner(db, "planned@nhs.test", "SP1", "porter", "Band 2").await;
    let attempt = attempts::start_or_resume(db, user.into(), "baseline")
        .await
        .unwrap();
    let slots = bank::attempt_slots(db, attempt.id).await.unwrap();
    let answer_all = |right: bool| answers(&slots, right);
    let (ratings, right) = answer_all(true);
    attempts::save(db, user.into(), attempt.id.into(), &ratings, &right)
        .await
        .unwrap();
    let planned = attempts::plan(db, attempt.clone()).await.unwrap();
    assert!(submit_plan::unchanged(db, &planned).await.unwrap());

    let (_, wrong) = answer_all(false);
    attempts::save(db, user.into(), attempt.id.into(), &[], &wrong)
        .await
        .unwrap();
    assert!(!submit_plan::unchanged(db, &planned).await.unwrap());
    let (_, wrong) = answer_all(false);
    attempts::save(db, user.into(), attempt.id.into(), &[], &wrong)
        .await
        .unwrap();

    let submitted = attempts::submit(db, None, user.into(), attempt.id.into())
        .await
        .unwrap();
    assert_eq!(
        submitted.accuracy,
        Some(0.0),
        "scored from the answers as saved last"
    );
    assert!(submitted.is_reported);
    assert_aggregates_consistent(&app).await;
}

/// A rating of 3 for every topic, and every question answered rightly or wrongly.
fn answers(slots: &[bank::Slot], right: bool) -> (Vec<(i64, i16)>, Vec<SaveItem>) {
    let mut ratings: Vec<(i64, i16)> = slots.iter().map(|s| (s.topic_id, 3)).collect();
    ratings.dedup();
    let items = slots
        .iter()
        .map(|s| SaveItem {
            position: s.position,
            answer: pick(&s.question, right),
            sureness: Some(Sureness::High),
            time_on_item_ms: None,
        })
        .collect();
    (ratings, items)
}

/// The check under the lock reads ratings and completed modules too (all in one statement).
#[rocket::async_test]
async fn a_plan_goes_stale_when_a_rating_changes_or_a_module_is_completed() {
    let app = spawn_app().await;
    let db = app.db();
    let user = learner(db, "rated@nhs.test", "SP1", "porter", "Band 2").await;
    let attempt = attempts::start_or_resume(db, user.into(), "baseline")
        .await
        .unwrap();
    let slots = bank::attempt_slots(db, attempt.id).await.unwrap();
    let (ratings, items) = answers(&slots, true);
    attempts::save(db, user.into(), attempt.id.into(), &ratings, &items)
        .await
        .unwrap();
    let planned = attempts::plan(db, attempt.clone()).await.unwrap();
    assert!(submit_plan::unchanged(db, &planned).await.unwrap());

    let (topic, _) = ratings[0];
    attempts::save(db, user.into(), attempt.id.into(), &[(topic, 5)], &[])
        .await
        .unwrap();
    assert!(
        !submit_plan::unchanged(db, &planned).await.unwrap(),
        "a changed rating"
    );

    let planned = attempts::plan(db, attempt.clone()).await.unwrap();
    assert!(submit_plan::unchanged(db, &planned).await.unwrap());
    let module = published_modules(db)
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("a published module");
    module_progress::ActiveModel {
        user_id: Set(user),
        module_id: Set(module.module_id.get()),
        module_version_id: Set(module.version_id),
        last_page: Set(1),
        started_at: Set(chrono::Utc::now()),
        completed_at: Set(Some(chrono::Utc::now())),
        completing_attempt_id: Set(None),
        certificate_code: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
    assert!(
        !submit_plan::unchanged(db, &planned).await.unwrap(),
        "a module completed meanwhile"
    );
    attempts::submit(db, None, user.into(), attempt.id.into())
        .await
        .unwrap();
    assert_aggregates_consistent(&app).await;
}

/// Submits that arrive together are written together on SQLite (one transaction, each in a
/// savepoint of its own): every one counts once, a repeat changes nothing, one that is refused
/// takes nothing else with it, and the aggregates they share add up as if each had been
/// submitted alone.
#[rocket::async_test]
async fn submits_at_once_each_count_once_and_a_refused_one_takes_none_with_it() {
    let app = spawn_app().await;
    let db = app.db();
    let mut ready = Vec::new();
    for n in 0..10 {
        let email = format!("together{n}@nhs.test");
        let band = if n % 2 == 0 { "Band 2" } else { "Band 5" };
        let user = learner(db, &email, "SP1", "porter", band).await;
        let attempt = attempts::start_or_resume(db, user.into(), "baseline")
            .await
            .unwrap();
        let slots = bank::attempt_slots(db, attempt.id).await.unwrap();
        let (ratings, items) = answers(&slots, n % 3 != 0);
        attempts::save(db, user.into(), attempt.id.into(), &ratings, &items)
            .await
            .unwrap();
        ready.push((user, attempt.id));
    }
    let unready = learner(db, "unready@nhs.test", "SP1", "porter", "Band 2").await;
    let unready_attempt = attempts::start_or_resume(db, unready.into(), "baseline")
        .await
        .unwrap();
    // The first learner submits twice; the unready one has answered nothing.
    let mut sends = ready.clone();
    sends.insert(5, ready[0]);
    sends.insert(3, (unready, unready_attempt.id));
    let submits: Vec<_> = sends
        .iter()
        .map(|&(user, attempt)| {
            let db = db.clone();
            tokio::spawn(
                async move { attempts::submit(&db, None, user.into(), attempt.into()).await },
            )
        })
        .collect();
    let mut outcomes = Vec::new();
    for submit in submits {
        outcomes.push(submit.await.unwrap());
    }
    for (&(user, attempt), outcome) in sends.iter().zip(&outcomes) {
        if user == unready {
            let refused = outcome.as_ref().map(|a| a.id);
            assert!(
                refused.as_ref().is_err_and(|e| e.status().code == 422),
                "an attempt with nothing answered is refused: {refused:?}"
            );
            continue;
        }
        let submitted = outcome.as_ref().unwrap();
        assert_eq!(submitted.id, attempt);
        assert!(submitted.is_reported, "each first baseline counts");
    }
    let first = |i: usize| outcomes[i].as_ref().unwrap().submitted_at;
    assert_eq!(
        first(0),
        first(6),
        "the repeat gives the first submit's result"
    );
    let unready_now = attempts::owned_attempt(db, unready.into(), unready_attempt.id.into())
        .await
        .unwrap();
    assert_eq!(
        unready_now.status,
        genomics_training::entities::AttemptStatus::InProgress,
        "the refused attempt is still open"
    );
    assert_aggregates_consistent(&app).await;
}
