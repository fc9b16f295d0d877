//! The managers' report pages, downloads and JSON twins: the same numbers in every output
//! (with `*` for suppressed cells), filters that obey suppression, no way for a manager to see
//! another organisation's cells, and audited exports.

use genomics_training::assessment::answer::Sureness::{High, Medium};
use genomics_training::reports::export::COLUMNS;
use rocket::http::Status;
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, ExprTrait};

use crate::helpers::{Session, TestApp, World, body_of, spawn_app};
use crate::reports_support::*;

const SAMPLES: &str = "samples";

/// Trust A: 8 phlebotomists at Band 3 (all right) and 5 healthcare assistants at Band 5 (1 of 3
/// right: never published, being fewer than 8); trust B: 8 phlebotomists (1 of 3 right).
async fn given_two_trusts(app: &TestApp) -> World {
    let world = app.given_world().await;
    let db = app.db();
    group(db, "RA1", "phlebotomist", "Band 3", 8, sitting(3, High, 3)).await;
    group(
        db,
        "RA1",
        "healthcare-assistant",
        "Band 5",
        5,
        sitting(1, Medium, 4),
    )
    .await;
    group(db, "RB2", "phlebotomist", "Band 3", 8, sitting(1, High, 2)).await;
    world
}

async fn text_as(app: &TestApp, session: &Session, path: &str) -> (Status, String) {
    let response = app.get_as(session, path).await;
    let status = response.status();
    (status, body_of(response).await)
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn column(name: &str) -> usize {
    COLUMNS.iter().position(|c| *c == name).unwrap()
}

/// The CSV row of `level` / `label` for the samples topic.
fn csv_row<'a>(rows: &'a [Vec<String>], level: &str, label: &str) -> &'a Vec<String> {
    let label_column = if level == "job_role" {
        column("job_role")
    } else {
        column("staff_group")
    };
    rows.iter()
        .find(|r| {
            r[column("level")] == level && r[label_column] == label && r[column("topic")] == SAMPLES
        })
        .unwrap_or_else(|| panic!("no CSV row {level} {label}"))
}

/// The `<tr>` of the topic page whose header is `label`.
fn page_row<'a>(page: &'a str, label: &str) -> &'a str {
    let at = page
        .find(&format!(">{label}</th>"))
        .unwrap_or_else(|| panic!("no page row {label}"));
    let start = page[..at].rfind("<tr").unwrap();
    let end = at + page[at..].find("</tr>").unwrap();
    &page[start..end]
}

/// Every `<tr>` whose header is `label` (the topic page's tables each have one per row).
fn page_rows(page: &str, label: &str) -> String {
    let mut rows = String::new();
    let mut rest = page;
    while rest.contains(&format!(">{label}</th>")) {
        let row = page_row(rest, label);
        rows.push_str(row);
        let end = rest.find(row).unwrap() + row.len();
        rest = &rest[end..];
    }
    rows
}

/// The CSV field as the page prints it (whole percentages, 1 place for 1–7 and 1–5 scales,
/// 2 for rates).
fn as_page(field: &str, places: usize) -> String {
    match field.parse::<f64>() {
        Ok(x) => format!("{x:.places$}"),
        Err(_) if field.is_empty() => "–".into(),
        Err(_) => field.to_owned(),
    }
}

fn same(csv: &str, json: &serde_json::Value) -> bool {
    match json {
        serde_json::Value::Null => csv.is_empty(),
        serde_json::Value::String(s) => s == csv,
        other => csv.parse::<f64>().ok() == other.as_f64(),
    }
}

#[rocket::async_test]
async fn page_csv_and_json_of_the_same_view_give_the_same_numbers_and_stars() {
    let app = spawn_app().await;
    let world = given_two_trusts(&app).await;
    let manager = app.session_for(&world.manager_a).await;

    let (status, csv) = text_as(&app, &manager, "/reports/export.csv").await;
    assert_eq!(status, Status::Ok);
    let rows = csv_rows(&csv);
    let (status, json) = app.get_json_as(&manager, "/api/v1/reports/gaps").await;
    assert_eq!(status, Status::Ok);
    let objects = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), objects.len());
    for (row, object) in rows.iter().zip(objects) {
        for (i, name) in COLUMNS.iter().enumerate().skip(1) {
            assert!(
                same(&row[i], &object[*name]),
                "{name}: {} vs {}",
                row[i],
                object[*name]
            );
        }
    }
    let (_, download) = text_as(&app, &manager, "/reports/export.json").await;
    let download: serde_json::Value = serde_json::from_str(&download).unwrap();
    assert_eq!(download["rows"].as_array().map(Vec::len), Some(rows.len()));

    // The 5 are never published (issue 16): not in any row or total, so the group is the 8.
    // (Before, the group showed 13 with both roles starred, and 13 - 8 gave the 5 away as soon
    // as one more phlebotomist answered.)
    let group = csv_row(&rows, "staff_group", "Additional Clinical Services");
    assert_eq!(group[column("n")], "8");
    assert_eq!(csv_row(&rows, "job_role", "Phlebotomist")[column("n")], "8");
    assert!(!csv.contains("Healthcare Assistant"));
    assert_eq!(group[column("knowledge")], "100");

    // The topic page: every measure of the same cells, as text, with the same stars.
    let (status, page) = text_as(&app, &manager, "/reports/topics/samples").await;
    assert_eq!(status, Status::Ok);
    let tr = page_rows(&page, "Additional Clinical Services");
    for (name, places) in [
        ("n", 0),
        ("knowledge", 0),
        ("target", 0),
        ("gap", 0),
        ("priority", 1),
        ("self_confidence", 1),
        ("unrecognised_need", 0),
        ("calibration_bias", 2),
        ("confidently_wrong_rate", 2),
        ("completion", 0),
    ] {
        let expected = as_page(&group[column(name)], places);
        assert!(
            tr.contains(&format!(">{expected}<")),
            "{name} {expected} not in {tr}"
        );
    }
    assert!(!page.contains(">Healthcare Assistant</th>"));
    assert!(page.contains("shown only once at least 8 people in it have answered"));
    // The dashboard: the grid with the same numbers and stars, its key, and the link onwards.
    let (status, page) = text_as(&app, &manager, "/reports").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("<caption"));
    assert!(page.contains("scope=\"row\""));
    assert!(page.contains("Priority 20 or more"));
    assert!(page.contains("href=\"/manage/assignments\""));
    assert!(page.contains(&format!("{}%", as_page(&group[column("knowledge")], 0))));
    assert!(page_row(&page, "Phlebotomist").contains("100%"));
    // Drill-down to the staff group keeps its numbers.
    let (_, json) = app
        .get_json_as(
            &manager,
            &format!(
                "/api/v1/reports/gaps?staff_group={}",
                group_id(app.db(), "additional-clinical-services").await
            ),
        )
        .await;
    let total = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["level"] == "total" && r["topic"] == SAMPLES)
        .unwrap();
    assert_eq!(total["n"], 8);
}

#[rocket::async_test]
async fn band_groups_and_months_select_whole_published_groups_in_every_output() {
    let app = spawn_app().await;
    let world = given_two_trusts(&app).await;
    let manager = app.session_for(&world.manager_a).await;
    // Bands 5–6: only the 5 healthcare assistants, never published: nothing in any output.
    let band = "band=Bands%205%E2%80%936";
    let (_, csv) = text_as(&app, &manager, &format!("/reports/export.csv?{band}")).await;
    let rows = csv_rows(&csv);
    for row in rows.iter().filter(|r| r[column("topic")] == SAMPLES) {
        assert_eq!(row[column("n")], "0", "{row:?}");
    }
    let (_, json) = app
        .get_json_as(&manager, &format!("/api/v1/reports/gaps?{band}"))
        .await;
    assert!(json["rows"].as_array().unwrap().iter().all(|r| r["n"] == 0));
    let (_, page) = text_as(&app, &manager, &format!("/reports/topics/samples?{band}")).await;
    assert!(!page.contains(">Healthcare Assistant</th>"));
    // Bands 1–4: the 8 phlebotomists.
    let (_, csv) = text_as(&app, &manager, "/reports/export.csv?band=Bands%201-4").await;
    let rows = csv_rows(&csv);
    assert_eq!(csv_row(&rows, "job_role", "Phlebotomist")[column("n")], "8");
    // A single band is no longer a filter: it is named, not silently widened.
    let (status, body) = app
        .get_json_as(&manager, "/api/v1/reports/gaps?band=Band%203")
        .await;
    assert_eq!(status, Status::BadRequest);
    assert!(body["error"].as_str().unwrap().contains("Bands 1–4"));
    // A month with no one: the total is empty (n = 0), not an error.
    let (status, json) = app
        .get_json_as(&manager, "/api/v1/reports/gaps?from=2001-01&to=2001-02")
        .await;
    assert_eq!(status, Status::Ok);
    assert!(json["rows"].as_array().unwrap().iter().all(|r| r["n"] == 0));
    // Trends hold the same published groups, by the month they were published.
    let (status, json) = app
        .get_json_as(&manager, &format!("/api/v1/reports/trends?{band}"))
        .await;
    assert_eq!(status, Status::Ok);
    assert!(json["rows"].as_array().unwrap().iter().all(|r| r["n"] == 0));
    // Bad filters are named, never a 500.
    for bad in [
        "from=2026-13",
        "phase=later",
        "organisation=abc",
        "from=2026-05&to=2026-01",
    ] {
        let (status, body) = app
            .get_json_as(&manager, &format!("/api/v1/reports/gaps?{bad}"))
            .await;
        assert_eq!(status, Status::BadRequest, "{bad}: {body}");
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    let (status, _) = text_as(&app, &manager, "/reports/topics/no-such-topic").await;
    assert_eq!(status, Status::NotFound);
}

#[rocket::async_test]
async fn manager_of_another_trust_cannot_see_its_cells_by_any_route_or_parameter() {
    let app = spawn_app().await;
    let world = given_two_trusts(&app).await;
    let manager_b = app.session_for(&world.manager_b).await;
    let routes = [
        "/reports",
        "/reports/topics/samples",
        "/reports/trends",
        "/reports/completion",
        "/reports/export.csv",
        "/reports/export.json",
        "/api/v1/reports/gaps",
        "/api/v1/reports/trends",
        "/api/v1/reports/completion",
    ];
    for route in routes {
        let (status, _) = text_as(
            &app,
            &manager_b,
            &format!("{route}?organisation={}", world.org_a),
        )
        .await;
        assert_eq!(status, Status::NotFound, "{route}");
        let (status, body) = text_as(&app, &manager_b, route).await;
        assert_eq!(status, Status::Ok, "{route}");
        assert!(!body.contains("Trust A"), "{route} names trust A");
        assert!(
            !body.contains("phlebotomist-RA1"),
            "{route} shows trust A's people"
        );
    }
    // Their own view counts their 8 people only.
    let (_, json) = app.get_json_as(&manager_b, "/api/v1/reports/gaps").await;
    let total = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["level"] == "total" && r["topic"] == SAMPLES)
        .unwrap();
    assert_eq!(total["n"], 8);
    let (_, json) = app
        .get_json_as(&manager_b, "/api/v1/reports/completion")
        .await;
    let staff = json["staff"].as_array().unwrap();
    assert!(staff.iter().all(|s| s["organisation_id"] == world.org_b));
    let text = json.to_string();
    for word in ["knowledge", "score", "fraction", "accuracy"] {
        assert!(!text.contains(word), "{word} in the completion view");
    }
    // An admin may ask for either trust, or all together.
    let admin = app.session_for(&world.admin).await;
    let (status, _) = app
        .get_json_as(
            &admin,
            &format!("/api/v1/reports/gaps?organisation={}", world.org_a),
        )
        .await;
    assert_eq!(status, Status::Ok);
    let (_, json) = app.get_json_as(&admin, "/api/v1/reports/gaps").await;
    let total = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["level"] == "total" && r["topic"] == SAMPLES)
        .unwrap();
    // 8 + 8: trust A's 5 healthcare assistants are never published.
    assert_eq!(total["n"], 16);
}

async fn audit_rows(app: &TestApp, action: &str) -> Vec<(Option<i64>, Option<String>)> {
    app.db()
        .query_all(
            &Query::select()
                .columns([Alias::new("actor_user_id"), Alias::new("detail")])
                .from(Alias::new("audit_log"))
                .and_where(Expr::col(Alias::new("action")).eq(action))
                .take(),
        )
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get("", "actor_user_id").unwrap(),
                r.try_get("", "detail").unwrap(),
            )
        })
        .collect()
}

#[rocket::async_test]
async fn exports_and_views_are_audit_logged_with_the_actor_and_filters() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let manager = app.session_for(&world.manager_a).await;
    let (status, csv) = text_as(
        &app,
        &manager,
        "/reports/export.csv?phase=post&band=Bands%201-4",
    )
    .await;
    assert_eq!(status, Status::Ok);
    assert!(csv.starts_with("as_of,"));
    let response = app.get_as(&manager, "/reports/export.json").await;
    let disposition = response
        .headers()
        .get_one("Content-Disposition")
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"training-gaps-"),
        "{disposition}"
    );
    let exports = audit_rows(&app, "report.export").await;
    assert_eq!(exports.len(), 2);
    assert!(
        exports
            .iter()
            .all(|(actor, _)| *actor == Some(world.manager_a.id))
    );
    let detail = exports[0].1.clone().unwrap();
    assert!(
        detail.contains("\"csv\"") && detail.contains("Bands 1–4") && detail.contains("post"),
        "{detail}"
    );
    // A refused export (another trust) records nothing.
    let (status, _) = text_as(
        &app,
        &manager,
        &format!("/reports/export.csv?organisation={}", world.org_b),
    )
    .await;
    assert_eq!(status, Status::NotFound);
    assert_eq!(audit_rows(&app, "report.export").await.len(), 2);
    // A refused view records nothing either: the scope is checked before the view is
    // recorded, though the page's reads and the record otherwise go side by side.
    let (status, _) = text_as(
        &app,
        &manager,
        &format!("/reports?organisation={}", world.org_b),
    )
    .await;
    assert_eq!(status, Status::NotFound);
    assert!(audit_rows(&app, "report.view").await.is_empty());
    // Viewing the dashboard is recorded too.
    text_as(&app, &manager, "/reports").await;
    assert_eq!(audit_rows(&app, "report.view").await.len(), 1);
}
