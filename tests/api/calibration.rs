//! The Rasch calibration through the real services, against a hand-computed case; item analysis
//! showing it (page, CSV, JSON); scores on the calibrated scale written at submit, checked by
//! `verify` and rewritten by `bank rescore`; the equated post-assessment; the commands.
//!
//! Twelve learners sit a two-item baseline (A = samp-b01, B = samp-b02): 6 get A right and B
//! wrong, 2 the other way round, 2 both right, 2 both wrong. Conditional maximum likelihood
//! uses only the 8 with one right: e^(b_B − b_A) = 6/2, so b_A = −ln 3 / 2 = −0.549306 and
//! b_B = +0.549306 (mean 0). The information for d = b_B − b_A is 8 × 0.75 × 0.25 = 1.5, and
//! b_A = −d/2, so SE = √(1 / (4 × 1.5)) = 0.408248. The 4 all right or all wrong are left out.
//!
//! A learner with A right and B wrong has, by symmetry, θ = 0 (Warm's estimate), and on the
//! topic's calibrated bank {A, B} is expected to get (P(0.549) + P(−0.549)) / 2 = 50 %.

use std::collections::HashMap;
use std::process::Command;

use genomics_training::assessment::answer::Sureness::{High, Low};
use genomics_training::assessment::bank;
use genomics_training::assessment::calibrated;
use genomics_training::assessment::calibration::{self, Trigger};
use genomics_training::authoring;
use genomics_training::entities::{attempt_topic_ability, item, item_calibration};
use genomics_training::measures::rasch::ItemStatus;
use genomics_training::reports::verify::verify;
use rocket::http::Status;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use crate::assessment_flow::create_learner;
use crate::authoring_support::{Says, Says::*, sit, sit_baseline, small_baseline};
use crate::helpers::{TestApp, body_of, spawn_app};

pub const A: &str = "samp-b01";
pub const B: &str = "samp-b02";
const B_A: f64 = -0.549_306_144_334_054_9;
const SE: f64 = 0.408_248_290_463_863;

fn close(actual: Option<f64>, expected: f64) {
    let actual = actual.unwrap_or(f64::NAN);
    assert!(
        (actual - expected).abs() < 1e-6,
        "expected {expected}, got {actual}"
    );
}

/// The twelve learners' answers to A and B.
pub fn plan() -> Vec<(Says, Says)> {
    let mut plan = vec![(Right(High), Wrong(Low)); 6];
    plan.extend([(Wrong(Low), Right(High)); 2]);
    plan.extend([(Right(High), Right(High)); 2]);
    plan.extend([(Wrong(Low), Wrong(Low)); 2]);
    plan
}

/// The two-item baseline sat by the twelve; returns their user ids.
pub async fn sat_by_twelve(db: &DatabaseConnection) -> Vec<i64> {
    small_baseline(db, &[A, B]).await;
    let mut users = Vec::new();
    for (n, (a, b)) in plan().into_iter().enumerate() {
        let user = create_learner(db, &format!("c{n}@nhs.test"), "RX1", "receptionist").await;
        sit_baseline(db, user, &HashMap::from([(A, a), (B, b)])).await;
        users.push(user);
    }
    users
}

async fn current_version(db: &DatabaseConnection, uid: &str) -> i64 {
    item::Entity::find()
        .filter(item::Column::Uid.eq(uid))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .current_version_id
        .unwrap()
}

pub async fn rows_of(db: &DatabaseConnection) -> Vec<attempt_topic_ability::Model> {
    attempt_topic_ability::Entity::find().all(db).await.unwrap()
}

pub async fn assert_verified(db: &DatabaseConnection) {
    let differences = verify(db).await.unwrap();
    assert!(differences.is_empty(), "{differences:#?}");
}

#[rocket::async_test]
async fn the_bank_is_calibrated_as_computed_by_hand_and_item_analysis_shows_it() {
    let app = spawn_app().await;
    let db = app.db();
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    sat_by_twelve(db).await;

    // Before any calibration: said, not blank.
    let page = body_of(app.get_as(&trainer, "/author/analysis").await).await;
    assert!(page.contains("not calibrated yet"), "{page}");
    assert!(page.contains("Not calibrated yet"));
    let (status, json) = app.get_json_as(&trainer, "/api/v1/author/analysis").await;
    assert_eq!(status, Status::Ok);
    assert!(json["calibration"].is_null(), "{json}");
    assert!(json["items"][0]["calibration"].is_null());
    let csv = body_of(app.get_as(&trainer, "/author/analysis.csv").await).await;
    assert!(csv.contains(",not calibrated,"), "{csv}");

    let run = calibration::calibrate(db, Trigger::Command)
        .await
        .unwrap()
        .expect("a run");
    assert_eq!(
        (run.persons, run.persons_extreme, run.responses),
        (12, 4, 24)
    );
    let (a, b) = (current_version(db, A).await, current_version(db, B).await);
    let of = |version: i64| {
        &run.items
            .iter()
            .find(|i| i.item_version_id == version)
            .unwrap()
            .calibration
    };
    assert_eq!(of(a).status, ItemStatus::Estimated);
    close(of(a).difficulty, B_A);
    close(of(b).difficulty, -B_A);
    close(of(a).standard_error, SE);
    close(of(b).standard_error, SE);
    assert_eq!((of(a).n, of(a).n_right), (12, 8));

    // Stored as a run with one row per item version.
    let stored = item_calibration::Entity::find_by_id((run.run_id, a))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    close(stored.difficulty, B_A);
    assert_eq!(stored.status, "estimated");

    let (_, json) = app.get_json_as(&trainer, "/api/v1/author/analysis").await;
    assert_eq!(json["calibration"]["id"], run.run_id);
    assert_eq!(json["calibration"]["n_persons"], 12);
    assert_eq!(json["calibration"]["method"], "cml");
    let item_a = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item_uid"] == A)
        .unwrap();
    assert_eq!(item_a["calibration"]["status"], "estimated");
    close(item_a["calibration"]["difficulty"].as_f64(), B_A);
    close(item_a["calibration"]["standard_error"].as_f64(), SE);
    assert!(item_a["calibration"]["infit"].is_number());
    assert!(item_a["calibration"]["misfit"].is_boolean());
    let page = body_of(app.get_as(&trainer, "/author/analysis").await).await;
    assert!(page.contains("-0.55 ± 0.41"), "{page}");
    assert!(page.contains("0.55 ± 0.41"));
    assert!(page.contains(&format!("Rasch calibration {}", run.run_id)));
    let csv = body_of(app.get_as(&trainer, "/author/analysis.csv").await).await;
    let row = csv.lines().find(|l| l.contains(A)).unwrap();
    assert!(row.contains(",estimated,-0.5493,0.4082,"), "{row}");

    // The 12 baselines were submitted before the run: no scores yet, and verify agrees.
    assert!(rows_of(db).await.is_empty());
    assert_verified(db).await;
}

#[rocket::async_test]
async fn scores_on_the_calibrated_scale_are_written_at_submit_verified_and_rescored() {
    let app = spawn_app().await;
    let db = app.db();
    sat_by_twelve(db).await;
    let first = calibration::calibrate(db, Trigger::Command)
        .await
        .unwrap()
        .unwrap();

    // A learner submitting now is scored at submit: A right, B wrong gives θ = 0 and 50 %.
    let late = create_learner(db, "late@nhs.test", "RX1", "receptionist").await;
    let attempt = sit_baseline(
        db,
        late,
        &HashMap::from([(A, Right(High)), (B, Wrong(Low))]),
    )
    .await;
    let rows = rows_of(db).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(
        (row.attempt_id, row.calibration_run_id, row.n_items),
        (attempt, first.run_id, 2)
    );
    close(row.theta, 0.0);
    close(row.expected_percent, 50.0);
    assert_verified(db).await;

    // A stored score that does not match its answers is found.
    attempt_topic_ability::ActiveModel {
        expected_percent: Set(Some(80.0)),
        ..row.clone().into()
    }
    .update(db)
    .await
    .unwrap();
    let differences = verify(db).await.unwrap();
    assert_eq!(differences.len(), 1, "{differences:#?}");
    assert_eq!(differences[0].table, "attempt_topic_abilities");
    assert_eq!(differences[0].column, "expected_percent");

    // A new calibration (13 learners now): old scores still agree with the run they name;
    // `rescore` moves every attempt to the new run, and verify agrees again.
    let second = calibration::calibrate(db, Trigger::Command)
        .await
        .unwrap()
        .unwrap();
    assert!(second.run_id > first.run_id);
    let done = calibrated::rescore(db).await.unwrap();
    assert_eq!(
        (done.run_id, done.attempts, done.kept),
        (Some(second.run_id), 13, 0)
    );
    let rows = rows_of(db).await;
    assert_eq!(rows.len(), 13);
    assert!(rows.iter().all(|r| r.calibration_run_id == second.run_id));
    assert_verified(db).await;
    // All right and all wrong are finite.
    assert!(
        rows.iter().all(|r| r.theta.is_some_and(f64::is_finite)),
        "{rows:?}"
    );
}

#[rocket::async_test]
async fn the_post_assessment_is_matched_in_difficulty_to_the_baseline_where_calibrated() {
    let app = spawn_app().await;
    let db = app.db();
    let users = sat_by_twelve(db).await;
    let post_bank = [
        "samp-b01", "samp-b02", "samp-b03", "samp-b04", "samp-b05", "samp-b06",
    ];
    let uids: Vec<String> = post_bank.iter().map(|u| (*u).to_owned()).collect();
    authoring::set_assessment_items(db, None, "post", &uids)
        .await
        .unwrap();
    let run = calibration::calibrate(db, Trigger::Command)
        .await
        .unwrap()
        .unwrap();
    // The post bank's other items as if calibrated too (only A and B have answers here): at
    // −3, −0.5, 0.6 and 3 logits. Every learner saw A (−0.55) and B (0.55), so the closest
    // unseen items are b04 and b05, whatever the random draw would have chosen.
    let topic = run.items[0].topic_id;
    for (uid, difficulty) in [
        ("samp-b03", -3.0),
        ("samp-b04", -0.5),
        ("samp-b05", 0.6),
        ("samp-b06", 3.0),
    ] {
        item_calibration::ActiveModel {
            calibration_run_id: Set(run.run_id),
            item_version_id: Set(current_version(db, uid).await),
            topic_id: Set(topic),
            status: Set("estimated".to_owned()),
            n: Set(30),
            n_right: Set(15),
            difficulty: Set(Some(difficulty)),
            standard_error: Set(Some(0.4)),
            infit: Set(Some(1.0)),
            outfit: Set(Some(1.0)),
        }
        .insert(db)
        .await
        .unwrap();
    }
    for &user in &users[..4] {
        let attempt =
            genomics_training::assessment::attempts::start_or_resume(db, user.into(), "post")
                .await
                .unwrap();
        let mut drawn: Vec<String> = bank::attempt_slots(db, attempt.id)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.item_uid)
            .collect();
        drawn.sort();
        assert_eq!(drawn, ["samp-b04", "samp-b05"], "learner {user}");
    }
    // Submitted, the post is scored on the same scale, and verify agrees.
    let user = users[0];
    let post = sit(
        db,
        user,
        "post",
        &HashMap::from([("samp-b04", Right(High)), ("samp-b05", Wrong(Low))]),
    )
    .await;
    let rows = rows_of(db).await;
    let row = rows
        .iter()
        .find(|r| r.attempt_id == post)
        .expect("scored at submit");
    assert_eq!(row.n_items, 2);
    assert!(row.expected_percent.is_some_and(|p| p > 0.0 && p < 100.0));
    assert_verified(db).await;
}

fn run_cli(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_genomics-training"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "error")
        .env("DATABASE_URL", app.database_url())
        .output()
        .expect("run the binary");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[rocket::async_test]
async fn the_commands_calibrate_rescore_and_fit_a_csv() {
    let app = spawn_app().await;
    let (ok, out, err) = run_cli(&app, &["bank", "rescore"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("not calibrated yet: nothing to rescore"),
        "{out}"
    );
    let (ok, out, err) = run_cli(&app, &["bank", "calibrate"]);
    assert!(ok, "{err}");
    assert!(out.contains("nothing to calibrate"), "{out}");

    sat_by_twelve(app.db()).await;
    let (ok, out, err) = run_cli(&app, &["bank", "calibrate"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("calibration 1: 12 learners' first baselines (4 all right or all wrong"),
        "{out}"
    );
    assert!(out.contains("2 item versions estimated"), "{out}");
    let (ok, out, err) = run_cli(&app, &["bank", "rescore"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("rescored 12 attempts under calibration 1"),
        "{out}"
    );
    assert_verified(app.db()).await;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("responses.csv");
    let mut text = String::from("x,y\n");
    text.push_str(&"1,0\n".repeat(6));
    text.push_str(&"0,1\n".repeat(2));
    std::fs::write(&file, text).unwrap();
    let (ok, out, err) = run_cli(&app, &["bank", "fit-csv", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("x,estimated,8,6,-0.549306,0.408248,"), "{out}");
    std::fs::write(&file, "x,y\n1,2\n").unwrap();
    let (ok, _, err) = run_cli(&app, &["bank", "fit-csv", file.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("line 2, column 2: expected 1, 0 or nothing, got `2`"),
        "{err}"
    );
}
