//! The module form's rules, one field at a time.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;

use super::modules::{ModuleDraft, module_problems};
use crate::content::{PageDef, Source};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn good() -> ModuleDraft {
    ModuleDraft {
        title: "Sickle cell carriers".into(),
        summary: "What being a carrier means.".into(),
        minutes: 6,
        topics: vec!["inheritance".into()],
        outcomes: vec!["Explain what a carrier is".into()],
        sources: vec![Source {
            title: "Screening".into(),
            publisher: "NHS England".into(),
            url: "https://www.england.nhs.uk/".into(),
        }],
        review_by: NaiveDate::from_ymd_opt(2027, 11, 24),
        pass_mark: 70,
        pages: vec![PageDef {
            title: "Carriers".into(),
            body: "A carrier has one changed copy.".into(),
        }],
    }
}

fn fields(draft: &ModuleDraft) -> Vec<String> {
    module_problems(draft, &["inheritance".to_owned()], today())
        .into_iter()
        .map(|p| p.field)
        .collect()
}

#[test]
fn a_complete_draft_has_no_problems() {
    assert!(fields(&good()).is_empty());
}

/// Breaks one field of a good draft.
type Breaker = Box<dyn Fn(&mut ModuleDraft)>;

#[test]
fn each_broken_field_is_named() {
    let cases: Vec<(&str, Breaker)> = vec![
        ("title", Box::new(|d| d.title = " ".into())),
        ("title", Box::new(|d| d.title = "x".repeat(151))),
        ("summary", Box::new(|d| d.summary.clear())),
        ("minutes", Box::new(|d| d.minutes = 0)),
        ("minutes", Box::new(|d| d.minutes = 31)),
        ("pass_mark", Box::new(|d| d.pass_mark = 101)),
        ("topics", Box::new(|d| d.topics.clear())),
        ("topics", Box::new(|d| d.topics = vec!["nope".into()])),
        ("outcomes", Box::new(|d| d.outcomes.clear())),
        ("review_by", Box::new(|d| d.review_by = None)),
        ("review_by", Box::new(|d| d.review_by = Some(today()))),
        (
            "review_by",
            Box::new(|d| d.review_by = NaiveDate::from_ymd_opt(2040, 1, 1)),
        ),
        ("sources-0-title", Box::new(|d| d.sources.clear())),
        (
            "sources-0-url",
            Box::new(|d| d.sources[0].url = "http://example.org".into()),
        ),
        (
            "sources-0-url",
            Box::new(|d| d.sources[0].url = "https://a b.org/x".into()),
        ),
        (
            "sources-0-publisher",
            Box::new(|d| d.sources[0].publisher.clear()),
        ),
        ("pages-0-title", Box::new(|d| d.pages.clear())),
        ("pages-0-body", Box::new(|d| d.pages[0].body = "  ".into())),
    ];
    for (field, break_it) in cases {
        let mut draft = good();
        break_it(&mut draft);
        assert_eq!(fields(&draft), vec![field.to_owned()], "breaking {field}");
    }
}

#[test]
fn the_boundaries_are_allowed() {
    let mut draft = good();
    draft.minutes = 30;
    draft.pass_mark = 0;
    draft.title = "x".repeat(150);
    draft.review_by = today().succ_opt();
    assert!(fields(&draft).is_empty());
}
