//! The query string of a long list (`q`, `sort`, `order`, `page`), checked at the edge, and
//! what its page shows around the rows: the search text, "Showing 51 to 100 of 3,003 people",
//! the NHS.UK numbered pagination and column headers that sort (with `aria-sort`). Every link
//! keeps the page's own filters, so nothing chosen is lost by paging or sorting.

use rocket::form::FromForm;
use serde::Serialize;
use serde_json::{Map, Value};

use super::reports::filters::encode;
use crate::error::{AppError, AppResult};
use crate::listing::{ListQuery, MAX_SEARCH_CHARS, Page, PageRequest, Sort, SortBy};

/// The list's parameters as they came in the query string (text, so that a bad value gets a
/// message rather than being ignored).
#[derive(Debug, Clone, Default, FromForm, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Search text (at most 100 characters).
    pub q: Option<String>,
    /// A column the list can be sorted by.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub order: Option<String>,
    /// A page number from 1; every match when left out.
    pub page: Option<String>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl ListParams {
    /// The checked query: a search of at most 100 characters, a sort the list offers (`allowed`,
    /// the first being the default), `asc` or `desc`, and a page number from 1. Anything else is
    /// a 400 that says what to use; a page past the end is not an error (the service shows the
    /// last page).
    pub fn check(&self, allowed: &[SortBy]) -> AppResult<ListQuery> {
        let search = given(&self.q).map(str::to_owned);
        if search
            .as_ref()
            .is_some_and(|s| s.chars().count() > MAX_SEARCH_CHARS)
        {
            return Err(AppError::BadRequest(format!(
                "Search for at most {MAX_SEARCH_CHARS} characters: a name, an email address or an employee number"
            )));
        }
        let default = allowed.first().copied().unwrap_or(SortBy::Name);
        let by = match given(&self.sort) {
            None => default,
            Some(key) => SortBy::parse(key)
                .filter(|by| allowed.contains(by))
                .ok_or_else(|| {
                    let keys: Vec<_> = allowed.iter().map(|s| s.key()).collect();
                    AppError::BadRequest(format!("Sort must be one of: {}", keys.join(", ")))
                })?,
        };
        let descending = match given(&self.order) {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(_) => {
                return Err(AppError::BadRequest("Order must be asc or desc".into()));
            }
        };
        Ok(ListQuery {
            search,
            sort: Sort { by, descending },
            page: Some(page_request(self.page.as_deref())?),
        })
    }
}

/// The page a `page` parameter asks for: absent means the first; anything but a whole number
/// from 1 is a 400.
pub fn page_request(page: Option<&str>) -> AppResult<PageRequest> {
    let number = match page.map(str::trim).filter(|p| !p.is_empty()) {
        None => 1,
        Some(page) => page
            .parse::<u64>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| AppError::BadRequest("Page must be a whole number, 1 or more".into()))?,
    };
    Ok(PageRequest::new(number))
}

/// Where a list's links go: its path and the filters every link keeps.
#[derive(Debug, Clone)]
pub struct ListLinks {
    path: String,
    /// Already encoded `name=value` pairs.
    keep: Vec<String>,
}

impl ListLinks {
    /// `keep` is the page's filters as a query string without `?` (may be empty).
    pub fn new(path: &str, keep: &str) -> Self {
        Self {
            path: path.to_owned(),
            keep: keep
                .split('&')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }

    fn href(&self, query: &ListQuery, sort: Sort, page: u64, default: SortBy) -> String {
        let mut pairs = self.keep.clone();
        if let Some(search) = &query.search {
            pairs.push(format!("q={}", encode(search)));
        }
        if sort.by != default {
            pairs.push(format!("sort={}", sort.by.key()));
        }
        if sort.descending {
            pairs.push("order=desc".into());
        }
        if page > 1 {
            pairs.push(format!("page={page}"));
        }
        if pairs.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, pairs.join("&"))
        }
    }
}

/// One numbered link of the pagination, or an ellipsis.
#[derive(Debug, Clone, Serialize)]
pub struct PageItem {
    pub number: Option<u64>,
    pub href: Option<String>,
    pub current: bool,
}

/// The NHS.UK numbered pagination (shown when there is more than one page).
#[derive(Debug, Clone, Serialize)]
pub struct PaginationView {
    pub previous: Option<String>,
    pub next: Option<String>,
    pub items: Vec<PageItem>,
}

/// A sortable column header.
#[derive(Debug, Clone, Serialize)]
pub struct SortHeader {
    pub label: String,
    pub href: String,
    /// `ascending`, `descending` or `none`.
    pub aria_sort: &'static str,
    /// What following the link does, for screen readers.
    pub action: String,
}

/// Everything around a list's rows.
#[derive(Debug, Clone, Serialize)]
pub struct ListView {
    /// The search text, for the search box.
    pub q: String,
    /// "Showing 51 to 100 of 3,003 people"; `None` when nothing matches.
    pub showing: Option<String>,
    pub pagination: Option<PaginationView>,
    /// Column headers by sort key (`name`, `employee_number`, …).
    pub headers: Map<String, Value>,
    /// The page number, for the page title.
    pub page: u64,
    pub pages: u64,
}

/// Page numbers to show: the first, the last and those beside the current one, with `None`
/// where pages are skipped.
fn page_numbers(current: u64, pages: u64) -> Vec<Option<u64>> {
    let mut shown: Vec<Option<u64>> = Vec::new();
    let mut last = 0;
    for n in 1..=pages {
        let near = n + 1 >= current && n <= current + 1;
        if n == 1 || n == pages || near {
            if n > last + 1 {
                shown.push(None);
            }
            shown.push(Some(n));
            last = n;
        }
    }
    shown
}

/// Groups thousands with commas, as NHS.UK style writes numbers.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl ListView {
    /// `labels`: each sortable column's key and header text (the first is the default sort);
    /// `noun`: what the rows are, one and many ("person", "people").
    pub fn new<T>(
        page: &Page<T>,
        query: &ListQuery,
        links: &ListLinks,
        labels: &[(SortBy, &str)],
        noun: (&str, &str),
    ) -> Self {
        let default = labels.first().map_or(SortBy::Name, |(by, _)| *by);
        let request = page.request;
        let pages = request.pages(page.total);
        let current = request.number;
        let showing = (page.total > 0).then(|| {
            let first = request.offset() + 1;
            let last = (request.offset() + page.rows.len() as u64).max(first);
            let noun = if page.total == 1 { noun.0 } else { noun.1 };
            format!(
                "Showing {} to {} of {} {noun}",
                grouped(first),
                grouped(last),
                grouped(page.total)
            )
        });
        let at = |n: u64| links.href(query, query.sort, n, default);
        let pagination = (pages > 1).then(|| PaginationView {
            previous: (current > 1).then(|| at(current - 1)),
            next: (current < pages).then(|| at(current + 1)),
            items: page_numbers(current, pages)
                .into_iter()
                .map(|n| PageItem {
                    number: n,
                    href: n.map(at),
                    current: n == Some(current),
                })
                .collect(),
        });
        let headers = labels
            .iter()
            .map(|(by, label)| {
                let sorted = query.sort.by == *by;
                let next = Sort {
                    by: *by,
                    descending: sorted && !query.sort.descending,
                };
                let aria_sort = match (sorted, query.sort.descending) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                };
                let direction = if next.descending {
                    "descending"
                } else {
                    "ascending"
                };
                let header = SortHeader {
                    label: (*label).to_owned(),
                    href: links.href(query, next, 1, default),
                    aria_sort,
                    action: format!("sort by {} ({direction})", label.to_lowercase()),
                };
                (
                    by.key().to_owned(),
                    serde_json::to_value(header).unwrap_or(Value::Null),
                )
            })
            .collect();
        Self {
            q: query.search.clone().unwrap_or_default(),
            showing,
            pagination,
            headers,
            page: current,
            pages,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(sort: &str, order: &str, page: &str) -> ListParams {
        ListParams {
            q: Some("  smith ".into()),
            sort: Some(sort.into()),
            order: Some(order.into()),
            page: Some(page.into()),
        }
    }

    #[test]
    fn bad_values_are_refused_with_what_to_use() {
        let allowed = [SortBy::Name, SortBy::EmployeeNumber];
        let message = |p: ListParams| p.check(&allowed).unwrap_err().to_string();
        assert!(message(params("job_role", "", "")).contains("name, employee_number"));
        assert!(message(params("name", "up", "")).contains("asc or desc"));
        for page in ["0", "-1", "two", "1.5", "99999999999999999999999"] {
            assert!(
                message(params("", "", page)).contains("Page must be"),
                "{page}"
            );
        }
        let long = "x".repeat(101);
        let too_long = ListParams {
            q: Some(long),
            ..<ListParams as Default>::default()
        };
        assert!(message(too_long).contains("at most 100"));
        let good = params("employee_number", "desc", "3")
            .check(&allowed)
            .unwrap();
        assert_eq!(good.search.as_deref(), Some("smith"));
        assert_eq!(good.sort.by, SortBy::EmployeeNumber);
        assert!(good.sort.descending);
        assert_eq!(good.page.unwrap().number, 3);
    }

    #[test]
    fn pages_beside_the_current_one_are_shown_with_gaps_between() {
        assert_eq!(page_numbers(1, 1), vec![Some(1)]);
        assert_eq!(page_numbers(1, 3), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(
            page_numbers(5, 61),
            vec![Some(1), None, Some(4), Some(5), Some(6), None, Some(61)]
        );
        assert_eq!(
            page_numbers(61, 61),
            vec![Some(1), None, Some(60), Some(61)]
        );
    }

    #[test]
    fn one_match_is_counted_in_the_singular() {
        let page = Page {
            rows: vec![()],
            total: 1,
            request: PageRequest::new(1),
        };
        let links = ListLinks::new("/admin/users", "");
        let labels = [(SortBy::Name, "Name")];
        let view = ListView::new(
            &page,
            &ListQuery::default(),
            &links,
            &labels,
            ("person", "people"),
        );
        assert_eq!(view.showing.as_deref(), Some("Showing 1 to 1 of 1 person"));
    }

    #[test]
    fn links_keep_the_filters_and_the_search() {
        let links = ListLinks::new("/admin/users", "organisation=2");
        let query = ListQuery {
            search: Some("Ann O'Neil".into()),
            ..ListQuery::default()
        };
        let page = Page {
            rows: vec![(); 50],
            total: 120,
            request: PageRequest::new(1),
        };
        let view = ListView::new(
            &page,
            &query,
            &links,
            &[(SortBy::Name, "Name"), (SortBy::JobRole, "Job role")],
            ("person", "people"),
        );
        assert_eq!(
            view.showing.as_deref(),
            Some("Showing 1 to 50 of 120 people")
        );
        let pagination = view.pagination.unwrap();
        assert_eq!(
            pagination.next.as_deref(),
            Some("/admin/users?organisation=2&q=Ann%20O%27Neil&page=2")
        );
        assert_eq!(pagination.previous, None);
        assert_eq!(view.headers["name"]["aria_sort"], "ascending");
        assert_eq!(
            view.headers["name"]["href"],
            "/admin/users?organisation=2&q=Ann%20O%27Neil&order=desc"
        );
        assert_eq!(view.headers["job_role"]["aria_sort"], "none");
        assert_eq!(grouped(3003), "3,003");
        assert_eq!(grouped(1_500_000), "1,500,000");
    }
}
