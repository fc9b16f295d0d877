//! The mail commands, run as the real binary: `users import --send-activation` emails the
//! links instead of printing them, and `mail send-due` queues what is due once and sends it.

use chrono::{Days, Utc};
use genomics_training::entities::user;
use genomics_training::learning::assignments::{Audience, assign};
use genomics_training::learning::modules::published_modules;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::cli_people::{app_database, given_receptionist_role, run};
use crate::helpers::{TestDatabase, spawn_app_on};
use crate::import::HEADER;
use crate::mail_work::queued;

fn stdout_of(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[rocket::async_test]
async fn import_can_email_the_links_and_send_due_queues_each_notice_once() {
    let database = TestDatabase::create().await;
    let dir = database.data_dir();
    stdout_of(&run(&database, &["orgs", "add", "RX1", "Example Trust"]));
    let app = spawn_app_on(database).await;
    given_receptionist_role(&app).await;
    let database = &app_database(&app);

    let file = dir.join("staff.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}\n1001,ann@example.nhs.uk,Ann Smith,RX1,administrative-and-clerical,receptionist,3\n\
             1002,bob@example.nhs.uk,Bob Jones,RX1,administrative-and-clerical,receptionist,3\n"
        ),
    )
    .expect("write csv");
    let path = file.to_str().expect("path");
    let imported = stdout_of(&run(
        database,
        &["users", "import", path, "--send-activation"],
    ));
    assert!(
        imported.contains("queued 2 activation email(s)"),
        "{imported}"
    );
    assert!(
        !imported.contains("/activate/"),
        "the links go by email only"
    );
    assert_eq!(queued(&app).await.len(), 2);

    let module = published_modules(app.db())
        .await
        .expect("modules")
        .into_iter()
        .next()
        .expect("a module");
    let org = genomics_training::accounts::organisations::list(
        app.db(),
        &genomics_training::accounts::OrgScope::All,
    )
    .await
    .expect("organisations")
    .into_iter()
    .next()
    .expect("RX1");
    let ann = user::Entity::find()
        .filter(user::Column::Email.eq("ann@example.nhs.uk"))
        .one(app.db())
        .await
        .expect("query")
        .expect("ann");
    assign(
        app.db(),
        ann.id.into(),
        module.module_id,
        Audience {
            organisation_id: org.id,
            job_role_id: None,
            team_id: None,
            user_id: None,
        },
        Utc::now().date_naive() + Days::new(30),
    )
    .await
    .expect("assign");

    let first = stdout_of(&run(database, &["mail", "send-due"]));
    assert!(first.contains("queued 2 assignment notice(s)"), "{first}");
    let again = stdout_of(&run(database, &["mail", "send-due"]));
    assert!(again.contains("queued 0 assignment notice(s)"), "{again}");
    assert_eq!(queued(&app).await.len(), 4);
}
