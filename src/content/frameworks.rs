//! `frameworks.toml`: the published competency frameworks managers report against, with each
//! competency's published number and name and the topics and modules that address it.
//!
//! The file is optional (an organisation may report against none), but when present it is held
//! to the same standard as the rest of the content: every reference must resolve, and every
//! competency must either be mapped or say why it is not, so a gap in the curriculum is a
//! written decision rather than an oversight.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{Datelike, Utc};
use serde::Deserialize;
use toml::Spanned;

use super::check::{at, unique};
use super::files::{origin, parse_toml, read_text};
use super::problem::Problem;
use super::tree::*;

const FILE: &str = "frameworks.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworksFile {
    framework: Vec<Spanned<FrameworkEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkEntry {
    slug: String,
    name: String,
    publisher: String,
    year: i64,
    url: String,
    competency: Vec<Spanned<CompetencyEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompetencyEntry {
    number: String,
    name: String,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    modules: Vec<String>,
    not_covered: Option<String>,
}

pub(super) fn read_frameworks(dir: &Path, problems: &mut Vec<Problem>) -> Vec<FrameworkDef> {
    if !dir.join(FILE).exists() {
        return Vec::new();
    }
    let Some(text) = read_text(dir, FILE, problems) else {
        return Vec::new();
    };
    let Some(parsed) = parse_toml::<FrameworksFile>(&text, FILE, 1, problems) else {
        return Vec::new();
    };
    parsed
        .framework
        .iter()
        .map(|entry| {
            let value = entry.get_ref();
            FrameworkDef {
                slug: value.slug.clone(),
                name: value.name.clone(),
                publisher: value.publisher.clone(),
                year: value.year,
                url: value.url.clone(),
                competencies: value
                    .competency
                    .iter()
                    .map(|c| {
                        let v = c.get_ref();
                        CompetencyDef {
                            number: v.number.clone(),
                            name: v.name.clone(),
                            topics: v.topics.clone(),
                            modules: v.modules.clone(),
                            not_covered: v.not_covered.clone(),
                            origin: origin(FILE, &text, c),
                        }
                    })
                    .collect(),
                origin: origin(FILE, &text, entry),
            }
        })
        .collect()
}

fn check_framework(framework: &FrameworkDef, problems: &mut Vec<Problem>) {
    let origin = &framework.origin;
    let slug = &framework.slug;
    for (field, value) in [
        ("name", &framework.name),
        ("publisher", &framework.publisher),
    ] {
        if value.trim().is_empty() {
            problems.push(at(
                origin,
                format!("framework `{slug}` has an empty {field}"),
            ));
        }
    }
    let url = framework.url.trim();
    if !url.starts_with("https://") || url.len() <= "https://".len() || url.contains(' ') {
        problems.push(at(
            origin,
            format!("framework `{slug}` needs the https:// address of its published source"),
        ));
    }
    let this_year = i64::from(Utc::now().year());
    if !(1990..=this_year).contains(&framework.year) {
        problems.push(at(
            origin,
            format!(
                "framework `{slug}`: year must be 1990-{this_year} (got {})",
                framework.year
            ),
        ));
    }
    if framework.competencies.is_empty() {
        problems.push(at(
            origin,
            format!("framework `{slug}` lists no competencies"),
        ));
    }
}

/// Records each name in `names` that is repeated or not in `known`.
fn check_references(
    competency: &CompetencyDef,
    names: &[String],
    known: &HashSet<&str>,
    what: &str,
    problems: &mut Vec<Problem>,
) {
    let mut seen = HashSet::new();
    for name in names {
        if !known.contains(name.as_str()) {
            problems.push(at(
                &competency.origin,
                format!("competency {}: unknown {what} `{name}`", competency.number),
            ));
        }
        if !seen.insert(name) {
            problems.push(at(
                &competency.origin,
                format!(
                    "competency {}: {what} `{name}` is listed twice",
                    competency.number
                ),
            ));
        }
    }
}

fn check_competency(
    competency: &CompetencyDef,
    topics: &HashSet<&str>,
    modules: &HashSet<&str>,
    problems: &mut Vec<Problem>,
) {
    let origin = &competency.origin;
    let number = &competency.number;
    if number.trim().is_empty() || number.chars().any(char::is_whitespace) {
        problems.push(at(
            origin,
            "competency needs its published number, without spaces",
        ));
    }
    if competency.name.trim().is_empty() {
        problems.push(at(origin, format!("competency {number} has an empty name")));
    }
    check_references(competency, &competency.topics, topics, "topic", problems);
    check_references(competency, &competency.modules, modules, "module", problems);
    let mapped = !competency.topics.is_empty() || !competency.modules.is_empty();
    match competency.not_covered.as_deref().map(str::trim) {
        None if !mapped => problems.push(at(
            origin,
            format!(
                "competency {number} maps to no topic or module: map it, or say why in `not_covered`"
            ),
        )),
        Some("") => problems.push(at(
            origin,
            format!("competency {number}: `not_covered` must say why"),
        )),
        Some(_) if mapped => problems.push(at(
            origin,
            format!("competency {number} is mapped, so it cannot also be `not_covered`"),
        )),
        _ => {}
    }
}

pub(super) fn check_frameworks(
    tree: &ContentTree,
    topics: &HashSet<&str>,
    problems: &mut Vec<Problem>,
) {
    unique(
        tree.frameworks.iter().map(|f| (f.slug.as_str(), &f.origin)),
        "framework",
        problems,
    );
    let modules: HashSet<&str> = tree.modules.iter().map(|m| m.slug.as_str()).collect();
    for framework in &tree.frameworks {
        check_framework(framework, problems);
        let mut numbers = HashMap::new();
        for competency in &framework.competencies {
            check_competency(competency, topics, &modules, problems);
            if let Some(first) = numbers.insert(competency.number.as_str(), &competency.origin) {
                problems.push(at(
                    &competency.origin,
                    format!(
                        "competency {} of `{}` is already listed at line {}",
                        competency.number, framework.slug, first.line
                    ),
                ));
            }
        }
    }
}
