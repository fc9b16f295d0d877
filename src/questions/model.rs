//! The question data model shared by every reader, writer and the grader.
//!
//! Fractions are on Moodle's 0..1 scale (GIFT `%50%` and XML `fraction="50"` both become 0.5).

use serde::{Deserialize, Serialize};

/// How a piece of text is to be rendered. The names and numbers are Moodle's.
#[derive(
    Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, Default, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum TextFormat {
    /// `FORMAT_MOODLE` (0): Moodle's auto-format, GIFT's default.
    #[default]
    Moodle,
    /// `FORMAT_HTML` (1).
    Html,
    /// `FORMAT_PLAIN` (2).
    Plain,
    /// `FORMAT_MARKDOWN` (4).
    Markdown,
}

impl TextFormat {
    pub const ALL: [TextFormat; 4] = [
        TextFormat::Moodle,
        TextFormat::Html,
        TextFormat::Plain,
        TextFormat::Markdown,
    ];

    /// Moodle's `FORMAT_*` constant.
    pub fn moodle_code(self) -> u8 {
        match self {
            TextFormat::Moodle => 0,
            TextFormat::Html => 1,
            TextFormat::Plain => 2,
            TextFormat::Markdown => 4,
        }
    }

    pub fn from_moodle_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.moodle_code() == code)
    }

    /// The name used in Moodle XML `format="..."` attributes.
    pub fn xml_name(self) -> &'static str {
        match self {
            TextFormat::Moodle => "moodle_auto_format",
            TextFormat::Html => "html",
            TextFormat::Plain => "plain_text",
            TextFormat::Markdown => "markdown",
        }
    }

    pub fn from_xml_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.xml_name() == name)
    }

    /// The name used in GIFT `[name]` prefixes, also the serde and JSON name.
    pub fn gift_name(self) -> &'static str {
        match self {
            TextFormat::Moodle => "moodle",
            TextFormat::Html => "html",
            TextFormat::Plain => "plain",
            TextFormat::Markdown => "markdown",
        }
    }

    pub fn from_gift_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.gift_name() == name)
    }
}

/// The tag that keeps an item's options in the order written, where a format has no field
/// for Moodle's `shuffleanswers` (GIFT, the item form's tags). Moodle imports it from GIFT as
/// an ordinary tag, which does no harm.
pub const NO_SHUFFLE_TAG: &str = "noshuffle";

/// A piece of formatted text.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, utoipa::ToSchema)]
pub struct Text {
    pub text: String,
    pub format: TextFormat,
}

impl Text {
    pub fn new(text: impl Into<String>, format: TextFormat) -> Self {
        Text {
            text: text.into(),
            format,
        }
    }
}

/// A choice of a multiple-choice question or an accepted short answer.
///
/// Short answers are matched as plain strings, so their `text_format` is always `Plain`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
pub struct Answer {
    pub text: String,
    pub text_format: TextFormat,
    pub fraction: f64,
    pub feedback: String,
    pub feedback_format: TextFormat,
}

/// An accepted numerical answer: `value ± tolerance`, or any number when `value` is `None`
/// (Moodle's `*` answer).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
pub struct NumericalAnswer {
    pub value: Option<f64>,
    pub tolerance: f64,
    pub fraction: f64,
    pub feedback: String,
    pub feedback_format: TextFormat,
}

/// One row of a matching question. An empty `question` makes `answer` an extra distractor.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
pub struct MatchPair {
    pub question: String,
    pub question_format: TextFormat,
    pub answer: String,
}

/// What kind of question it is, with the data only that kind has.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum QuestionKind {
    /// `single`: one answer may be chosen (radio buttons), else several (check boxes).
    MultiChoice {
        single: bool,
        answers: Vec<Answer>,
    },
    TrueFalse {
        correct: bool,
        feedback_true: Text,
        feedback_false: Text,
    },
    ShortAnswer {
        answers: Vec<Answer>,
        use_case: bool,
    },
    Matching {
        pairs: Vec<MatchPair>,
    },
    Numerical {
        answers: Vec<NumericalAnswer>,
    },
    Essay,
    Description,
}

impl QuestionKind {
    /// Moodle's type name as used in XML (`matching`, not the internal `match`).
    pub fn type_name(&self) -> &'static str {
        match self {
            QuestionKind::MultiChoice { .. } => "multichoice",
            QuestionKind::TrueFalse { .. } => "truefalse",
            QuestionKind::ShortAnswer { .. } => "shortanswer",
            QuestionKind::Matching { .. } => "matching",
            QuestionKind::Numerical { .. } => "numerical",
            QuestionKind::Essay => "essay",
            QuestionKind::Description => "description",
        }
    }
}

/// One question as imported from, or exported to, GIFT or Moodle XML.
#[derive(Serialize, Deserialize, Clone, Debug, utoipa::ToSchema)]
pub struct Question {
    pub name: String,
    pub text: String,
    pub text_format: TextFormat,
    /// Category path in force where the question was read (`$CATEGORY:` or a category element).
    pub category: Option<String>,
    /// Stable id: GIFT `[id:...]`, XML `<idnumber>`.
    pub id: Option<String>,
    pub tags: Vec<String>,
    pub general_feedback: String,
    pub general_feedback_format: TextFormat,
    pub kind: QuestionKind,
    /// Whether a choice or matching item's options are shown in a new order for each attempt
    /// (Moodle's `shuffleanswers`). Off for options whose order carries meaning ("all of the
    /// above", a scale). Left out of the stored JSON when on, so versions stored before the
    /// flag existed read as shuffled and keep their content hash.
    #[serde(default = "shuffled", skip_serializing_if = "is_shuffled")]
    pub shuffle_answers: bool,
    /// 1-based line where the question starts in its source; 0 when not read from a file.
    /// Not part of equality, so a question equals its re-imported copy.
    #[serde(skip)]
    pub line: usize,
    /// 1-based position among the questions of its source (categories not counted, broken
    /// and unsupported questions counted); 0 when not read from a file. Not part of equality.
    #[serde(skip)]
    pub position: usize,
}

impl PartialEq for Question {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.text == other.text
            && self.text_format == other.text_format
            && self.category == other.category
            && self.id == other.id
            && self.tags == other.tags
            && self.general_feedback == other.general_feedback
            && self.general_feedback_format == other.general_feedback_format
            && self.kind == other.kind
            && self.shuffle_answers == other.shuffle_answers
    }
}

impl Question {
    /// A question with empty texts in Moodle format, for building questions in code.
    pub fn new(name: impl Into<String>, text: impl Into<String>, kind: QuestionKind) -> Self {
        Question {
            name: name.into(),
            text: text.into(),
            text_format: TextFormat::Moodle,
            category: None,
            id: None,
            tags: Vec::new(),
            general_feedback: String::new(),
            general_feedback_format: TextFormat::Moodle,
            kind,
            shuffle_answers: true,
            line: 0,
            position: 0,
        }
    }

    /// Moves a `noshuffle` tag into [`Question::shuffle_answers`] for choice and matching
    /// items (GIFT and the item form have no field for it; other kinds keep it as a tag).
    pub fn take_no_shuffle_tag(&mut self) {
        let orderable = matches!(
            self.kind,
            QuestionKind::MultiChoice { .. } | QuestionKind::Matching { .. }
        );
        if orderable && self.tags.iter().any(|t| t == NO_SHUFFLE_TAG) {
            self.shuffle_answers = false;
            self.tags.retain(|t| t != NO_SHUFFLE_TAG);
        }
    }

    /// The tags as GIFT and the item form write them: `noshuffle` added when opted out.
    pub fn tags_with_no_shuffle(&self) -> Vec<String> {
        let mut tags = self.tags.clone();
        if !self.shuffle_answers && !tags.iter().any(|t| t == NO_SHUFFLE_TAG) {
            tags.push(NO_SHUFFLE_TAG.to_owned());
        }
        tags
    }

    /// Whether this item's options are reordered per attempt: choice (single and multiple
    /// response) and matching items that have not opted out. True/false keeps its natural
    /// order.
    pub fn shuffles(&self) -> bool {
        self.shuffle_answers
            && matches!(
                self.kind,
                QuestionKind::MultiChoice { .. } | QuestionKind::Matching { .. }
            )
    }
}

fn shuffled() -> bool {
    true
}

fn is_shuffled(shuffle: &bool) -> bool {
    *shuffle
}

/// A question category as declared in Moodle XML (GIFT can only give the path).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
pub struct Category {
    /// Verbatim path, e.g. `$course$/top/Default for X` or `genomics-basics`.
    pub path: String,
    pub info: String,
    pub info_format: TextFormat,
    pub id: Option<String>,
}

impl Category {
    pub fn new(path: impl Into<String>) -> Self {
        Category {
            path: path.into(),
            info: String::new(),
            info_format: TextFormat::Moodle,
            id: None,
        }
    }

    /// The path without its last segment, if it has one (`$course$/Iota/Kappa` → `$course$/Iota`).
    pub fn parent_path(&self) -> Option<&str> {
        self.path.rsplit_once('/').map(|(parent, _)| parent)
    }
}

/// A question of a type the model cannot hold (Cloze, random, calculated, drag-and-drop and
/// other plugin types), read only far enough to name and locate it.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct UnsupportedQuestion {
    /// The type as the file names it (`cloze`, `random`, ...).
    pub qtype: String,
    /// The question's name, or empty when it has none that reads.
    pub name: String,
    /// 1-based line where the question starts.
    pub line: usize,
    /// 1-based position among the file's questions, as [`Question::position`].
    pub position: usize,
}

/// Questions together with the categories declared for them, in file order.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, utoipa::ToSchema)]
pub struct QuestionBank {
    /// One entry per distinct path, the first declaration winning.
    pub categories: Vec<Category>,
    pub questions: Vec<Question>,
}

impl QuestionBank {
    pub fn category(&self, path: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.path == path)
    }

    pub(crate) fn declare(&mut self, category: Category) {
        if self.category(&category.path).is_none() {
            self.categories.push(category);
        }
    }
}
