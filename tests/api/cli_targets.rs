//! `targets show|set`, `job-titles list|add|remove` and `report rebuild`, run as the real
//! binary against the test app's database.

use crate::cli_people::{app_database, run};
use crate::helpers::{Grant, assert_aggregates_consistent, spawn_app};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[rocket::async_test]
async fn targets_and_job_titles_are_edited_from_the_command_line() {
    let app = spawn_app().await;
    app.given_user(
        "trainer@nhs.test",
        Grant {
            trainer: true,
            ..Grant::default()
        },
    )
    .await;
    app.given_user("learner@nhs.test", Grant::default()).await;
    let database = &app_database(&app);
    let set = |by: &'static str, required: &'static str| {
        run(
            database,
            &[
                "targets",
                "set",
                "phlebotomist",
                "samples",
                "--required",
                required,
                "--importance",
                "6",
                "--by",
                by,
            ],
        )
    };
    let refused = set("learner@nhs.test", "30");
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("not an active trainer or admin"));
    let bad = set("trainer@nhs.test", "101");
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("0 to 100"),
        "{}",
        text(&bad.stderr)
    );
    let saved = set("trainer@nhs.test", "30");
    assert!(saved.status.success(), "{}", text(&saved.stderr));
    assert!(text(&saved.stdout).contains("report figures rebuilt"));
    let shown = run(database, &["targets", "show", "phlebotomist"]);
    assert!(
        text(&shown.stdout).contains("samples,30,6,app"),
        "{}",
        text(&shown.stdout)
    );
    assert_aggregates_consistent(&app).await;

    let added = run(
        database,
        &["job-titles", "add", "Staff Nurse", "registered-nurse-adult"],
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    let listed = text(&run(database, &["job-titles", "list"]).stdout);
    let id = listed
        .lines()
        .find(|l| l.contains("Staff Nurse"))
        .and_then(|l| l.split(',').next())
        .expect("listed");
    let again = run(database, &["job-titles", "add", "staff nurse", "midwife"]);
    assert!(!again.status.success());
    let removed = run(database, &["job-titles", "remove", id]);
    assert!(removed.status.success(), "{}", text(&removed.stderr));
    assert_eq!(
        text(&run(database, &["job-titles", "list"]).stdout),
        "id,title,organisation_code,job_role\n"
    );
    let rebuilt = run(database, &["report", "rebuild"]);
    assert!(rebuilt.status.success(), "{}", text(&rebuilt.stderr));
}
