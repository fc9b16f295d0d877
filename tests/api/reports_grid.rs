//! The gap grid fits the page (issue 17, point 3): two figures a cell with the rest one click
//! away on the topic page, a header row that stays in view, a role-by-role list for narrow
//! screens, and a topic page whose measures come in tables narrow enough to read.

use genomics_training::assessment::answer::Sureness::High;
use rocket::http::Status;

use crate::disclosure_requests::unescape;
use crate::helpers::{Session, TestApp, body_of, spawn_app};
use crate::reports_support::{group, role_id, sitting};

/// The most figures a grid cell shows.
const FIGURES_PER_CELL: usize = 2;

async fn page(app: &TestApp, session: &Session, path: &str) -> String {
    let response = app.get_as(session, path).await;
    assert_eq!(response.status(), Status::Ok, "{path}");
    body_of(response).await
}

/// The text between `start` (which must occur) and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in the page"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The parts of `html` that follow each `open` up to the next `close`.
fn pieces<'a>(html: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    html.split(open)
        .skip(1)
        .map(|piece| piece.split(close).next().unwrap_or_default())
        .collect()
}

/// The content of an element whose opening tag `pieces` cut after its name.
fn inner(piece: &str) -> &str {
    piece.split_once('>').map_or("", |(_, content)| content)
}

/// The numbers a sighted reader sees in a piece of markup: text outside tags and outside
/// visually hidden spans, counting each run of digits once ("52%" and "gap 28" are two).
fn visible_figures(html: &str) -> usize {
    let mut text = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("<span class=\"nhsuk-u-visually-hidden\">") {
        text.push_str(&rest[..at]);
        rest = rest[at..]
            .split_once("</span>")
            .map_or("", |(_, after)| after);
    }
    text.push_str(rest);
    let mut visible = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => visible.push(c),
            _ => {}
        }
    }
    visible
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .count()
}

/// Trust A with 8 phlebotomists published (2 of 3 right in each topic, very sure): its
/// manager's session.
pub async fn manager_of_eight_phlebotomists(app: &TestApp) -> Session {
    let world = app.given_world().await;
    group(
        app.db(),
        "RA1",
        "phlebotomist",
        "Band 3",
        8,
        sitting(2, High, 4),
    )
    .await;
    app.session_for(&world.manager_a).await
}

#[rocket::async_test]
async fn the_gap_grid_shows_two_figures_a_cell_every_topic_a_sticky_header_and_a_narrow_list() {
    let app = spawn_app().await;
    let manager = manager_of_eight_phlebotomists(&app).await;
    let (_, json) = app.get_json_as(&manager, "/api/v1/reports/gaps").await;
    let topics: Vec<(String, String)> = json["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["slug"].as_str().unwrap().to_owned(),
                t["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(topics.len(), 8);

    let html = page(&app, &manager, "/reports").await;
    let grid = between(
        &html,
        "<table class=\"nhsuk-table app-gap-grid\"",
        "</table>",
    );
    // Every topic has its column, in a header row of its own.
    let head = between(grid, "<thead", "</thead>");
    assert_eq!(head.matches("<th scope=\"col\"").count(), topics.len() + 1);
    for (_, name) in &topics {
        assert!(
            unescape(head).contains(name.as_str()),
            "no column for {name}"
        );
    }
    // Two figures a cell at most, the first linking to every measure of the cell.
    let body = between(grid, "<tbody", "</tbody>");
    let cells: Vec<_> = pieces(body, "<td", "</td>")
        .into_iter()
        .map(inner)
        .collect();
    let rows = body.matches("<tr").count();
    assert_eq!(cells.len(), rows * topics.len());
    for cell in &cells {
        assert!(
            visible_figures(cell) <= FIGURES_PER_CELL,
            "more than {FIGURES_PER_CELL} figures in {cell}"
        );
    }
    let role = role_id(app.db(), "phlebotomist").await;
    let detail = format!("/reports/topics/samples#role-{role}");
    let cell = cells
        .iter()
        .find(|c| c.contains(&format!("href=\"{detail}\"")))
        .expect("the phlebotomists' samples cell links to its measures");
    assert_eq!(visible_figures(cell), 2, "{cell}");
    assert!(cell.contains('%') && cell.contains("gap "), "{cell}");
    // The link lands on the row of the topic page that holds every measure of that cell.
    let topic = page(&app, &manager, "/reports/topics/samples").await;
    assert!(topic.contains(&format!("id=\"role-{role}\"")));
    // The header row stays in view: the served stylesheet makes it sticky, and the grid has no
    // scrolling box of its own (inside one the header would stick to the box, not the window).
    let css = body_of(app.get_as(&manager, "/static/app.css").await).await;
    let rule = between(&css, ".app-gap-grid thead th {", "}");
    assert!(
        rule.contains("position: sticky") && rule.contains("top: 0"),
        "{rule}"
    );
    let before_grid = &html[..html.find("app-gap-grid\"").unwrap()];
    assert!(
        !before_grid
            .trim_end()
            .ends_with("<div class=\"app-table-scroll\">")
    );
    // Narrow screens: one expandable summary list per row, with every topic and the same
    // figures and links.
    assert!(html.contains("<div class=\"app-gap-list\">"));
    let entries = pieces(
        &html,
        "<details class=\"nhsuk-details app-gap-list__row",
        "</details>",
    );
    assert_eq!(entries.len(), rows);
    for entry in &entries {
        let values: Vec<_> = pieces(entry, "<dd", "</dd>")
            .into_iter()
            .map(inner)
            .collect();
        assert_eq!(values.len(), topics.len());
        assert!(
            values
                .iter()
                .all(|v| visible_figures(v) <= FIGURES_PER_CELL)
        );
        for (_, name) in &topics {
            assert!(unescape(entry).contains(&format!(">{name}</dt>")), "{name}");
        }
    }
    assert!(
        entries
            .iter()
            .any(|e| e.contains(&format!("href=\"{detail}\"")))
    );
}

#[rocket::async_test]
async fn the_topic_page_splits_its_measures_into_tables_that_fit_and_stack_on_phones() {
    let app = spawn_app().await;
    let manager = manager_of_eight_phlebotomists(&app).await;
    let html = page(&app, &manager, "/reports/topics/samples").await;
    let tables = pieces(&html, "<table", "</table>");
    assert_eq!(tables.len(), 3);
    let mut headers = Vec::new();
    for table in &tables {
        assert!(
            table.starts_with(" class=\"nhsuk-table-responsive"),
            "{table}"
        );
        let columns = pieces(
            table,
            "<th scope=\"col\" class=\"nhsuk-table__header\">",
            "</th>",
        );
        assert!(columns.len() <= 8, "{} columns", columns.len());
        assert_eq!(columns[0], "Group or job role");
        headers.extend(columns[1..].iter().map(|c| unescape(c)));
        // On a phone each row stacks, every figure under its own heading.
        for column in &columns[1..] {
            assert!(
                table.contains(&format!(
                    "<span class=\"nhsuk-table-responsive__heading\" aria-hidden=\"true\">{column} </span>"
                )),
                "{column}"
            );
        }
    }
    let every_measure = [
        "n",
        "Knowledge",
        "95% interval",
        "Target",
        "Gap",
        "Importance",
        "Priority",
        "Rated",
        "Self-confidence",
        "% rating 4–5",
        "Unrecognised need",
        "Calibration bias",
        "Confidently wrong rate",
        "% at target",
        "Completion",
        "With baseline and post",
        "Hake gain",
        "Mean individual gain",
        "Calibrated gain",
    ];
    assert_eq!(headers.len(), every_measure.len());
    for measure in every_measure {
        assert!(headers.iter().any(|h| h == measure), "{measure} missing");
    }
}

#[rocket::async_test]
async fn the_trends_tables_scroll_in_boxes_a_keyboard_can_reach() {
    let app = spawn_app().await;
    let manager = manager_of_eight_phlebotomists(&app).await;
    let html = page(&app, &manager, "/reports/trends").await;
    let boxes = pieces(&html, "<div class=\"app-table-scroll\"", ">");
    assert_eq!(boxes.len(), 8, "one box per topic");
    for b in boxes {
        assert!(
            b.contains("role=\"region\"")
                && b.contains("tabindex=\"0\"")
                && b.contains("aria-labelledby=\"topic-"),
            "{b}"
        );
    }
}
