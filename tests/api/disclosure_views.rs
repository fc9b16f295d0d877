//! The outputs beside the grid: the completion view (c': dates at most to the day, no score)
//! and trainers' item analysis (every count it shows, and the whole test's mean per group).

use std::collections::BTreeMap;

use rocket::http::Status;
use serde_json::Value;

use crate::disclosure_model::{Ledger, Num};
use crate::disclosure_requests::{csv_rows, number};
use crate::helpers::{Session, TestApp, body_of};

/// (c'): the completion view. Returns problems and the month each person's baseline shows.
pub async fn completion(
    app: &TestApp,
    session: &Session,
    query: &str,
) -> (Vec<String>, BTreeMap<i64, String>) {
    let path = format!("/api/v1/reports/completion?{query}");
    let (status, body) = app.get_json_as(session, &path).await;
    assert_eq!(status, Status::Ok, "{path}");
    let mut problems = Vec::new();
    scan(&body, &path, &mut problems);
    let mut months = BTreeMap::new();
    for person in body["staff"].as_array().into_iter().flatten() {
        if let (Some(id), Some(done)) =
            (person["user_id"].as_i64(), person["baseline_done"].as_str())
        {
            months.insert(id, done.chars().take(7).collect());
        }
    }
    (problems, months)
}

/// Times of day in any string, and any field named like a score.
fn scan(value: &Value, at: &str, problems: &mut Vec<String>) {
    const SCORES: [&str; 8] = [
        "score",
        "knowledge",
        "mark",
        "fraction",
        "correct",
        "rating",
        "percent",
        "pct",
    ];
    match value {
        Value::String(s) => {
            let b = s.as_bytes();
            let timed = b.windows(5).any(|w| {
                w[0].is_ascii_digit()
                    && w[1].is_ascii_digit()
                    && w[2] == b':'
                    && w[3].is_ascii_digit()
                    && w[4].is_ascii_digit()
            });
            if timed {
                problems.push(format!("{at}: a time of day, {s:?}"));
            }
        }
        Value::Array(list) => list.iter().for_each(|v| scan(v, at, problems)),
        Value::Object(map) => {
            for (k, v) in map {
                if SCORES.iter().any(|s| k.to_lowercase().contains(s)) {
                    problems.push(format!("{at}: a score-like field {k:?} = {v}"));
                }
                scan(v, &format!("{at} .{k}"), problems);
            }
        }
        _ => {}
    }
}

/// Item analysis (trainers): the whole test's n and mean and every item's count, from the JSON
/// and the CSV. `group` is (value, staff group name), `None` for everyone. How many chose each
/// option is a measure of a shown item's group of respondents (like the gap grid's "% rating
/// 4–5" of a cell), not a group of its own: the group behind it must be large enough, which
/// the item's count checks.
pub async fn item_analysis(
    app: &TestApp,
    session: &Session,
    ledger: &mut Ledger<'_>,
    group: Option<&(String, String)>,
) {
    let value = group.map_or("0", |g| g.0.as_str());
    let path = format!("/api/v1/author/analysis?assessment=baseline&staff_group={value}");
    let (status, body) = app.get_json_as(session, &path).await;
    assert_eq!(status, Status::Ok, "{path}");
    let test = &body["test"];
    let mean = number(&test["mean"]).map(|(value, d)| Num {
        value,
        half_unit: 0.5 * 10f64.powi(-i32::try_from(d.max(4)).unwrap()),
    });
    if let Some((n, _)) = number(&test["n"]) {
        ledger.test_total(
            &format!("{path} test"),
            group.map(|g| g.1.as_str()),
            n,
            mean,
        );
    }
    for item in body["items"].as_array().into_iter().flatten() {
        let name = format!("{path} item {}", item["item_uid"].as_str().unwrap_or("?"));
        if let Some((n, _)) = number(&item["n"]) {
            ledger.count(&name, n);
        }
    }
    let path = format!("/author/analysis.csv?assessment=baseline&staff_group={value}");
    let body = body_of(app.get_as(session, &path).await).await;
    for (line, row) in csv_rows(&body).iter().enumerate() {
        for column in ["n", "assessment_n"] {
            if let Some((n, _)) = row.get(column).and_then(number) {
                ledger.count(&format!("{path} line {} {column}", line + 2), n);
            }
        }
    }
}
