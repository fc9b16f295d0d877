//! The attacker's browser: every output a manager or trainer can reach, read into the ledger.
//! Only what the service publishes is used: filter values come from its own choices.

use std::collections::HashMap;

use rocket::http::Status;
use serde_json::{Map, Value};

use crate::disclosure_model::{Filter, Ledger, Num, RowKey};
use crate::helpers::{Session, TestApp, body_of};

/// The filter values a manager is offered.
#[derive(Debug, Default)]
pub struct Offered {
    pub organisations: Vec<i64>,
    /// (value, staff group name).
    pub staff_groups: Vec<(String, String)>,
    pub bands: Vec<String>,
    pub months: Vec<String>,
    pub topics: Vec<String>,
}

pub fn unescape(text: &str) -> String {
    text.replace("&#x3D;", "=")
        .replace("&#x27;", "'")
        .replace("&#x60;", "`")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The (value, label) options of the `<select name="{name}">` on a page.
fn options(html: &str, name: &str) -> Vec<(String, String)> {
    let Some(start) = html.find(&format!("name=\"{name}\"")) else {
        return Vec::new();
    };
    let select = &html[start..];
    let select = &select[..select.find("</select>").unwrap_or(select.len())];
    select
        .split("<option value=\"")
        .skip(1)
        .filter_map(|option| {
            let (value, rest) = option.split_once('"')?;
            let label = rest.split_once('>')?.1.split('<').next()?;
            (!value.is_empty()).then(|| (unescape(value), unescape(label.trim())))
        })
        .collect()
}

/// The choices: from the gaps JSON's `choices` when it has them, else from the page's form;
/// months from the trends; topics from the grid.
pub async fn offered(app: &TestApp, session: &Session) -> Offered {
    let (status, gaps) = app.get_json_as(session, "/api/v1/reports/gaps").await;
    assert_eq!(status, Status::Ok);
    let html = body_of(app.get_as(session, "/reports").await).await;
    let choice = |name: &str| -> Vec<(String, String)> {
        match gaps["choices"][name].as_array() {
            Some(list) => list
                .iter()
                .map(|c| match c {
                    Value::String(s) => (s.clone(), s.clone()),
                    c => {
                        let value = c.get("id").or_else(|| c.get("value")).unwrap_or(c);
                        let value = value
                            .as_str()
                            .map_or_else(|| value.to_string(), str::to_owned);
                        (value, c["label"].as_str().unwrap_or_default().to_owned())
                    }
                })
                .collect(),
            None => options(&html, name.trim_end_matches('s')),
        }
    };
    let (_, trends) = app.get_json_as(session, "/api/v1/reports/trends").await;
    Offered {
        organisations: choice("organisations")
            .iter()
            .map(|(v, _)| v.parse().unwrap())
            .collect(),
        staff_groups: choice("staff_groups"),
        bands: choice("bands").into_iter().map(|(v, _)| v).collect(),
        months: strings(&trends["months"]),
        topics: gaps["topics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["slug"].as_str().unwrap().to_owned())
            .collect(),
    }
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().map_or_else(Vec::new, |list| {
        list.iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    })
}

/// A published number: JSON numbers and numeric strings; `*`, empty and null are not.
pub fn number(value: &Value) -> Option<(f64, usize)> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        _ => return None,
    };
    let parsed: f64 = text.parse().ok()?;
    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
    Some((parsed, decimals))
}

/// Half the last digit each output (path without query) shows for each column: the most
/// decimals any of its responses shows, since a mean that happens to be short (3.8) is no less
/// rounded than the others.
pub type Units = HashMap<(String, String), f64>;

pub fn half_units(all: &[Published]) -> Units {
    let mut decimals: HashMap<(String, String), usize> = HashMap::new();
    for published in all {
        let output = published.path.split('?').next().unwrap_or_default();
        for row in &published.rows {
            for (column, value) in row {
                if let Some((_, d)) = number(value) {
                    let e = decimals
                        .entry((output.to_owned(), column.clone()))
                        .or_default();
                    *e = (*e).max(d);
                }
            }
        }
    }
    decimals
        .into_iter()
        .map(|(c, d)| (c, 0.5 * 10f64.powi(-i32::try_from(d).unwrap())))
        .collect()
}

/// Grid rows (gaps JSON, exports, trends) into the ledger.
fn read_rows(ledger: &mut Ledger<'_>, units: &Units, published: &Published) {
    let (filter, rows) = (&published.filter, &published.rows);
    let source = format!("{} ({})", published.path, published.when);
    let output = published
        .path
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let text = |row: &Map<String, Value>, c: &str| {
        row.get(c)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    for row in rows {
        let measure = |c: &str| {
            number(row.get(c).unwrap_or(&Value::Null)).map(|(value, _)| Num {
                value,
                half_unit: units
                    .get(&(output.clone(), c.to_owned()))
                    .copied()
                    .unwrap_or(0.5),
            })
        };
        let key = RowKey {
            level: text(row, "level"),
            group: text(row, "staff_group"),
            role: text(row, "job_role"),
            period: row.get("period").and_then(Value::as_str).map(str::to_owned),
        };
        let topic = text(row, "topic");
        if let Some(paired) = measure("n_paired") {
            ledger.count(&format!("{source} {} n_paired", key.level), paired.value);
        }
        let at = format!(
            "{source} {} {}/{}{} {topic}",
            key.level,
            key.group,
            key.role,
            key.period
                .as_deref()
                .map(|p| format!(" {p}"))
                .unwrap_or_default()
        );
        ledger.cell(
            &at,
            filter,
            &key,
            &topic,
            measure("n").map(|n| n.value),
            measure("knowledge"),
            measure("n_rated").map(|n| n.value),
            measure("self_confidence"),
            measure("pct_rating_4_5"),
        );
    }
}

fn objects(value: &Value) -> Vec<Map<String, Value>> {
    value.as_array().map_or_else(Vec::new, |rows| {
        rows.iter().filter_map(|r| r.as_object().cloned()).collect()
    })
}

pub fn csv_rows(body: &str) -> Vec<Map<String, Value>> {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_owned(), Value::String(v.to_owned())))
                .collect()
        })
        .collect()
}

/// The outputs that take the report filters.
#[derive(Debug, Clone, Copy)]
pub enum Output {
    Gaps,
    Trends,
    Csv,
    Json,
    TopicPage,
}

/// One response, kept so that a snapshot taken before more people joined can be read later.
#[derive(Debug, Clone)]
pub struct Published {
    pub path: String,
    /// "before" for the snapshot taken before one more person joined.
    pub when: &'static str,
    pub filter: Filter,
    pub rows: Vec<Map<String, Value>>,
    /// (row label, n) of a topic page.
    pub page: Vec<(String, f64)>,
}

pub async fn fetch(
    app: &TestApp,
    session: &Session,
    output: Output,
    filter: &Filter,
    topic: &str,
) -> Published {
    let query = filter.query();
    let path = match output {
        Output::Gaps => format!("/api/v1/reports/gaps?{query}"),
        Output::Trends => format!("/api/v1/reports/trends?{query}"),
        Output::Csv => format!("/reports/export.csv?{query}"),
        Output::Json => format!("/reports/export.json?{query}"),
        Output::TopicPage => format!("/reports/topics/{topic}?{query}"),
    };
    let response = app.get_as(session, &path).await;
    assert_eq!(response.status(), Status::Ok, "{path}");
    let body = body_of(response).await;
    let (rows, page) = match output {
        Output::Csv => (csv_rows(&body), Vec::new()),
        Output::TopicPage => (Vec::new(), topic_page(&body)),
        _ => (
            objects(&serde_json::from_str::<Value>(&body).unwrap()["rows"]),
            Vec::new(),
        ),
    };
    Published {
        path,
        when: "after",
        filter: filter.clone(),
        rows,
        page,
    }
}

pub fn record(ledger: &mut Ledger<'_>, units: &Units, published: &Published) {
    read_rows(ledger, units, published);
    for (label, n) in &published.page {
        ledger.count(
            &format!("{} ({}) {label}", published.path, published.when),
            *n,
        );
    }
}

/// The topic page shows the grid's cells again as HTML; its n (the first cell after each
/// row header of its first table, after the heading narrow screens show) is checked for (a).
/// Its means are the grid's, which the JSON already gives.
fn topic_page(html: &str) -> Vec<(String, f64)> {
    let first_table = html.split("</table>").next().unwrap_or_default();
    first_table
        .split("<th scope=\"row\"")
        .skip(1)
        .filter_map(|row| {
            let label = row.split_once('>')?.1.split('<').next()?;
            let cell = row.split_once("<td")?.1.split_once('>')?.1;
            let cell = match cell.strip_prefix("<span class=\"nhsuk-table-responsive__heading\"") {
                Some(heading) => heading.split_once("</span>")?.1,
                None => cell,
            };
            let n = cell.split('<').next()?;
            Some((unescape(label), n.trim().parse().ok()?))
        })
        .collect()
}
