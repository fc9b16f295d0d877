//! Moodle XML reader: `<quiz>` documents and bare `<question>` snippets, read the way
//! Moodle's `qformat_xml` reads them, with one error per broken question.
//!
//! Not modelled (read and dropped): penalties, default marks, hints, combined feedback,
//! numerical units, essay response settings and embedded files.

use super::error::{MAX_ERRORS, MAX_QUESTIONS, MAX_SOURCE_BYTES, ParseError};
use super::model::{
    Category, Question, QuestionBank, QuestionKind, Text, TextFormat, UnsupportedQuestion,
};
use super::text::{LineIndex, clean_question_name, php_trim};
use super::validate::check_structure;
use super::xml_answers::{matching, multichoice, numerical, shortanswer, truefalse};
use super::xml_tree::{Element, parse_elements};

/// Every question of a Moodle XML file, each with the category in force where it stands.
pub fn parse_moodle_xml(source: &str, file: &str) -> Result<Vec<Question>, Vec<ParseError>> {
    parse_moodle_xml_bank(source, file).map(|bank| bank.questions)
}

/// Like [`parse_moodle_xml`], also keeping the categories' descriptions and id numbers.
/// Questions of types the model cannot hold are errors here, as for any strict reader.
pub fn parse_moodle_xml_bank(source: &str, file: &str) -> Result<QuestionBank, Vec<ParseError>> {
    let reading = read_moodle_xml_bank(source, file)?;
    let mut errors = reading.errors;
    errors.extend(
        reading
            .unsupported
            .iter()
            .map(|u| ParseError::new(file, u.line, unsupported_message(&u.qtype))),
    );
    if errors.is_empty() {
        return Ok(reading.bank);
    }
    errors.sort_by_key(|e| e.line);
    // The two lists together may pass the limit each kept to on its own.
    if errors.len() > MAX_ERRORS + 1
        && let Some(line) = errors.get(MAX_ERRORS).map(|e| e.line)
    {
        errors.truncate(MAX_ERRORS);
        errors.push(ParseError::too_many_errors(file, line));
    }
    Err(errors)
}

/// A Moodle XML file read as far as it goes, for an import that reports everything at once.
#[derive(Debug, Clone, Default)]
pub struct XmlReading {
    /// The questions that read, with their categories.
    pub bank: QuestionBank,
    /// Questions of types the model cannot hold, which Moodle's own import would also pass
    /// over when it has no plugin for them (`xmltypeunsupported`).
    pub unsupported: Vec<UnsupportedQuestion>,
    /// One per broken question.
    pub errors: Vec<ParseError>,
}

/// Every question that reads, every question of an unsupported type and every fault in the
/// others, so an import can report the read questions' own problems in the same pass; `Err`
/// when the file as a whole does not read.
pub fn read_moodle_xml_bank(source: &str, file: &str) -> Result<XmlReading, Vec<ParseError>> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(vec![ParseError::too_large(file)]);
    }
    if let Some(error) = ParseError::forbidden_char(file, source) {
        return Err(vec![error]);
    }
    let source = source.strip_prefix('\u{FEFF}').unwrap_or(source);
    let lines = LineIndex::new(source);
    let line = |offset: usize| lines.line(offset);
    let roots = parse_elements(source)
        .map_err(|fault| vec![ParseError::new(file, line(fault.offset), fault.message)])?;
    if roots.is_empty() {
        return Err(vec![ParseError::new(
            file,
            1,
            "the file has no XML elements",
        )]);
    }

    let mut elements: Vec<&Element> = Vec::new();
    for root in &roots {
        match root.name.as_str() {
            "quiz" => elements.extend(root.children_named("question")),
            "question" => elements.push(root),
            other => {
                let message = format!("expected <quiz> or <question>, found <{other}>");
                return Err(vec![ParseError::new(file, line(root.offset), message)]);
            }
        }
    }

    if elements.len() > MAX_QUESTIONS {
        return Err(vec![ParseError::too_many_questions(file)]);
    }

    let mut reading = XmlReading::default();
    let mut category: Option<String> = None;
    let mut position = 0;
    for element in elements {
        if reading.errors.len() == MAX_ERRORS {
            let error = ParseError::too_many_errors(file, line(element.offset));
            reading.errors.push(error);
            break;
        }
        if element.attribute("type") != Some("category") {
            position += 1;
        }
        match read_element(element) {
            Ok(Read::Category(declared)) => {
                category = Some(declared.path.clone());
                reading.bank.declare(declared);
            }
            Ok(Read::Question(mut question)) => {
                question.category = category.clone();
                question.line = line(element.offset);
                question.position = position;
                reading.bank.questions.push(*question);
            }
            Ok(Read::Unsupported { qtype, name }) => {
                reading.unsupported.push(UnsupportedQuestion {
                    qtype,
                    name,
                    line: line(element.offset),
                    position,
                });
            }
            Err(fault) => {
                let error = ParseError::new(file, line(fault.offset), fault.message);
                reading.errors.push(error);
            }
        }
    }
    Ok(reading)
}

enum Read {
    Category(Category),
    Question(Box<Question>),
    /// A type the model cannot hold, named as the file names it.
    Unsupported {
        qtype: String,
        name: String,
    },
}

/// A fault in one question, at the byte offset of the element at fault.
pub(super) struct Fault {
    pub offset: usize,
    pub message: String,
}

pub(super) fn at(element: &Element, message: impl Into<String>) -> Fault {
    Fault {
        offset: element.offset,
        message: message.into(),
    }
}

/// Moodle's own types that this model can hold; Cloze, calculated, drag-and-drop and other
/// plugin types are refused by name.
const SUPPORTED_TYPES: [&str; 8] = [
    "multichoice",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "match",
    "essay",
    "description",
];

fn unsupported_message(kind_name: &str) -> String {
    format!("question type \"{kind_name}\" is not supported")
}

fn read_element(element: &Element) -> Result<Read, Fault> {
    let kind_name = element
        .attribute("type")
        .ok_or_else(|| at(element, "<question> has no type attribute"))?;
    if kind_name == "category" {
        return read_category(element).map(Read::Category);
    }
    if !SUPPORTED_TYPES.contains(&kind_name) {
        // The name only labels the report, so a name that does not read is left empty.
        let name = element
            .child("name")
            .and_then(|n| text_child(n).ok())
            .map(|n| clean_question_name(&n))
            .unwrap_or_default();
        return Ok(Read::Unsupported {
            qtype: kind_name.to_owned(),
            name,
        });
    }
    let name_element = element
        .child("name")
        .ok_or_else(|| at(element, "question has no <name>"))?;
    let name = clean_question_name(&text_child(name_element)?);
    let named = |fault: Fault| Fault {
        message: format!("question \"{name}\": {}", fault.message),
        ..fault
    };
    read_question(element, kind_name, &name)
        .map(|q| Read::Question(Box::new(q)))
        .map_err(named)
}

fn read_question(element: &Element, kind_name: &str, name: &str) -> Result<Question, Fault> {
    let text = formatted(element.child("questiontext"), TextFormat::Html)?;
    let general_feedback = formatted(element.child("generalfeedback"), text.format)?;
    let format = text.format;
    let kind = match kind_name {
        "multichoice" => multichoice(element, format)?,
        "truefalse" => truefalse(element, format)?,
        "shortanswer" => shortanswer(element, format)?,
        "numerical" => numerical(element, format)?,
        "matching" | "match" => matching(element, format)?,
        "essay" => QuestionKind::Essay,
        "description" => QuestionKind::Description,
        other => return Err(at(element, unsupported_message(other))),
    };
    check_structure(&kind).map_err(|message| at(element, message))?;
    let tags = match element.child("tags") {
        Some(tags) => tags
            .children_named("tag")
            .map(text_child)
            .filter(|t| !matches!(t, Ok(t) if t.is_empty()))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    // Moodle writes `<shuffleanswers>` as 1/0 or true/false; absent means shuffled, its
    // default. Only choice and matching items use it.
    let orderable = matches!(
        kind,
        QuestionKind::MultiChoice { .. } | QuestionKind::Matching { .. }
    );
    let shuffle_answers = match element.child("shuffleanswers") {
        Some(flag) if orderable => !matches!(own_text(flag)?.trim(), "0" | "false"),
        _ => true,
    };
    Ok(Question {
        name: name.to_owned(),
        text: text.text,
        text_format: text.format,
        category: None,
        id: id_number(element),
        tags,
        general_feedback: general_feedback.text,
        general_feedback_format: general_feedback.format,
        kind,
        shuffle_answers,
        line: 0,
        position: 0,
    })
}

fn read_category(element: &Element) -> Result<Category, Fault> {
    let path = match element.child("category") {
        Some(category) if category.child("text").is_some() => text_child(category)?,
        Some(category) => own_text(category)?,
        None => String::new(),
    };
    if path.is_empty() {
        return Err(at(element, "category has no <category><text> path"));
    }
    let info = match element.child("info") {
        Some(info) => formatted(Some(info), TextFormat::Html)?,
        None => Text::new("", TextFormat::Moodle),
    };
    Ok(Category {
        path,
        info: info.text,
        info_format: info.format,
        id: id_number(element),
    })
}

fn id_number(element: &Element) -> Option<String> {
    element
        .child("idnumber")
        .map(|id| php_trim(&id.text).to_owned())
        .filter(|id| !id.is_empty())
}

/// The trimmed text of an element that must hold only text (Moodle's `getpath(..., true)`).
pub(super) fn own_text(element: &Element) -> Result<String, Fault> {
    match element.children.first() {
        Some(child) => Err(at(
            child,
            format!(
                "<{}> holds a <{}> element: escape HTML or wrap it in CDATA",
                element.name, child.name
            ),
        )),
        None => Ok(php_trim(&element.text).to_owned()),
    }
}

/// The text of an element's `<text>` child, or empty.
pub(super) fn text_child(element: &Element) -> Result<String, Fault> {
    element.child("text").map_or(Ok(String::new()), own_text)
}

/// Moodle's `import_text_with_files()`: `<x format="..."><text>...</text></x>`.
pub(super) fn formatted(element: Option<&Element>, default: TextFormat) -> Result<Text, Fault> {
    let Some(element) = element else {
        return Ok(Text::new("", default));
    };
    let format = element
        .attribute("format")
        .map_or(default, format_from_name);
    Ok(Text::new(text_child(element)?, format))
}

/// Moodle's `trans_format()`, which assumes HTML for names it does not know.
fn format_from_name(name: &str) -> TextFormat {
    let name = php_trim(name);
    match name {
        // Moodle no longer renders wiki markup; it shows such text as plain text.
        "wiki_like" => TextFormat::Plain,
        _ => TextFormat::from_xml_name(name).unwrap_or(TextFormat::Html),
    }
}
