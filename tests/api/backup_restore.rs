//! `backup` takes a consistent snapshot while learners keep submitting, and the documented
//! restore (copy the snapshot over the database file, start) gives back a working service whose
//! data and aggregates agree. On PostgreSQL the command names pg_dump instead.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use genomics_training::assessment::answer::Sureness::Medium;
use genomics_training::demo::{DemoSpec, populate};
use genomics_training::entities::{attempt, user};
use genomics_training::reports::{GapQuery, Scope, gap_report};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{TestDatabase, assert_aggregates_consistent, spawn_app, spawn_app_on};
use crate::reports_support::{group, sitting};

fn backup_command(url: &str, data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_genomics-training"));
    command
        .arg("backup")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", url)
        .env(
            "ROCKET_APP",
            format!("{{data_dir=\"{}\"}}", data_dir.display()),
        )
        .env("RUST_LOG", "error");
    command
}

async fn counts(db: &DatabaseConnection) -> (u64, u64) {
    let users = user::Entity::find().count(db).await.unwrap();
    let submitted = attempt::Entity::find()
        .filter(attempt::Column::SubmittedAt.is_not_null())
        .count(db)
        .await
        .unwrap();
    (users, submitted)
}

#[rocket::async_test]
async fn backup_taken_during_submits_restores_to_a_consistent_working_service() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    if !app.database_url().starts_with("sqlite:") {
        let output = backup_command(app.database_url(), dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("pg_dump --format=custom"), "{stderr}");
        return;
    }
    let spec = DemoSpec {
        organisation_code: "BK1".into(),
        organisation_name: "Backup Trust".into(),
        staff: 16,
        post_share: 0.3,
        seed: 7,
        ends: chrono::Utc::now(),
    };
    let demo = populate(app.db(), &spec).await.unwrap();
    let before = counts(app.db()).await;

    // Learners keep submitting baselines while the snapshot is taken.
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (db, stop, written) = (app.db().clone(), stop.clone(), written.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                group(&db, "BK1", "porter", "Band 2", 1, sitting(2, Medium, 3)).await;
                written.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    while written.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    // A backup is taken again (up to 10 times) until a submit completed while it ran, so the
    // snapshot below is one taken under writes even on a loaded machine.
    let mut overlapped = None;
    for round in 0..10 {
        let snapshot = dir.path().join(format!("snapshot-{round}.db"));
        let started = written.load(Ordering::SeqCst);
        let mut command = backup_command(app.database_url(), dir.path());
        command.arg("--to").arg(&snapshot);
        let output = tokio::task::spawn_blocking(move || command.output())
            .await
            .unwrap()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.starts_with("backup written: "),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("integrity checked"), "{stdout}");
        if written.load(Ordering::SeqCst) > started {
            overlapped = Some(snapshot);
            break;
        }
    }
    let during = written.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    let after = counts(app.db()).await;
    let snapshot = overlapped.expect("a backup ran while a submit completed");

    // Restore: the snapshot becomes the database file of a fresh installation, which starts.
    let restored_dir = tempfile::tempdir().unwrap();
    let file = restored_dir.path().join("genomics-training.db");
    std::fs::copy(&snapshot, &file).unwrap();
    let url = format!("sqlite://{}", file.display());
    let restored = spawn_app_on(TestDatabase::borrowed(
        &url,
        restored_dir.path().to_path_buf(),
    ))
    .await;
    let got = counts(restored.db()).await;
    assert!(
        before.0 <= got.0 && got.0 <= after.0 && before.1 <= got.1 && got.1 <= after.1,
        "restored {got:?} lies between {before:?} and {after:?} ({during} submits during)"
    );
    // Every submitted baseline is a whole attempt: users and their attempts came together.
    let demo_users = user::Entity::find()
        .filter(user::Column::Id.is_in(demo.users.clone()))
        .count(restored.db())
        .await
        .unwrap();
    assert_eq!(demo_users, demo.users.len() as u64);
    assert_aggregates_consistent(&restored).await;
    let report = gap_report(restored.db(), &GapQuery::new(Scope::AllOrganisations), 2)
        .await
        .unwrap();
    assert!(!report.rows.is_empty(), "the restored service reports");
    assert_eq!(
        restored.get("/readyz").await.status(),
        rocket::http::Status::Ok
    );
}
