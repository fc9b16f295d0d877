//! The minor slips of issue 17, point 10, each checked on the page a person sees.

use rocket::http::Status;

use crate::helpers::{Grant, Session, TestApp, body_of, spawn_app};
use crate::learner_pages::post;

async fn page_of(app: &TestApp, session: &Session, path: &str) -> (Status, String) {
    let response = app.get_as(session, path).await;
    (response.status(), body_of(response).await)
}

async fn signed_in_learner(app: &TestApp) -> Session {
    let org = app.given_organisation("RX1", "Trust X").await;
    let learner = app
        .given_user(
            "learner@x.nhs.uk",
            Grant {
                works_in: Some(org),
                ..Default::default()
            },
        )
        .await;
    app.sign_in_as(&learner).await
}

/// Starts the baseline; returns the attempt id.
async fn start_baseline(app: &TestApp, session: &Session) -> i64 {
    let (status, to, _) = post(app, session, "/learn/assessments/baseline/start", &[]).await;
    assert_eq!(status, Status::SeeOther);
    to.trim_start_matches("/learn/attempts/").parse().unwrap()
}

const SIGN_IN_LINK: &str = "href=\"/login\">Sign in</a>";

#[rocket::async_test]
async fn error_pages_show_the_account_to_someone_signed_in() {
    let app = spawn_app().await;
    let session = signed_in_learner(&app).await;
    for (path, status) in [
        ("/no-such-page", Status::NotFound),
        ("/author", Status::Forbidden),
        ("/learn/attempts/999999/topics/1", Status::NotFound),
    ] {
        let (got, page) = page_of(&app, &session, path).await;
        assert_eq!(got, status, "{path}");
        assert!(!page.contains(SIGN_IN_LINK), "{path}: {page}");
        assert!(page.contains("Sign out"), "{path}");
        assert!(page.contains("Signed in as"), "{path}");
        assert!(
            page.contains(&format!("value=\"{}\"", session.csrf)),
            "{path}"
        );
    }
    let visitor = app.visitor().await;
    let (status, page) = page_of(&app, &visitor, "/no-such-page").await;
    assert_eq!(status, Status::NotFound);
    assert!(page.contains(SIGN_IN_LINK));
    assert!(!page.contains("Sign out"));
}

#[rocket::async_test]
async fn question_text_is_body_text_not_hint_text() {
    let app = spawn_app().await;
    let session = signed_in_learner(&app).await;
    let id = start_baseline(&app, &session).await;
    let (status, page) = page_of(&app, &session, &format!("/learn/attempts/{id}/topics/1")).await;
    assert_eq!(status, Status::Ok);
    assert!(
        page.contains("<div class=\"app-question-text\" id=\"item-1-text\">"),
        "{page}"
    );
    assert!(!page.contains("class=\"nhsuk-hint\" id=\"item-"), "{page}");
    assert!(page.contains("aria-describedby=\"item-1-text\""));
}

#[rocket::async_test]
async fn module_pages_have_the_pagination_arrows() {
    let app = spawn_app().await;
    let session = signed_in_learner(&app).await;
    let (status, first) = page_of(&app, &session, "/learn/modules/samples/pages/1").await;
    assert_eq!(status, Status::Ok);
    assert!(
        first.contains("nhsuk-icon nhsuk-icon--arrow-right"),
        "{first}"
    );
    assert!(!first.contains("nhsuk-icon--arrow-left"));
    let (_, second) = page_of(&app, &session, "/learn/modules/samples/pages/2").await;
    assert!(second.contains("nhsuk-icon nhsuk-icon--arrow-left"));
    assert!(second.contains("nhsuk-icon nhsuk-icon--arrow-right"));
}
