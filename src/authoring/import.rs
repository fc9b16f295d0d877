//! Importing GIFT or Moodle XML into the bank: a preview with one located error per broken
//! question, then all or nothing in one transaction.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait,
};
use serde::Serialize;

use super::check::{check_uid, question_problems};
use super::items::{
    self, DRAFT, EditOutcome, ORIGIN_IMPORT, current_version, for_item, generated_uid, insert_item,
    save_question,
};
use crate::content::{PUBLISHED, RETIRED, version_hash};
use crate::entities::{item, item_tag, topic};
use crate::error::{AppError, AppResult};
use crate::questions::{
    FileFormat, MAX_SOURCE_BYTES, ParseError, Question, detect_format, read_gift,
    read_moodle_xml_bank,
};

/// What importing a question would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RowStatus {
    /// No item has this id: a new item.
    New,
    /// The item exists with other wording or tags: a new version (or new tags).
    Changed,
    /// The item already says exactly this.
    Unchanged,
}

/// One question of the file as it would be imported.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PreviewRow {
    pub name: String,
    #[serde(rename = "type")]
    pub qtype: String,
    pub id: String,
    pub topic: String,
    pub status: RowStatus,
    pub line: usize,
}

/// Everything an import would do, or why it cannot.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ImportPreview {
    pub questions: Vec<PreviewRow>,
    /// One per broken question (or one for an unreadable file), located as file:line.
    pub errors: Vec<ParseError>,
}

/// What an applied import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub created: usize,
    pub new_versions: usize,
    pub unchanged: usize,
    pub published: usize,
}

/// Reads a question file's text in whichever format it is written: the questions that read
/// and the errors of those that did not (all of them, so one pass can report every problem).
pub fn read_source(source: &str, file_name: &str) -> (Vec<Question>, Vec<ParseError>) {
    if source.len() > MAX_SOURCE_BYTES {
        return (Vec::new(), vec![ParseError::too_large(file_name)]);
    }
    let (questions, errors) = match detect_format(source) {
        FileFormat::Gift => read_gift(source, file_name),
        FileFormat::MoodleXml => match read_moodle_xml_bank(source, file_name) {
            Ok((bank, errors)) => (bank.questions, errors),
            Err(errors) => (Vec::new(), errors),
        },
    };
    if questions.is_empty() && errors.is_empty() {
        let message = "the file contains no questions";
        return (Vec::new(), vec![ParseError::new(file_name, 1, message)]);
    }
    (questions, errors)
}

/// A question ready to write, with where it goes.
struct Planned {
    row: PreviewRow,
    question: Question,
    topic: topic::Model,
    existing: Option<item::Model>,
}

/// Decides each question's id, topic and status; the caller may hold a transaction.
async fn plan(
    db: &impl ConnectionTrait,
    source: &str,
    file_name: &str,
    topic_slug: Option<&str>,
) -> AppResult<(Vec<Planned>, Vec<ParseError>)> {
    // Syntax errors and the problems of the questions that did read, in one report.
    let (questions, mut errors) = read_source(source, file_name);
    let chosen = match topic_slug {
        Some(slug) => Some(items::find_topic(db, slug).await?),
        None => None,
    };
    let topics: HashMap<String, topic::Model> = topic::Entity::find()
        .filter(topic::Column::RetiredAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.slug.clone(), t))
        .collect();
    let uids: Vec<String> = questions
        .iter()
        .map(|q| uid_for(q, chosen.as_ref()))
        .collect();
    let existing: HashMap<String, item::Model> = item::Entity::find()
        .filter(item::Column::Uid.is_in(uids.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.uid.clone(), i))
        .collect();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut planned = Vec::new();
    for (question, uid) in questions.into_iter().zip(uids) {
        let mut problems = question_problems(&question);
        let topic = match (&chosen, question.category.as_deref()) {
            (Some(topic), _) => Some(topic.clone()),
            (None, Some(slug)) => topics.get(slug).cloned(),
            (None, None) => None,
        };
        if topic.is_none() {
            problems.push(format!(
                "no topic: choose one for the import or start the file with `$CATEGORY: <topic>` \
                 naming a topic (`{}` is not one)",
                question.category.as_deref().unwrap_or_default()
            ));
        }
        if let Err(AppError::Unprocessable(message)) = check_uid(&uid) {
            problems.push(message);
        }
        if let Some(line) = first_line.insert(uid.clone(), question.line) {
            problems.push(format!(
                "id `{uid}` is already used by the question at line {line}"
            ));
        }
        let item = existing.get(&uid);
        if item.is_some_and(|i| i.status == RETIRED) {
            problems.push(format!("id `{uid}` belongs to a retired item"));
        }
        if let (Some(item), Some(topic)) = (item, &topic)
            && item.topic_id != topic.id
        {
            problems.push(format!("id `{uid}` belongs to an item in another topic"));
        }
        let Some(topic) = topic.filter(|_| problems.is_empty()) else {
            let message = format!("question \"{}\": {}", question.name, problems.join("; "));
            errors.push(ParseError::new(file_name, question.line, message));
            continue;
        };
        let status = match item {
            None => RowStatus::New,
            Some(item) => status_of(db, item, &for_item(&question, &uid, &topic.slug)).await?,
        };
        planned.push(Planned {
            row: PreviewRow {
                name: question.name.clone(),
                qtype: question.kind.type_name().to_owned(),
                id: uid,
                topic: topic.slug.clone(),
                status,
                line: question.line,
            },
            question,
            topic,
            existing: item.cloned(),
        });
    }
    errors.sort_by_key(|e| e.line);
    Ok((planned, errors))
}

fn uid_for(question: &Question, chosen: Option<&topic::Model>) -> String {
    question.id.clone().unwrap_or_else(|| {
        let topic = chosen.map_or(question.category.as_deref().unwrap_or_default(), |t| {
            t.slug.as_str()
        });
        generated_uid(topic, &question.name)
    })
}

async fn status_of(
    db: &impl ConnectionTrait,
    item: &item::Model,
    stored: &Question,
) -> AppResult<RowStatus> {
    let current = current_version(db, item).await?;
    let tags: HashSet<String> = item_tag::Entity::find()
        .filter(item_tag::Column::ItemId.eq(item.id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.tag)
        .collect();
    let wanted: HashSet<String> = stored.tags.iter().cloned().collect();
    Ok(
        if current.content_hash == version_hash(stored) && tags == wanted {
            RowStatus::Unchanged
        } else {
            RowStatus::Changed
        },
    )
}

/// What importing `source` into `topic_slug` (or, without one, into the topics its
/// `$CATEGORY:`/category names) would do. Changes nothing.
pub async fn preview_import(
    db: &impl ConnectionTrait,
    source: &str,
    file_name: &str,
    topic_slug: Option<&str>,
) -> AppResult<ImportPreview> {
    let (planned, errors) = plan(db, source, file_name, topic_slug).await?;
    Ok(ImportPreview {
        questions: planned.into_iter().map(|p| p.row).collect(),
        errors,
    })
}

/// Imports every question of `source`, or nothing if any question is broken. New items are
/// drafts unless `publish`; questions without `[id:]` get a stable `imp-...` id.
#[tracing::instrument(skip(db, source))]
pub async fn apply_import(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: Option<i64>,
    source: &str,
    file_name: &str,
    topic_slug: Option<&str>,
    publish: bool,
) -> AppResult<ImportSummary> {
    let txn = crate::db::begin_write(db).await?;
    let (planned, errors) = plan(&txn, source, file_name, topic_slug).await?;
    if !errors.is_empty() {
        let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
        return Err(AppError::Unprocessable(format!(
            "Nothing was imported: {} question(s) need fixing. {}",
            errors.len(),
            listed.join("; ")
        )));
    }
    let status = if publish { PUBLISHED } else { DRAFT };
    let mut summary = ImportSummary::default();
    for plan in planned {
        let uid = plan.row.id.as_str();
        let row = match plan.existing {
            None => {
                summary.created += 1;
                let row = insert_item(
                    &txn,
                    actor,
                    &plan.topic,
                    uid,
                    &plan.question,
                    status,
                    ORIGIN_IMPORT,
                )
                .await?;
                summary.published += usize::from(publish);
                row
            }
            Some(row) => {
                match save_question(&txn, actor, &row, &plan.topic.slug, &plan.question).await? {
                    EditOutcome::Unchanged => summary.unchanged += 1,
                    EditOutcome::Replaced { .. } | EditOutcome::NewVersion { .. } => {
                        summary.new_versions += 1;
                    }
                }
                row
            }
        };
        if publish && row.status == DRAFT {
            items::publish_item(&txn, actor, row.id).await?;
            summary.published += 1;
        }
    }
    super::audit_change(
        &txn,
        actor,
        crate::audit::action::QUESTIONS_IMPORTED,
        file_name,
        serde_json::json!(summary),
    )
    .await?;
    txn.commit().await?;
    Ok(summary)
}
