//! `/author/items`: the question bank searched and filtered (text, topic, status, flag), 50 to a
//! page, every filter kept in the query string (so a search can be bookmarked, and paging
//! keeps it); `/api/v1/author/items` is its JSON twin.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::serde::json::Json;
use rocket::{State, get};
use serde::Serialize;
use serde_json::json;
use utoipa::{OpenApi, ToSchema};

use super::views::type_label;
use crate::authoring::AnalysisOptions;
use crate::authoring::search::{self, BankFlag, BankQuery, BankRow, STATUSES};
use crate::error::{AppError, AppResult};
use crate::listing::{ListQuery, MAX_SEARCH_CHARS};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::Trainer;
use crate::web::listing::{ListLinks, ListView, page_request};
use crate::web::reports::filters::encode;

#[derive(OpenApi)]
#[openapi(paths(api_search_items))]
pub struct ApiDoc;

/// The bank's filters as they came in the query string.
#[derive(Debug, Clone, Default, FromForm, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BankParams {
    /// Text in the item's id, name, question, answers, feedback or explanation (at most 100
    /// characters, any case).
    pub q: Option<String>,
    /// A topic's short name (slug).
    pub topic: Option<String>,
    /// `draft`, `published` or `retired`.
    pub status: Option<String>,
    /// `needs_explanation`, `too_easy`, `too_hard`, `negative_discrimination` or
    /// `too_few_responses`.
    pub flag: Option<String>,
    /// A page number from 1 (50 items a page); every match when left out of the JSON twin.
    pub page: Option<String>,
}

fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl BankParams {
    /// The checked search; a value the filter does not offer is a 400 that says what to use.
    /// The page always pages; the JSON twin only when asked.
    fn check(&self, always_page: bool) -> AppResult<BankQuery> {
        let text = given(&self.q);
        if text
            .as_ref()
            .is_some_and(|t| t.chars().count() > MAX_SEARCH_CHARS)
        {
            return Err(AppError::BadRequest(format!(
                "Search for at most {MAX_SEARCH_CHARS} characters"
            )));
        }
        let status = given(&self.status);
        if let Some(status) = &status
            && !STATUSES.contains(&status.as_str())
        {
            return Err(AppError::BadRequest(format!(
                "Status must be one of: {}",
                STATUSES.join(", ")
            )));
        }
        let flag = match given(&self.flag) {
            None => None,
            Some(key) => Some(BankFlag::parse(&key).ok_or_else(|| {
                let keys: Vec<_> = BankFlag::ALL.iter().map(|f| f.key()).collect();
                AppError::BadRequest(format!("Flag must be one of: {}", keys.join(", ")))
            })?),
        };
        let page = if always_page || given(&self.page).is_some() {
            Some(page_request(self.page.as_deref())?)
        } else {
            None
        };
        Ok(BankQuery {
            text,
            topic: given(&self.topic),
            status,
            flag,
            page,
        })
    }
}

/// The filters as a query string without `page`, for the pagination links.
fn kept(query: &BankQuery) -> String {
    [
        ("q", query.text.clone()),
        ("topic", query.topic.clone()),
        ("status", query.status.clone()),
        ("flag", query.flag.map(|f| f.key().to_owned())),
    ]
    .iter()
    .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name}={}", encode(v))))
    .collect::<Vec<_>>()
    .join("&")
}

fn options(state: &AppState) -> AnalysisOptions {
    AnalysisOptions {
        min_cell_size: u64::from(state.config.min_cell_size),
        ..AnalysisOptions::default()
    }
}

#[derive(Serialize)]
struct RowView<'a> {
    #[serde(flatten)]
    row: &'a BankRow,
    type_label: &'static str,
    flag_labels: Vec<&'static str>,
}

#[get("/author/items?<params..>")]
pub async fn search_items(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    params: BankParams,
) -> AppResult<Page> {
    let query = params.check(true)?;
    let found = search::search_bank(&state.db, &query, &options(state)).await?;
    let list = ListView::new(
        &found,
        &ListQuery {
            page: Some(found.request),
            ..ListQuery::default()
        },
        &ListLinks::new("/author/items", &kept(&query)),
        &[],
        ("item", "items"),
    );
    let topics = search::topic_choices(&state.db).await?;
    let rows: Vec<RowView<'_>> = found
        .rows
        .iter()
        .map(|row| RowView {
            row,
            type_label: type_label(&row.qtype),
            flag_labels: row.flags.iter().map(|f| f.label()).collect(),
        })
        .collect();
    let filtered = query.text.is_some()
        || query.topic.is_some()
        || query.status.is_some()
        || query.flag.is_some();
    let title = if list.pages > 1 {
        format!("Question bank (page {} of {})", list.page, list.pages)
    } else {
        "Question bank".to_owned()
    };
    Ok(chrome.render(
        "author/items",
        &title,
        json!({
            "q": query.text.clone().unwrap_or_default(),
            "topics": topics.iter().map(|(slug, name)| json!({
                "slug": slug, "name": name, "selected": query.topic.as_deref() == Some(slug.as_str()),
            })).collect::<Vec<_>>(),
            "statuses": STATUSES.iter().map(|s| json!({
                "value": s, "selected": query.status.as_deref() == Some(*s),
            })).collect::<Vec<_>>(),
            "flags": BankFlag::ALL.iter().map(|f| json!({
                "value": f.key(), "label": f.label(), "selected": query.flag == Some(*f),
            })).collect::<Vec<_>>(),
            "filtered": filtered,
            "items": rows,
            "list": list,
        }),
    ))
}

/// Items found in the question bank.
#[derive(Debug, Serialize, ToSchema)]
pub struct BankPage {
    pub items: Vec<BankRow>,
    /// Items matching, on every page.
    pub total: u64,
    /// The page shown (1 when every match is shown).
    pub page: u64,
    pub pages: u64,
}

/// Searches the question bank by text, topic, status and flag (every match, or a page of 50).
#[utoipa::path(tag = "authoring", params(BankParams), responses((status = 200, body = BankPage)))]
#[get("/api/v1/author/items?<params..>")]
pub async fn api_search_items(
    _trainer: Trainer,
    state: &State<AppState>,
    params: BankParams,
) -> AppResult<Json<BankPage>> {
    let query = params.check(false)?;
    let found = search::search_bank(&state.db, &query, &options(state)).await?;
    Ok(Json(BankPage {
        page: found.request.number,
        pages: found.request.pages(found.total),
        total: found.total,
        items: found.rows,
    }))
}
