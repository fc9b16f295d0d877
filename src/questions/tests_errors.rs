//! Broken inputs: every broken question is reported, at the line where it starts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::approx_constant)]

use super::tests_support::*;
use super::{ParseError, parse_file, parse_gift, parse_moodle_xml};

fn one_error(source: &str) -> ParseError {
    let mut errors = gift_errors(source);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.remove(0)
}

fn assert_error(error: &ParseError, line: usize, needle: &str) {
    assert_eq!(error.line, line, "{error}");
    assert!(error.message.contains(needle), "{error}");
}

#[test]
fn gift_brace_errors() {
    let e = one_error("// intro\n\n// comment\n::A::What {=a\n=b\n\n::B::Fine{T}");
    assert_error(&e, 4, "unclosed '{'");
    assert!(e.message.contains("question \"A\""), "{e}");
    assert_error(&one_error("Broken } here"), 1, "'}' without a matching '{'");
    assert_error(&one_error("x } y {=a}"), 1, "'}' without a matching '{'");
    assert_error(&one_error("x {=a {b}"), 1, "'{' inside the answers");
    assert_error(
        &one_error("a {=b} c {=d}"),
        1,
        "only one {...} answer block",
    );
    assert_error(&one_error("::Unclosed name"), 1, "no closing '::'");
}

#[test]
fn gift_weight_errors() {
    let e = one_error("::W::Pick{~%33%a =b}");
    assert_error(
        &e,
        1,
        "answer weight 33% is not one of Moodle's allowed grades",
    );
    assert_error(&one_error("Pick{=%33%a =%100%b}"), 1, "weight 33%");
    assert_error(&one_error("Pick{#=%15%3 =4}"), 1, "weight 15%");
    assert_error(&one_error("Pick{~%--50%a =b}"), 1, "is not a number");
    // Moodle's thirds, sixths, sevenths and ninths are legal when written to 5 decimals.
    for weight in [
        "33.33333",
        "16.66667",
        "14.28571",
        "11.11111",
        "-83.33333",
        "-100",
    ] {
        let source = format!("Pick{{~%{weight}%a =b}}");
        assert!(parse_gift(&source, "x").is_ok(), "{weight}");
    }
}

#[test]
fn gift_answer_errors() {
    assert_error(
        &one_error("Q{~ =b}"),
        1,
        "multiple choice answer 1 is empty",
    );
    assert_error(&one_error("Q{=}"), 1, "short answer 1 is empty");
    assert_error(
        &one_error("Q{~a ~b}"),
        1,
        "multiple choice question has no correct answer",
    );
    assert_error(&one_error("Q{~%-50%a ~b}"), 1, "no correct answer");
    assert_error(&one_error("Q{~a}"), 1, "at least 2 answers");
    assert_error(
        &one_error("Q{=%0%a}"),
        1,
        "short answer question has no correct answer",
    );
    assert_error(&one_error("Q{#}"), 1, "numerical question has no answers");
    assert_error(&one_error("Q{#abc}"), 1, "\"abc\" is not a number");
    assert_error(&one_error("Q{#1:x}"), 1, "tolerance \"x\"");
    assert_error(&one_error("Q{#5..1}"), 1, "maximum below its minimum");
    assert_error(&one_error("Q{#1:-2}"), 1, "must not be negative");
    assert_error(
        &one_error("Q{=a -> b =c}"),
        1,
        "matching pair \"c\" has no '->'",
    );
    assert_error(
        &one_error("Q{=a -> b = -> c}"),
        1,
        "at least 2 pairs with a question",
    );
    assert_error(
        &one_error("Q{=a -> b =c -> }"),
        1,
        "matching pair 2 has no answer",
    );
    assert_error(
        &one_error("$CATEGORY: x\n::Q::y{T}"),
        1,
        "followed by a blank line",
    );
    assert_error(&one_error("$CATEGORY:"), 1, "needs a category name");
}

#[test]
fn several_broken_questions_give_several_errors() {
    let source = "::Good1::Fine{T}\n\n// broken 1\n::Bad1::No close {=a\n\n::Good2::Fine{=a =b}\n\n\
                  ::Bad2::{~%33%x =y}\n\n\n::Bad3::\nTwo lines {~a\n~b}\n";
    let errors = gift_errors(source);
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [4, 8, 11], "{errors:#?}");
    assert!(errors[0].message.contains("unclosed"));
    assert!(errors[1].message.contains("33%"));
    assert!(errors[2].message.contains("no correct answer"));
    assert_eq!(
        errors[0].to_string(),
        "inline.gift:4: question \"Bad1\": unclosed '{'"
    );
}

#[test]
fn xml_unknown_type_and_missing_name() {
    let xml = "<quiz>\n<question type=\"truefalse\"><name><text>ok</text></name>\
               <answer fraction=\"100\"><text>true</text></answer></question>\n\
               <question type=\"cloze\">\n<name><text>C</text></name></question>\n\
               <question type=\"multichoice\"></question>\n</quiz>";
    let errors = parse_moodle_xml(xml, "u.xml").expect_err("must fail");
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_error(&errors[0], 3, "question type \"cloze\" is not supported");
    assert_error(&errors[1], 5, "question has no <name>");
}

#[test]
fn xml_structural_errors_have_lines() {
    let malformed = "<quiz>\n<question type=\"essay\">\n<name><text>x</name>\n</question></quiz>";
    let errors = parse_moodle_xml(malformed, "m.xml").expect_err("mismatched tags");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 3, "{:?}", errors[0]);
    assert!(
        errors[0].message.contains("not well-formed"),
        "{:?}",
        errors[0]
    );

    let entity =
        "<quiz>\n<question type=\"essay\"><name><text>a&nbsp;b</text></name></question>\n</quiz>";
    let errors = parse_moodle_xml(entity, "e.xml").expect_err("unknown entity");
    assert_error(&errors[0], 2, "unknown entity &nbsp;");

    let markup = "<quiz>\n<question type=\"essay\">\n<name><text>x</text></name>\n\
                  <questiontext><text><p>hi</p></text></questiontext></question></quiz>";
    let errors = parse_moodle_xml(markup, "h.xml").expect_err("unescaped HTML");
    assert_error(&errors[0], 4, "wrap it in CDATA");

    let unclosed = "<quiz>\n<question type=\"essay\">\n";
    let errors = parse_moodle_xml(unclosed, "c.xml").expect_err("unclosed");
    assert_error(&errors[0], 2, "never closed");

    let wrong_root = "<?xml version=\"1.0\"?>\n<html></html>";
    let errors = parse_moodle_xml(wrong_root, "r.xml").expect_err("wrong root");
    assert_error(&errors[0], 2, "expected <quiz> or <question>");

    let bad_fraction = "<question type=\"multichoice\"><name><text>F</text></name>\n\
                        <answer fraction=\"lots\"><text>a</text></answer></question>";
    let errors = parse_moodle_xml(bad_fraction, "f.xml").expect_err("bad fraction");
    assert_error(&errors[0], 2, "fraction \"lots\" is not a number");

    let no_correct = "<question type=\"multichoice\"><name><text>N</text></name>\
                      <single>true</single><answer fraction=\"50\"><text>a</text></answer>\
                      <answer fraction=\"0\"><text>b</text></answer></question>";
    let errors = parse_moodle_xml(no_correct, "n.xml").expect_err("no 100% answer");
    assert_error(&errors[0], 1, "no correct answer");
}

#[test]
fn xml_deep_nesting_is_refused() {
    let depth = 10_000;
    let mut xml = String::from("<quiz>\n");
    for _ in 0..depth {
        xml.push_str("<a>\n");
    }
    for _ in 0..depth {
        xml.push_str("</a>");
    }
    xml.push_str("</quiz>");
    let errors = parse_moodle_xml(&xml, "deep.xml").expect_err("too deep");
    assert_eq!(errors.len(), 1);
    // <quiz> is depth 1 on line 1, so the 65th element is the 64th <a>, on line 65.
    assert_error(&errors[0], 65, "nested more than 64 deep");
}

#[test]
fn oversized_input_is_refused() {
    let big = "x".repeat(super::MAX_SOURCE_BYTES + 1);
    let errors = parse_gift(&big, "big.gift").expect_err("too big");
    assert_error(&errors[0], 1, "larger than 10 MB");
    let errors = parse_moodle_xml(&big, "big.xml").expect_err("too big");
    assert_error(&errors[0], 1, "larger than 10 MB");
}

#[test]
fn too_many_questions_are_refused() {
    let gift = "x\n\n".repeat(super::MAX_QUESTIONS);
    assert_eq!(
        parse_gift(&gift, "many.gift").unwrap().len(),
        super::MAX_QUESTIONS
    );
    let errors = parse_gift(&format!("{gift}x"), "many.gift").expect_err("too many");
    assert_eq!(errors.len(), 1);
    assert_error(&errors[0], 1, "more than 10000 questions");
    let question = "<question type=\"description\"><name><text>n</text></name>\
                    <questiontext><text>t</text></questiontext></question>\n";
    let xml = format!("<quiz>{}</quiz>", question.repeat(super::MAX_QUESTIONS + 1));
    let errors = parse_moodle_xml(&xml, "many.xml").expect_err("too many");
    assert_error(&errors[0], 1, "more than 10000 questions");
}

#[test]
fn reading_stops_after_many_broken_questions() {
    let errors = gift_errors(&"x{\n\n".repeat(1000));
    assert_eq!(errors.len(), super::MAX_ERRORS + 1);
    assert_error(
        &errors[200],
        401,
        "reading stopped after 200 broken questions",
    );
    let xml = format!(
        "<quiz>\n{}</quiz>",
        "<question type=\"bogus\"/>\n".repeat(1000)
    );
    let errors = parse_moodle_xml(&xml, "broken.xml").expect_err("broken");
    assert_eq!(errors.len(), super::MAX_ERRORS + 1);
    assert_error(
        &errors[200],
        202,
        "reading stopped after 200 broken questions",
    );
}

#[test]
fn elements_with_many_attributes_are_refused() {
    let attributes: String = (0..1000).map(|i| format!(" a{i}=\"\"")).collect();
    let errors = parse_moodle_xml(&format!("<quiz{attributes}/>"), "a.xml").expect_err("refused");
    assert_error(&errors[0], 1, "more than 32 attributes");
}

#[test]
fn a_tag_inside_an_id_is_read_once_and_round_trips() {
    // Found by the gift_reader fuzz target: the id holds `[tag:fred]`.
    let source = "//// [id:Y93// [tag:fred] [tag:barney]\nsorre{}";
    let questions = gift(source);
    assert_eq!(questions[0].id.as_deref(), Some("Y93// [tag:fred"));
    assert_eq!(questions[0].tags, ["fred", "barney"]);
    assert_eq!(gift(&super::write_gift(&questions)), questions);
}

#[test]
fn control_characters_are_refused_where_they_stand() {
    let errors = gift_errors("::A:: fine {T}\n\n::B:: Here's a que\0n {T}");
    assert_eq!(errors.len(), 1);
    assert_error(&errors[0], 3, "control character U+0000");
    let xml = "<quiz>\n<question type=\"description\"><name><text>n</text></name>";
    for (bad, needle) in [
        (
            "<questiontext><text>a\u{1b}b</text></questiontext>",
            "U+001B",
        ),
        ("<questiontext><text>a&#1;b</text></questiontext>", "U+0001"),
        (
            "<questiontext format=\"&#8;\"><text>t</text></questiontext>",
            "U+0008",
        ),
    ] {
        let source = format!("{xml}\n{bad}</question></quiz>");
        let errors = parse_moodle_xml(&source, "c.xml").expect_err(bad);
        assert_error(&errors[0], 3, needle);
    }
}

fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("questions-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn parse_file_detects_format_and_reports_file_errors() {
    let path = temp_file("latin1.gift", b"::Caf\xe9::Question{T}\n");
    let errors = parse_file(&path).expect_err("not UTF-8");
    assert_eq!(errors.len(), 1);
    assert_error(
        &errors[0],
        1,
        "The file does not use UTF-8 character encoding",
    );
    assert!(errors[0].file.ends_with("latin1.gift"));

    let missing = std::env::temp_dir().join("questions-tests-no-such-file.gift");
    let errors = parse_file(&missing).expect_err("missing");
    assert_error(&errors[0], 1, "cannot be read");

    let path = temp_file("empty.gift", b"// only a comment\n\n$CATEGORY: x\n");
    assert_error(
        &parse_file(&path).expect_err("empty")[0],
        1,
        "contains no questions",
    );

    let path = temp_file(
        "bom.gift",
        "\u{FEFF}::A::B{T}\r\n\r\n::C::D{F}\r\n".as_bytes(),
    );
    let questions = parse_file(&path).unwrap();
    assert_eq!(questions.len(), 2);
    assert_eq!((questions[1].name.as_str(), questions[1].line), ("C", 3));

    let xml = fixture("moodle_xml_inline/numerical_19.question.xml");
    let path = temp_file("inline.xml", xml.as_bytes());
    assert_eq!(parse_file(&path).unwrap()[0].name, "Numerical question");

    let path = temp_file(
        "broken.xml",
        b"  <quiz><question type=\"ddwtos\"></question></quiz>",
    );
    assert_error(&parse_file(&path).expect_err("unsupported")[0], 1, "ddwtos");
}

#[test]
fn numerical_answers_follow_php_is_numeric() {
    let value = |source: &str| match only(gift(source)).kind {
        super::QuestionKind::Numerical { answers } => (answers[0].value, answers[0].tolerance),
        other => panic!("{other:?}"),
    };
    assert_eq!(value("Q{#5.}"), (Some(5.0), 0.0));
    assert_eq!(value("Q{#.5}"), (Some(0.5), 0.0));
    assert_eq!(value("Q{#+1e3:1E-1}"), (Some(1000.0), 0.1));
    assert_eq!(value("Q{#-0.25:0}"), (Some(-0.25), 0.0));
    for bad in [
        "Q{#inf}",
        "Q{#NaN}",
        "Q{#1 2}",
        "Q{#１２}",
        "Q{#1e}",
        "Q{#0x10}",
        "Q{#1e999}",
    ] {
        assert_error(&one_error(bad), 1, "is not a number");
    }
}
