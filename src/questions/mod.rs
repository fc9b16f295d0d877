//! Question formats: GIFT and Moodle XML readers and writers, and grading.
//!
//! Imports behave like Moodle's (`question/format/gift` and `question/format/xml`): the same
//! names, texts, formats, fractions and feedback come out, and Moodle's legal grade set is
//! enforced. Unlike Moodle, a reader reports every broken question, so callers can show one
//! error per question and then import all or nothing. Writers produce files Moodle imports
//! and that read back here to equal questions.
//!
//! Entry points: [`parse_file`] (format told by content), [`parse_gift`],
//! [`parse_moodle_xml`] / [`parse_moodle_xml_bank`] (with category descriptions),
//! [`write_gift`] (and [`gift_can_write`]), [`write_moodle_xml`] / [`write_moodle_xml_bank`],
//! [`to_json`] for tools, and [`Question::grade`] with a [`ResponseValue`] when a learner
//! answers.

mod error;
mod file;
mod gift_answers;
mod gift_read;
mod gift_syntax;
mod gift_write;
mod grades;
mod grading;
mod json;
mod model;
mod text;
mod validate;
mod xml_answers;
mod xml_read;
mod xml_tree;
mod xml_write;

pub use error::{GradeError, MAX_ERRORS, MAX_QUESTIONS, MAX_SOURCE_BYTES, ParseError};
pub use file::{FileFormat, detect_format, parse_file};
pub use gift_read::{parse_gift, read_gift};
pub use gift_write::{gift_can_write, write_gift};
pub use grades::legal_grade;
pub use grading::ResponseValue;
pub use json::to_json;
pub use model::{
    Answer, Category, MatchPair, NO_SHUFFLE_TAG, NumericalAnswer, Question, QuestionBank,
    QuestionKind, Text, TextFormat, UnsupportedQuestion,
};
pub use xml_read::{XmlReading, parse_moodle_xml, parse_moodle_xml_bank, read_moodle_xml_bank};
pub use xml_tree::MAX_DEPTH as MAX_XML_DEPTH;
pub use xml_write::{write_moodle_xml, write_moodle_xml_bank};

#[cfg(test)]
mod tests_errors;
#[cfg(test)]
mod tests_gift_examples;
#[cfg(test)]
mod tests_gift_moodle;
#[cfg(test)]
mod tests_gift_pegjs;
#[cfg(test)]
mod tests_grading;
#[cfg(test)]
mod tests_json;
#[cfg(test)]
mod tests_properties;
#[cfg(test)]
mod tests_roundtrip;
#[cfg(test)]
mod tests_shuffle_flag;
#[cfg(test)]
mod tests_support;
#[cfg(test)]
mod tests_xml;
