//! GIFT reader: splits a file into blank-line separated blocks and reads each block the way
//! Moodle's `qformat_gift::readquestion()` does, collecting one error per broken question.

use super::error::{MAX_ERRORS, MAX_QUESTIONS, MAX_SOURCE_BYTES, ParseError};
use super::gift_answers::read_answers;
use super::gift_syntax::{escape_post, escape_pre, extract_id_and_tags, parse_text_with_format};
use super::model::{Question, QuestionKind, TextFormat};
use super::text::{clean_question_name, default_question_name, php_trim};
use super::validate::check_structure;

/// Reads every question of a GIFT file. `file` only labels errors.
///
/// Either all questions come back, or one error for every broken question (and `$CATEGORY:`
/// line) so that a preview can list them all before anything is imported.
///
/// Lines are trimmed as Moodle trims them, so indentation inside a question (a Markdown
/// nested list, say) survives only when written on one line with `\n` escapes.
pub fn parse_gift(source: &str, file: &str) -> Result<Vec<Question>, Vec<ParseError>> {
    match read_gift(source, file) {
        (questions, errors) if errors.is_empty() => Ok(questions),
        (_, errors) => Err(errors),
    }
}

/// Every question that reads and every error, so an import can report the read questions'
/// own problems in the same pass as the blocks that did not read.
pub fn read_gift(source: &str, file: &str) -> (Vec<Question>, Vec<ParseError>) {
    if source.len() > MAX_SOURCE_BYTES {
        return (Vec::new(), vec![ParseError::too_large(file)]);
    }
    if let Some(error) = ParseError::forbidden_char(file, source) {
        return (Vec::new(), vec![error]);
    }
    let source = source.strip_prefix('\u{FEFF}').unwrap_or(source);
    // Moodle also accepts old Mac files whose lines end in a bare CR.
    let source = source.replace("\r\n", "\n").replace('\r', "\n");
    let mut questions = Vec::new();
    let mut errors = Vec::new();
    let mut category: Option<String> = None;
    // Broken blocks count too, so positions match what the author sees in the file.
    let mut position = 0;
    for block in split_blocks(&source) {
        if errors.len() == MAX_ERRORS {
            errors.push(ParseError::too_many_errors(file, block.line));
            break;
        }
        match read_block(&block, category.as_deref()) {
            Ok(Item::Category(path)) => category = Some(path),
            Ok(Item::Question(_)) if questions.len() == MAX_QUESTIONS => {
                return (Vec::new(), vec![ParseError::too_many_questions(file)]);
            }
            Ok(Item::Question(mut question)) => {
                position += 1;
                question.position = position;
                questions.push(*question);
            }
            Ok(Item::Nothing) => {}
            Err(message) => {
                position += 1;
                errors.push(ParseError::new(file, block.line, message));
            }
        }
    }
    (questions, errors)
}

/// Lines of one question, trimmed as Moodle trims them.
struct Block<'a> {
    /// 1-based line of the first non-comment line (the block's first line if all comments).
    line: usize,
    lines: Vec<&'a str>,
}

/// The blocks one at a time, so a file of millions of tiny blocks is never held as a list.
fn split_blocks(source: &str) -> impl Iterator<Item = Block<'_>> {
    let mut lines = source.split('\n').enumerate();
    std::iter::from_fn(move || {
        let mut current: Option<Block<'_>> = None;
        let mut seen_code = false;
        for (index, raw) in lines.by_ref() {
            let line = php_trim(raw);
            if line.is_empty() {
                if current.is_some() {
                    return current;
                }
                continue;
            }
            let block = current.get_or_insert_with(|| Block {
                line: index + 1,
                lines: Vec::new(),
            });
            if !seen_code && !line.starts_with("//") {
                block.line = index + 1;
                seen_code = true;
            }
            block.lines.push(line);
        }
        current
    })
}

enum Item {
    Category(String),
    Question(Box<Question>),
    Nothing,
}

fn read_block(block: &Block<'_>, category: Option<&str>) -> Result<Item, String> {
    let mut comments = String::new();
    let mut body = Vec::with_capacity(block.lines.len());
    for line in &block.lines {
        if line.starts_with("//") {
            comments.push_str(line);
            comments.push('\n');
            body.push(" ");
        } else {
            body.push(line);
        }
    }
    let joined = body.join("\n");
    let text = php_trim(&joined);
    if text.is_empty() {
        return Ok(Item::Nothing);
    }
    // Category paths are kept verbatim: Moodle does not unescape them either, and its
    // exported paths often contain `:` (`Default for Unit 1: Topic`).
    if let Some(rest) = text.strip_prefix("$CATEGORY:") {
        let path = php_trim(rest);
        if path.is_empty() {
            return Err("$CATEGORY: needs a category name".into());
        }
        if path.contains('\n') {
            return Err("a $CATEGORY: line must be followed by a blank line".into());
        }
        return Ok(Item::Category(path.to_owned()));
    }
    let text = escape_pre(text);

    let (name, text) = split_name(&text)?;
    let context = |message: String| match &name {
        Some(name) => format!("question \"{name}\": {message}"),
        None => message,
    };
    let parts = split_answer_block(text).map_err(context)?;

    let question_text = parse_text_with_format(&parts.question_text, TextFormat::Moodle);
    let general_feedback = parse_text_with_format(parts.general_feedback, question_text.format);
    let name = name.unwrap_or_else(|| default_question_name(&question_text.text));
    let context = |message: String| format!("question \"{name}\": {message}");

    let kind = match parts.answers {
        None => QuestionKind::Description,
        Some(answers) => read_answers(answers, question_text.format).map_err(context)?,
    };
    check_structure(&kind).map_err(context)?;

    let (id, tags) = extract_id_and_tags(&comments);
    let mut question = Question {
        name,
        text: question_text.text,
        text_format: question_text.format,
        category: category.map(str::to_owned),
        id,
        tags,
        general_feedback: general_feedback.text,
        general_feedback_format: general_feedback.format,
        kind,
        shuffle_answers: true,
        line: block.line,
        position: 0,
    };
    // A flag on the question, not a tag, so that GIFT's tag and XML's `<shuffleanswers>`
    // mean the same and survive a trip through either format.
    question.take_no_shuffle_tag();
    Ok(Item::Question(Box::new(question)))
}

/// `::name::` at the start, unescaped and cleaned as Moodle cleans names.
fn split_name(text: &str) -> Result<(Option<String>, &str), String> {
    let Some(rest) = text.strip_prefix("::") else {
        return Ok((None, text));
    };
    match rest.split_once("::") {
        Some((name, text)) => Ok((
            Some(clean_question_name(&escape_post(name))),
            php_trim(text),
        )),
        None => Err("the question name has no closing '::'".into()),
    }
}

struct AnswerBlock<'a> {
    /// Text with the `{...}` block removed, or replaced by `_____` when text follows it.
    question_text: String,
    /// Trimmed text between the braces without the general feedback; `None` when there are
    /// no braces at all (a description).
    answers: Option<&'a str>,
    general_feedback: &'a str,
}

fn split_answer_block(text: &str) -> Result<AnswerBlock<'_>, String> {
    let (before, inside, after) = match (text.split_once('{'), text.find('}')) {
        (None, None) => {
            return Ok(AnswerBlock {
                question_text: text.to_owned(),
                answers: None,
                general_feedback: "",
            });
        }
        (Some(_), None) => return Err("unclosed '{'".into()),
        (None, Some(_)) => return Err("'}' without a matching '{'".into()),
        (Some((before, rest)), Some(_)) => match rest.split_once('}') {
            Some((inside, after)) if !before.contains('}') => (before, inside, after),
            _ => return Err("'}' without a matching '{'".into()),
        },
    };
    if inside.contains('{') {
        return Err("'{' inside the answers: write \\{ for a literal brace".into());
    }
    if after.contains(['{', '}']) {
        return Err(
            "only one {...} answer block is allowed: write \\{ and \\} for literal braces".into(),
        );
    }
    // Moodle's missing-word rule: text after the block means the block stands for a blank.
    let question_text = if after.is_empty() {
        before.to_owned()
    } else {
        format!("{before}_____{after}")
    };
    let inside = php_trim(inside);
    let (answers, general_feedback) = match inside.rsplit_once("####") {
        Some((answers, feedback)) => (php_trim(answers), feedback),
        None => (inside, ""),
    };
    Ok(AnswerBlock {
        question_text,
        answers: Some(answers),
        general_feedback,
    })
}
