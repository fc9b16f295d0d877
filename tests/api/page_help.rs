//! Every page opens with help written for the person who sees it (issue 24, point 8): one
//! `nhsuk-lede-text` paragraph straight after the page's h1, saying what the page is for, what
//! they can do there and, where it matters, what they will not see. Each persona's pages are
//! fetched as that persona, with real ids; and every page template must carry a lede, so a new
//! page without one fails here.

use std::path::Path;

use genomics_training::accounts::one_time::{self, Purpose};
use genomics_training::accounts::setup;
use genomics_training::entities::identity_link;
use rocket::http::Status;
use rocket::local::asynchronous::LocalResponse;
use sea_orm::{ActiveModelTrait, Set};

use crate::author_item_steps::{filled, post as author_post};
use crate::helpers::{Grant, Session, TestApp, body_of, spawn_app, spawn_app_with};
use crate::learner_next_step::sit_samples_quiz;
use crate::learner_pages::{complete_through_pages, post};
use crate::oidc_support::configure_op;

/// Template files (under templates/, outside partials/) that are not pages of their own, so
/// carry no lede.
const NOT_PAGES: &[&str] = &[
    // The frame every page is drawn in.
    "layout.html.hbs",
    // Error pages: their heading and message say what went wrong and what to do.
    "errors/error.html.hbs",
    "accounts/sso_problem.html.hbs",
    "reports/filter_errors.html.hbs",
    "lti/problem.html.hbs",
    // Fragments drawn inside other pages.
    "author/preview.html.hbs",
    "learn/next_step.html.hbs",
    "learn/onward_links.html.hbs",
    "reports/chart.html.hbs",
    "reports/filter_form.html.hbs",
    // A module's own teaching pages: the h1 is the page's title in the module's Markdown,
    // written by trainers, and the first page opens with the module's learning outcomes.
    "learn/module_page.html.hbs",
];

/// Each persona's pages. `{…}` are ids made in the test: an attempt in progress, a submitted
/// baseline, a module quiz in progress and one passed, an item with two versions, an
/// assignment, a person, an organisation and one-time tokens. (The first admin's setup page,
/// `/setup/<token>`, is checked before the test's admin exists, since the link dies then.)
#[rustfmt::skip]
const PAGES: &[(&str, &str)] = &[
    ("anonymous", "/"),
    ("anonymous", "/accessibility"),
    ("anonymous", "/privacy"),
    ("anonymous", "/help/measures"),
    ("anonymous", "/contact"),
    ("anonymous", "/login"),
    ("anonymous", "/password-reset"),
    ("anonymous", "/password-reset/{reset_token}"),
    ("anonymous", "/activate/{activation_token}"),
    ("anonymous", "/certificates/check"),
    ("anonymous", "/certificates/check?reference={reference}"),
    // a learner who has sat the baseline (with gaps) and passed the samples quiz
    ("learner", "/learn"),
    ("learner", "/learn/plan"),
    ("learner", "/learn/modules"),
    ("learner", "/learn/record"),
    ("learner", "/learn/attempts/{baseline}/result"),
    ("learner", "/learn/quiz/{passed_quiz}/feedback"),
    ("learner", "/learn/modules/samples/certificate"),
    ("learner", "/account"),
    ("learner", "/account/password"),
    // a learner part-way through the baseline and a module quiz, with no plan yet
    ("starter", "/learn"),
    ("starter", "/learn/plan"),
    ("starter", "/learn/attempts/{in_progress}/topics/1"),
    ("starter", "/learn/attempts/{in_progress}/review"),
    ("starter", "/learn/quiz/{open_quiz}"),
    // made at their first single sign-on, with no job role yet
    ("newcomer", "/account/job"),
    ("trainer", "/author"),
    ("trainer", "/author/modules"),
    ("trainer", "/author/modules/new"),
    ("trainer", "/author/modules/samples"),
    ("trainer", "/author/modules/samples/edit"),
    ("trainer", "/author/quizzes/samples"),
    ("trainer", "/author/topics/new"),
    ("trainer", "/author/topics/genomics-basics"),
    ("trainer", "/author/topics/genomics-basics/edit"),
    ("trainer", "/author/items"),
    ("trainer", "/author/items/new?topic=samples"),
    ("trainer", "/author/items/new?asked=true&topic=samples&type=single"),
    ("trainer", "/author/items/{item}"),
    ("trainer", "/author/items/{item}/edit"),
    ("trainer", "/author/items/{item}/edit?type="),
    ("trainer", "/author/items/{item}/diff"),
    ("trainer", "/author/items/{item}/retire"),
    ("trainer", "/author/import"),
    ("trainer", "/author/analysis"),
    ("trainer", "/author/blueprint"),
    ("trainer", "/targets"),
    ("trainer", "/targets/healthcare-assistant"),
    ("manager", "/admin/users"),
    ("manager", "/admin/users/{subject}"),
    ("manager", "/manage/assignments"),
    ("manager", "/manage/assignments/{assignment}"),
    ("manager", "/reports"),
    ("manager", "/reports/topics/genomics-basics"),
    ("manager", "/reports/trends"),
    ("manager", "/reports/frameworks/gep-nurses-2023"),
    ("manager", "/reports/completion"),
    ("admin", "/admin"),
    ("admin", "/admin/organisations"),
    ("admin", "/admin/organisations/{org}/local-details"),
    ("admin", "/admin/users"),
    ("admin", "/admin/users/{subject}"),
    ("admin", "/admin/users/{subject}/erase"),
    ("admin", "/admin/users/{subject}/teams"),
    ("admin", "/admin/users/import"),
    ("admin", "/admin/audit"),
    ("admin", "/admin/job-titles"),
];

/// The pages that answer a form: who posts it, where, and its one field.
#[rustfmt::skip]
const FORMS: &[(&str, &str, &str, &str)] = &[
    ("anonymous", "/password-reset", "email", "{learner_email}"),
    ("admin", "/admin/users/activation/email", "person", "{subject}"),
];

/// Why `page` does not have exactly one lede, straight after its h1 (the first: a trainer's
/// view of a module shows its pages, with their own headings, further down), if it does not.
fn lede_problem(page: &str) -> Option<String> {
    if !page.contains("<h1") {
        return Some("no h1".into());
    }
    let ledes = page.matches("class=\"nhsuk-lede-text\"").count();
    if ledes != 1 {
        return Some(format!("{ledes} lede paragraphs"));
    }
    let after = page
        .split_once("<h1")
        .and_then(|(_, rest)| rest.split_once("</h1>"))
        .map_or("", |(_, rest)| rest.trim_start());
    if !after.starts_with("<p class=\"nhsuk-lede-text\"") {
        let next: String = after.chars().take(120).collect();
        return Some(format!("the h1 is followed by {next:?}"));
    }
    let lede = after.split_once("</p>").map_or("", |(lede, _)| lede);
    let words = lede
        .split_once('>')
        .map_or("", |(_, text)| text)
        .split_whitespace();
    if words.count() < 5 {
        return Some(format!("the lede says almost nothing: {lede:?}"));
    }
    None
}

/// Records in `failures` why the page `response` answered is not a page with its help.
async fn check(failures: &mut Vec<String>, who: &str, path: &str, response: LocalResponse<'_>) {
    let status = response.status();
    let page = body_of(response).await;
    if status != Status::Ok {
        failures.push(format!("{who} {path}: status {status}"));
    } else if let Some(problem) = lede_problem(&page) {
        failures.push(format!("{who} {path}: {problem}"));
    }
}

fn assert_none(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} pages without their help:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `pattern` with each `{name}` replaced by its id.
fn with_ids(pattern: &str, ids: &[(&str, String)]) -> String {
    ids.iter().fold(pattern.to_owned(), |text, (name, id)| {
        text.replace(name, id)
    })
}

/// The id at the end of a redirect such as `/learn/quiz/12`.
fn id_in(location: &str) -> String {
    location.rsplit('/').next().unwrap_or_default().to_owned()
}

/// A learner whose account a single sign-on made in `organisation`, with no job role yet.
async fn newcomer(app: &TestApp, organisation: i64) -> Session {
    let user = app.given_user("newcomer@a.nhs.uk", Grant::default()).await;
    let now = chrono::Utc::now();
    identity_link::ActiveModel {
        issuer: Set("https://op.example".into()),
        subject: Set("newcomer".into()),
        user_id: Set(user.id),
        provider: Set("op".into()),
        organisation_id: Set(Some(organisation)),
        created_at: Set(now),
        last_sign_in_at: Set(now),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap();
    app.session_for(&user).await
}

/// An item made, published and changed through the trainer's own pages, so that it has two
/// versions to compare.
async fn item_with_two_versions(app: &TestApp, trainer: &Session) -> String {
    let mut fields = filled("single", "page-help");
    let (status, made, page) = author_post(app, trainer, "/author/items", &fields).await;
    assert_eq!(status, Status::SeeOther, "{page}");
    let item = id_in(&made.unwrap_or_default());
    let publish = format!("/author/items/{item}/publish");
    let published = app.post_form_as(trainer, &publish, &[]).await;
    assert_eq!(published.status(), Status::SeeOther);
    for (name, value) in &mut fields {
        if name == "stem" {
            "Which tube keeps DNA usable for testing?".clone_into(value);
        }
    }
    let edit = format!("/author/items/{item}");
    let (status, _, page) = author_post(app, trainer, &edit, &fields).await;
    assert_eq!(status, Status::SeeOther, "{page}");
    item
}

/// An assignment of the samples module to everyone in `organisation`, made by `manager`.
async fn assignment(app: &TestApp, manager: &Session, organisation: i64) -> String {
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(30)).to_string();
    let made = app
        .post_form_as(
            manager,
            "/manage/assignments",
            &[
                ("module", "samples"),
                ("organisation_id", &organisation.to_string()),
                ("due_on", &due),
            ],
        )
        .await;
    assert_eq!(made.status(), Status::SeeOther);
    let (_, listed) = app.get_json_as(manager, "/api/v1/manage/assignments").await;
    listed["assignments"][0]["id"]
        .as_i64()
        .expect("id")
        .to_string()
}

/// The certificate reference on the learner's certificate page.
async fn reference_of(app: &TestApp, learner: &Session) -> String {
    let page = body_of(
        app.get_as(learner, "/learn/modules/samples/certificate")
            .await,
    )
    .await;
    let start = page.find("?reference=").expect("a check link") + "?reference=".len();
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[rocket::async_test]
async fn every_page_each_persona_sees_opens_with_help_for_them() {
    let app = spawn_app().await;
    // Before the world's admin exists, so that the first-admin link is offered.
    let setup_token = setup::first_admin_token(app.db())
        .await
        .unwrap()
        .expect("no admin yet");
    let mut failures = Vec::new();
    let path = format!("/setup/{setup_token}");
    let visitor = app.visitor().await;
    check(
        &mut failures,
        "anonymous",
        &path,
        app.get_as(&visitor, &path).await,
    )
    .await;
    let world = app.given_world().await;
    let db = app.db();

    let learner = app.session_for(&world.learner).await;
    let baseline = complete_through_pages(&app, &learner, "baseline", false).await;
    let (passed_quiz, _) = sit_samples_quiz(&app, &learner, true, "3").await;
    let starter = app.session_for(&world.subject).await;
    let (_, to, _) = post(&app, &starter, "/learn/assessments/baseline/start", &[]).await;
    let in_progress = id_in(&to);
    let (_, to, _) = post(&app, &starter, "/learn/modules/samples/quiz", &[]).await;
    let open_quiz = id_in(&to);
    let sessions = [
        ("anonymous", app.visitor().await),
        ("learner", learner),
        ("starter", starter),
        ("newcomer", newcomer(&app, world.org_a).await),
        ("trainer", app.session_for(&world.trainer).await),
        ("manager", app.session_for(&world.manager_a).await),
        ("admin", app.session_for(&world.admin).await),
    ];
    let session_of = |who: &str| {
        &sessions
            .iter()
            .find(|(name, _)| *name == who)
            .expect("a persona")
            .1
    };
    let ids = [
        (
            "{activation_token}",
            one_time::issue(db, Purpose::Activation, Some(world.subject.id))
                .await
                .unwrap(),
        ),
        (
            "{reset_token}",
            one_time::issue(db, Purpose::PasswordReset, Some(world.learner.id))
                .await
                .unwrap(),
        ),
        (
            "{reference}",
            reference_of(&app, session_of("learner")).await,
        ),
        ("{baseline}", baseline.to_string()),
        ("{passed_quiz}", passed_quiz.to_string()),
        ("{in_progress}", in_progress),
        ("{open_quiz}", open_quiz),
        (
            "{item}",
            item_with_two_versions(&app, session_of("trainer")).await,
        ),
        (
            "{assignment}",
            assignment(&app, session_of("manager"), world.org_a).await,
        ),
        ("{subject}", world.subject.id.to_string()),
        ("{learner_email}", world.learner.email.clone()),
        ("{org}", world.org_a.to_string()),
    ];

    for (who, pattern) in PAGES {
        let path = with_ids(pattern, &ids);
        assert!(!path.contains('{'), "no id for {path}");
        let response = app.get_as(session_of(who), &path).await;
        check(&mut failures, who, &path, response).await;
    }

    for (who, pattern, field, value) in FORMS {
        let value = with_ids(value, &ids);
        let response = app
            .post_form_as(session_of(who), pattern, &[(field, &value)])
            .await;
        check(&mut failures, who, &format!("POST {pattern}"), response).await;
    }
    assert_none(&failures);
}

#[rocket::async_test]
async fn the_sign_in_page_opens_with_help_when_single_sign_on_is_offered() {
    let app = spawn_app_with(|f| configure_op(f, "http://127.0.0.1:9")).await;
    let mut failures = Vec::new();
    for path in ["/login", "/login?break_glass=true"] {
        let visitor = app.visitor().await;
        check(
            &mut failures,
            "anonymous",
            path,
            app.get_as(&visitor, path).await,
        )
        .await;
    }
    assert_none(&failures);
}

#[test]
fn a_page_loses_its_help_and_the_check_says_so() {
    let good =
        "<h1>Title</h1>\n<p class=\"nhsuk-lede-text\">What this page is for, and for whom.</p>";
    assert_eq!(lede_problem(good), None);
    for bad in [
        "<h1>Title</h1>\n<p>What this page is for, and for whom.</p>",
        "<h1>Title</h1><p class=\"nhsuk-body-s\">Data as of today.</p><p class=\"nhsuk-lede-text\">What this page is for.</p>",
        "<p class=\"nhsuk-lede-text\">What this page is for, and for whom.</p><h1>Title</h1>",
        "<h1>Title</h1><p class=\"nhsuk-lede-text\">Help.</p>",
        "<h1>Title</h1><p class=\"nhsuk-lede-text\">What this page is for.</p><p class=\"nhsuk-lede-text\">And more.</p>",
        "<p class=\"nhsuk-lede-text\">A page with no heading, and help for nobody.</p>",
    ] {
        assert!(lede_problem(bad).is_some(), "{bad}");
    }
}

#[test]
fn every_page_template_has_a_lede() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut pages = Vec::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                if name != "partials" {
                    folders.push(path);
                }
            } else if name.ends_with(".hbs") {
                pages.push(name);
            }
        }
    }
    for listed in NOT_PAGES {
        assert!(
            pages.contains(&(*listed).to_owned()),
            "{listed} is no longer a template"
        );
    }
    let mut without: Vec<&String> = pages
        .iter()
        .filter(|name| !NOT_PAGES.contains(&name.as_str()))
        .filter(|name| {
            let text = std::fs::read_to_string(root.join(name.as_str())).unwrap();
            !text.contains("<p class=\"nhsuk-lede-text\"")
        })
        .collect();
    without.sort();
    assert!(
        without.is_empty(),
        "page templates without a lede (add one under the h1, or list the template in \
         NOT_PAGES with the reason): {without:#?}"
    );
    assert!(pages.len() > 60, "found only {} templates", pages.len());
}
