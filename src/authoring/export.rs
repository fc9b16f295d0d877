//! Exporting the bank (or one topic) as GIFT or Moodle XML, such that importing the export
//! loses nothing: ids, tags, feedback and explanations are kept, and the category is the
//! topic's slug.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

use crate::assessment::bank::decode_question;
use crate::content::{PUBLISHED, RETIRED};
use crate::entities::{item, item_tag, item_version, topic};
use crate::error::{AppError, AppResult};
use crate::questions::{Question, write_gift, write_moodle_xml};

/// The file formats a bank can be exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    Gift,
    MoodleXml,
}

impl ExportFormat {
    pub fn parse(value: &str) -> AppResult<Self> {
        match value {
            "gift" => Ok(Self::Gift),
            "moodle-xml" | "xml" => Ok(Self::MoodleXml),
            other => Err(AppError::BadRequest(format!(
                "`{other}` is not an export format: use gift or moodle-xml."
            ))),
        }
    }

    pub fn file_extension(self) -> &'static str {
        match self {
            Self::Gift => "gift",
            Self::MoodleXml => "xml",
        }
    }
}

/// Which items an export takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    /// Drafts and published items: the whole working bank.
    NotRetired,
    /// Only what learners may be given, for `content/` files (loading those publishes).
    Published,
}

/// Current versions of the chosen items, topic by topic (in curriculum order) and by id,
/// each with its id, tags and topic slug as category.
async fn questions(
    db: &impl ConnectionTrait,
    topic_slug: Option<&str>,
    which: Which,
) -> AppResult<Vec<Question>> {
    let mut topics = topic::Entity::find().order_by_asc(topic::Column::Position);
    if let Some(slug) = topic_slug {
        super::items::find_topic(db, slug).await?;
        topics = topics.filter(topic::Column::Slug.eq(slug));
    }
    let topics = topics.all(db).await?;
    let mut items = item::Entity::find()
        .filter(item::Column::TopicId.is_in(topics.iter().map(|t| t.id)))
        .order_by_asc(item::Column::Uid);
    items = match which {
        Which::NotRetired => items.filter(item::Column::Status.ne(RETIRED)),
        Which::Published => items.filter(item::Column::Status.eq(PUBLISHED)),
    };
    let items = items.all(db).await?;
    let version_ids: Vec<i64> = items.iter().filter_map(|i| i.current_version_id).collect();
    let versions: HashMap<i64, item_version::Model> = item_version::Entity::find()
        .filter(item_version::Column::Id.is_in(version_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for tag in item_tag::Entity::find()
        .filter(item_tag::Column::ItemId.is_in(items.iter().map(|i| i.id)))
        .all(db)
        .await?
    {
        tags.entry(tag.item_id).or_default().push(tag.tag);
    }
    let mut out = Vec::with_capacity(items.len());
    for topic in &topics {
        for row in items.iter().filter(|i| i.topic_id == topic.id) {
            let Some(version) = row.current_version_id.and_then(|id| versions.get(&id)) else {
                continue;
            };
            let mut question = decode_question(version)?;
            question.id = Some(row.uid.clone());
            question.category = Some(topic.slug.clone());
            question.tags = item_tags(&question.tags, tags.remove(&row.id).unwrap_or_default());
            out.push(question);
        }
    }
    Ok(out)
}

/// The item's tags, in the order the question was written with when they are still the same
/// set (tags live on the item, so a re-tag makes no new version), else alphabetically.
fn item_tags(written: &[String], mut current: Vec<String>) -> Vec<String> {
    let same = written.iter().collect::<HashSet<_>>() == current.iter().collect::<HashSet<_>>()
        && written.len() == current.len();
    if same {
        written.to_vec()
    } else {
        current.sort();
        current
    }
}

/// The bank, or one topic, as a GIFT or Moodle XML file (drafts included, retired items not).
pub async fn export_bank(
    db: &impl ConnectionTrait,
    format: ExportFormat,
    topic_slug: Option<&str>,
) -> AppResult<String> {
    let questions = questions(db, topic_slug, Which::NotRetired).await?;
    Ok(match format {
        ExportFormat::Gift => write_gift(&questions),
        ExportFormat::MoodleXml => write_moodle_xml(&questions),
    })
}

/// A topic's published items as `content/questions/<topic>.gift`, which `content check`
/// accepts and the content loader loads back to the same items.
pub async fn topic_content_file(db: &impl ConnectionTrait, topic_slug: &str) -> AppResult<String> {
    let questions = questions(db, Some(topic_slug), Which::Published).await?;
    Ok(write_gift(&questions))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn tags_keep_their_written_order_until_they_change() {
        assert_eq!(
            item_tags(&tags(&["z", "a"]), tags(&["a", "z"])),
            tags(&["z", "a"])
        );
        assert_eq!(
            item_tags(&tags(&["z", "a"]), tags(&["b", "a"])),
            tags(&["a", "b"])
        );
    }

    #[test]
    fn formats_parse() {
        assert_eq!(ExportFormat::parse("gift").ok(), Some(ExportFormat::Gift));
        assert_eq!(
            ExportFormat::parse("moodle-xml").ok(),
            Some(ExportFormat::MoodleXml)
        );
        assert!(ExportFormat::parse("csv").is_err());
    }
}
