//! GIFT writer. Output follows Moodle's `qformat_gift::writequestion()` so that Moodle and
//! this crate's reader both read it back to the same questions.

use super::gift_syntax::{match_weight, repchar, split_format_prefix};
use super::grades::{format_number, format_percent};
use super::model::{Question, QuestionKind, Text, TextFormat};

/// GIFT for `questions`, with a `$CATEGORY:` line wherever the category changes and a
/// `// [id:...] [tag:...]` comment before each question that has an id or tags.
///
/// GIFT cannot carry a description's general feedback, a short answer's `use_case`, or a
/// category's description; those are lost (Moodle loses them too). Nor has it an escape for
/// `->`: a short answer with `->` in an answer or its feedback reads back as a matching
/// question, and `->` in a matching question's left-hand side moves the split.
pub fn write_gift(questions: &[Question]) -> String {
    let mut out = String::new();
    let mut category: Option<&str> = None;
    for question in questions {
        if let Some(path) = question.category.as_deref()
            && category != Some(path)
        {
            out.push_str("$CATEGORY: ");
            out.push_str(&path.replace('\n', " "));
            out.push_str("\n\n");
            category = Some(path);
        }
        write_question(&mut out, question);
        out.push('\n');
    }
    out
}

/// Whether [`write_gift`] can write `question` so that it reads back as the same question
/// type: GIFT has no escape for `->` (see there), so a short answer with `->` in an answer or
/// its feedback, or a matching question with `->` in a left-hand side, cannot be.
pub fn gift_can_write(question: &Question) -> bool {
    match &question.kind {
        QuestionKind::ShortAnswer { answers, .. } => answers
            .iter()
            .all(|a| !a.text.contains("->") && !a.feedback.contains("->")),
        QuestionKind::Matching { pairs } => pairs.iter().all(|p| !p.question.contains("->")),
        _ => true,
    }
}

/// Moodle's `write_questiontext()`: a `[format]` prefix when the format differs from the
/// default. Unlike Moodle, empty text keeps its prefix too, so its format survives; and text
/// that itself begins like a prefix always gets one, or reading it back would take the
/// text's `[html]` for a format.
fn write_text(text: &str, format: TextFormat, default: TextFormat) -> String {
    let mut out = String::new();
    if format != default || split_format_prefix(text).is_some() {
        out.push('[');
        out.push_str(format.gift_name());
        out.push(']');
    }
    out.push_str(&repchar(text));
    out
}

fn write_question(out: &mut String, q: &Question) {
    let mut marks: Vec<String> = Vec::new();
    if let Some(id) = q.id.as_deref().filter(|id| !id.is_empty()) {
        marks.push(format!("[id:{}]", id.replace(']', "\\]")));
    }
    for tag in &q.tags_with_no_shuffle() {
        marks.push(format!("[tag:{}]", tag.replace(']', "\\]")));
    }
    if !marks.is_empty() {
        out.push_str("// ");
        out.push_str(&marks.join(" "));
        out.push('\n');
    }
    out.push_str("::");
    out.push_str(&repchar(&q.name));
    out.push_str("::");
    out.push_str(&write_text(&q.text, q.text_format, TextFormat::Moodle));

    let qf = q.text_format;
    let feedback = |text: &Text| write_text(&text.text, text.format, qf);
    let general = write_text(&q.general_feedback, q.general_feedback_format, qf);
    let general_inline = if general.is_empty() {
        String::new()
    } else {
        format!("####{general}")
    };
    let general_line = if general.is_empty() {
        String::new()
    } else {
        format!("\t####{general}\n")
    };

    match &q.kind {
        QuestionKind::Description => out.push('\n'),
        QuestionKind::Essay => {
            out.push_str(&format!("{{{general_inline}}}\n"));
        }
        QuestionKind::TrueFalse {
            correct,
            feedback_true,
            feedback_false,
        } => {
            let (word, right, wrong) = if *correct {
                ("TRUE", feedback(feedback_true), feedback(feedback_false))
            } else {
                ("FALSE", feedback(feedback_false), feedback(feedback_true))
            };
            out.push('{');
            out.push_str(word);
            if !wrong.is_empty() {
                out.push('#');
                out.push_str(&wrong);
            } else if !right.is_empty() {
                out.push('#');
            }
            if !right.is_empty() {
                out.push('#');
                out.push_str(&right);
            }
            out.push_str(&general_inline);
            out.push_str("}\n");
        }
        QuestionKind::MultiChoice { single, answers } => {
            out.push_str("{\n");
            // A single-answer question whose answers are all `=` would read back as a short
            // answer: GIFT needs at least one `~` to mean multiple choice.
            let all_full = answers.iter().all(|a| a.fraction == 1.0);
            for (i, answer) in answers.iter().enumerate() {
                let text = write_text(&answer.text, answer.text_format, qf);
                let marker = if answer.fraction == 1.0 && *single && !(all_full && i > 0) {
                    "=".to_owned()
                } else if answer.fraction == 0.0 && match_weight(&text).is_none() {
                    "~".to_owned()
                } else {
                    format!("~%{}%", format_percent(answer.fraction))
                };
                out.push('\t');
                out.push_str(&marker);
                out.push_str(&text);
                let feedback = write_text(&answer.feedback, answer.feedback_format, qf);
                if !feedback.is_empty() {
                    out.push('#');
                    out.push_str(&feedback);
                }
                out.push('\n');
            }
            out.push_str(&general_line);
            out.push_str("}\n");
        }
        QuestionKind::ShortAnswer { answers, .. } => {
            out.push_str("{\n");
            for answer in answers {
                out.push_str(&format!(
                    "\t=%{}%{}#{}\n",
                    format_percent(answer.fraction),
                    write_text(&answer.text, TextFormat::Plain, TextFormat::Plain),
                    write_text(&answer.feedback, answer.feedback_format, qf)
                ));
            }
            out.push_str(&general_line);
            out.push_str("}\n");
        }
        QuestionKind::Numerical { answers } => {
            out.push_str("{#\n");
            for (i, answer) in answers.iter().enumerate() {
                let fb = write_text(&answer.feedback, answer.feedback_format, qf);
                let last = i + 1 == answers.len();
                match answer.value {
                    // Everything after `~` is read as the other-numbers feedback, so Moodle's
                    // `~#feedback` form is only safe for a final zero-credit `*` answer.
                    None if last && answer.fraction == 0.0 => {
                        out.push_str(&format!("\t~#{fb}\n"));
                    }
                    None => {
                        let pct = format_percent(answer.fraction);
                        out.push_str(&format!("\t=%{pct}%*#{fb}\n"));
                    }
                    Some(value) => out.push_str(&format!(
                        "\t=%{}%{}:{}#{fb}\n",
                        format_percent(answer.fraction),
                        format_number(value),
                        format_number(answer.tolerance)
                    )),
                }
            }
            out.push_str(&general_line);
            out.push_str("}\n");
        }
        QuestionKind::Matching { pairs } => {
            out.push_str("{\n");
            for pair in pairs {
                out.push_str(&format!(
                    "\t={} -> {}\n",
                    write_text(&pair.question, pair.question_format, qf),
                    repchar(&pair.answer)
                ));
            }
            out.push_str(&general_line);
            out.push_str("}\n");
        }
    }
}
