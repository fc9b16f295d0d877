//! Finding things (issue 24 point 7): the question bank searched and filtered by text, topic,
//! status and flag, paged, with the filters kept in every link; what changed between two
//! versions of an item; "x of y pages read" with a status on the learner's module cards.

use genomics_training::authoring::{self, EditOutcome};
use genomics_training::entities::item_version;
use rocket::http::Status;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};

use crate::authoring_items::tube_question;
use crate::helpers::{TestApp, body_of, spawn_app};
use crate::learner_next_step::{signed_in_learner, sit_samples_quiz};

/// `count` draft items in the samples topic whose question mentions "zebrafish"; their ids.
async fn zebrafish_items(app: &TestApp, count: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for n in 0..count {
        let question = tube_question(&format!("Which tube for the zebrafish study {n}?"));
        let item = authoring::create_item(app.db(), None, "samples", None, &{
            let mut q = question;
            q.name = format!("Zebrafish tube {n:02}");
            q
        })
        .await
        .unwrap();
        ids.push(item.item_id);
    }
    ids
}

#[rocket::async_test]
async fn trainers_search_the_bank_by_text_topic_status_and_flag_a_page_at_a_time() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    let ids = zebrafish_items(&app, 55).await;

    // Text in the question, any case: 55 found, 50 on the first page, the search kept in the
    // link to the next.
    let response = app.get_as(&trainer, "/author/items?q=ZEBRAFISH").await;
    assert_eq!(response.status(), Status::Ok);
    let page = body_of(response).await;
    assert!(page.contains("Showing 1 to 50 of 55 items"), "{page}");
    assert!(
        page.contains("href=\"/author/items?q&#x3D;ZEBRAFISH&amp;page&#x3D;2\""),
        "{page}"
    );
    assert!(page.contains("value=\"ZEBRAFISH\""));
    let second = body_of(
        app.get_as(&trainer, "/author/items?q=ZEBRAFISH&page=2")
            .await,
    )
    .await;
    assert!(second.contains("Showing 51 to 55 of 55 items"), "{second}");

    // Topic and status: they are drafts in samples, so "published" finds none of them.
    let (status, drafts) = app
        .get_json_as(
            &trainer,
            "/api/v1/author/items?q=zebrafish&topic=samples&status=draft",
        )
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(drafts["total"], 55);
    assert_eq!(
        drafts["items"].as_array().unwrap().len(),
        55,
        "every match without a page"
    );
    assert_eq!(drafts["items"][0]["topic_slug"], "samples");
    let (_, published) = app
        .get_json_as(
            &trainer,
            "/api/v1/author/items?q=zebrafish&status=published",
        )
        .await;
    assert_eq!(published["total"], 0);
    let (_, elsewhere) = app
        .get_json_as(&trainer, "/api/v1/author/items?q=zebrafish&topic=consent")
        .await;
    assert_eq!(elsewhere["total"], 0);

    // Flags: one item loses its explanation; nobody has answered any, so none is too easy.
    let version = authoring::overview::item_summary(app.db(), ids[3])
        .await
        .unwrap()
        .version_id;
    let mut row = item_version::Entity::find_by_id(version)
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    row.explanation = Set(String::new());
    row.update(app.db()).await.unwrap();
    let (_, needs) = app
        .get_json_as(
            &trainer,
            "/api/v1/author/items?q=zebrafish&flag=needs_explanation",
        )
        .await;
    assert_eq!(needs["total"], 1);
    assert_eq!(needs["items"][0]["item_id"], ids[3]);
    assert_eq!(
        needs["items"][0]["flags"],
        serde_json::json!(["needs_explanation", "too_few_responses"])
    );
    let (_, few) = app
        .get_json_as(
            &trainer,
            "/api/v1/author/items?q=zebrafish&flag=too_few_responses",
        )
        .await;
    assert_eq!(few["total"], 55);
    let (_, easy) = app
        .get_json_as(&trainer, "/api/v1/author/items?q=zebrafish&flag=too_easy")
        .await;
    assert_eq!(easy["total"], 0);
    let page = body_of(
        app.get_as(&trainer, "/author/items?q=zebrafish&flag=needs_explanation")
            .await,
    )
    .await;
    assert!(page.contains("Needs an explanation</strong>"), "{page}");
    assert!(page.contains("<option value=\"needs_explanation\" selected>"));

    // A value the filter does not offer says what to use.
    for bad in ["status=gone", "flag=odd", "page=0"] {
        let response = app.get_as(&trainer, &format!("/author/items?{bad}")).await;
        assert_eq!(response.status(), Status::BadRequest, "{bad}");
    }
    // Learners cannot search the bank.
    let learner = app.session_for(&world.learner).await;
    assert_eq!(
        app.get_as(&learner, "/author/items").await.status(),
        Status::Forbidden
    );
}

#[rocket::async_test]
async fn trainers_see_what_changed_between_two_versions_escaped() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    let db = app.db();
    let item = authoring::create_item(db, None, "samples", None, &tube_question("Which tube?"))
        .await
        .unwrap();
    authoring::publish_item(db, None, item.item_id)
        .await
        .unwrap();
    let edited = authoring::edit_item(
        db,
        None,
        item.item_id,
        &tube_question("Which tube <script>alert(1)</script> for DNA?"),
    )
    .await
    .unwrap();
    assert_eq!(edited, EditOutcome::NewVersion { version: 2 });
    let id = item.item_id;

    let item_page = body_of(app.get_as(&trainer, &format!("/author/items/{id}")).await).await;
    assert!(item_page.contains(&format!("href=\"/author/items/{id}/diff?to=2\"")));

    let response = app
        .get_as(&trainer, &format!("/author/items/{id}/diff"))
        .await;
    assert_eq!(response.status(), Status::Ok);
    let page = body_of(response).await;
    assert!(
        page.contains("Version 1 compared with version 2: 1 line removed, 1 line added"),
        "{page}"
    );
    assert!(page.contains("<del>Question: Which tube?</del>"), "{page}");
    assert!(
        page.contains(
            "<ins>Question: Which tube &lt;script&gt;alert(1)&lt;/script&gt; for DNA?</ins>"
        ),
        "{page}"
    );
    assert!(!page.contains("<script>alert"));
    assert!(
        page.contains("Name: Tube colour"),
        "unchanged lines are shown"
    );

    let side = body_of(
        app.get_as(
            &trainer,
            &format!("/author/items/{id}/diff?from=1&to=2&view=side"),
        )
        .await,
    )
    .await;
    assert!(
        side.contains("Version 1 and version 2 side by side"),
        "{side}"
    );
    assert!(
        side.contains(
            "<span class=\"nhsuk-u-visually-hidden\">Removed: </span>Question: Which tube?"
        )
    );

    let (status, twin) = app
        .get_json_as(
            &trainer,
            &format!("/api/v1/author/items/{id}/diff?from=1&to=2"),
        )
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(
        (twin["removed"].as_u64(), twin["added"].as_u64()),
        (Some(1), Some(1))
    );
    let removed: Vec<&str> = twin["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["change"] == "removed")
        .filter_map(|l| l["text"].as_str())
        .collect();
    assert_eq!(removed, ["Question: Which tube?"]);

    assert_eq!(
        app.get_as(&trainer, &format!("/author/items/{id}/diff?from=9"))
            .await
            .status(),
        Status::NotFound
    );
    assert_eq!(
        app.get_as(&trainer, &format!("/author/items/{id}/diff?view=sideways"))
            .await
            .status(),
        Status::BadRequest
    );
    // A version that is not a whole number from 1 is refused, not read as the default
    // (schemathesis found `from=-9.9e-231` answered 200).
    for bad in [
        "from=0",
        "from=-1",
        "to=1.5",
        "from=-9.9e-231",
        "to=99999999999",
    ] {
        for path in ["/author/items", "/api/v1/author/items"] {
            let response = app
                .get_as(&trainer, &format!("{path}/{id}/diff?{bad}"))
                .await;
            assert_eq!(response.status(), Status::BadRequest, "{path} {bad}");
        }
    }
}

#[rocket::async_test]
async fn module_cards_say_how_many_pages_are_read_and_where_the_learner_is() {
    let app = spawn_app().await;
    let session = signed_in_learner(&app).await;
    let samples = |list: &serde_json::Value| {
        list["modules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["slug"] == "samples")
            .cloned()
            .unwrap()
    };
    let (_, list) = app.get_json_as(&session, "/api/v1/modules").await;
    let card = samples(&list);
    let pages = card["page_count"].as_i64().unwrap();
    assert!(pages >= 2, "{card}");
    assert_eq!(
        (card["pages_read"].as_i64(), card["status"].as_str()),
        (Some(0), Some("not_started"))
    );
    let page = body_of(app.get_as(&session, "/learn/modules").await).await;
    assert!(page.contains(&format!("0 of {pages} pages read")), "{page}");
    assert!(page.contains("Not started"));

    app.get_as(&session, "/learn/modules/samples/pages/1").await;
    let (_, list) = app.get_json_as(&session, "/api/v1/modules").await;
    let card = samples(&list);
    assert_eq!(
        (card["pages_read"].as_i64(), card["status"].as_str()),
        (Some(1), Some("in_progress"))
    );
    let page = body_of(app.get_as(&session, "/learn/modules").await).await;
    assert!(page.contains(&format!("1 of {pages} pages read")), "{page}");
    assert!(page.contains(">In progress</strong>"));

    app.get_as(&session, &format!("/learn/modules/samples/pages/{pages}"))
        .await;
    let (_, list) = app.get_json_as(&session, "/api/v1/modules").await;
    assert_eq!(samples(&list)["status"], "quiz_to_do");

    sit_samples_quiz(&app, &session, true, "3").await;
    let (_, list) = app.get_json_as(&session, "/api/v1/modules").await;
    assert_eq!(samples(&list)["status"], "completed");
    let page = body_of(app.get_as(&session, "/learn/modules").await).await;
    assert!(page.contains(">Completed</strong>"), "{page}");
}
