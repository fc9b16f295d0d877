//! Reading a question file whose format is told by its content.

use std::io::Read as _;
use std::path::Path;

use super::error::{MAX_SOURCE_BYTES, ParseError};
use super::gift_read::parse_gift;
use super::model::Question;
use super::xml_read::parse_moodle_xml;

/// Which reader a file's content calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Gift,
    MoodleXml,
}

/// Moodle XML when the first non-space character is `<`, otherwise GIFT (whose questions
/// never start with `<`: a leading `[html]` prefix comes first).
pub fn detect_format(source: &str) -> FileFormat {
    let source = source.strip_prefix('\u{FEFF}').unwrap_or(source);
    if source.trim_start().starts_with('<') {
        FileFormat::MoodleXml
    } else {
        FileFormat::Gift
    }
}

/// Reads a GIFT or Moodle XML file. Unreadable, oversized, non-UTF-8 and question-less files
/// are reported as errors at line 1 (Moodle's `cannotread`, UTF-8 check and
/// `noquestionsinfile`).
pub fn parse_file(path: &Path) -> Result<Vec<Question>, Vec<ParseError>> {
    let name = path.display().to_string();
    let at_line_1 = |message: String| vec![ParseError::new(&name, 1, message)];
    let file = std::fs::File::open(path)
        .map_err(|e| at_line_1(format!("the file cannot be read: {e}")))?;
    // Read one byte past the limit so an oversized file is known without reading it all.
    let limit = u64::try_from(MAX_SOURCE_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut bytes = Vec::new();
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| at_line_1(format!("the file cannot be read: {e}")))?;
    if bytes.len() > MAX_SOURCE_BYTES {
        return Err(vec![ParseError::too_large(&name)]);
    }
    let source = String::from_utf8(bytes)
        .map_err(|_| at_line_1("The file does not use UTF-8 character encoding".to_owned()))?;
    let questions = match detect_format(&source) {
        FileFormat::Gift => parse_gift(&source, &name)?,
        FileFormat::MoodleXml => parse_moodle_xml(&source, &name)?,
    };
    if questions.is_empty() {
        return Err(at_line_1("the file contains no questions".to_owned()));
    }
    Ok(questions)
}
