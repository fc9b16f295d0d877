//! Search, sorting and paging of the long lists (people, completion, the audit log), done in
//! SQL so that a page of a 3,000-person organisation reads 50 rows, not 3,000. Every piece here
//! is plain SQL that SQLite and PostgreSQL answer alike: `LOWER(..) LIKE .. ESCAPE` for a
//! case-insensitive search, `LIMIT`/`OFFSET` for a page and `COUNT(*)` over the same query for
//! the total.

use sea_orm::sea_query::{
    Alias, Condition, Expr, Func, IntoColumnRef, LikeExpr, Order, Query, SelectStatement,
    SimpleExpr,
};
use sea_orm::{ConnectionTrait, ExprTrait, QueryResult};

use crate::error::AppResult;

/// Rows on one page of a list.
pub const PER_PAGE: u64 = 50;

/// The longest search text accepted (a name, an email address or an employee number).
pub const MAX_SEARCH_CHARS: usize = 100;

/// Which page to show, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub number: u64,
    pub size: u64,
}

impl PageRequest {
    pub fn new(number: u64) -> Self {
        Self {
            number: Ord::max(number, 1),
            size: PER_PAGE,
        }
    }

    /// How many pages `total` rows fill (at least one, so an empty list has a page 1).
    pub fn pages(self, total: u64) -> u64 {
        Ord::max(total.div_ceil(self.size), 1)
    }

    /// The same request moved back to the last page when it asks for one past the end (a link
    /// kept from when the list was longer shows its last page, not an empty one).
    pub fn clamped(self, total: u64) -> Self {
        Self {
            number: Ord::min(self.number, self.pages(total)),
            ..self
        }
    }

    pub fn offset(self) -> u64 {
        (self.number - 1).saturating_mul(self.size)
    }
}

/// One page of rows and how many there are in all.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: u64,
    /// The page shown (after clamping).
    pub request: PageRequest,
}

/// What a list can be sorted by; each list accepts some of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Name,
    EmployeeNumber,
    JobRole,
    /// The day the baseline was done (not done sorts before every date).
    Baseline,
}

impl SortBy {
    /// The value in a link's query string.
    pub fn key(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::EmployeeNumber => "employee_number",
            Self::JobRole => "job_role",
            Self::Baseline => "baseline",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        [
            Self::Name,
            Self::EmployeeNumber,
            Self::JobRole,
            Self::Baseline,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}

/// A sort key and its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub by: SortBy,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Self {
            by: SortBy::Name,
            descending: false,
        }
    }
}

impl Sort {
    pub fn order(self) -> Order {
        if self.descending {
            Order::Desc
        } else {
            Order::Asc
        }
    }
}

/// Search text, sort and page for a list of people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Trimmed, never empty.
    pub search: Option<String>,
    pub sort: Sort,
    /// `None`: the whole list (the JSON twins).
    pub page: Option<PageRequest>,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            search: None,
            sort: Sort::default(),
            page: Some(PageRequest::new(1)),
        }
    }
}

impl ListQuery {
    /// The whole list, in the default order.
    pub fn everything() -> Self {
        Self {
            page: None,
            ..Self::default()
        }
    }
}

/// `LOWER(expr) LIKE '%text%'` with the text's own `%`, `_` and `\` taken literally.
pub fn contains(expr: SimpleExpr, text: &str) -> SimpleExpr {
    let mut pattern = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    Expr::expr(Func::lower(expr)).like(LikeExpr::new(pattern).escape('\\'))
}

/// People whose name, email address or employee number contains `text` (the `users` table
/// under the alias `users`).
pub fn person_matches(users: &str, text: &str) -> Condition {
    let column = |name: &str| Expr::col((Alias::new(users), Alias::new(name)));
    Condition::any()
        .add(contains(column("display_name"), text))
        .add(contains(column("email"), text))
        .add(contains(column("employee_number"), text))
}

/// `column` sorted with its empty values last whichever way the list runs, then by value.
pub fn order_nulls_last(
    query: &mut SelectStatement,
    column: impl IntoColumnRef + Clone,
    order: Order,
) {
    query
        .order_by_expr(
            Expr::case(Expr::col(column.clone()).is_null(), 1)
                .finally(0)
                .into(),
            Order::Asc,
        )
        .order_by_expr(Func::lower(Expr::col(column)).into(), order);
}

/// Orders a list of people by name after its sort key (the name the list's way when it is
/// sorted by name, A to Z otherwise), then by `id` so that every page has a fixed order.
pub fn then_by_name(
    query: &mut SelectStatement,
    sort: Sort,
    name: impl IntoColumnRef,
    id: impl IntoColumnRef,
) {
    let order = if sort.by == SortBy::Name {
        sort.order()
    } else {
        Order::Asc
    };
    query
        .order_by_expr(Func::lower(Expr::col(name)).into(), order.clone())
        .order_by(id, order);
}

/// The rows of `query` on the requested page (clamped to the last), with the total count of
/// the query's rows; every row when no page is requested. `query` carries its own order.
pub async fn fetch_page(
    db: &impl ConnectionTrait,
    query: SelectStatement,
    request: Option<PageRequest>,
) -> AppResult<Page<QueryResult>> {
    let Some(request) = request else {
        let rows = db.query_all(&query).await?;
        let total = rows.len() as u64;
        return Ok(Page {
            request: PageRequest {
                number: 1,
                size: Ord::max(total, 1),
            },
            rows,
            total,
        });
    };
    let mut unordered = query.clone();
    unordered.clear_order_by();
    let count = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from_subquery(unordered, Alias::new("listed"))
        .take();
    let total = db
        .query_one(&count)
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    let total = u64::try_from(total).unwrap_or(0);
    let request = request.clamped(total);
    let mut paged = query;
    paged.limit(request.size).offset(request.offset());
    Ok(Page {
        rows: db.query_all(&paged).await?,
        total,
        request,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_past_the_end_shows_the_last_one() {
        let request = PageRequest::new(9);
        assert_eq!(request.pages(101), 3);
        assert_eq!(request.clamped(101).number, 3);
        assert_eq!(request.clamped(101).offset(), 100);
        assert_eq!(request.clamped(0).number, 1);
        assert_eq!(PageRequest::new(0).number, 1);
        assert_eq!(PageRequest::new(u64::MAX).offset(), u64::MAX);
    }

    #[test]
    fn sort_keys_round_trip() {
        for by in [
            SortBy::Name,
            SortBy::EmployeeNumber,
            SortBy::JobRole,
            SortBy::Baseline,
        ] {
            assert_eq!(SortBy::parse(by.key()), Some(by));
        }
        assert_eq!(SortBy::parse("Name"), None);
    }
}
