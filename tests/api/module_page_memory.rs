//! Issue 27: published module versions are kept in memory once rendered
//! (`learning::module_versions`). Nothing kept may carry one reader's page to another: each
//! learner sees their own name, CSRF token, organisation's local details and progress, before
//! and after the version is kept; and a new version, or a module taken back, is never served
//! from what was kept.

use rocket::http::{Method, Status};
use serde_json::json;

use crate::helpers::{Grant, Session, TestApp, body_of, spawn_app};

/// Page 3 of `samples` marks the organisation's incident reporting; page 4 is its last.
const LOCAL_PAGE: &str = "/learn/modules/samples/pages/3";
const LAST_PAGE: &str = "/learn/modules/samples/pages/4";

async fn page(app: &TestApp, session: &Session, path: &str) -> String {
    let response = app.get_as(session, path).await;
    assert_eq!(response.status(), Status::Ok, "{path}");
    body_of(response).await
}

async fn last_page_reached(app: &TestApp, session: &Session) -> serde_json::Value {
    let (status, body) = app
        .get_json_as(session, "/api/v1/modules/samples/pages/1")
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    body["progress"]["last_page"].clone()
}

#[rocket::async_test]
async fn two_learners_on_one_module_page_each_see_only_their_own_parts_before_and_after_it_is_kept()
{
    let app = spawn_app().await;
    let world = app.given_world().await;
    let admin = app.session_for(&world.admin).await;
    let saved = app
        .post_form_as(
            &admin,
            &format!("/admin/organisations/{}/local-details", world.org_a),
            &[("details[incident-reporting]", "Report it on **Datix**.")],
        )
        .await;
    assert_eq!(saved.status(), Status::SeeOther);
    let other = app
        .given_user(
            "reader@b.nhs.uk",
            Grant {
                works_in: Some(world.org_b),
                ..Grant::default()
            },
        )
        .await;
    let a = Reader {
        session: app.session_for(&world.learner).await,
        name: "Person learner@a.nhs.uk",
    };
    let b = Reader {
        session: app.session_for(&other).await,
        name: "Person reader@b.nhs.uk",
    };
    assert_ne!(a.session.csrf, b.session.csrf);

    // The first read renders the version (A, on the last page); B's read of page 3 is served
    // from memory. Each keeps their own progress.
    let first = page(&app, &a.session, LAST_PAGE).await;
    assert_own_parts(&first, &a, &b, "A's first read");
    let first = page(&app, &b.session, LOCAL_PAGE).await;
    assert_own_parts(&first, &b, &a, "B's first read");
    assert_eq!(last_page_reached(&app, &a.session).await, json!(4));
    assert_eq!(last_page_reached(&app, &b.session).await, json!(3));
    // A third reader who has read nothing gets no one else's progress from the kept version.
    let c = app.session_for(&world.subject).await;
    assert_eq!(last_page_reached(&app, &c).await, json!(1));

    for (reader, other) in [(&a, &b), (&b, &a)] {
        let local = page(&app, &reader.session, LOCAL_PAGE).await;
        assert_own_parts(&local, reader, other, "page 3, kept");
        let last = page(&app, &reader.session, LAST_PAGE).await;
        assert_own_parts(&last, reader, other, "page 4, kept");
        // The quiz form on the last page carries the reader's own token too.
        let field = format!("name=\"csrf_token\" value=\"{}\"", reader.session.csrf);
        assert_eq!(last.matches(&field).count(), 2, "sign-out and quiz forms");
    }
    let a_local = page(&app, &a.session, LOCAL_PAGE).await;
    assert!(a_local.contains("Reporting an incident at Trust A"));
    assert!(a_local.contains("Report it on <strong>Datix</strong>"));
    let b_local = page(&app, &b.session, LOCAL_PAGE).await;
    assert!(!b_local.contains("Datix") && !b_local.contains("Trust A"));
    assert!(b_local.contains("<strong>Reporting an incident</strong>"));
}

struct Reader {
    session: Session,
    name: &'static str,
}

/// `page` shows `own`'s name and CSRF token and neither of `other`'s.
fn assert_own_parts(page: &str, own: &Reader, other: &Reader, when: &str) {
    assert!(page.contains(own.name), "{when}: own name\n{page}");
    assert!(page.contains(&own.session.csrf), "{when}: own token");
    assert!(!page.contains(other.name), "{when}: the other's name");
    assert!(
        !page.contains(&other.session.csrf),
        "{when}: the other's token"
    );
}

#[rocket::async_test]
async fn a_new_version_is_shown_at_once_and_a_retired_or_draft_module_is_not_served_from_memory() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    let learner = app.session_for(&world.learner).await;
    let path = "/learn/modules/genomics-basics/pages/1";
    let first = page(&app, &learner, path).await;
    let (_, twin) = app
        .get_json_as(&learner, "/api/v1/modules/genomics-basics/pages/1")
        .await;
    let first_version = twin["module"]["version"].clone();
    let sentence = "Only the second version says this.";
    assert!(!first.contains(sentence));

    let (status, shown) = app
        .get_json_as(&trainer, "/api/v1/author/modules/genomics-basics")
        .await;
    assert_eq!(status, Status::Ok, "{shown}");
    let mut draft = shown["module"]["draft"].clone();
    draft["pages"][0]["body"] = json!(format!("# What DNA is\n\n{sentence}"));
    let (status, edited) = app
        .send_json_as(
            &trainer,
            Method::Put,
            "/api/v1/author/modules/genomics-basics",
            draft,
        )
        .await;
    assert_eq!(status, Status::Ok, "{edited}");
    assert_eq!(edited["outcome"]["outcome"], "new_version", "{edited}");

    let second = page(&app, &learner, path).await;
    assert!(second.contains(sentence), "{second}");
    let (_, twin) = app
        .get_json_as(&learner, "/api/v1/modules/genomics-basics/pages/1")
        .await;
    assert_ne!(twin["module"]["version"], first_version);
    assert!(twin["html"].as_str().unwrap_or_default().contains(sentence));

    let (status, retired) = app
        .send_json_as(
            &trainer,
            Method::Post,
            "/api/v1/author/modules/genomics-basics/retire",
            json!({}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{retired}");
    assert_eq!(app.get_as(&learner, path).await.status(), Status::NotFound);
    let (status, _) = app
        .get_json_as(&learner, "/api/v1/modules/genomics-basics/pages/1")
        .await;
    assert_eq!(status, Status::NotFound);

    // A draft is never shown to learners, whatever has been kept.
    let mut body = shown["module"]["draft"].clone();
    body["slug"] = json!("draft-basics");
    let (status, created) = app
        .send_json_as(&trainer, Method::Post, "/api/v1/author/modules", body)
        .await;
    assert_eq!(status, Status::Ok, "{created}");
    let draft_path = "/learn/modules/draft-basics/pages/1";
    assert_eq!(
        app.get_as(&learner, draft_path).await.status(),
        Status::NotFound
    );
    assert_eq!(
        app.get_as(&trainer, draft_path).await.status(),
        Status::NotFound
    );
}
