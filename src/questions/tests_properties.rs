//! Property tests (proptest): arbitrary and question-shaped input never panics the readers,
//! and whatever reads successfully writes back to equal questions. The cargo-fuzz targets in
//! `fuzz/` check the same properties with coverage guidance, for longer.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::{
    MAX_XML_DEPTH, Question, gift_can_write, parse_gift, parse_moodle_xml, write_gift,
    write_moodle_xml,
};

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
    "\0",
    "\u{1}",
    "\u{FFFF}",
];

/// (Control characters are left out: XML refuses them, which `tests_errors` checks, and
/// with them too few generated files read to exercise the round trip.)
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

/// Text made of GIFT's special characters, escapes and ordinary words.
fn gift_text(pieces: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(GIFT_PIECES), pieces).prop_map(|v| v.concat())
}

/// Mostly question-shaped GIFT (`::title:: text {answers} tail`), with the pieces
/// anywhere, so that the readers' error paths and their success paths both get exercised.
fn gift_source() -> impl Strategy<Value = String> {
    let question = (
        prop::option::of(gift_text(0..3)),
        gift_text(1..5),
        prop::sample::select(GIFT_ANSWERS),
        gift_text(0..6),
        gift_text(0..2),
    )
        .prop_map(|(title, text, answers, inside, tail)| {
            let title = title.map(|t| format!("::{t}::")).unwrap_or_default();
            format!("{title}{text}{{{answers}{inside}}}{tail}")
        });
    prop_oneof![
        gift_text(1..24),
        prop::collection::vec(question, 1..4).prop_map(|qs| qs.join("\n\n")),
    ]
}

/// Answer blocks of every GIFT question type.
const GIFT_ANSWERS: &[&str] = &[
    "T",
    "FALSE#wrong#right",
    "=a ~b",
    "=a#yes ~%50%b#half ~c",
    "~%50%a ~%50%b ~%-100%c",
    "#1.5:0.1",
    "#=%100%2..3 =%50%1",
    "=a -> b =c -> d =e -> f",
    "=cat =%50%kitten",
    "",
];

/// Moodle XML made of element and text pieces, or of questions of every type whose texts
/// are made of text pieces (markup in CDATA, references, non-ASCII, stray pieces).
fn xml_source() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(prop::sample::select(XML_PIECES), 1..30);
    let text =
        || prop::collection::vec(prop::sample::select(XML_TEXT), 0..5).prop_map(|v| v.concat());
    let question = (prop::sample::select(XML_BODIES), text(), text(), text()).prop_map(
        |((qtype, body), name, question, feedback)| {
            let body = body.replace("FEEDBACK", &feedback);
            format!(
                "<question type=\"{qtype}\"><name><text>n{name}</text></name>\
                 <questiontext format=\"html\"><text>{question}</text></questiontext>\
                 {body}</question>\n"
            )
        },
    );
    prop_oneof![
        pieces.prop_map(|v| v.concat()),
        prop::collection::vec(question, 1..4)
            .prop_map(|qs| format!("<quiz>\n{}</quiz>", qs.concat())),
    ]
}

/// Text content: mostly well-formed, sometimes not.
const XML_TEXT: &[&str] = &[
    "gene",
    " ",
    "\n",
    "&amp;",
    "&lt;b&gt;",
    "&#233;",
    "&#x1F9EC;",
    "é",
    "🧬",
    "<![CDATA[<b>x</b> & y]]>",
    "<![CDATA[]]>",
    "->",
    "{",
    "}",
    "~",
    "=",
    "#",
    ":",
    "\\",
    "[html]",
    "\t",
    "\r\n",
    "&bogus;",
];

/// Each question type with answers that make it valid; `FEEDBACK` is replaced by text.
const XML_BODIES: &[(&str, &str)] = &[
    (
        "truefalse",
        "<answer fraction=\"100\"><text>true</text><feedback><text>FEEDBACK</text></feedback>\
         </answer><answer fraction=\"0\"><text>false</text></answer>",
    ),
    (
        "multichoice",
        "<single>true</single><answer fraction=\"100\"><text>aFEEDBACK</text></answer>\
         <answer fraction=\"0\"><text>b</text><feedback><text>FEEDBACK</text></feedback></answer>",
    ),
    (
        "multichoice",
        "<single>false</single><answer fraction=\"50\"><text>a</text></answer>\
         <answer fraction=\"50\"><text>bFEEDBACK</text></answer>\
         <answer fraction=\"-100\"><text>c</text></answer>",
    ),
    (
        "shortanswer",
        "<usecase>1</usecase><answer fraction=\"100\"><text>cat</text>\
         <feedback><text>FEEDBACK</text></feedback></answer>\
         <answer fraction=\"50\"><text>kitten</text></answer>",
    ),
    (
        "numerical",
        "<answer fraction=\"100\"><text>1.5</text><tolerance>0.1</tolerance>\
         <feedback><text>FEEDBACK</text></feedback></answer>",
    ),
    (
        "matching",
        "<subquestion><text>aFEEDBACK</text><answer><text>b</text></answer></subquestion>\
         <subquestion><text>c</text><answer><text>d</text></answer></subquestion>\
         <subquestion><text>e</text><answer><text>f</text></answer></subquestion>",
    ),
    (
        "essay",
        "<generalfeedback><text>FEEDBACK</text></generalfeedback>",
    ),
    ("description", ""),
    (
        "category",
        "<category><text>$course$/topFEEDBACK</text></category>",
    ),
    ("cloze", ""),
];

/// Runs `check` on `cases` inputs from `strategy`; returns how many inputs it counted as read.
fn run<S: Strategy>(cases: u32, strategy: S, check: impl Fn(S::Value, &AtomicUsize)) -> usize
where
    S::Value: std::fmt::Debug,
{
    let read = AtomicUsize::new(0);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new(config)
        .run(&strategy, |input| {
            check(input, &read);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    read.load(Ordering::Relaxed)
}

/// Writes `questions` as Moodle XML, and as GIFT when they came from GIFT (GIFT cannot carry
/// everything Moodle XML can, see `write_gift`), and reads them back.
fn assert_round_trips(source: &str, questions: &[Question], from_gift: bool) {
    if from_gift && questions.iter().all(gift_can_write) {
        let written = write_gift(questions);
        let again = parse_gift(&written, "again.gift")
            .unwrap_or_else(|e| panic!("{source:?}\n{written}\n{e:#?}"));
        assert_eq!(questions, again, "gift {source:?}\n{written}");
    }
    let xml = write_moodle_xml(questions);
    let again =
        parse_moodle_xml(&xml, "again.xml").unwrap_or_else(|e| panic!("{source:?}\n{xml}\n{e:#?}"));
    assert_eq!(questions, again, "xml {source:?}\n{xml}");
}

/// Reads `cases` inputs from `strategy` as GIFT or as Moodle XML, checks that each one read
/// round-trips, and returns how many read.
fn read_and_round_trip<S>(cases: u32, strategy: S, gift: bool) -> usize
where
    S: Strategy<Value = String>,
{
    let parse = if gift { parse_gift } else { parse_moodle_xml };
    run(cases, strategy, |source, read| {
        if let Ok(questions) = parse(&source, "prop") {
            read.fetch_add(1, Ordering::Relaxed);
            assert_round_trips(&source, &questions, gift);
        }
    })
}

#[test]
fn gift_never_panics_and_what_it_reads_round_trips() {
    let read = read_and_round_trip(4000, gift_source(), true);
    // Guards the generator: most inputs must read, or the round trip is barely tested.
    assert!(read > 1000, "only {read} of 4000 inputs read");
}

#[test]
fn moodle_xml_never_panics_and_what_it_reads_round_trips() {
    let read = read_and_round_trip(4000, xml_source(), false);
    // About a quarter read; the bound is far enough below that to never fail by chance.
    assert!(read > 600, "only {read} of 4000 inputs read");
}

#[test]
fn arbitrary_text_never_panics_either_reader() {
    read_and_round_trip(2000, any::<String>(), true);
    read_and_round_trip(2000, any::<String>(), false);
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_at_any_depth() {
    run(20, (MAX_XML_DEPTH + 1)..20_000, |depth, _| {
        let xml = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        let errors = parse_moodle_xml(&xml, "deep.xml").expect_err("too deep");
        assert!(errors[0].message.contains("nested more than"), "{errors:?}");
    });
}
