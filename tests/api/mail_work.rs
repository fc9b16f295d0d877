//! Mail that does the work: notices of assignments, reminders before and after the due date,
//! the weekly summary to line managers, and each person's choice of them. The passes are run
//! directly (as the schedule and `mail send-due` run them), with the day given.

use chrono::{Days, NaiveDate, Utc};
use genomics_training::entities::{mail_outbox, module_progress};
use genomics_training::learning::modules::published_modules;
use genomics_training::notify::due;
use rocket::http::{Method, Status};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QueryOrder};

use crate::helpers::{Session, TestApp, World, spawn_app, spawn_app_with};

/// The outbox, oldest first.
pub async fn queued(app: &TestApp) -> Vec<mail_outbox::Model> {
    mail_outbox::Entity::find()
        .order_by_asc(mail_outbox::Column::Id)
        .all(app.db())
        .await
        .expect("outbox")
}

/// The recipients of queued messages whose subject contains `subject`, sorted.
async fn recipients(app: &TestApp, subject: &str) -> Vec<String> {
    let mut to: Vec<String> = queued(app)
        .await
        .into_iter()
        .filter(|m| m.subject.contains(subject))
        .map(|m| m.recipient)
        .collect();
    to.sort();
    to
}

fn sorted(emails: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = emails.iter().map(|e| (*e).to_owned()).collect();
    out.sort();
    out
}

/// Assigns the `samples` module to everyone in organisation A, due `days` from today.
async fn assign_samples(app: &TestApp, manager: &Session, world: &World, days: u64) -> NaiveDate {
    let due = Utc::now().date_naive() + Days::new(days);
    let created = app
        .post_form_as(
            manager,
            "/manage/assignments",
            &[
                ("module", "samples"),
                ("organisation_id", &world.org_a.to_string()),
                ("due_on", &due.to_string()),
            ],
        )
        .await;
    assert_eq!(created.status(), Status::SeeOther);
    due
}

/// Records that `user_id` completed the `samples` module.
async fn complete_samples(app: &TestApp, user_id: i64) {
    let module = published_modules(app.db())
        .await
        .expect("modules")
        .into_iter()
        .find(|m| m.slug == "samples")
        .expect("samples");
    module_progress::ActiveModel {
        user_id: Set(user_id),
        module_id: Set(module.module_id.get()),
        module_version_id: Set(module.version_id),
        last_page: Set(1),
        started_at: Set(Utc::now()),
        completed_at: Set(Some(Utc::now())),
        completing_attempt_id: Set(None),
        certificate_code: Set(None),
    }
    .insert(app.db())
    .await
    .expect("progress");
}

async fn pass(app: &TestApp, today: NaiveDate) -> due::DueReport {
    due::enqueue_due(app.db(), app.config(), today)
        .await
        .expect("pass")
}

async fn choose(app: &TestApp, who: &Session, fields: &[(&str, &str)]) {
    let saved = app.post_form_as(who, "/account/mail", fields).await;
    assert_eq!(saved.status(), Status::SeeOther);
}

#[rocket::async_test]
async fn a_notice_goes_once_to_each_person_the_assignment_covers_who_wants_it() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let learner = app.session_for(&world.learner).await;
    let manager = app.session_for(&world.manager_a).await;
    choose(&app, &learner, &[("reminders", "true")]).await;
    let account = crate::helpers::body_of(app.get_as(&learner, "/account").await).await;
    assert!(
        account.contains(
            "id=\"reminders\" name=\"reminders\" type=\"checkbox\" value=\"true\" checked"
        )
    );
    assert!(
        !account.contains("name=\"assignment_notices\" type=\"checkbox\" value=\"true\" checked")
    );
    assert!(
        !account.contains("weekly_summary"),
        "only managers are offered the summary"
    );

    assign_samples(&app, &manager, &world, 30).await;
    let today = Utc::now().date_naive();
    assert_eq!(pass(&app, today).await.assignments.notices, 3);
    assert_eq!(
        recipients(&app, "You have been asked to complete").await,
        sorted(&[
            &world.trainer.email,
            &world.manager_a.email,
            &world.subject.email
        ]),
        "everyone in A who wants notices; not the learner who stopped them, nor B, nor the admin"
    );
    let notice = queued(&app)
        .await
        .into_iter()
        .find(|m| m.subject.contains("You have been asked to complete"))
        .expect("a notice");
    assert!(notice.body.contains("/learn/modules/samples"));
    assert!(
        notice.body.contains("/account#mail"),
        "says how to stop them"
    );
    assert!(notice.html_body.expect("html").contains("<a href="));

    assert_eq!(
        pass(&app, today).await.total(),
        0,
        "a rerun sends nothing again"
    );
    assert_eq!(
        recipients(&app, "You have been asked to complete")
            .await
            .len(),
        3
    );
}

#[rocket::async_test]
async fn reminders_go_before_and_after_the_due_date_once_and_not_to_those_done() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let manager = app.session_for(&world.manager_a).await;
    let trainer = app.session_for(&world.trainer).await;
    choose(&app, &trainer, &[("assignment_notices", "true")]).await;
    let due_on = assign_samples(&app, &manager, &world, 30).await;
    pass(&app, Utc::now().date_naive()).await;

    // A pass that dies before it commits leaves nothing: the next one does it all, once.
    let before = due_on - Days::new(5);
    let txn = genomics_training::db::begin_write(app.db())
        .await
        .expect("txn");
    let lost = due::enqueue_due_in(&txn, app.config(), before)
        .await
        .expect("pass");
    assert_eq!(lost.assignments.before, 3);
    drop(txn);
    assert_eq!(recipients(&app, "is due soon").await.len(), 0);
    assert_eq!(pass(&app, before).await.assignments.before, 3);
    assert_eq!(
        recipients(&app, "is due soon").await,
        sorted(&[
            &world.learner.email,
            &world.manager_a.email,
            &world.subject.email
        ]),
        "not the trainer, who stopped reminders"
    );
    assert_eq!(pass(&app, before + Days::new(1)).await.total(), 0);

    complete_samples(&app, world.subject.id).await;
    let after = due_on + Days::new(1);
    assert_eq!(pass(&app, after).await.assignments.overdue, 2);
    assert_eq!(
        recipients(&app, "is overdue").await,
        sorted(&[&world.learner.email, &world.manager_a.email]),
        "not the person who completed it"
    );
    assert_eq!(
        pass(&app, after + Days::new(1)).await.total(),
        0,
        "once only"
    );
}

/// The lines of the summary's plain text that carry figures.
fn summary_lines(body: &str) -> Vec<String> {
    body.lines()
        .filter(|l| l.starts_with("- "))
        .map(str::to_owned)
        .collect()
}

/// Each line names the module, who, the due date and either a share of people or nothing.
fn only_completion(line: &str) -> bool {
    let Some((_, figures)) = line.rsplit_once(": ") else {
        return false;
    };
    let withheld = figures.starts_with("fewer than ") && figures.ends_with(" people, so not shown");
    let shown = figures
        .strip_suffix(" people have completed it")
        .and_then(|rest| rest.split_once("% of "))
        .is_some_and(|(share, people)| {
            share.parse::<u32>().is_ok() && people.parse::<u32>().is_ok()
        });
    withheld || shown
}

#[rocket::async_test]
async fn the_weekly_summary_withholds_groups_smaller_than_the_minimum() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let manager = app.session_for(&world.manager_a).await;
    assign_samples(&app, &manager, &world, 30).await;
    let today = Utc::now().date_naive();
    assert_eq!(
        pass(&app, today).await.summaries,
        1,
        "only manager A has an assignment"
    );
    let summary = queued(&app)
        .await
        .into_iter()
        .find(|m| m.subject.contains("Training completion"))
        .expect("summary");
    assert_eq!(summary.recipient, world.manager_a.email);
    let lines = summary_lines(&summary.body);
    assert_eq!(lines.len(), 1, "{}", summary.body);
    assert!(
        lines[0].ends_with("fewer than 8 people, so not shown"),
        "{}",
        lines[0]
    );
    assert!(!summary.html_body.expect("html").contains('%'));
    assert_eq!(pass(&app, today).await.summaries, 0, "once a week");
    assert_eq!(
        pass(&app, today + Days::new(7)).await.summaries,
        1,
        "and again next week"
    );

    choose(&app, &manager, &[("summary_offered", "true")]).await;
    assert_eq!(
        pass(&app, today + Days::new(14)).await.summaries,
        0,
        "stopped"
    );
}

#[rocket::async_test]
async fn the_weekly_summary_gives_completion_shares_and_no_scores() {
    let app =
        spawn_app_with(|f| genomics_training::config::with_app_setting(f, "min_cell_size", 3))
            .await;
    let world = app.given_world().await;
    let manager = app.session_for(&world.manager_a).await;
    assign_samples(&app, &manager, &world, 30).await;
    complete_samples(&app, world.learner.id).await;
    pass(&app, Utc::now().date_naive()).await;
    let summary = queued(&app)
        .await
        .into_iter()
        .find(|m| m.subject.contains("Training completion"))
        .expect("summary");
    let lines = summary_lines(&summary.body);
    assert_eq!(lines.len(), 1, "{}", summary.body);
    assert!(
        lines[0].ends_with(": 25% of 4 people have completed it"),
        "{}",
        lines[0]
    );
    assert!(lines.iter().all(|l| only_completion(l)), "{lines:?}");
    let html = summary.html_body.expect("html");
    assert!(html.contains("<td style=\"text-align: right; padding: 4px 8px;\">25%</td>"));
}

#[rocket::async_test]
async fn email_choices_need_the_form_token() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let learner = app.session_for(&world.learner).await;
    let refused = app
        .post_raw_form(&learner, "/account/mail", &[("reminders", "true")])
        .await;
    assert_eq!(refused.status(), Status::Forbidden);
    let account = crate::helpers::body_of(app.get_as(&learner, "/account").await).await;
    assert!(
        account.contains("name=\"assignment_notices\" type=\"checkbox\" value=\"true\" checked")
    );
}

async fn put_choices(
    app: &TestApp,
    who: &Session,
    body: serde_json::Value,
) -> (Status, serde_json::Value) {
    app.send_json_as(who, Method::Put, "/api/v1/me/mail-preferences", body)
        .await
}

#[rocket::async_test]
async fn the_json_twin_reads_and_changes_the_choices_named() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let learner = app.session_for(&world.learner).await;
    let (status, body) = app
        .get_json_as(&learner, "/api/v1/me/mail-preferences")
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(
        body,
        serde_json::json!({ "assignment_notices": true, "reminders": true, "weekly_summary": true })
    );
    let (status, body) =
        put_choices(&app, &learner, serde_json::json!({ "reminders": false })).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["reminders"], false);
    assert_eq!(body["assignment_notices"], true, "left as it was");
    for bad in [
        serde_json::json!({ "reminders": "no" }),
        serde_json::json!({ "everything": false }),
    ] {
        let (status, _) = put_choices(&app, &learner, bad.clone()).await;
        assert!(status.code >= 400 && status.code < 500, "{bad}: {status}");
    }
    // The choices, and what was queued for the person, are in their own data export.
    let manager = app.session_for(&world.manager_a).await;
    assign_samples(&app, &manager, &world, 30).await;
    pass(&app, Utc::now().date_naive()).await;
    let (status, export) = app.get_json_as(&learner, "/api/v1/record/export").await;
    assert_eq!(status, Status::Ok, "{export}");
    assert_eq!(export["account"]["mail_preferences"]["reminders"], false);
    assert_eq!(
        export["account"]["mail_preferences"]["assignment_notices"],
        true
    );
    let sent = export["account"]["emails_sent"]
        .as_array()
        .expect("emails_sent");
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["kind"], "assignment_notice");
}

#[rocket::async_test]
async fn a_manager_limited_to_a_team_hears_only_of_that_teams_assignments() {
    use crate::teams_support::{given_two_wards, limit_lead_to_ward_a};
    let app = spawn_app().await;
    let wards = given_two_wards(&app).await;
    let due = (Utc::now().date_naive() + Days::new(30)).to_string();
    let rx1 = app
        .get_json_as(&wards.admin, "/api/v1/admin/organisations")
        .await
        .1["organisations"][0]["id"]
        .as_i64()
        .expect("RX1");
    for (module, team) in [
        ("samples", None),
        ("invitation-consent", Some(wards.ward_a)),
    ] {
        let (status, body) = app
            .send_json_as(
                &wards.admin,
                Method::Post,
                "/api/v1/manage/assignments",
                serde_json::json!({
                    "module": module,
                    "organisation_id": rx1,
                    "team_id": team,
                    "due_on": due,
                }),
            )
            .await;
        assert!(status.code < 300, "{module}: {status} {body}");
    }
    limit_lead_to_ward_a(&app, &wards).await;
    pass(&app, Utc::now().date_naive()).await;
    let summary = queued(&app)
        .await
        .into_iter()
        .find(|m| m.subject.contains("Training completion") && m.recipient == wards.lead.email)
        .expect("the ward's manager gets a summary");
    let lines = summary_lines(&summary.body);
    assert_eq!(lines.len(), 1, "{}", summary.body);
    assert!(lines[0].contains("Ward A"), "{}", lines[0]);
    assert!(
        !summary.body.contains("Samples for genomic tests"),
        "not the organisation-wide assignment: {}",
        summary.body
    );
}
