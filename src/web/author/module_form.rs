//! The module form as sent by the browser, and its conversion to a [`ModuleDraft`]. Pages and
//! sources are repeated fieldsets: the form always ends with one blank page and one blank
//! source to fill in, and a page or source left wholly blank is dropped, so the form needs no
//! JavaScript to add or remove one.

use rocket::form::FromForm;
use serde::Serialize;

use crate::authoring::modules::ModuleDraft;
use crate::content::{PageDef, Source};
use crate::web::csrf::CsrfField;

#[derive(Debug, Clone, Default, FromForm, Serialize)]
pub struct PageForm {
    #[field(default = String::new())]
    pub title: String,
    #[field(default = String::new())]
    pub body: String,
}

#[derive(Debug, Clone, Default, FromForm, Serialize)]
pub struct SourceForm {
    #[field(default = String::new())]
    pub title: String,
    #[field(default = String::new())]
    pub publisher: String,
    #[field(default = String::new())]
    pub url: String,
}

#[derive(Debug, Clone, Default, FromForm, Serialize)]
pub struct ModuleForm {
    #[field(default = String::new())]
    #[serde(skip)]
    pub csrf_token: String,
    /// Only for a new module: the permanent short name in its web address.
    #[field(default = String::new())]
    pub slug: String,
    #[field(default = String::new())]
    pub title: String,
    #[field(default = String::new())]
    pub summary: String,
    #[field(default = String::new())]
    pub minutes: String,
    #[field(default = Vec::new())]
    pub topics: Vec<String>,
    /// One learning outcome per line.
    #[field(default = String::new())]
    pub outcomes: String,
    #[field(default = String::new())]
    pub review_by: String,
    #[field(default = String::new())]
    pub pass_mark: String,
    #[field(default = Vec::new())]
    pub sources: Vec<SourceForm>,
    #[field(default = Vec::new())]
    pub pages: Vec<PageForm>,
    /// "preview" shows the pages without saving; anything else saves.
    #[field(default = String::new())]
    #[serde(skip)]
    pub action: String,
}

impl CsrfField for ModuleForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// A number field as typed; anything that is not a whole number fails the range check.
fn number(value: &str) -> i64 {
    value.trim().parse().unwrap_or(i64::MIN)
}

impl ModuleForm {
    pub fn is_preview(&self) -> bool {
        self.action == "preview"
    }

    pub fn from_draft(draft: &ModuleDraft) -> Self {
        Self {
            title: draft.title.clone(),
            summary: draft.summary.clone(),
            minutes: draft.minutes.to_string(),
            topics: draft.topics.clone(),
            outcomes: draft.outcomes.join("\n"),
            review_by: draft.review_by.map(|d| d.to_string()).unwrap_or_default(),
            pass_mark: draft.pass_mark.to_string(),
            sources: draft
                .sources
                .iter()
                .map(|s| SourceForm {
                    title: s.title.clone(),
                    publisher: s.publisher.clone(),
                    url: s.url.clone(),
                })
                .collect(),
            pages: draft
                .pages
                .iter()
                .map(|p| PageForm {
                    title: p.title.clone(),
                    body: p.body.clone(),
                })
                .collect(),
            ..<Self as Default>::default()
        }
    }

    /// The draft this form describes, with blank pages and sources dropped. A date that is
    /// not a real date becomes `None` and is reported as missing.
    pub fn to_draft(&self) -> ModuleDraft {
        ModuleDraft {
            title: self.title.trim().to_owned(),
            summary: self.summary.trim().to_owned(),
            minutes: number(&self.minutes),
            topics: self.topics.iter().map(|t| t.trim().to_owned()).collect(),
            outcomes: self
                .outcomes
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            sources: self
                .sources
                .iter()
                .filter(|s| {
                    !(s.title.trim().is_empty()
                        && s.publisher.trim().is_empty()
                        && s.url.trim().is_empty())
                })
                .map(|s| Source {
                    title: s.title.trim().to_owned(),
                    publisher: s.publisher.trim().to_owned(),
                    url: s.url.trim().to_owned(),
                })
                .collect(),
            review_by: chrono::NaiveDate::parse_from_str(self.review_by.trim(), "%Y-%m-%d").ok(),
            pass_mark: number(&self.pass_mark),
            pages: self
                .pages
                .iter()
                .filter(|p| !(p.title.trim().is_empty() && p.body.trim().is_empty()))
                .map(|p| PageDef {
                    title: p.title.trim().to_owned(),
                    body: p.body.replace("\r\n", "\n"),
                })
                .collect(),
        }
    }

    /// The form as shown again: blank rows dropped (so error numbers match what is listed)
    /// and one empty page and source added at the end.
    pub fn padded(&self) -> Self {
        let mut out = self.clone();
        out.pages
            .retain(|p| !(p.title.trim().is_empty() && p.body.trim().is_empty()));
        out.sources.retain(|s| {
            !(s.title.trim().is_empty() && s.publisher.trim().is_empty() && s.url.trim().is_empty())
        });
        out.pages.push(<PageForm as Default>::default());
        out.sources.push(<SourceForm as Default>::default());
        out
    }
}
