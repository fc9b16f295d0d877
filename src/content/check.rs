//! Checks between and within content files: references, ranges, enough items for the
//! blueprint, an explanation for every item, a target for every job role and topic, and
//! right answers spread over the option positions (`key_spread`).

use std::collections::{HashMap, HashSet};

use super::problem::Problem;
use super::tree::*;
use crate::questions::QuestionKind;

/// Lower-case letters, digits and inner hyphens, at most 64 characters.
pub fn is_slug(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !value.starts_with('-')
        && !value.ends_with('-')
}

pub(super) fn at(origin: &Origin, message: impl Into<String>) -> Problem {
    Problem::new(origin.file.clone(), origin.line, message)
}

/// Records a problem for each repeated key, at the repeat.
pub(super) fn unique<'a>(
    entries: impl Iterator<Item = (&'a str, &'a Origin)>,
    what: &str,
    problems: &mut Vec<Problem>,
) -> HashSet<&'a str> {
    let mut seen = HashMap::new();
    for (key, origin) in entries {
        if !is_slug(key) {
            problems.push(at(
                origin,
                format!("{what} `{key}` must be lower-case letters, digits and hyphens"),
            ));
        }
        if let Some(first) = seen.insert(key, origin) {
            problems.push(at(
                origin,
                format!(
                    "{what} `{key}` is already defined at {}:{}",
                    first.file, first.line
                ),
            ));
        }
    }
    seen.into_keys().collect()
}

fn check_names(tree: &ContentTree, problems: &mut Vec<Problem>) {
    for topic in &tree.topics {
        if topic.name.trim().is_empty() {
            problems.push(at(
                &topic.origin,
                format!("topic `{}` has an empty name", topic.slug),
            ));
        }
    }
    for group in &tree.staff_groups {
        if group.job_roles.is_empty() {
            problems.push(at(
                &group.origin,
                format!("staff group `{}` has no job roles", group.slug),
            ));
        }
        for role in &group.job_roles {
            if role.name.trim().is_empty() {
                problems.push(at(
                    &role.origin,
                    format!("job role `{}` has an empty name", role.slug),
                ));
            }
        }
    }
}

fn check_targets(
    tree: &ContentTree,
    topics: &HashSet<&str>,
    roles: &HashSet<&str>,
    problems: &mut Vec<Problem>,
) {
    let mut seen = HashMap::new();
    for target in &tree.targets {
        if !roles.contains(target.job_role.as_str()) {
            problems.push(at(
                &target.origin,
                format!("unknown job role `{}` (not in roles.toml)", target.job_role),
            ));
        }
        if !topics.contains(target.topic.as_str()) {
            problems.push(at(
                &target.origin,
                format!("unknown topic `{}` (not in topics.toml)", target.topic),
            ));
        }
        if !(0..=100).contains(&target.required) {
            problems.push(at(
                &target.origin,
                format!("required must be 0-100 (got {})", target.required),
            ));
        }
        if !(1..=7).contains(&target.importance) {
            problems.push(at(
                &target.origin,
                format!("importance must be 1-7 (got {})", target.importance),
            ));
        }
        let key = (target.job_role.as_str(), target.topic.as_str());
        if let Some(first) = seen.insert(key, &target.origin) {
            problems.push(at(
                &target.origin,
                format!(
                    "target for `{}` x `{}` is already given at line {}",
                    key.0, key.1, first.line
                ),
            ));
        }
    }
    for role in tree.job_roles() {
        for topic in &tree.topics {
            if !seen.contains_key(&(role.slug.as_str(), topic.slug.as_str())) {
                problems.push(at(
                    &role.origin,
                    format!(
                        "job role `{}` has no target for topic `{}` in targets.toml",
                        role.slug, topic.slug
                    ),
                ));
            }
        }
    }
}

fn check_modules(tree: &ContentTree, topics: &HashSet<&str>, problems: &mut Vec<Problem>) {
    for module in &tree.modules {
        let origin = &module.origin;
        if !is_slug(&module.slug) {
            problems.push(at(
                origin,
                format!(
                    "module folder `{}` must be lower-case letters, digits and hyphens",
                    module.slug
                ),
            ));
        }
        if module.title.trim().is_empty() || module.summary.trim().is_empty() {
            problems.push(at(origin, "title and summary must not be empty"));
        }
        if !(1..=30).contains(&module.minutes) {
            problems.push(at(
                origin,
                format!("minutes must be 1-30 (got {})", module.minutes),
            ));
        }
        if !(0..=100).contains(&module.pass_mark) {
            problems.push(at(
                origin,
                format!("pass_mark must be 0-100 (got {})", module.pass_mark),
            ));
        }
        if module.topics.is_empty() {
            problems.push(at(origin, "a module needs at least one topic"));
        }
        for topic in &module.topics {
            if !topics.contains(topic.as_str()) {
                problems.push(at(
                    origin,
                    format!("unknown topic `{topic}` (not in topics.toml)"),
                ));
            }
        }
        if module.outcomes.is_empty() {
            problems.push(at(origin, "a module needs at least one learning outcome"));
        }
        if module.sources.is_empty() {
            problems.push(at(origin, "a module must cite at least one source"));
        }
        for source in &module.sources {
            if !(source.url.starts_with("https://") || source.url.starts_with("http://")) {
                problems.push(at(
                    origin,
                    format!(
                        "source `{}` needs a web address starting https://",
                        source.title
                    ),
                ));
            }
        }
        for (n, page) in module.pages.iter().enumerate() {
            for unknown in super::local_details::unknown_markers(&page.body) {
                problems.push(at(
                    origin,
                    format!(
                        "page {} (\"{}\"), line {} of its text: {}",
                        n + 1,
                        page.title,
                        unknown.line,
                        unknown.message()
                    ),
                ));
            }
        }
        let quiz = quiz_tag(&module.slug);
        if !tree.items.iter().any(|item| item.has_tag(&quiz)) {
            problems.push(at(
                origin,
                format!(
                    "module `{}` has no quiz items (tag items with [tag:{quiz}])",
                    module.slug
                ),
            ));
        }
    }
}

/// The words every true/false stem asks, so that no statement is read as a fact.
pub const TRUE_FALSE_ASK: &str = "True or false?";

fn check_items(tree: &ContentTree, topics: &HashSet<&str>, problems: &mut Vec<Problem>) {
    let modules: HashSet<String> = tree.modules.iter().map(|m| quiz_tag(&m.slug)).collect();
    let mut ids = HashMap::new();
    for item in &tree.items {
        let origin = &item.origin;
        match item.uid() {
            None => problems.push(at(
                origin,
                "question has no stable id: add `// [id:...]` before it",
            )),
            Some(uid) => {
                if let Some(first) = ids.insert(uid, origin) {
                    problems.push(at(
                        origin,
                        format!(
                            "id `{uid}` is already used at {}:{}",
                            first.file, first.line
                        ),
                    ));
                }
            }
        }
        match item.topic() {
            None => problems.push(at(
                origin,
                "question has no topic: add a `$CATEGORY: <topic>` line above it",
            )),
            Some(topic) if !topics.contains(topic) => {
                problems.push(at(
                    origin,
                    format!("unknown topic `{topic}` in $CATEGORY (not in topics.toml)"),
                ));
            }
            Some(_) => {}
        }
        if item.question.general_feedback.trim().is_empty() {
            problems.push(at(
                origin,
                "question has no explanation: add general feedback after `####`",
            ));
        }
        if !item.question.is_gradable() {
            problems.push(at(
                origin,
                "essay and description questions cannot be used in an assessment",
            ));
        }
        // A bare statement reads as a fact to be learnt, so a learner who skims the stem can
        // take a false statement away as true (content review, issue 20).
        if matches!(item.question.kind, QuestionKind::TrueFalse { .. })
            && !item.question.text.contains(TRUE_FALSE_ASK)
        {
            problems.push(at(
                origin,
                format!("a true/false question must ask \"{TRUE_FALSE_ASK}\" in its stem"),
            ));
        }
        for tag in &item.question.tags {
            if tag.starts_with("quiz-") && !modules.contains(tag) {
                problems.push(at(origin, format!("tag `{tag}` names no module folder")));
            }
        }
    }
}

fn check_blueprint(tree: &ContentTree, problems: &mut Vec<Problem>) {
    let blueprint = &tree.blueprint;
    if !(1..=20).contains(&blueprint.items_per_topic) {
        problems.push(at(
            &blueprint.origin,
            format!(
                "items_per_topic must be 1-20 (got {})",
                blueprint.items_per_topic
            ),
        ));
        return;
    }
    for topic in &tree.topics {
        let available = tree
            .items
            .iter()
            .filter(|item| item.topic() == Some(topic.slug.as_str()) && item.has_tag(BASELINE_TAG))
            .count();
        if (available as i64) < blueprint.items_per_topic {
            problems.push(at(
                &topic.origin,
                format!(
                    "topic `{}` has {available} baseline items; the blueprint needs {}",
                    topic.slug, blueprint.items_per_topic
                ),
            ));
        }
    }
}

/// Every problem between and within the files of a tree that was read.
pub fn check_tree(tree: &ContentTree) -> Vec<Problem> {
    let mut problems = Vec::new();
    let topics = unique(
        tree.topics.iter().map(|t| (t.slug.as_str(), &t.origin)),
        "topic",
        &mut problems,
    );
    unique(
        tree.staff_groups
            .iter()
            .map(|g| (g.slug.as_str(), &g.origin)),
        "staff group",
        &mut problems,
    );
    let roles = unique(
        tree.job_roles().map(|r| (r.slug.as_str(), &r.origin)),
        "job role",
        &mut problems,
    );
    if tree.topics.is_empty() {
        problems.push(Problem::new("topics.toml", 1, "no topics defined"));
    }
    check_names(tree, &mut problems);
    check_targets(tree, &topics, &roles, &mut problems);
    check_modules(tree, &topics, &mut problems);
    check_items(tree, &topics, &mut problems);
    check_blueprint(tree, &mut problems);
    super::frameworks::check_frameworks(tree, &topics, &mut problems);
    super::key_spread::check_key_spread(&tree.items, &mut problems);
    problems
}
