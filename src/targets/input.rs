//! Checking a role's targets as a page or a body sends them: every topic's required level (a
//! whole number 0–100) and importance (a whole number 1–7), each problem named for the error
//! summary.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::entities::{role_target, topic};

/// One topic's values as typed (a form sends text; the JSON twin's numbers are turned into
/// text so both are checked by the same rules).
#[derive(Debug, Clone, Default, Deserialize, Serialize, rocket::FromForm, utoipa::ToSchema)]
pub struct RawTarget {
    #[field(default = String::new())]
    #[serde(default)]
    pub required_level: String,
    #[field(default = String::new())]
    #[serde(default)]
    pub importance: String,
}

/// Problems as (field id, message), in page order. Field ids are `required-<topic>` and
/// `importance-<topic>`, as the page names its inputs.
pub type TargetProblems = Vec<(String, String)>;

fn whole(text: &str, range: std::ops::RangeInclusive<i32>) -> Option<i32> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|v| range.contains(v))
}

/// The (topic, required level, importance) the entries ask for. A topic left out, or with
/// both boxes empty while it has no target, is left as it is; an unknown topic is refused.
pub(super) fn parse<'a>(
    topics: &'a [topic::Model],
    stored: &HashMap<i64, role_target::Model>,
    entries: &HashMap<String, RawTarget>,
) -> Result<Vec<(&'a topic::Model, i32, i32)>, TargetProblems> {
    let mut problems = TargetProblems::new();
    let mut unknown: Vec<&String> = entries
        .keys()
        .filter(|slug| !topics.iter().any(|t| &t.slug == *slug))
        .collect();
    unknown.sort();
    for slug in unknown {
        problems.push((
            format!("required-{slug}"),
            format!("There is no current topic \"{slug}\""),
        ));
    }
    let mut wanted = Vec::new();
    for t in topics {
        let Some(raw) = entries.get(&t.slug) else {
            continue;
        };
        let both_empty = raw.required_level.trim().is_empty() && raw.importance.trim().is_empty();
        if both_empty && !stored.contains_key(&t.id) {
            continue;
        }
        let required = whole(&raw.required_level, 0..=100);
        let importance = whole(&raw.importance, 1..=7);
        if required.is_none() {
            problems.push((
                format!("required-{}", t.slug),
                format!(
                    "Required level for {} must be a whole number from 0 to 100",
                    t.name
                ),
            ));
        }
        if importance.is_none() {
            problems.push((
                format!("importance-{}", t.slug),
                format!(
                    "Importance for {} must be a whole number from 1 to 7",
                    t.name
                ),
            ));
        }
        if let (Some(required), Some(importance)) = (required, importance) {
            wanted.push((t, required, importance));
        }
    }
    if problems.is_empty() {
        Ok(wanted)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(id: i64, slug: &str) -> topic::Model {
        topic::Model {
            id,
            slug: slug.into(),
            name: slug.to_uppercase(),
            description: String::new(),
            position: 0,
            retired_at: None,
            edited_at: None,
        }
    }

    fn raw(required: &str, importance: &str) -> RawTarget {
        RawTarget {
            required_level: required.into(),
            importance: importance.into(),
        }
    }

    #[test]
    fn values_out_of_range_or_not_whole_are_each_named() {
        let topics = [topic(1, "basics"), topic(2, "consent")];
        let entries = HashMap::from([
            ("basics".to_owned(), raw("101", "7")),
            ("consent".to_owned(), raw("60.5", "0")),
        ]);
        let problems = parse(&topics, &HashMap::new(), &entries).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            ["required-basics", "required-consent", "importance-consent"]
        );
    }

    #[test]
    fn good_values_are_taken_and_empty_new_topics_left_alone() {
        let topics = [topic(1, "basics"), topic(2, "consent")];
        let entries = HashMap::from([
            ("basics".to_owned(), raw(" 0 ", "1")),
            ("consent".to_owned(), raw("", "")),
        ]);
        let wanted = parse(&topics, &HashMap::new(), &entries).unwrap();
        assert_eq!(wanted.len(), 1);
        assert_eq!((wanted[0].0.id, wanted[0].1, wanted[0].2), (1, 0, 1));
    }

    #[test]
    fn an_unknown_topic_is_refused() {
        let entries = HashMap::from([("nope".to_owned(), raw("50", "3"))]);
        assert!(parse(&[topic(1, "basics")], &HashMap::new(), &entries).is_err());
    }
}
