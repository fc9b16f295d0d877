//! Reading `content/` from disk into a [`ContentTree`], collecting every problem with its line.

use std::fs;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;

use super::problem::{Problem, line_of};
use super::tree::*;
use crate::questions;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    topic: Vec<Spanned<TopicEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicEntry {
    slug: String,
    name: String,
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesFile {
    staff_group: Vec<Spanned<StaffGroupEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StaffGroupEntry {
    slug: String,
    name: String,
    job_role: Vec<Spanned<JobRoleEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JobRoleEntry {
    slug: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsFile {
    target: Vec<Spanned<TargetEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetEntry {
    job_role: String,
    topic: String,
    required: i64,
    importance: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlueprintFile {
    items_per_topic: Spanned<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModuleFront {
    title: String,
    summary: String,
    minutes: i64,
    topics: Vec<String>,
    outcomes: Vec<String>,
    review_by: toml::value::Datetime,
    pass_mark: i64,
    #[serde(default)]
    sources: Vec<Source>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageFront {
    title: String,
}

/// Reads a file as UTF-8 text, or records why it could not be read.
pub(super) fn read_text(dir: &Path, name: &str, problems: &mut Vec<Problem>) -> Option<String> {
    match fs::read(dir.join(name)) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                problems.push(Problem::new(name, 1, "file is not UTF-8 text"));
                None
            }
        },
        Err(error) => {
            problems.push(Problem::new(name, 1, format!("cannot read: {error}")));
            None
        }
    }
}

/// Parses TOML text whose first line is line `first_line` of `file`.
pub(super) fn parse_toml<T: DeserializeOwned>(
    text: &str,
    file: &str,
    first_line: usize,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    match toml::from_str::<T>(text) {
        Ok(value) => Some(value),
        Err(error) => {
            let line = error.span().map_or(1, |span| line_of(text, span.start));
            let message = error.message().trim().to_owned();
            problems.push(Problem::new(file, first_line + line - 1, message));
            None
        }
    }
}

pub(super) fn origin<T>(file: &str, text: &str, spanned: &Spanned<T>) -> Origin {
    Origin {
        file: file.to_owned(),
        line: line_of(text, spanned.span().start),
    }
}

fn read_topics(dir: &Path, problems: &mut Vec<Problem>) -> Vec<TopicDef> {
    let file = "topics.toml";
    let Some(text) = read_text(dir, file, problems) else {
        return Vec::new();
    };
    let Some(parsed) = parse_toml::<TopicsFile>(&text, file, 1, problems) else {
        return Vec::new();
    };
    parsed
        .topic
        .iter()
        .map(|entry| {
            let value = entry.get_ref();
            TopicDef {
                slug: value.slug.clone(),
                name: value.name.clone(),
                description: value.description.clone(),
                origin: origin(file, &text, entry),
            }
        })
        .collect()
}

fn read_roles(dir: &Path, problems: &mut Vec<Problem>) -> Vec<StaffGroupDef> {
    let file = "roles.toml";
    let Some(text) = read_text(dir, file, problems) else {
        return Vec::new();
    };
    let Some(parsed) = parse_toml::<RolesFile>(&text, file, 1, problems) else {
        return Vec::new();
    };
    parsed
        .staff_group
        .iter()
        .map(|group| {
            let value = group.get_ref();
            StaffGroupDef {
                slug: value.slug.clone(),
                name: value.name.clone(),
                job_roles: value
                    .job_role
                    .iter()
                    .map(|role| JobRoleDef {
                        slug: role.get_ref().slug.clone(),
                        name: role.get_ref().name.clone(),
                        origin: origin(file, &text, role),
                    })
                    .collect(),
                origin: origin(file, &text, group),
            }
        })
        .collect()
}

fn read_targets(dir: &Path, problems: &mut Vec<Problem>) -> Vec<TargetDef> {
    let file = "targets.toml";
    let Some(text) = read_text(dir, file, problems) else {
        return Vec::new();
    };
    let Some(parsed) = parse_toml::<TargetsFile>(&text, file, 1, problems) else {
        return Vec::new();
    };
    parsed
        .target
        .iter()
        .map(|entry| {
            let value = entry.get_ref();
            TargetDef {
                job_role: value.job_role.clone(),
                topic: value.topic.clone(),
                required: value.required,
                importance: value.importance,
                origin: origin(file, &text, entry),
            }
        })
        .collect()
}

fn read_blueprint(dir: &Path, problems: &mut Vec<Problem>) -> BlueprintDef {
    let file = "blueprint.toml";
    let fallback = BlueprintDef {
        items_per_topic: 3,
        origin: Origin {
            file: file.into(),
            line: 1,
        },
    };
    let Some(text) = read_text(dir, file, problems) else {
        return fallback;
    };
    match parse_toml::<BlueprintFile>(&text, file, 1, problems) {
        Some(parsed) => BlueprintDef {
            items_per_topic: *parsed.items_per_topic.get_ref(),
            origin: origin(file, &text, &parsed.items_per_topic),
        },
        None => fallback,
    }
}

/// Splits `+++`-delimited TOML front matter from a Markdown body: (front, body, body's line).
fn split_front_matter(text: &str) -> Option<(&str, &str, usize)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))?;
    let end = rest.find("\n+++")?;
    let front = &rest[..=end];
    let after = &rest[end + 4..];
    let body = after
        .strip_prefix("\r\n")
        .or_else(|| after.strip_prefix('\n'))
        .unwrap_or(after);
    let body_line = line_of(text, text.len() - body.len());
    Some((front, body, body_line))
}

fn to_date(value: &toml::value::Datetime) -> Option<NaiveDate> {
    let date = value.date?;
    if value.time.is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(
        i32::from(date.year),
        u32::from(date.month),
        u32::from(date.day),
    )
}

fn read_page<T: DeserializeOwned>(
    dir: &Path,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Option<(T, String)> {
    let text = read_text(dir, file, problems)?;
    let Some((front, body, _)) = split_front_matter(&text) else {
        problems.push(Problem::new(
            file,
            1,
            "missing front matter: the file must start with a `+++` line, then TOML, then `+++`",
        ));
        return None;
    };
    let front = parse_toml::<T>(front, file, 2, problems)?;
    Some((front, body.to_owned()))
}

fn read_module(dir: &Path, slug: &str, problems: &mut Vec<Problem>) -> Option<ModuleDef> {
    let folder = format!("modules/{slug}");
    let index = format!("{folder}/index.md");
    let (front, body) = read_page::<ModuleFront>(dir, &index, problems)?;
    let Some(review_by) = to_date(&front.review_by) else {
        problems.push(Problem::new(
            &index,
            2,
            "review_by must be a date such as 2027-11-01",
        ));
        return None;
    };
    let mut pages = vec![PageDef {
        title: front.title.clone(),
        body,
    }];
    let mut names: Vec<String> = match fs::read_dir(dir.join(&folder)) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| name.ends_with(".md") && name != "index.md")
            .collect(),
        Err(error) => {
            problems.push(Problem::new(
                &folder,
                1,
                format!("cannot read folder: {error}"),
            ));
            Vec::new()
        }
    };
    names.sort();
    for name in names {
        let file = format!("{folder}/{name}");
        if let Some((page, body)) = read_page::<PageFront>(dir, &file, problems) {
            pages.push(PageDef {
                title: page.title,
                body,
            });
        }
    }
    Some(ModuleDef {
        slug: slug.to_owned(),
        title: front.title,
        summary: front.summary,
        minutes: front.minutes,
        topics: front.topics,
        outcomes: front.outcomes,
        sources: front.sources,
        review_by,
        pass_mark: front.pass_mark,
        pages,
        origin: Origin {
            file: index,
            line: 1,
        },
    })
}

/// Sorted names of the entries of `dir/sub` that pass `keep`.
fn list(
    dir: &Path,
    sub: &str,
    keep: impl Fn(&fs::DirEntry) -> bool,
    problems: &mut Vec<Problem>,
) -> Vec<String> {
    match fs::read_dir(dir.join(sub)) {
        Ok(entries) => {
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .filter(|e| keep(e))
                .filter_map(|e| e.file_name().into_string().ok())
                .collect();
            names.sort();
            names
        }
        Err(error) => {
            problems.push(Problem::new(sub, 1, format!("cannot read folder: {error}")));
            Vec::new()
        }
    }
}

fn read_items(dir: &Path, problems: &mut Vec<Problem>) -> Vec<ItemDef> {
    let names = list(
        dir,
        "questions",
        |e| e.file_name().to_string_lossy().ends_with(".gift"),
        problems,
    );
    let mut items = Vec::new();
    for name in names {
        let file = format!("questions/{name}");
        let Some(text) = read_text(dir, &file, problems) else {
            continue;
        };
        match questions::parse_gift(&text, &file) {
            Ok(parsed) => items.extend(parsed.into_iter().map(|question| ItemDef {
                origin: Origin {
                    file: file.clone(),
                    line: question.line,
                },
                question,
            })),
            Err(errors) => problems.extend(
                errors
                    .into_iter()
                    .map(|e| Problem::new(file.clone(), e.line, e.message)),
            ),
        }
    }
    items
}

/// Reads every content file under `dir`. Returns what could be read and every problem met.
pub fn read_tree(dir: &Path) -> (ContentTree, Vec<Problem>) {
    let mut problems = Vec::new();
    let module_slugs = list(dir, "modules", |e| e.path().is_dir(), &mut problems);
    let tree = ContentTree {
        topics: read_topics(dir, &mut problems),
        staff_groups: read_roles(dir, &mut problems),
        targets: read_targets(dir, &mut problems),
        modules: module_slugs
            .iter()
            .filter_map(|slug| read_module(dir, slug, &mut problems))
            .collect(),
        items: read_items(dir, &mut problems),
        blueprint: read_blueprint(dir, &mut problems),
        frameworks: super::frameworks::read_frameworks(dir, &mut problems),
    };
    (tree, problems)
}
