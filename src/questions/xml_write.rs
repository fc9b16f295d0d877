//! Moodle XML writer, laid out like Moodle's own export (`qformat_xml::writequestion()`),
//! so its output matches Moodle's goldens and imports into Moodle unchanged.
//!
//! Settings the model does not keep are written with the values Moodle's GIFT import gives
//! them: default mark 1, penalty 1/3 (true/false 1, essay and description 0), shuffled
//! answers, `abc` numbering, 15-line essay editor.

use std::fmt::Write as _;

use super::grades::{format_number, format_percent};
use super::model::{Category, Question, QuestionBank, QuestionKind, TextFormat};

/// Moodle XML for `questions`, with a category element wherever the category changes.
pub fn write_moodle_xml(questions: &[Question]) -> String {
    write_document(&[], questions)
}

/// Like [`write_moodle_xml`], giving each category element the bank's description and id.
pub fn write_moodle_xml_bank(bank: &QuestionBank) -> String {
    write_document(&bank.categories, &bank.questions)
}

/// Every one of `categories` is written, in their order, those that hold no question too (Moodle
/// keeps empty categories and their descriptions), so the file reads back to the same bank.
fn write_document(categories: &[Category], questions: &[Question]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    let mut current: Option<&str> = None;
    // How many of `categories`, from the first, have been written.
    let mut written = 0;
    for question in questions {
        if let Some(path) = question.category.as_deref()
            && current != Some(path)
        {
            match categories.iter().position(|c| c.path == path) {
                Some(index) if index < written => write_category(&mut out, &categories[index]),
                Some(index) => {
                    for category in &categories[written..=index] {
                        write_category(&mut out, category);
                    }
                    written = index + 1;
                }
                None => write_category(&mut out, &Category::new(path)),
            }
            current = Some(path);
        }
        write_question(&mut out, question);
        out.push('\n');
    }
    for category in &categories[written..] {
        write_category(&mut out, category);
    }
    out.push_str("</quiz>\n");
    out
}

/// Moodle's `xml_escape()`: CDATA when the text has markup characters, split where it
/// contains `]]>`. Characters XML 1.0 forbids even in CDATA become U+FFFD.
fn cdata(text: &str) -> String {
    let text = legal_xml(text);
    if text.contains(['&', '<', '>', '"', '\'']) {
        format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
    } else {
        text
    }
}

/// Entity escaping for values Moodle writes outside `<text>` (id numbers).
fn escape(text: &str) -> String {
    legal_xml(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#039;")
}

fn legal_xml(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Moodle's `writetext()`: `<text>...</text>` on one line after `indent` levels.
fn text_line(out: &mut String, indent: usize, text: &str) {
    let _ = writeln!(out, "{}<text>{}</text>", "  ".repeat(indent), cdata(text));
}

/// `<tag format="..."><text>...</text></tag>` at question level.
fn text_element(out: &mut String, tag: &str, format: TextFormat, text: &str) {
    let _ = writeln!(out, "    <{tag} format=\"{}\">", format.xml_name());
    text_line(out, 3, text);
    let _ = writeln!(out, "    </{tag}>");
}

fn write_category(out: &mut String, category: &Category) {
    out.push_str("<!-- question: 0  -->\n  <question type=\"category\">\n    <category>\n");
    text_line(out, 3, &category.path);
    out.push_str("    </category>\n");
    text_element(out, "info", category.info_format, &category.info);
    let id = category.id.as_deref().map(escape).unwrap_or_default();
    let _ = writeln!(out, "    <idnumber>{id}</idnumber>\n  </question>\n");
}

fn write_answer(
    out: &mut String,
    fraction: f64,
    format: TextFormat,
    text: &str,
    feedback: (TextFormat, &str),
    extra: &str,
) {
    let _ = writeln!(
        out,
        "    <answer fraction=\"{}\" format=\"{}\">",
        format_percent(fraction),
        format.xml_name()
    );
    text_line(out, 3, text);
    let _ = writeln!(out, "      <feedback format=\"{}\">", feedback.0.xml_name());
    text_line(out, 4, feedback.1);
    out.push_str("      </feedback>\n");
    out.push_str(extra);
    out.push_str("    </answer>\n");
}

fn combined_feedback(out: &mut String, format: TextFormat) {
    for field in [
        "correctfeedback",
        "partiallycorrectfeedback",
        "incorrectfeedback",
    ] {
        text_element(out, field, format, "");
    }
}

fn write_question(out: &mut String, q: &Question) {
    let (mark, penalty) = match q.kind {
        QuestionKind::TrueFalse { .. } => ("1.0000000", "1.0000000"),
        QuestionKind::Essay => ("1.0000000", "0.0000000"),
        QuestionKind::Description => ("0.0000000", "0.0000000"),
        _ => ("1.0000000", "0.3333333"),
    };
    let _ = writeln!(
        out,
        "<!-- question: 0  -->\n  <question type=\"{}\">\n    <name>",
        q.kind.type_name()
    );
    text_line(out, 3, &q.name);
    out.push_str("    </name>\n");
    text_element(out, "questiontext", q.text_format, &q.text);
    text_element(
        out,
        "generalfeedback",
        q.general_feedback_format,
        &q.general_feedback,
    );
    let id = q.id.as_deref().map(escape).unwrap_or_default();
    let _ = writeln!(
        out,
        "    <defaultgrade>{mark}</defaultgrade>\n    <penalty>{penalty}</penalty>\n    \
         <hidden>0</hidden>\n    <idnumber>{id}</idnumber>"
    );
    let qf = q.text_format;
    match &q.kind {
        QuestionKind::TrueFalse {
            correct,
            feedback_true,
            feedback_false,
        } => {
            let (t, f) = if *correct { (1.0, 0.0) } else { (0.0, 1.0) };
            let fb = (feedback_true.format, feedback_true.text.as_str());
            write_answer(out, t, TextFormat::Moodle, "true", fb, "");
            let fb = (feedback_false.format, feedback_false.text.as_str());
            write_answer(out, f, TextFormat::Moodle, "false", fb, "");
        }
        QuestionKind::MultiChoice { single, answers } => {
            let _ = writeln!(
                out,
                "    <single>{single}</single>\n    <shuffleanswers>{}</shuffleanswers>\n    \
                 <answernumbering>abc</answernumbering>\n    \
                 <showstandardinstruction>0</showstandardinstruction>",
                q.shuffle_answers
            );
            combined_feedback(out, qf);
            for a in answers {
                let fb = (a.feedback_format, a.feedback.as_str());
                write_answer(out, a.fraction, a.text_format, &a.text, fb, "");
            }
        }
        QuestionKind::ShortAnswer { answers, use_case } => {
            let _ = writeln!(out, "    <usecase>{}</usecase>", u8::from(*use_case));
            for a in answers {
                let fb = (a.feedback_format, a.feedback.as_str());
                write_answer(out, a.fraction, TextFormat::Moodle, &a.text, fb, "");
            }
        }
        QuestionKind::Numerical { answers } => {
            for a in answers {
                let value = a.value.map_or_else(|| "*".to_owned(), format_number);
                let extra = format!(
                    "      <tolerance>{}</tolerance>\n",
                    format_number(a.tolerance)
                );
                let fb = (a.feedback_format, a.feedback.as_str());
                write_answer(out, a.fraction, TextFormat::Moodle, &value, fb, &extra);
            }
            out.push_str(
                "    <unitgradingtype>0</unitgradingtype>\n    <unitpenalty>0.1000000</unitpenalty>\n    \
                 <showunits>3</showunits>\n    <unitsleft>0</unitsleft>\n",
            );
        }
        QuestionKind::Matching { pairs } => {
            let _ = writeln!(
                out,
                "    <shuffleanswers>{}</shuffleanswers>",
                q.shuffle_answers
            );
            combined_feedback(out, qf);
            for pair in pairs {
                let _ = writeln!(
                    out,
                    "    <subquestion format=\"{}\">",
                    pair.question_format.xml_name()
                );
                text_line(out, 3, &pair.question);
                out.push_str("      <answer>\n");
                text_line(out, 4, &pair.answer);
                out.push_str("      </answer>\n    </subquestion>\n");
            }
        }
        QuestionKind::Essay => {
            out.push_str(
                "    <responseformat>editor</responseformat>\n    \
                 <responserequired>1</responserequired>\n    \
                 <responsefieldlines>15</responsefieldlines>\n    \
                 <attachments>0</attachments>\n    \
                 <attachmentsrequired>0</attachmentsrequired>\n",
            );
            text_element(out, "graderinfo", TextFormat::Html, "");
            text_element(out, "responsetemplate", TextFormat::Html, "");
        }
        QuestionKind::Description => {}
    }
    if !q.tags.is_empty() {
        out.push_str("    <tags>\n");
        for tag in &q.tags {
            let _ = writeln!(out, "      <tag><text>{}</text>\n</tag>", cdata(tag));
        }
        out.push_str("    </tags>\n");
    }
    out.push_str("  </question>\n");
}
