//! The opt-out from shuffled options (Moodle's `shuffleanswers`) survives every format:
//! GIFT's `[tag:noshuffle]`, Moodle XML's `<shuffleanswers>`, and trips between them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::tests_support::*;
use super::{NO_SHUFFLE_TAG, parse_gift, parse_moodle_xml, write_gift, write_moodle_xml};

const KEPT: &str = "// [id:scale-1] [tag:baseline] [tag:noshuffle]\n\
    ::Scale::How often? {~Never ~Sometimes =Often ~Always}\n";

#[test]
fn gift_tag_becomes_the_flag_not_a_tag() {
    let q = only(gift(KEPT));
    assert!(!q.shuffle_answers);
    assert_eq!(q.tags, ["baseline"]);
    assert!(
        only(gift("::Q::Pick {=a ~b}")).shuffle_answers,
        "shuffled by default"
    );
}

#[test]
fn gift_and_xml_write_the_opt_out_and_read_it_back() {
    let q = only(gift(KEPT));
    let written = write_gift(std::slice::from_ref(&q));
    assert!(
        written.contains(&format!("[tag:{NO_SHUFFLE_TAG}]")),
        "{written}"
    );
    assert_eq!(only(parse_gift(&written, "w.gift").unwrap()), q);
    let xml = write_moodle_xml(std::slice::from_ref(&q));
    assert!(
        xml.contains("<shuffleanswers>false</shuffleanswers>"),
        "{xml}"
    );
    let via_xml = only(parse_moodle_xml(&xml, "w.xml").unwrap());
    assert_eq!(via_xml, q);
    let back = write_gift(std::slice::from_ref(&via_xml));
    assert_eq!(only(parse_gift(&back, "b.gift").unwrap()), q);
}

#[test]
fn moodle_xml_zero_means_keep_the_order() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Kept</text></name>
    <questiontext format="html"><text>Pick</text></questiontext>
    <single>true</single>
    <shuffleanswers>0</shuffleanswers>
    <answer fraction="100"><text>a</text></answer>
    <answer fraction="0"><text>b</text></answer>
  </question>
</quiz>"#;
    assert!(!only(parse_moodle_xml(xml, "k.xml").unwrap()).shuffle_answers);
    let shuffled = xml.replace("<shuffleanswers>0</shuffleanswers>", "");
    assert!(only(parse_moodle_xml(&shuffled, "s.xml").unwrap()).shuffle_answers);
}

#[test]
fn the_tag_on_a_kind_without_options_stays_a_tag() {
    let q = only(gift("// [tag:noshuffle]\n::TF::Sky is blue {T}"));
    assert!(q.shuffle_answers);
    assert_eq!(q.tags, [NO_SHUFFLE_TAG]);
}
