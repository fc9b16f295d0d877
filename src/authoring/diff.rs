//! What changed between two versions of an item: each version written out one field to a
//! line ("Question: …", "Option 2 (0%): …", "Explanation: …"), compared line by line (longest
//! common subsequence), for the trainer's page as one list (unified) or two columns (side by
//! side). The text is plain: the page escapes it.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::items::find_item;
use crate::assessment::bank::decode_question;
use crate::entities::item_version;
use crate::error::{AppError, AppResult};
use crate::questions::{Answer, Question, QuestionKind};

/// Whether a line is in both versions, only the older or only the newer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Same,
    Removed,
    Added,
}

/// One line of the unified view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DiffLine {
    pub change: Change,
    /// Its line number in the older version, if it is there.
    pub old_number: Option<usize>,
    /// Its line number in the newer version, if it is there.
    pub new_number: Option<usize>,
    pub text: String,
}

/// One row of the side-by-side view: a line of each version (either may be missing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SideBySideRow {
    pub old: Option<DiffLine>,
    pub new: Option<DiffLine>,
    /// The row differs between the versions.
    pub changed: bool,
}

/// Two versions of an item compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VersionDiff {
    pub item_id: i64,
    pub uid: String,
    pub from: i32,
    pub to: i32,
    /// Every version number the item has, oldest first (for choosing another pair).
    pub versions: Vec<i32>,
    pub lines: Vec<DiffLine>,
    pub rows: Vec<SideBySideRow>,
    pub added: usize,
    pub removed: usize,
}

fn percent(fraction: f64) -> String {
    format!("{}%", (fraction * 100.0).round())
}

fn push_text(lines: &mut Vec<String>, label: &str, text: &str) {
    let mut parts = text.lines();
    lines.push(format!("{label}: {}", parts.next().unwrap_or_default()));
    lines.extend(parts.map(|line| format!("  {line}")));
}

fn push_answers(lines: &mut Vec<String>, noun: &str, answers: &[Answer]) {
    for (n, answer) in answers.iter().enumerate() {
        let label = format!("{noun} {} ({})", n + 1, percent(answer.fraction));
        push_text(lines, &label, &answer.text);
        if !answer.feedback.is_empty() {
            push_text(
                lines,
                &format!("{noun} {} feedback", n + 1),
                &answer.feedback,
            );
        }
    }
}

/// A question written out one field to a line, in the order the item form shows them.
pub fn question_lines(question: &Question) -> Vec<String> {
    let mut lines = vec![
        format!("Name: {}", question.name),
        format!("Type: {}", question.kind.type_name()),
    ];
    push_text(&mut lines, "Question", &question.text);
    match &question.kind {
        QuestionKind::MultiChoice { single, answers } => {
            lines.push(format!(
                "Answers allowed: {}",
                if *single { "one" } else { "several" }
            ));
            push_answers(&mut lines, "Option", answers);
        }
        QuestionKind::ShortAnswer { answers, use_case } => {
            lines.push(format!(
                "Capitals matter: {}",
                if *use_case { "yes" } else { "no" }
            ));
            push_answers(&mut lines, "Accepted answer", answers);
        }
        QuestionKind::TrueFalse {
            correct,
            feedback_true,
            feedback_false,
        } => {
            lines.push(format!("Right answer: {correct}"));
            push_text(&mut lines, "Feedback for true", &feedback_true.text);
            push_text(&mut lines, "Feedback for false", &feedback_false.text);
        }
        QuestionKind::Matching { pairs } => {
            for (n, pair) in pairs.iter().enumerate() {
                lines.push(format!(
                    "Pair {}: {} → {}",
                    n + 1,
                    pair.question,
                    pair.answer
                ));
            }
        }
        QuestionKind::Numerical { answers } => {
            for (n, answer) in answers.iter().enumerate() {
                let value = answer
                    .value
                    .map_or_else(|| "any number".to_owned(), |v| v.to_string());
                lines.push(format!(
                    "Answer {} ({}): {value} ± {}",
                    n + 1,
                    percent(answer.fraction),
                    answer.tolerance
                ));
                if !answer.feedback.is_empty() {
                    push_text(
                        &mut lines,
                        &format!("Answer {} feedback", n + 1),
                        &answer.feedback,
                    );
                }
            }
        }
        QuestionKind::Essay | QuestionKind::Description => {}
    }
    lines.push(format!(
        "Options shuffled: {}",
        if question.shuffle_answers {
            "yes"
        } else {
            "no"
        }
    ));
    push_text(&mut lines, "Explanation", &question.general_feedback);
    if !question.tags.is_empty() {
        lines.push(format!("Tags: {}", question.tags.join(", ")));
    }
    lines
}

/// The lines of `old` and `new` compared: those in a longest common subsequence are the same,
/// the rest removed (from `old`) or added (in `new`), removals first at each change.
pub fn diff_lines(old: &[String], new: &[String]) -> Vec<DiffLine> {
    let (n, m) = (old.len(), new.len());
    // common[i][j]: the longest common subsequence of old[i..] and new[j..].
    let mut common = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            common[i][j] = if old[i] == new[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let line = |change, old_number, new_number, text: &String| DiffLine {
        change,
        old_number,
        new_number,
        text: text.clone(),
    };
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            out.push(line(Change::Same, Some(i + 1), Some(j + 1), &old[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || common[i + 1][j] >= common[i][j + 1]) {
            out.push(line(Change::Removed, Some(i + 1), None, &old[i]));
            i += 1;
        } else {
            out.push(line(Change::Added, None, Some(j + 1), &new[j]));
            j += 1;
        }
    }
    out
}

/// The unified lines as two columns: unchanged lines side by side, and each run of removed
/// lines beside the run of added lines that replaced it.
pub fn side_by_side(lines: &[DiffLine]) -> Vec<SideBySideRow> {
    let mut rows = Vec::new();
    let mut k = 0;
    while k < lines.len() {
        if lines[k].change == Change::Same {
            rows.push(SideBySideRow {
                old: Some(lines[k].clone()),
                new: Some(lines[k].clone()),
                changed: false,
            });
            k += 1;
            continue;
        }
        let start = k;
        while k < lines.len() && lines[k].change == Change::Removed {
            k += 1;
        }
        let removed = &lines[start..k];
        let added_start = k;
        while k < lines.len() && lines[k].change == Change::Added {
            k += 1;
        }
        let added = &lines[added_start..k];
        for r in 0..removed.len().max(added.len()) {
            rows.push(SideBySideRow {
                old: removed.get(r).cloned(),
                new: added.get(r).cloned(),
                changed: true,
            });
        }
    }
    rows
}

/// Versions `from` and `to` of item `item_id` compared; `to` defaults to the newest version and
/// `from` to the one before `to` (or `to` itself when it is the first).
pub async fn diff_versions(
    db: &impl ConnectionTrait,
    item_id: i64,
    from: Option<i32>,
    to: Option<i32>,
) -> AppResult<VersionDiff> {
    let item = find_item(db, item_id).await?;
    let mut versions = item_version::Entity::find()
        .filter(item_version::Column::ItemId.eq(item_id))
        .all(db)
        .await?;
    versions.sort_by_key(|v| v.version);
    let newest = versions.last().map_or(1, |v| v.version);
    let to = to.unwrap_or(newest);
    let from = from.unwrap_or_else(|| {
        versions
            .iter()
            .rev()
            .map(|v| v.version)
            .find(|v| *v < to)
            .unwrap_or(to)
    });
    let lines_of = |number: i32| -> AppResult<Vec<String>> {
        let version = versions
            .iter()
            .find(|v| v.version == number)
            .ok_or_else(|| {
                AppError::NotFound(format!("Item {} has no version {number}.", item.uid))
            })?;
        Ok(question_lines(&decode_question(version)?))
    };
    let lines = diff_lines(&lines_of(from)?, &lines_of(to)?);
    let count = |change| lines.iter().filter(|l| l.change == change).count();
    Ok(VersionDiff {
        item_id,
        uid: item.uid.clone(),
        from,
        to,
        versions: versions.iter().map(|v| v.version).collect(),
        added: count(Change::Added),
        removed: count(Change::Removed),
        rows: side_by_side(&lines),
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| (*l).to_owned()).collect()
    }

    fn changes(lines: &[DiffLine]) -> Vec<(Change, &str)> {
        lines.iter().map(|l| (l.change, l.text.as_str())).collect()
    }

    #[test]
    fn a_changed_line_is_removed_then_added_and_the_rest_kept() {
        let old = strings(&["Name: a", "Question: old", "Explanation: x"]);
        let new = strings(&["Name: a", "Question: new", "Explanation: x", "Tags: t"]);
        let lines = diff_lines(&old, &new);
        assert_eq!(
            changes(&lines),
            [
                (Change::Same, "Name: a"),
                (Change::Removed, "Question: old"),
                (Change::Added, "Question: new"),
                (Change::Same, "Explanation: x"),
                (Change::Added, "Tags: t"),
            ]
        );
        assert_eq!((lines[2].old_number, lines[2].new_number), (None, Some(2)));
        assert_eq!(
            (lines[3].old_number, lines[3].new_number),
            (Some(3), Some(3))
        );
    }

    #[test]
    fn side_by_side_pairs_each_removal_with_its_replacement() {
        let old = strings(&["a", "b", "c", "d"]);
        let new = strings(&["a", "B", "d", "e"]);
        let rows = side_by_side(&diff_lines(&old, &new));
        let shown: Vec<(Option<&str>, Option<&str>, bool)> = rows
            .iter()
            .map(|r| {
                (
                    r.old.as_ref().map(|l| l.text.as_str()),
                    r.new.as_ref().map(|l| l.text.as_str()),
                    r.changed,
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (Some("a"), Some("a"), false),
                (Some("b"), Some("B"), true),
                (Some("c"), None, true),
                (Some("d"), Some("d"), false),
                (None, Some("e"), true),
            ]
        );
    }

    #[test]
    fn identical_versions_have_no_changes() {
        let same = strings(&["x", "y"]);
        assert!(
            diff_lines(&same, &same)
                .iter()
                .all(|l| l.change == Change::Same)
        );
        assert!(diff_lines(&[], &[]).is_empty());
    }
}
