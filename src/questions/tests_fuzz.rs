//! Arbitrary input never panics, and whatever reads successfully round-trips.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::approx_constant)]

use super::{Question, QuestionKind, parse_gift, parse_moodle_xml, write_gift, write_moodle_xml};

/// GIFT has no escape for `->`, so (as in Moodle) it cannot be written in a short answer's
/// answers or feedback, or a matching question's left-hand side, without changing the
/// question's type or pairs.
fn gift_can_write(q: &Question) -> bool {
    match &q.kind {
        QuestionKind::ShortAnswer { answers, .. } => answers
            .iter()
            .all(|a| !a.text.contains("->") && !a.feedback.contains("->")),
        QuestionKind::Matching { pairs } => pairs.iter().all(|p| !p.question.contains("->")),
        _ => true,
    }
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const GIFT_PIECES: &[&str] = &[
    "{",
    "}",
    "~",
    "=",
    "#",
    ":",
    "::",
    "\\",
    "%",
    "%50%",
    "%-100%",
    "%33%",
    "->",
    " ",
    "\n",
    "\n\n",
    "[html]",
    "[plain]",
    "[x]",
    "*",
    ".",
    "..",
    "1",
    "2.5",
    "-3",
    "T",
    "FALSE",
    "####",
    "é",
    "ß",
    "🧬",
    "遺",
    "//",
    "// [id:a]",
    "[tag:b\\]c]",
    "$CATEGORY:",
    "gene",
    "<b>",
    "&",
    "\\n",
    "\\{",
    "\\}",
    "\\:",
    "\\#",
    "\\=",
    "\\~",
    "\\\\",
    "_____",
    "\t",
    "\r\n",
    "\u{FDD0}",
];

const XML_PIECES: &[&str] = &[
    "<quiz>",
    "</quiz>",
    "<question type=\"multichoice\">",
    "<question type=\"truefalse\">",
    "<question type=\"numerical\">",
    "<question type=\"category\">",
    "</question>",
    "<name><text>n</text></name>",
    "<answer fraction=\"100\">",
    "<answer fraction=\"33\">",
    "</answer>",
    "<text>",
    "</text>",
    "<![CDATA[<b>x]]>",
    "&amp;",
    "&#233;",
    "&bogus;",
    "é",
    "<single>false</single>",
    "<tolerance>1</tolerance>",
    "<category>",
    "</category>",
    " ",
    "\n",
    "<",
    ">",
    "\"",
    "<subquestion>",
    "</subquestion>",
    "<!-- c -->",
    "<?xml version=\"1.0\"?>",
];

#[test]
fn random_gift_never_panics_and_round_trips() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut parsed = 0;
    for _ in 0..20_000 {
        let len = 1 + rng.next() % 24;
        let source: String = (0..len).map(|_| rng.pick(GIFT_PIECES)).collect();
        let Ok(questions) = parse_gift(&source, "fuzz.gift") else {
            continue;
        };
        parsed += 1;
        if !questions.iter().all(gift_can_write) {
            continue;
        }
        let written = write_gift(&questions);
        let again = parse_gift(&written, "again.gift")
            .unwrap_or_else(|e| panic!("{source:?}\n{written}\n{e:#?}"));
        assert_eq!(questions, again, "gift {source:?}\n{written}");
        let xml = write_moodle_xml(&questions);
        let again = parse_moodle_xml(&xml, "again.xml")
            .unwrap_or_else(|e| panic!("{source:?}\n{xml}\n{e:#?}"));
        assert_eq!(questions, again, "xml {source:?}\n{xml}");
    }
    assert!(parsed > 1000, "only {parsed} inputs parsed");
}

#[test]
fn random_xml_never_panics() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for _ in 0..20_000 {
        let len = 1 + rng.next() % 30;
        let source: String = (0..len).map(|_| rng.pick(XML_PIECES)).collect();
        if let Ok(questions) = parse_moodle_xml(&source, "fuzz.xml") {
            let xml = write_moodle_xml(&questions);
            let again = parse_moodle_xml(&xml, "again.xml")
                .unwrap_or_else(|e| panic!("{source:?}\n{xml}\n{e:#?}"));
            assert_eq!(questions, again, "{source:?}");
        }
    }
}
