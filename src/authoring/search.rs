//! The question bank searched and filtered for trainers (`/author/items`): by text (the
//! item's id, name, question, answers, feedback and explanation), topic, status and flag, in
//! SQL and a page at a time like the other long lists (`crate::listing`).
//!
//! The flags are the item analysis ones (`measures::ItemFlag`, from the first-baseline sums
//! for everyone in `item_stats`) and "needs an explanation". The SQL conditions here say the
//! same as `ItemStatistics::from_sums`, which labels each row; facility and discrimination
//! flags are only raised from `app.min_cell_size` responses up, as the analysis page shows
//! those figures only from there.

use sea_orm::sea_query::{Alias, Condition, Expr, Func, JoinType, Order, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, ExprTrait};
use serde::Serialize;

use super::analysis::AnalysisOptions;
use crate::content::{PUBLISHED, RETIRED};
use crate::error::AppResult;
use crate::listing::{self, Page, PageRequest};
use crate::measures::{ItemFlag, ItemStatistics, ItemSums};

use super::items::DRAFT;

/// What the bank can be filtered by besides text, topic and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BankFlag {
    /// The current version has no explanation (it cannot be published).
    NeedsExplanation,
    TooEasy,
    TooHard,
    NegativeDiscrimination,
    TooFewResponses,
}

impl BankFlag {
    pub const ALL: [Self; 5] = [
        Self::NeedsExplanation,
        Self::TooEasy,
        Self::TooHard,
        Self::NegativeDiscrimination,
        Self::TooFewResponses,
    ];

    /// The value in the query string.
    pub fn key(self) -> &'static str {
        match self {
            Self::NeedsExplanation => "needs_explanation",
            Self::TooEasy => "too_easy",
            Self::TooHard => "too_hard",
            Self::NegativeDiscrimination => "negative_discrimination",
            Self::TooFewResponses => "too_few_responses",
        }
    }

    /// What the page calls it (the analysis page's words for its flags).
    pub fn label(self) -> &'static str {
        match self {
            Self::NeedsExplanation => "Needs an explanation",
            Self::TooEasy => "Too easy",
            Self::TooHard => "Too hard",
            Self::NegativeDiscrimination => "Negative discrimination",
            Self::TooFewResponses => "Too few responses",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }

    fn of(flag: ItemFlag) -> Self {
        match flag {
            ItemFlag::TooEasy => Self::TooEasy,
            ItemFlag::TooHard => Self::TooHard,
            ItemFlag::NegativeDiscrimination => Self::NegativeDiscrimination,
            ItemFlag::TooFewResponses => Self::TooFewResponses,
        }
    }
}

/// The statuses an item can have, in the order the filter offers them.
pub const STATUSES: [&str; 3] = [DRAFT, PUBLISHED, RETIRED];

/// A checked search of the bank.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BankQuery {
    /// Trimmed, never empty.
    pub text: Option<String>,
    /// A topic's slug.
    pub topic: Option<String>,
    /// One of [`STATUSES`].
    pub status: Option<String>,
    pub flag: Option<BankFlag>,
    /// `None`: every match (the JSON twin without `page`).
    pub page: Option<PageRequest>,
}

/// One item found.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BankRow {
    pub item_id: i64,
    pub uid: String,
    pub topic_slug: String,
    pub topic_name: String,
    pub status: String,
    pub version: i32,
    pub qtype: String,
    pub name: String,
    /// Flags raised on the current version, in [`BankFlag::ALL`] order.
    pub flags: Vec<BankFlag>,
}

fn col(table: &str, column: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

/// Statistics columns, 0 where the version has none yet.
fn stat(column: &str) -> SimpleExpr {
    Func::coalesce([col("st", column), Expr::val(0)]).into()
}

/// The SQL condition for `flag` (see the module documentation).
fn flag_condition(flag: BankFlag, options: &AnalysisOptions) -> SimpleExpr {
    let n = || stat("n");
    let shown = || n().gte(Ord::max(options.min_cell_size, 1) as i64);
    let sum_f = || stat("sum_fraction");
    match flag {
        BankFlag::NeedsExplanation => {
            Expr::expr(Func::cust(Alias::new("TRIM")).arg(col("iv", "explanation"))).eq("")
        }
        BankFlag::TooEasy => shown().and(sum_f().gt(n().mul(0.9))),
        BankFlag::TooHard => shown().and(sum_f().lt(n().mul(0.2))),
        // r(f, R) < 0 exactly when n·Σ(fR) − Σf·ΣR < 0.
        BankFlag::NegativeDiscrimination => shown().and(
            n().mul(stat("sum_fraction_rest"))
                .sub(sum_f().mul(stat("sum_rest")))
                .lt(0.0),
        ),
        BankFlag::TooFewResponses => n().lt(options.min_responses as i64),
    }
}

/// Items matching `query`, in curriculum order (topic, then id), a page at a time.
pub async fn search_bank(
    db: &impl ConnectionTrait,
    query: &BankQuery,
    options: &AnalysisOptions,
) -> AppResult<Page<BankRow>> {
    let mut select = Query::select();
    select
        .expr_as(col("i", "id"), Alias::new("item_id"))
        .expr_as(col("i", "uid"), Alias::new("uid"))
        .expr_as(col("i", "status"), Alias::new("status"))
        .expr_as(col("t", "slug"), Alias::new("topic_slug"))
        .expr_as(col("t", "name"), Alias::new("topic_name"))
        .expr_as(col("iv", "version"), Alias::new("version"))
        .expr_as(col("iv", "qtype"), Alias::new("qtype"))
        .expr_as(col("iv", "name"), Alias::new("name"))
        .expr_as(col("iv", "explanation"), Alias::new("explanation"));
    for column in [
        "n",
        "sum_fraction",
        "sum_fraction_sq",
        "sum_rest",
        "sum_rest_sq",
        "sum_fraction_rest",
    ] {
        select.expr_as(col("st", column), Alias::new(format!("st_{column}")));
    }
    select
        .from_as(Alias::new("items"), Alias::new("i"))
        .join_as(
            JoinType::InnerJoin,
            Alias::new("topics"),
            Alias::new("t"),
            col("t", "id").equals((Alias::new("i"), Alias::new("topic_id"))),
        )
        .join_as(
            JoinType::InnerJoin,
            Alias::new("item_versions"),
            Alias::new("iv"),
            col("iv", "id").equals((Alias::new("i"), Alias::new("current_version_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            Alias::new("item_stats"),
            Alias::new("st"),
            Condition::all()
                .add(col("st", "item_version_id").equals((Alias::new("iv"), Alias::new("id"))))
                .add(col("st", "phase").eq("baseline"))
                .add(col("st", "staff_group_id").eq(0)),
        );
    if let Some(text) = &query.text {
        let mut any = Condition::any();
        for (table, column) in [
            ("i", "uid"),
            ("iv", "name"),
            ("iv", "body"),
            ("iv", "explanation"),
        ] {
            any = any.add(listing::contains(col(table, column), text));
        }
        select.cond_where(any);
    }
    if let Some(topic) = &query.topic {
        select.and_where(col("t", "slug").eq(topic.as_str()));
    }
    if let Some(status) = &query.status {
        select.and_where(col("i", "status").eq(status.as_str()));
    }
    if let Some(flag) = query.flag {
        select.and_where(flag_condition(flag, options));
    }
    select
        .order_by((Alias::new("t"), Alias::new("position")), Order::Asc)
        .order_by((Alias::new("i"), Alias::new("uid")), Order::Asc)
        .order_by((Alias::new("i"), Alias::new("id")), Order::Asc);
    let page = listing::fetch_page(db, select, query.page).await?;
    let rows = page
        .rows
        .iter()
        .map(|row| row_of(row, options))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Page {
        rows,
        total: page.total,
        request: page.request,
    })
}

fn row_of(row: &sea_orm::QueryResult, options: &AnalysisOptions) -> AppResult<BankRow> {
    let explanation: String = row.try_get("", "explanation")?;
    let n: Option<i64> = row.try_get("", "st_n")?;
    let sum = |name: &str| -> AppResult<f64> {
        Ok(row
            .try_get::<Option<f64>>("", &format!("st_{name}"))?
            .unwrap_or(0.0))
    };
    let sums = ItemSums {
        n: u64::try_from(n.unwrap_or(0)).unwrap_or(0),
        sum_f: sum("sum_fraction")?,
        sum_f2: sum("sum_fraction_sq")?,
        sum_r: sum("sum_rest")?,
        sum_r2: sum("sum_rest_sq")?,
        sum_fr: sum("sum_fraction_rest")?,
        ..ItemSums::default()
    };
    let shown = sums.n >= Ord::max(options.min_cell_size, 1);
    let mut flags: Vec<BankFlag> = Vec::new();
    if explanation.trim().is_empty() {
        flags.push(BankFlag::NeedsExplanation);
    }
    flags.extend(
        ItemStatistics::from_sums(&sums, options.min_responses)
            .flags
            .into_iter()
            .filter(|flag| shown || *flag == ItemFlag::TooFewResponses)
            .map(BankFlag::of),
    );
    Ok(BankRow {
        item_id: row.try_get("", "item_id")?,
        uid: row.try_get("", "uid")?,
        topic_slug: row.try_get("", "topic_slug")?,
        topic_name: row.try_get("", "topic_name")?,
        status: row.try_get("", "status")?,
        version: row.try_get("", "version")?,
        qtype: row.try_get("", "qtype")?,
        name: row.try_get("", "name")?,
        flags,
    })
}

/// Every topic (not retired) as (slug, name), in curriculum order, for the topic filter.
pub async fn topic_choices(db: &impl ConnectionTrait) -> AppResult<Vec<(String, String)>> {
    Ok(super::topics::live_topics(db)
        .await?
        .into_iter()
        .map(|t| (t.slug, t.name))
        .collect())
}
