//! Populations with known answers for the report tests, built through the real assessment
//! service, and checks that read any report output (service, CSV, JSON) the same way.

use std::collections::HashMap;

use genomics_training::assessment::answer::Sureness;
use genomics_training::assessment::attempts::{self, SaveItem};
use genomics_training::assessment::bank;
use genomics_training::entities::{job_role, staff_group, topic};
use genomics_training::measures::CellMeasures;
use genomics_training::reports::{Cell, GapReport, Level};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter,
};

use crate::assessment_flow::{create_learner, pick};

/// How one learner answers a sitting: in every topic the first `right` of its 3 items right
/// and the rest wrong, all at `sureness`, rating every topic `rating`.
#[derive(Debug, Clone, Copy)]
pub struct Sitting {
    pub right: usize,
    pub sureness: Sureness,
    pub rating: i16,
}

pub const fn sitting(right: usize, sureness: Sureness, rating: i16) -> Sitting {
    Sitting {
        right,
        sureness,
        rating,
    }
}

/// A learner in `org` holding `role` at `band`.
pub async fn learner(
    db: &DatabaseConnection,
    email: &str,
    org: &str,
    role: &str,
    band: &str,
) -> i64 {
    let user = create_learner(db, email, org, role).await;
    db.execute(
        &Query::update()
            .table(Alias::new("job_assignments"))
            .value(Alias::new("band"), band)
            .and_where(Expr::col(Alias::new("user_id")).eq(user))
            .take(),
    )
    .await
    .unwrap();
    user
}

/// Sits `slug` ("baseline" or "post") as `how` says and submits it.
pub async fn sit(db: &DatabaseConnection, user: i64, slug: &str, how: Sitting) {
    let attempt = attempts::start_or_resume(db, user.into(), slug)
        .await
        .unwrap();
    let slots = bank::attempt_slots(db, attempt.id).await.unwrap();
    let mut seen: HashMap<i64, usize> = HashMap::new();
    let mut ratings = Vec::new();
    let mut items = Vec::new();
    for slot in &slots {
        let index = seen.entry(slot.topic_id).or_insert(0);
        // Quizzes ask for no topic ratings.
        if *index == 0 && !slug.starts_with("quiz-") {
            ratings.push((slot.topic_id, how.rating));
        }
        items.push(SaveItem {
            position: slot.position,
            answer: pick(&slot.question, *index < how.right),
            sureness: Some(how.sureness),
            time_on_item_ms: None,
        });
        *index += 1;
    }
    let problems = attempts::save(db, user.into(), attempt.id.into(), &ratings, &items)
        .await
        .unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    attempts::submit(db, None, user.into(), attempt.id.into())
        .await
        .unwrap();
}

/// `count` learners of `role` in `org`, each sitting the baseline as `how`; returns their ids.
pub async fn group(
    db: &DatabaseConnection,
    org: &str,
    role: &str,
    band: &str,
    count: usize,
    how: Sitting,
) -> Vec<i64> {
    let mut users = Vec::new();
    for _ in 0..count {
        let email = format!(
            "{role}-{org}-{}-{}@nhs.test",
            band.replace(' ', ""),
            next_id()
        );
        let user = learner(db, &email, org, role, band).await;
        sit(db, user, "baseline", how).await;
        users.push(user);
    }
    users
}

fn next_id() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

pub async fn org_id(db: &DatabaseConnection, code: &str) -> i64 {
    db.query_one(
        &Query::select()
            .column(Alias::new("id"))
            .from(Alias::new("organisations"))
            .and_where(Expr::col(Alias::new("code")).eq(code))
            .take(),
    )
    .await
    .unwrap()
    .unwrap()
    .try_get("", "id")
    .unwrap()
}

pub async fn role_id(db: &DatabaseConnection, slug: &str) -> i64 {
    job_role::Entity::find()
        .filter(job_role::Column::Slug.eq(slug))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id
}

pub async fn group_id(db: &DatabaseConnection, slug: &str) -> i64 {
    staff_group::Entity::find()
        .filter(staff_group::Column::Slug.eq(slug))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id
}

pub async fn topic_id(db: &DatabaseConnection, slug: &str) -> i64 {
    topic::Entity::find()
        .filter(topic::Column::Slug.eq(slug))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// The cell of the row labelled `label` for topic `slug`.
pub fn cell<'a>(report: &'a GapReport, label: &str, slug: &str) -> &'a Cell {
    let column = report.topics.iter().position(|t| t.slug == slug).unwrap();
    let row = report
        .rows
        .iter()
        .find(|r| r.label == label)
        .unwrap_or_else(|| panic!("no row {label}"));
    &row.cells[column]
}

pub fn shown<'a>(report: &'a GapReport, label: &str, slug: &str) -> &'a CellMeasures {
    cell(report, label, slug)
        .measures()
        .unwrap_or_else(|| panic!("{label} / {slug} is suppressed"))
}

pub fn is_starred(report: &GapReport, label: &str, slug: &str) -> bool {
    cell(report, label, slug).is_suppressed()
}

#[track_caller]
pub fn close(actual: Option<f64>, expected: f64) {
    let actual = actual.expect("a value");
    assert!((actual - expected).abs() < 1e-6, "{actual} != {expected}");
}

/// One output row as any format shows it: level, staff group, job role, topic, starred.
pub type OutputCell = (String, String, String, String, bool);

pub fn output_cells(report: &GapReport) -> Vec<OutputCell> {
    let mut group = String::new();
    let mut out = Vec::new();
    for row in &report.rows {
        let (level, role) = match row.level {
            Level::Total => ("total", String::new()),
            Level::StaffGroup => {
                group.clone_from(&row.label);
                ("staff_group", String::new())
            }
            Level::JobRole => ("job_role", row.label.clone()),
        };
        let g = if row.level == Level::Total {
            String::new()
        } else {
            group.clone()
        };
        for (topic, c) in report.topics.iter().zip(&row.cells) {
            out.push((
                level.into(),
                g.clone(),
                role.clone(),
                topic.slug.clone(),
                c.is_suppressed(),
            ));
        }
    }
    out
}

/// The design's invariant on an output (docs/design.md §4): under a visible parent, the number of
/// suppressed children for a topic is never exactly one.
#[track_caller]
pub fn assert_invariant(cells: &[OutputCell]) {
    let starred = |level: &str, g: &str, r: &str, t: &str| {
        cells
            .iter()
            .find(|c| c.0 == level && c.1 == g && c.2 == r && c.3 == t)
            .map(|c| c.4)
    };
    for c in cells {
        if c.4 || c.0 == "job_role" {
            continue;
        }
        let children: Vec<&OutputCell> = cells
            .iter()
            .filter(|k| {
                k.3 == c.3
                    && match c.0.as_str() {
                        "total" => k.0 == "staff_group",
                        _ => k.0 == "job_role" && k.1 == c.1,
                    }
            })
            .collect();
        let hidden = children.iter().filter(|k| k.4).count();
        assert_ne!(
            hidden, 1,
            "visible {c:?} has exactly one starred child: {children:?}"
        );
        assert_eq!(starred(&c.0, &c.1, &c.2, &c.3), Some(false));
    }
}

/// The users currently holding `role` in organisation `org`.
pub async fn users_of_role(db: &DatabaseConnection, org: i64, role: &str) -> Vec<i64> {
    let role = role_id(db, role).await;
    db.query_all(
        &Query::select()
            .column(Alias::new("user_id"))
            .from(Alias::new("job_assignments"))
            .and_where(Expr::col(Alias::new("organisation_id")).eq(org))
            .and_where(Expr::col(Alias::new("job_role_id")).eq(role))
            .take(),
    )
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get("", "user_id").unwrap())
    .collect()
}
