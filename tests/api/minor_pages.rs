//! The minor slips of issue 17, point 10, each checked on the page a person sees.

use rocket::http::Status;

use crate::helpers::{Grant, Session, TestApp, body_of, spawn_app};
use crate::learner_next_step::signed_in_learner;
use crate::learner_pages::post;

async fn page_of(app: &TestApp, session: &Session, path: &str) -> (Status, String) {
    let response = app.get_as(session, path).await;
    (response.status(), body_of(response).await)
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
        page.contains("<div class=\"app-question-text\" id=\"item-1-question\">"),
        "{page}"
    );
    assert!(!page.contains("class=\"nhsuk-hint\" id=\"item-"), "{page}");
    assert!(page.contains("aria-describedby=\"item-1-question\""));
    // `item-N-text` is a short-answer item's input: the question must not take its id.
    let mut ids: Vec<&str> = page
        .split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "an id is used twice on the topic page");
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

#[rocket::async_test]
async fn a_plan_lists_a_topics_modules_apart_and_the_account_says_band_once() {
    use genomics_training::entities::{job_assignment, module, module_topic, topic};
    use sea_orm::{
        ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    };

    let app = spawn_app().await;
    let session = signed_in_learner(&app).await;
    let db = app.db();
    // The samples module also teaches genomics basics: that topic has two modules.
    let samples = module::Entity::find()
        .filter(module::Column::Slug.eq("samples"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let basics = topic::Entity::find()
        .filter(topic::Column::Slug.eq("genomics-basics"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    module_topic::ActiveModel {
        module_version_id: Set(samples.current_version_id.unwrap()),
        topic_id: Set(basics.id),
    }
    .insert(db)
    .await
    .unwrap();
    crate::learner_pages::complete_through_pages(&app, &session, "baseline", false).await;
    let (status, plan) = page_of(&app, &session, "/learn/plan").await;
    assert_eq!(status, Status::Ok);
    assert!(!plan.contains("min)<a"), "{plan}");
    assert!(plan.contains("min)</li><li><a"), "{plan}");

    let job = job_assignment::Entity::find()
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut job = job.into_active_model();
    job.band = Set(Some("Band 6".to_owned()));
    job.update(db).await.unwrap();
    let (_, account) = page_of(&app, &session, "/account").await;
    assert!(account.contains(", Band 6,"), "{account}");
    assert!(!account.to_lowercase().contains("band band"), "{account}");
}

#[rocket::async_test]
async fn retiring_an_item_asks_first() {
    use crate::author_item_steps::{filled, post as post_item};

    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    let (status, location, _) = post_item(
        &app,
        &trainer,
        "/author/items",
        &filled("single", "retire-me"),
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    let item = location.unwrap();

    // The item page links to the question; it has no form that retires straight away.
    let (_, page) = page_of(&app, &trainer, &item).await;
    assert!(
        page.contains(&format!("href=\"{item}/retire\">Retire</a>")),
        "{page}"
    );
    assert!(
        !page.contains(&format!("action=\"{item}/retire\"")),
        "{page}"
    );

    let (status, confirm) = page_of(&app, &trainer, &format!("{item}/retire")).await;
    assert_eq!(status, Status::Ok);
    assert!(confirm.contains("Are you sure you want to retire Step item (retire-me)?"));
    assert!(confirm.contains(&format!("method=\"post\" action=\"{item}/retire\"")));
    assert!(confirm.contains(&format!("value=\"{}\"", trainer.csrf)));
    let (_, page) = page_of(&app, &trainer, &item).await;
    assert!(page.contains("draft"), "asking changes nothing");

    let (status, _, _) = post_item(&app, &trainer, &format!("{item}/retire"), &[]).await;
    assert_eq!(status, Status::SeeOther);
    let (_, page) = page_of(&app, &trainer, &item).await;
    assert!(page.contains("retired"));
    let (status, _) = page_of(&app, &trainer, &format!("{item}/retire")).await;
    assert_eq!(status, Status::Conflict);
}

/// Reads the samples module and passes its quiz; returns the certificate page.
async fn pass_samples_quiz(app: &TestApp, session: &Session) -> String {
    crate::learner_next_step::sit_samples_quiz(app, session, true, "3").await;
    let (status, page) = page_of(app, session, "/learn/modules/samples/certificate").await;
    assert_eq!(status, Status::Ok);
    page
}

#[rocket::async_test]
async fn the_certificate_names_the_organisation_and_aligns_its_bullets() {
    let app = spawn_app().await;
    let session = signed_in_learner(&app).await;
    let certificate = pass_samples_quiz(&app, &session).await;
    assert!(
        certificate.contains("<span class=\"app-certificate__organisation\">Trust X</span>"),
        "{certificate}"
    );
    assert!(certificate.contains("nhsuk-list--bullet app-certificate__outcomes"));
    let css = body_of(app.get("/static/app.css").await).await;
    let rule = css
        .split(".app-certificate__outcomes {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .unwrap_or_default();
    assert!(rule.contains("text-align: left"), "{rule}");
}

#[rocket::async_test]
async fn check_your_answers_lists_each_answer_and_how_sure_without_marking_it() {
    use crate::assessment_flow::pick_shown;
    use crate::learner_pages::item_fields;
    use genomics_training::assessment::bank;
    use genomics_training::content::markdown::render_formatted;
    use genomics_training::questions::QuestionKind;

    // Three items on the first topic (the fixed design), one answered each way.
    let app = crate::helpers::spawn_fixed_baseline_app().await;
    let session = signed_in_learner(&app).await;
    let id = start_baseline(&app, &session).await;
    let slots = bank::attempt_slots(app.db(), id).await.unwrap();
    let first_topic = slots[0].topic_id;
    let mut fields = vec![("rating".to_owned(), "4".to_owned())];
    let topic: Vec<_> = slots.iter().filter(|s| s.topic_id == first_topic).collect();
    for (k, slot) in topic.iter().enumerate() {
        // The first right and very sure, the second wrong and not sure, the third "I don't know".
        let (input, sure) = match k {
            0 => (pick_shown(slot, true), "3"),
            1 => (pick_shown(slot, false), "1"),
            _ => (Default::default(), "dont_know"),
        };
        fields.extend(item_fields(k, slot.position, &input, Some(sure)));
    }
    let (status, _, body) = post(
        &app,
        &session,
        &format!("/learn/attempts/{id}/topics/1"),
        &fields,
    )
    .await;
    assert_eq!(status, Status::SeeOther, "{body}");

    let (status, page) = page_of(&app, &session, &format!("/learn/attempts/{id}/review")).await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("nhsuk-summary-list"), "{page}");
    assert!(page.contains("Fairly confident"), "the topic's rating");
    assert!(page.contains("How sure: Very sure (high)"));
    assert!(page.contains("How sure: Not sure (low)"));
    assert!(page.contains("I don't know"));
    assert!(
        page.contains("Not answered"),
        "later topics are still to do"
    );
    assert!(page.contains(&format!(
        "href=\"/learn/attempts/{id}/topics/1#item-{}-question\">Change",
        topic[0].position
    )));
    // Each question is shown with the option chosen (the first item is a choice item here).
    let chosen = pick_shown(topic[0], true);
    if let (Some(choice), QuestionKind::MultiChoice { answers, .. }) =
        (chosen.choice, &topic[0].question.kind)
    {
        let canonical = topic[0].order.shown_options(answers.len())[choice];
        let answer = &answers[canonical];
        let shown = render_formatted(&answer.text, answer.text_format);
        assert!(
            page.contains(&format!("<li>{shown}</li>")),
            "{shown} in {page}"
        );
    }
    for marking in ["Correct", "Incorrect", "right answer", "Your answer was"] {
        assert!(!page.contains(marking), "{marking} revealed");
    }
}

/// Every template writes a stored date or timestamp through the `date`/`datetime` helpers
/// (words in a `<time>` element), never as the raw value. The completion report formats its
/// dates as words in Rust.
#[test]
fn no_template_writes_a_raw_date() {
    let raw = raw_dates_in_templates();
    assert!(raw.is_empty(), "raw dates in templates: {raw:#?}");
}

fn raw_dates_in_templates() -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/templates"
    ))];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            if path.ends_with("reports/completion.html.hbs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                for part in line.split("{{").skip(1) {
                    let Some(inner) = part.split("}}").next() else {
                        continue;
                    };
                    let name = inner.trim();
                    let is_date =
                        name.ends_with("_at") || name.ends_with("_on") || name == "review_by";
                    let in_input = line.contains(&format!("value=\"{{{{{inner}}}}}\""));
                    if is_date && !name.contains(' ') && !in_input {
                        found.push(format!("{}:{}: {{{{{inner}}}}}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    found
}

#[rocket::async_test]
async fn dates_read_as_words_in_time_elements() {
    let app = spawn_app().await;
    let session = signed_in_learner(&app).await;
    let certificate = pass_samples_quiz(&app, &session).await;
    let today = chrono::Utc::now().date_naive();
    let words = today.format("%-d %B %Y").to_string();
    let element = format!("<time datetime=\"{today}\">{words}</time>");
    assert!(certificate.contains(&element), "{certificate}");
    let (_, record) = page_of(&app, &session, "/learn/record").await;
    assert!(record.contains(&element), "{record}");

    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    let (_, location, _) = crate::author_item_steps::post(
        &app,
        &trainer,
        "/author/items",
        &crate::author_item_steps::filled("single", "dated"),
    )
    .await;
    let (_, item) = page_of(&app, &trainer, &location.unwrap()).await;
    assert!(
        item.contains(&format!("<time datetime=\"{today}T")),
        "{item}"
    );
    assert!(item.contains(&format!("\">{words} at ")), "{item}");
}

#[rocket::async_test]
async fn answers_sent_after_the_session_ended_come_back_after_sign_in() {
    use crate::assessment_flow::pick_shown;
    use crate::learner_pages::item_fields;
    use genomics_training::assessment::bank;
    use genomics_training::entities::{response, session};
    use rocket::http::{ContentType, Header};
    use sea_orm::{EntityTrait, PaginatorTrait};

    let app = spawn_app().await;
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
    let old = app.sign_in_as(&learner).await;
    let id = start_baseline(&app, &old).await;
    let slots = bank::attempt_slots(app.db(), id).await.unwrap();
    let topic: Vec<_> = slots
        .iter()
        .filter(|s| s.topic_id == slots[0].topic_id)
        .collect();
    let mut fields = vec![
        ("csrf_token".to_owned(), old.csrf.clone()),
        ("rating".to_owned(), "2".to_owned()),
    ];
    for (k, slot) in topic.iter().enumerate() {
        fields.extend(item_fields(
            k,
            slot.position,
            &pick_shown(slot, true),
            Some("3"),
        ));
    }
    let body = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                crate::helpers::urlencode(k),
                crate::helpers::urlencode(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&");

    // The session ends (idle too long) while the page is open.
    session::Entity::delete_many().exec(app.db()).await.unwrap();
    let path = format!("/learn/attempts/{id}/topics/1");
    let send = |origin: Option<&'static str>| {
        let mut request = app
            .client
            .post(path.clone())
            .cookies(old.cookies.clone())
            .header(ContentType::Form)
            .body(body.clone());
        if let Some(origin) = origin {
            request = request.header(Header::new("Origin", origin));
        }
        request.dispatch()
    };

    // A post from another site keeps nothing.
    let response = send(Some("https://evil.example")).await;
    assert_eq!(response.status(), Status::SeeOther);
    assert!(response.cookies().get("gt_kept").is_none());

    let response = send(None).await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(
        response.headers().get_one("Location"),
        Some(format!("/login?next=%2Flearn%2Fattempts%2F{id}%2Ftopics%2F1").as_str())
    );
    let kept = response
        .cookies()
        .get("gt_kept")
        .expect("kept")
        .clone()
        .into_owned();
    assert!(kept.http_only().unwrap_or(false));
    let flash = response
        .cookies()
        .get("_flash")
        .expect("a message")
        .clone()
        .into_owned();
    assert_eq!(
        response::Entity::find().count(app.db()).await.unwrap(),
        0,
        "nothing is saved without a session"
    );
    let sign_in = app
        .client
        .get(format!(
            "/login?next=%2Flearn%2Fattempts%2F{id}%2Ftopics%2F1"
        ))
        .cookie(flash)
        .dispatch()
        .await;
    let sign_in = body_of(sign_in).await;
    assert!(
        sign_in.contains("Your session ended because you were inactive"),
        "{sign_in}"
    );

    // Someone else signing in on that browser sees nothing of it.
    let other = app
        .given_user(
            "other@x.nhs.uk",
            Grant {
                works_in: Some(org),
                ..Default::default()
            },
        )
        .await;
    let mut stranger = app.sign_in_as(&other).await;
    stranger.cookies.push(kept.clone());
    let (status, page) = page_of(&app, &stranger, &path).await;
    assert_eq!(status, Status::NotFound);
    assert!(!page.contains("we kept what you had entered"));

    // The learner signs in again: the page shows what they had entered, not yet saved.
    let mut again = app.sign_in_as(&learner).await;
    again.cookies.push(kept);
    let response = app.get_as(&again, &path).await;
    assert_eq!(response.status(), Status::Ok);
    let removed = response
        .cookies()
        .get("gt_kept")
        .map(|c| c.value().to_owned());
    assert_eq!(removed.as_deref(), Some(""), "shown once, then removed");
    let page = body_of(response).await;
    assert!(page.contains("we kept what you had entered"), "{page}");
    assert!(page.contains("id=\"rating-2\" name=\"rating\" type=\"radio\" value=\"2\" checked"));
    let very_sure = format!(
        "id=\"item-{}-sureness-2\" name=\"items[0].sureness\" type=\"radio\" value=\"3\" checked",
        topic[0].position
    );
    assert!(page.contains(&very_sure), "{page}");
    assert_eq!(response::Entity::find().count(app.db()).await.unwrap(), 0);

    // A cookie the service did not sign is ignored.
    let mut forged = again.clone();
    forged.cookies.push(rocket::http::Cookie::new(
        "gt_kept",
        format!("{id}.1.0.{}.00", hex::encode("rating=5")),
    ));
    let (status, page) = page_of(&app, &forged, &path).await;
    assert_eq!(status, Status::Ok);
    assert!(!page.contains("we kept what you had entered"));
}
