//! The item form asks for the type first (issue 17, point 9): a page with only the type
//! question, then only that type's fields, without JavaScript; an unknown type is asked
//! again; errors re-show the same type's fields with what was entered; editing shows the
//! item's own type.

use rocket::http::Status;

use crate::helpers::{Session, TestApp, body_of, spawn_app};

/// A marker of each section of the form, as (section, text only that section renders).
const SECTIONS: [(&str, &str); 7] = [
    ("common", "name=\"stem\""),
    ("options", "name=\"options[0].text\""),
    ("use_case", "name=\"use_case\""),
    ("true_false", "name=\"tf_correct\""),
    ("numerical", "name=\"num_value\""),
    ("matching", "name=\"pairs[0].question\""),
    ("gift", "name=\"gift\""),
];

/// The sections each type shows; every other section must be absent.
fn sections_of(qtype: &str) -> &'static [&'static str] {
    match qtype {
        "single" | "multi" => &["common", "options"],
        "shortanswer" => &["common", "options", "use_case"],
        "truefalse" => &["common", "true_false"],
        "numerical" => &["common", "numerical"],
        "matching" => &["common", "matching"],
        "gift" => &["gift"],
        other => panic!("no such type {other}"),
    }
}

fn assert_sections(page: &str, expected: &[&str], context: &str) {
    for (section, marker) in SECTIONS {
        assert_eq!(
            page.contains(marker),
            expected.contains(&section),
            "{context}: section {section} ({marker})"
        );
    }
}

async fn page_of(app: &TestApp, session: &Session, path: &str) -> (Status, String) {
    let response = app.get_as(session, path).await;
    (response.status(), body_of(response).await)
}

/// A complete form of each type as a browser posts it.
pub fn filled(qtype: &str, uid: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(&str, &str)> = vec![
        ("action", "save"),
        ("topic", "samples"),
        ("uid", uid),
        ("qtype", qtype),
        ("tags", "baseline"),
    ];
    let common = [
        ("name", "Step item"),
        ("format", "markdown"),
        ("stem", "Which tube keeps DNA usable?"),
        ("explanation", "EDTA stops clotting."),
    ];
    match qtype {
        "single" | "multi" => fields.extend(common.into_iter().chain([
            ("options[0].text", "EDTA"),
            ("options[0].fraction", "100"),
            ("options[1].text", "Plain"),
            ("options[1].fraction", "0"),
        ])),
        "shortanswer" => fields.extend(
            common
                .into_iter()
                .chain([("options[0].text", "EDTA"), ("use_case", "true")]),
        ),
        "truefalse" => fields.extend(common.into_iter().chain([("tf_correct", "true")])),
        "numerical" => fields.extend(
            common
                .into_iter()
                .chain([("num_value", "46"), ("num_tolerance", "0")]),
        ),
        "matching" => fields.extend(common.into_iter().chain([
            ("pairs[0].question", "EDTA"),
            ("pairs[0].answer", "Purple"),
            ("pairs[1].question", "Serum"),
            ("pairs[1].answer", "Red"),
        ])),
        "gift" => fields.push((
            "gift",
            "::Step GIFT::EDTA tubes keep DNA usable. {T####EDTA stops clotting.}",
        )),
        other => panic!("no such type {other}"),
    }
    fields
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

pub async fn post(
    app: &TestApp,
    session: &Session,
    path: &str,
    fields: &[(String, String)],
) -> (Status, Option<String>, String) {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = app.post_form_as(session, path, &fields).await;
    let status = response.status();
    let location = response.headers().get_one("Location").map(str::to_owned);
    (status, location, body_of(response).await)
}

const TYPES: [&str; 7] = [
    "single",
    "multi",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "gift",
];

#[rocket::async_test]
async fn the_new_item_page_asks_the_type_first_then_shows_only_its_fields() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;

    let (status, page) = page_of(&app, &trainer, "/author/items/new?topic=samples").await;
    assert_eq!(status, Status::Ok);
    assert_sections(&page, &[], "no type yet");
    assert!(page.contains("What type of question is it?"), "{page}");
    assert!(page.contains("method=\"get\" action=\"/author/items/new\""));
    assert!(page.contains("name=\"topic\" value=\"samples\""));
    for qtype in TYPES {
        assert!(page.contains(&format!("value=\"{qtype}\"")), "{qtype}");
    }

    for qtype in TYPES {
        let path = format!("/author/items/new?asked=true&topic=samples&type={qtype}");
        let (status, page) = page_of(&app, &trainer, &path).await;
        assert_eq!(status, Status::Ok, "{qtype}");
        assert_sections(&page, sections_of(qtype), qtype);
        assert!(
            page.contains(&format!("name=\"qtype\" value=\"{qtype}\"")),
            "{qtype}"
        );
        assert!(
            page.contains("/author/items/new?topic&#x3D;samples\">Change"),
            "{page}"
        );
    }
    // Moodle's name for a type is understood.
    let (status, page) = page_of(&app, &trainer, "/author/items/new?type=multichoice").await;
    assert_eq!(status, Status::Ok);
    assert_sections(&page, sections_of("single"), "multichoice");

    // An unknown type, or none chosen on the type page, is asked again.
    for path in [
        "/author/items/new?type=essay",
        "/author/items/new?type=%3Cscript%3E",
        "/author/items/new?asked=true&topic=samples",
    ] {
        let (status, page) = page_of(&app, &trainer, path).await;
        assert_eq!(status, Status::UnprocessableEntity, "{path}");
        assert_sections(&page, &[], path);
        assert!(page.contains("nhsuk-error-summary"), "{path}");
        assert!(page.contains("href=\"#type\""), "{path}");
        assert!(page.contains("<title>Error: "), "{path}");
        assert!(!page.contains("<script>"), "{path}");
    }
}

#[rocket::async_test]
async fn every_type_is_created_and_errors_keep_the_type_and_the_values() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;

    for qtype in TYPES {
        let (status, location, page) = post(
            &app,
            &trainer,
            "/author/items",
            &filled(qtype, &format!("step-{qtype}")),
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{qtype}: {page}");
        let item = location.unwrap_or_default();
        assert!(item.starts_with("/author/items/"), "{qtype}: {item}");

        // Editing shows the item's own type only (GIFT text is read as the type it writes).
        let (status, edit) = page_of(&app, &trainer, &format!("{item}/edit")).await;
        assert_eq!(status, Status::Ok, "{qtype}");
        let own = if qtype == "gift" { "truefalse" } else { qtype };
        assert_sections(&edit, sections_of(own), &format!("edit {qtype}"));
    }

    // A true-or-false item with no answer chosen: the same fields again, with the values.
    let mut fields = filled("truefalse", "step-tf-error");
    fields.retain(|(k, _)| k != "tf_correct");
    let (status, _, page) = post(&app, &trainer, "/author/items", &fields).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert_sections(&page, sections_of("truefalse"), "true/false error");
    assert!(page.contains("value=\"Step item\""), "{page}");
    assert!(page.contains("Which tube keeps DNA usable?"));
    assert!(page.contains("href=\"#tf_correct\""));

    // A preview keeps the type too.
    let mut fields = filled("numerical", "step-num-preview");
    fields[0].1 = "preview".to_owned();
    let (status, _, page) = post(&app, &trainer, "/author/items", &fields).await;
    assert_eq!(status, Status::Ok);
    assert_sections(&page, sections_of("numerical"), "numerical preview");
    assert!(page.contains("value=\"46\""));

    // A type that is not one (a tampered form) is asked again, and nothing is saved.
    let mut fields = filled("single", "step-bad-type");
    fields[3].1 = "essay".to_owned();
    let (status, _, page) = post(&app, &trainer, "/author/items", &fields).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert_sections(&page, &[], "tampered type");
    assert!(page.contains("href=\"#type\""));
}

#[rocket::async_test]
async fn an_item_can_be_edited_as_gift_or_given_another_type() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    let (_, location, _) = post(
        &app,
        &trainer,
        "/author/items",
        &filled("single", "step-edit"),
    )
    .await;
    let item = location.unwrap_or_default();

    let (status, page) = page_of(&app, &trainer, &format!("{item}/edit?type=gift")).await;
    assert_eq!(status, Status::Ok);
    assert_sections(&page, sections_of("gift"), "edit as GIFT");
    assert!(page.contains("::Step item::"), "{page}");

    // The type question for an existing item has its own type chosen.
    let (status, page) = page_of(&app, &trainer, &format!("{item}/edit?type=")).await;
    assert_eq!(status, Status::Ok);
    assert_sections(&page, &[], "edit: type question");
    assert!(page.contains("value=\"single\" checked"), "{page}");
    assert!(page.contains(&format!("action=\"{item}/edit\"")));

    let (status, page) = page_of(&app, &trainer, &format!("{item}/edit?type=truefalse")).await;
    assert_eq!(status, Status::Ok);
    assert_sections(&page, sections_of("truefalse"), "edit as true/false");
    assert!(page.contains("value=\"Step item\""));

    let (status, _) = page_of(&app, &trainer, &format!("{item}/edit?type=essay")).await;
    assert_eq!(status, Status::UnprocessableEntity);
}
