//! The JSON view for command-line tools.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::approx_constant)]

use serde_json::json;

use super::tests_support::*;
use super::to_json;

#[test]
fn one_object_per_question_with_type_fields() {
    let value = to_json(&gift_fixture("moodle_gift/questions.gift.txt"));
    let items = value.as_array().unwrap();
    assert_eq!(items.len(), 9);
    let types: Vec<&str> = items.iter().map(|q| q["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "essay",
            "matching",
            "multichoice",
            "multichoice",
            "numerical",
            "shortanswer",
            "truefalse",
            "truefalse",
            "truefalse"
        ]
    );
    for item in items {
        for key in [
            "name",
            "text",
            "text_format",
            "category",
            "id",
            "tags",
            "general_feedback",
        ] {
            assert!(item.get(key).is_some(), "{key} missing in {item}");
        }
    }
    assert_eq!(items[0]["name"], "Q8");
    assert_eq!(items[0]["text_format"], "moodle");
    assert_eq!(items[0]["category"], json!(null));
    assert_eq!(items[0]["tags"], json!([]));

    assert_eq!(items[1]["text_format"], "html");
    assert_eq!(
        items[1]["pairs"][4],
        json!({"question": "", "question_format": "html", "answer": "Chat"})
    );

    assert_eq!(items[2]["single"], true);
    assert_eq!(items[2]["answers"][0]["text"], "yellow");
    assert_eq!(items[2]["answers"][0]["fraction"], 1.0);
    assert_eq!(items[2]["answers"][1]["feedback"], "wrong, it's yellow");
    assert_eq!(items[3]["single"], false);
    assert_eq!(items[3]["answers"][1]["fraction"], -1.0);

    assert_eq!(items[4]["answers"][0]["text"], "3");
    assert_eq!(items[4]["answers"][0]["tolerance"], 2.0);
    assert_eq!(items[4]["answers"][1]["text"], "*");
    assert_eq!(items[4]["answers"][1]["value"], json!(null));
    assert_eq!(items[4]["answers"][1]["feedback"], "Completely wrong");

    assert_eq!(
        items[5]["answers"][1],
        json!({
            "text": "Cat", "fraction": 0.5, "feedback": "What is it with Moodlers and cats?",
            "feedback_format": "moodle"
        })
    );

    assert_eq!(items[6]["correct"], false);
    assert_eq!(items[6]["feedback_true"], "42 is the Ultimate Answer.");
    assert_eq!(items[6]["feedback_false"], "You gave the right answer.");
    assert_eq!(
        items[6]["general_feedback"],
        "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    );
}

#[test]
fn ids_tags_and_categories_appear() {
    let source = "$CATEGORY: genomics-basics\n\n// [id:gb-7] [tag:dna] [tag:rna]\n::Q::Text{}";
    let value = to_json(&gift(source));
    assert_eq!(value[0]["category"], "genomics-basics");
    assert_eq!(value[0]["id"], "gb-7");
    assert_eq!(value[0]["tags"], json!(["dna", "rna"]));
    assert_eq!(value[0]["line"], 4);
}
