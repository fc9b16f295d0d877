//! Importing GIFT or Moodle XML into the bank, as Moodle imports a real bank: every question
//! the service can score comes in; one without an explanation comes in as a draft that
//! [`super::import_rules::NEEDS_EXPLANATION`]; essay, description, Cloze, random and other types it cannot score
//! are skipped; an id the bank cannot keep is replaced by a derived one. The preview lists all
//! of this before anything is written. A broken file (bad syntax, illegal grades, grades that
//! do not add up) is still refused whole, with one located error per broken question, and an
//! import is all or nothing in one transaction.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;

use super::check::import_problems;
use super::import_rules::{IdPlanner, RenamedId, SkippedQuestion, needs_explanation};
use super::items::{
    self, DRAFT, EditOutcome, ORIGIN_IMPORT, current_version, for_item, insert_item, save_question,
};
use crate::content::{PUBLISHED, RETIRED, version_hash};
use crate::entities::{item, item_tag, topic};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::questions::{
    FileFormat, MAX_SOURCE_BYTES, ParseError, Question, UnsupportedQuestion, detect_format,
    read_gift, read_moodle_xml_bank,
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
    /// 1-based position among the file's questions.
    pub position: usize,
    /// No explanation: the item comes in (or stays) a draft that cannot be published until
    /// one is added.
    pub needs_explanation: bool,
}

/// Everything an import would do, or why it cannot.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ImportPreview {
    /// The questions that would be imported, in file order.
    pub questions: Vec<PreviewRow>,
    /// Questions the service cannot score, which are left out.
    pub skipped: Vec<SkippedQuestion>,
    /// Ids from the file replaced by derived ones.
    pub renamed: Vec<RenamedId>,
    /// One per broken question (or one for an unreadable file), located as file:line; any
    /// error means nothing is imported.
    pub errors: Vec<ParseError>,
}

/// What an applied import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub created: usize,
    pub new_versions: usize,
    pub unchanged: usize,
    pub published: usize,
    /// Imported questions without an explanation, left as drafts.
    pub needs_explanation: usize,
    pub skipped: usize,
    pub renamed: usize,
}

/// A question file read as far as it goes.
#[derive(Debug, Default)]
pub struct SourceReading {
    pub questions: Vec<Question>,
    pub unsupported: Vec<UnsupportedQuestion>,
    pub errors: Vec<ParseError>,
}

/// Reads a question file's text in whichever format it is written: the questions that read,
/// those of types no reader holds, and the errors of those that did not read (all of them, so
/// one pass can report every problem).
pub fn read_source(source: &str, file_name: &str) -> SourceReading {
    if source.len() > MAX_SOURCE_BYTES {
        return SourceReading {
            errors: vec![ParseError::too_large(file_name)],
            ..SourceReading::default()
        };
    }
    let reading = match detect_format(source) {
        FileFormat::Gift => {
            let (questions, errors) = read_gift(source, file_name);
            SourceReading {
                questions,
                unsupported: Vec::new(),
                errors,
            }
        }
        FileFormat::MoodleXml => match read_moodle_xml_bank(source, file_name) {
            Ok(read) => SourceReading {
                questions: read.bank.questions,
                unsupported: read.unsupported,
                errors: read.errors,
            },
            Err(errors) => SourceReading {
                errors,
                ..SourceReading::default()
            },
        },
    };
    if reading.questions.is_empty() && reading.unsupported.is_empty() && reading.errors.is_empty() {
        let message = "the file contains no questions";
        return SourceReading {
            errors: vec![ParseError::new(file_name, 1, message)],
            ..SourceReading::default()
        };
    }
    reading
}

/// A question ready to write, with where it goes.
struct Planned {
    row: PreviewRow,
    question: Question,
    topic: topic::Model,
    existing: Option<item::Model>,
}

/// Everything the import would do; `errors` empty when it can be applied.
struct Plan {
    planned: Vec<Planned>,
    skipped: Vec<SkippedQuestion>,
    renamed: Vec<RenamedId>,
    errors: Vec<ParseError>,
}

/// Decides each question's id, topic and status; the caller may hold a transaction.
async fn plan(
    db: &impl ConnectionTrait,
    source: &str,
    file_name: &str,
    topic_slug: Option<&str>,
) -> AppResult<Plan> {
    // Syntax errors and the problems of the questions that did read, in one report.
    let reading = read_source(source, file_name);
    let mut errors = reading.errors;
    let (questions, skipped) = scorable(reading.questions, &reading.unsupported);
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
    let (uids, renamed) = assign_ids(&questions, chosen.as_ref());
    let existing: HashMap<String, item::Model> = item::Entity::find()
        .filter(item::Column::Uid.is_in(uids.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.uid.clone(), i))
        .collect();
    let mut planned = Vec::new();
    for (mut question, uid) in questions.into_iter().zip(uids) {
        let mut problems = import_problems(&question);
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
            Some(item) => {
                keep_explanation(db, item, &mut question).await?;
                status_of(db, item, &for_item(&question, &uid, &topic.slug)).await?
            }
        };
        planned.push(Planned {
            row: PreviewRow {
                name: question.name.clone(),
                qtype: question.kind.type_name().to_owned(),
                id: uid,
                topic: topic.slug.clone(),
                status,
                line: question.line,
                position: question.position,
                needs_explanation: needs_explanation(&question),
            },
            question,
            topic,
            existing: item.cloned(),
        });
    }
    errors.sort_by_key(|e| e.line);
    Ok(Plan {
        planned,
        skipped,
        renamed,
        errors,
    })
}

/// The questions the service can score, and the rest as skipped, in file order.
fn scorable(
    questions: Vec<Question>,
    unsupported: &[UnsupportedQuestion],
) -> (Vec<Question>, Vec<SkippedQuestion>) {
    let mut skipped: Vec<SkippedQuestion> = unsupported
        .iter()
        .map(SkippedQuestion::of_unsupported)
        .collect();
    let (questions, not_scorable): (Vec<Question>, Vec<Question>) =
        questions.into_iter().partition(Question::is_gradable);
    skipped.extend(not_scorable.iter().map(SkippedQuestion::of_question));
    skipped.sort_by_key(|s| (s.position, s.line));
    (questions, skipped)
}

/// Each question's item id in file order, and the file's ids that had to be replaced. Ids
/// made for questions without one use the chosen topic, else the question's category.
fn assign_ids(
    questions: &[Question],
    chosen: Option<&topic::Model>,
) -> (Vec<String>, Vec<RenamedId>) {
    let mut ids = IdPlanner::default();
    let mut renamed = Vec::new();
    let uids = questions
        .iter()
        .map(|q| {
            let topic = chosen.map_or(q.category.as_deref().unwrap_or_default(), |t| {
                t.slug.as_str()
            });
            let assigned = ids.assign(q, topic);
            if let (Some(reason), Some(from)) = (assigned.replaced_because, &q.id) {
                renamed.push(RenamedId {
                    line: q.line,
                    position: q.position,
                    name: q.name.clone(),
                    from: from.clone(),
                    to: assigned.uid.clone(),
                    reason,
                });
            }
            assigned.uid
        })
        .collect();
    (uids, renamed)
}

/// A file without an explanation for a question whose item has one (added in the app after an
/// earlier import, say) keeps the item's: importing the same bank again must not take a
/// published item's explanation away.
async fn keep_explanation(
    db: &impl ConnectionTrait,
    item: &item::Model,
    question: &mut Question,
) -> AppResult<()> {
    if !needs_explanation(question) {
        return Ok(());
    }
    let current = current_version(db, item).await?;
    if current.explanation.trim().is_empty() {
        return Ok(());
    }
    let stored = crate::assessment::bank::decode_question(&current)?;
    question.general_feedback = stored.general_feedback;
    question.general_feedback_format = stored.general_feedback_format;
    Ok(())
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
    let plan = plan(db, source, file_name, topic_slug).await?;
    Ok(ImportPreview {
        questions: plan.planned.into_iter().map(|p| p.row).collect(),
        skipped: plan.skipped,
        renamed: plan.renamed,
        errors: plan.errors,
    })
}

/// Imports every question of `source` the service can score, or nothing if any question is
/// broken. New items are drafts unless `publish`; a question without an explanation stays a
/// draft either way. Questions without `[id:]` get a stable `imp-...` id.
#[tracing::instrument(skip(db, source))]
pub async fn apply_import(
    db: &DatabaseConnection,
    actor: Option<PersonId>,
    source: &str,
    file_name: &str,
    topic_slug: Option<&str>,
    publish: bool,
) -> AppResult<ImportSummary> {
    let txn = crate::db::begin_write(db).await?;
    let Plan {
        planned,
        skipped,
        renamed,
        errors,
    } = plan(&txn, source, file_name, topic_slug).await?;
    if !errors.is_empty() {
        let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
        return Err(AppError::Unprocessable(format!(
            "Nothing was imported: {} question(s) need fixing. {}",
            errors.len(),
            listed.join("; ")
        )));
    }
    let mut summary = ImportSummary {
        skipped: skipped.len(),
        renamed: renamed.len(),
        ..ImportSummary::default()
    };
    for plan in planned {
        let uid = plan.row.id.as_str();
        // Publishing an item without an explanation is refused, so it stays a draft.
        let publish = publish && !plan.row.needs_explanation;
        summary.needs_explanation += usize::from(plan.row.needs_explanation);
        let status = if publish { PUBLISHED } else { DRAFT };
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
