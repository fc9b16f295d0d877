//! Issue 17, point 8: the audit page tells every entry as a sentence with names (never raw
//! JSON, Rust debug text or "Person 3004"), keeps the stored record one click away, pages and
//! filters, and never names an erased person.

use genomics_training::accounts::erasure::{self, ErasedBy};
use genomics_training::accounts::import::{self, ImportedBy};
use genomics_training::accounts::users::{self, Roles};
use genomics_training::accounts::{job_titles, local_details, teams};
use genomics_training::audit::sentence::ACTIONS;
use genomics_training::audit::{self, Event, action};
use genomics_training::authoring;
use genomics_training::targets;
use rocket::http::Status;
use serde_json::json;

use crate::authoring_items::tube_question;
use crate::helpers::{TestApp, World, body_of, spawn_app};

/// Every kind of entry: those with particulars by the service's own writers, the rest as
/// their writers record them.
async fn given_every_kind_of_entry(app: &TestApp, world: &World) {
    let db = app.db();
    let admin = users::account(db, world.admin.id).await.unwrap().unwrap();
    app.sign_in_as(&world.subject).await;
    let csv = "employee_number,email,display_name,organisation_code,staff_group,job_role,band\n\
               7001,alex.new@a.nhs.uk,Alex New,RA1,Administrative and Clerical,Receptionist,3\n";
    import::import(
        db,
        "http://localhost",
        csv.as_bytes(),
        ImportedBy {
            actor_user_id: Some(admin.id),
            source: "staff.csv".into(),
            client_address: None,
        },
    )
    .await
    .unwrap()
    .unwrap();
    let roles = Roles {
        is_trainer: true,
        is_admin: false,
        manager_organisation_ids: vec![world.org_a],
    };
    users::set_roles(db, &admin, None, world.learner.id.into(), roles)
        .await
        .unwrap();
    for disabled in [true, false] {
        users::set_disabled(db, &admin, None, world.learner.id.into(), disabled)
            .await
            .unwrap();
    }
    let changes = local_details::DetailChanges::parse([("incident-reporting", "Datix")]).unwrap();
    let changed_by = local_details::ChangedBy {
        user_id: admin.id,
        client_address: None,
    };
    local_details::save(db, world.org_a.into(), changes, changed_by)
        .await
        .unwrap();
    given_target_and_job_title_entries(db, admin.id).await;
    given_lti_entries(db, admin.id).await;
    let by = Some(admin.id);
    let item = authoring::create_item(
        db,
        by,
        "samples",
        Some("samp-a01"),
        &tube_question("Which tube?"),
    )
    .await
    .unwrap();
    authoring::edit_item(db, by, item.item_id, &tube_question("Which tube for DNA?"))
        .await
        .unwrap();
    authoring::publish_item(db, by, item.item_id).await.unwrap();
    authoring::edit_item(db, by, item.item_id, &tube_question("Which tube, for DNA?"))
        .await
        .unwrap();
    authoring::retire_item(db, by, item.item_id).await.unwrap();
    let gift = "::samp-a02:: Which colour is an EDTA tube's cap? {=Purple ~Red ~Yellow ####EDTA tubes have purple caps.}";
    authoring::apply_import(db, by, gift, "bank.gift", Some("samples"), true)
        .await
        .unwrap();
    let manager = app.session_for(&world.manager_a).await;
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(30)).to_string();
    let assigned = app
        .post_form_as(
            &manager,
            "/manage/assignments",
            &[
                ("module", "samples"),
                ("organisation_id", &world.org_a.to_string()),
                ("due_on", &due),
            ],
        )
        .await;
    assert_eq!(assigned.status(), Status::SeeOther);
    let (_, listed) = app
        .get_json_as(&manager, "/api/v1/manage/assignments")
        .await;
    let assignment = format!(
        "/manage/assignments/{}",
        listed["assignments"][0]["id"].as_i64().unwrap()
    );
    let later = (chrono::Utc::now().date_naive() + chrono::Days::new(60)).to_string();
    for (change, fields) in [
        ("due", vec![("due_on", later.as_str())]),
        ("remove", vec![]),
    ] {
        let changed = app
            .post_form_as(&manager, &format!("{assignment}/{change}"), &fields)
            .await;
        assert_eq!(changed.status(), Status::SeeOther, "{change}");
    }
    teams::set_manager_teams(db, &admin, None, world.manager_b.id.into(), Vec::new())
        .await
        .unwrap();
    assert_eq!(app.get_as(&manager, "/reports").await.status(), Status::Ok);
    let export = app.get_as(&manager, "/reports/export.csv").await;
    assert_eq!(export.status(), Status::Ok);
    let admin_session = app.session_for(&world.admin).await;
    let completions = app.get_as(&admin_session, "/admin/completions.csv").await;
    assert_eq!(completions.status(), Status::Ok);
    let erased_by = ErasedBy {
        actor_user_id: Some(admin.id),
        client_address: None,
        via: "web",
    };
    erasure::erase(db, erased_by, world.subject.id.into())
        .await
        .unwrap();
    let learner_id = world.learner.id.to_string();
    let recorded = [
        (
            action::SIGN_IN_FAILED,
            "nobody@a.nhs.uk",
            None,
            json!({ "reason": "locked" }),
        ),
        (action::SIGN_IN_FAILED, "nobody@a.nhs.uk", None, json!(null)),
        (
            action::SIGN_IN_FAILED,
            "learner@a.nhs.uk",
            Some(world.learner.id.into()),
            json!({ "reason": "passwords_off" }),
        ),
        (
            action::SIGN_IN_FAILED,
            "sso:nhs",
            None,
            json!({ "provider": "nhs", "reason": "access_denied" }),
        ),
        (action::SIGN_IN_LOCKED, "nobody@a.nhs.uk", None, json!(null)),
        (
            action::SIGN_IN,
            "learner@a.nhs.uk",
            Some(world.learner.id.into()),
            json!({ "provider": "nhs" }),
        ),
        (
            action::IDENTITY_LINKED,
            "learner@a.nhs.uk",
            Some(world.learner.id.into()),
            json!({ "provider": "nhs" }),
        ),
        (
            action::ACCOUNT_CREATED_BY_SSO,
            "learner@a.nhs.uk",
            Some(world.learner.id.into()),
            json!({ "provider": "nhs" }),
        ),
        (action::SIGN_OUT, "admin@nhs.uk", by, json!(null)),
        (
            action::ACTIVATED,
            "",
            Some(world.learner.id.into()),
            json!(null),
        ),
        (
            action::PASSWORD_CHANGED,
            "learner@a.nhs.uk",
            Some(world.learner.id.into()),
            json!(null),
        ),
        (
            action::PASSWORD_RESET_REQUESTED,
            "nobody@a.nhs.uk",
            None,
            json!(null),
        ),
        (
            action::PASSWORD_RESET,
            "",
            Some(world.learner.id.into()),
            json!(null),
        ),
        (action::FIRST_ADMIN_CREATED, "admin@nhs.uk", by, json!(null)),
        (
            action::RESPONSES_REMOVED,
            "before 2025-01-01",
            None,
            json!({ "before": "2025-01-01", "responses": 40, "attempts": 3, "unfinished": 1 }),
        ),
        (
            action::BLUEPRINT_CHANGED,
            "baseline",
            by,
            json!({ "items_per_topic": { "samples": 3 } }),
        ),
        (
            action::ASSESSMENT_ITEMS_CHANGED,
            "quiz-samples",
            by,
            json!({ "items": ["samp-a02"] }),
        ),
        (action::MODULE_CREATED, "samples-2", by, json!({})),
        (
            action::MODULE_EDITED,
            "samples-2",
            by,
            json!({ "version": 2 }),
        ),
        (action::MODULE_PUBLISHED, "samples-2", by, json!({})),
        (action::MODULE_RETIRED, "samples-2", by, json!({})),
        (action::TOPIC_CREATED, "pharmacogenomics", by, json!({})),
        (action::TOPIC_EDITED, "pharmacogenomics", by, json!({})),
        (
            action::ACTIVATION_EMAILED,
            "chosen people",
            by,
            json!({ "count": 1, "user_ids": [world.learner.id] }),
        ),
        (
            action::ACTIVATION_LINKS_EXPORTED,
            "people whose link had expired",
            by,
            json!({ "count": 2, "user_ids": [world.learner.id, world.subject.id] }),
        ),
        (
            action::CERTIFICATE_CHECKED,
            &learner_id,
            None,
            json!({ "user_id": world.learner.id, "module_id": 1 }),
        ),
    ];
    for (kind, subject, actor, detail) in recorded {
        let mut event = Event::new(kind).by(actor).subject(subject);
        if !detail.is_null() {
            event = event.detail(detail);
        }
        audit::record(db, event).await.unwrap();
    }
}

/// A target changed, and a job title mapped and unmapped, through their services.
async fn given_target_and_job_title_entries(
    db: &sea_orm::DatabaseConnection,
    admin: genomics_training::ids::PersonId,
) {
    let entries = std::collections::HashMap::from([(
        "samples".to_owned(),
        targets::RawTarget {
            required_level: "50".into(),
            importance: "3".into(),
        },
    )]);
    let by = targets::ChangedBy {
        user_id: admin,
        source: "web",
        client_address: None,
    };
    targets::save(db, "receptionist", &entries, by)
        .await
        .unwrap()
        .unwrap();
    let by = job_titles::MappedBy {
        user_id: Some(admin),
        client_address: None,
    };
    let new = job_titles::NewJobTitle {
        title: "Front Desk".into(),
        job_role: "receptionist".into(),
        organisation_code: None,
    };
    let added = job_titles::add(db, &new, by.clone())
        .await
        .unwrap()
        .unwrap();
    job_titles::remove(db, added.id, by).await.unwrap();
}

/// A learning platform registered and removed, and the tool's LTI key rotated.
async fn given_lti_entries(
    db: &sea_orm::DatabaseConnection,
    admin: genomics_training::ids::PersonId,
) {
    use genomics_training::lti::{keys, platforms};
    let by = platforms::Actor {
        person: Some(admin),
        client_address: None,
    };
    let input = platforms::PlatformInput {
        name: "Trust Moodle".into(),
        issuer: "https://moodle.example.nhs.uk".into(),
        client_id: "client-1".into(),
        login_url: "https://moodle.example.nhs.uk/mod/lti/auth.php".into(),
        token_url: "https://moodle.example.nhs.uk/mod/lti/token.php".into(),
        jwks_url: "https://moodle.example.nhs.uk/mod/lti/certs.php".into(),
        deployment_ids: vec!["1".into()],
    };
    let new = platforms::NewPlatform::try_from(input).unwrap();
    let platform = platforms::register(db, new, by.clone()).await.unwrap();
    platforms::remove(db, platform.id, by.clone())
        .await
        .unwrap();
    keys::rotate(db, by).await.unwrap();
}

/// The audit page's entries: each one's sentence (HTML) and the whole item.
fn entries(page: &str) -> Vec<(String, String)> {
    page.split("<li class=\"app-audit-list__entry\">")
        .skip(1)
        .map(|item| {
            let item = item.split("</li>").next().unwrap_or_default().to_owned();
            let sentence = item.split("</p>").next().unwrap_or_default().to_owned();
            (sentence, item)
        })
        .collect()
}

fn names_a_person_by_id(text: &str) -> bool {
    text.match_indices("Person ")
        .any(|(at, _)| text[at + 7..].starts_with(|c: char| c.is_ascii_digit()))
}

#[rocket::async_test]
async fn every_kind_of_entry_reads_as_a_sentence_with_its_record_one_click_away() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    given_every_kind_of_entry(&app, &world).await;
    let admin = app.session_for(&world.admin).await;

    for (kind, _) in ACTIONS {
        let (status, body) = app
            .get_json_as(&admin, &format!("/api/v1/admin/audit?action={kind}"))
            .await;
        assert_eq!(status, Status::Ok);
        let found = body["entries"].as_array().unwrap();
        assert!(!found.is_empty(), "no {kind} entry was recorded");
        for entry in found {
            let summary = entry["summary"].as_str().unwrap();
            assert!(
                !summary.contains('{')
                    && !summary.contains("Some(")
                    && !names_a_person_by_id(summary),
                "{kind}: {summary}"
            );
            assert!(summary.ends_with('.'), "{kind}: {summary}");
            if let Some(detail) = entry["detail"].as_str() {
                assert!(
                    serde_json::from_str::<serde_json::Value>(detail).is_ok_and(|d| d.is_object()),
                    "{kind}: the detail is JSON with fields: {detail}"
                );
            }
        }
        let page = body_of(
            app.get_as(&admin, &format!("/admin/audit?action={kind}"))
                .await,
        )
        .await;
        let shown = entries(&page);
        assert!(!shown.is_empty(), "{kind}: {page}");
        for (sentence, item) in shown {
            assert!(
                !sentence.contains('{')
                    && !sentence.contains("Some(")
                    && !names_a_person_by_id(&sentence),
                "{kind}: {sentence}"
            );
            assert!(
                item.contains("<details class=\"nhsuk-details")
                    && item.contains("&quot;action&quot;: &quot;"),
                "{kind}: the stored record is one click away: {item}"
            );
        }
    }

    let page = body_of(
        app.get_as(&admin, "/admin/audit?action=users_imported")
            .await,
    )
    .await;
    assert!(
        page.contains("imported 1 person into <a href=\"/admin/organisations\">Trust A (RA1)</a> from staff.csv (1 new, 0 updated, 0 unchanged)."),
        "{page}"
    );
    let page = body_of(
        app.get_as(&admin, "/admin/audit?action=module_assigned")
            .await,
    )
    .await;
    assert!(
        page.contains("to everyone in <a href=\"/admin/organisations\">Trust A (RA1)</a>, due "),
        "{page}"
    );
    let page = body_of(
        app.get_as(&admin, "/admin/audit?action=roles_changed")
            .await,
    )
    .await;
    assert!(
        page.contains(&format!(
            "changed the roles of <a href=\"/admin/users/{}\">Person learner@a.nhs.uk</a>: trainer yes, admin no, manager of <a href=\"/admin/organisations\">Trust A (RA1)</a>.",
            world.learner.id
        )),
        "{page}"
    );
}

#[rocket::async_test]
async fn an_erased_person_is_never_named_on_the_audit_page() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    given_every_kind_of_entry(&app, &world).await;
    let admin = app.session_for(&world.admin).await;
    let mut sentences = Vec::new();
    for page in 1..=3 {
        let body = body_of(
            app.get_as(&admin, &format!("/admin/audit?page={page}"))
                .await,
        )
        .await;
        sentences.extend(entries(&body).into_iter().map(|(s, _)| s));
    }
    eprintln!("SENTENCES {sentences:#?}");
    assert!(sentences.len() > 40, "{}", sentences.len());
    assert!(
        sentences
            .iter()
            .any(|s| s.contains("An erased person signed in.")),
        "{sentences:#?}"
    );
    assert!(
        sentences
            .iter()
            .any(|s| s.contains("erased the details of a leaver, who is now")),
        "{sentences:#?}"
    );
    for sentence in &sentences {
        assert!(
            !sentence.contains("subject@a.nhs.uk") && !sentence.contains("Former member of staff"),
            "{sentence}"
        );
    }
}

#[rocket::async_test]
async fn the_audit_page_pages_and_filters_by_person() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    for n in 0..60 {
        let event = Event::new(action::SIGN_IN)
            .by(Some(world.learner.id.into()))
            .subject(format!("learner{n}@a.nhs.uk"));
        audit::record(app.db(), event).await.unwrap();
    }
    let admin = app.session_for(&world.admin).await;
    let page = body_of(
        app.get_as(&admin, "/admin/audit?person=LEARNER%40a&page=2")
            .await,
    )
    .await;
    assert!(page.contains("Showing 51 to 60 of 60 entries"), "{page}");
    assert_eq!(entries(&page).len(), 10);
    assert!(page.contains("nhsuk-pagination--numbered"));
    let page = body_of(app.get_as(&admin, "/admin/audit?person=manager").await).await;
    assert!(entries(&page).is_empty(), "{page}");
    for bad in ["page=0", "page=x", "action=drop_table"] {
        let response = app.get_as(&admin, &format!("/admin/audit?{bad}")).await;
        assert_eq!(response.status(), Status::BadRequest, "{bad}");
    }
}
