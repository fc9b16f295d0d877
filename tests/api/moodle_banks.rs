//! Issue 22, point 6: Moodle's own test files import as Moodle imports them. Every question the
//! service can score comes in, those without an explanation as drafts that cannot be
//! published until one is added; essays, descriptions and other unscorable types are skipped
//! and located; ids the bank cannot keep are replaced and reported; broken files and grade
//! sums Moodle 5 refuses still refuse the whole file. What Moodle expects of each file is in
//! `tests/fixtures/questions/README.md` and the shared `fixtures/EXPECTED.md`.

use genomics_training::authoring::{self, ImportPreview, RowStatus, items::generated_uid};
use genomics_training::error::AppError;
use sea_orm::DatabaseConnection;

use crate::helpers::spawn_app;

pub fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/questions/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

/// Each question to import as (line, position, type, name, needs an explanation).
pub fn rows(preview: &ImportPreview) -> Vec<(usize, usize, &str, &str, bool)> {
    preview
        .questions
        .iter()
        .map(|q| {
            let (qtype, name) = (q.qtype.as_str(), q.name.as_str());
            (q.line, q.position, qtype, name, q.needs_explanation)
        })
        .collect()
}

/// Each skipped question as (line, position, type, name).
pub fn skipped(preview: &ImportPreview) -> Vec<(usize, usize, &str, &str)> {
    preview
        .skipped
        .iter()
        .map(|s| (s.line, s.position, s.qtype.as_str(), s.name.as_str()))
        .collect()
}

async fn preview_of(db: &DatabaseConnection, name: &str, topic: Option<&str>) -> ImportPreview {
    let file = name.rsplit('/').next().unwrap();
    authoring::preview_import(db, &fixture(name), file, topic)
        .await
        .unwrap()
}

/// `questions.gift.txt`: Moodle reports "Importing 9 questions from file". Eight can be
/// scored; only `Q1` has general feedback, so seven come in as drafts; the essay `Q8` is
/// skipped; the two questions named `2-08 TSL` (Moodle allows duplicate names) get two ids.
#[rocket::async_test]
async fn moodle_questions_gift_imports_eight_with_seven_drafts_and_skips_the_essay() {
    let app = spawn_app().await;
    let db = app.db();
    let preview = preview_of(db, "moodle_gift/questions.gift.txt", Some("samples")).await;
    assert!(preview.errors.is_empty(), "{:#?}", preview.errors);
    assert_eq!(
        rows(&preview),
        [
            (5, 2, "matching", "Moodle activities", true),
            (14, 3, "multichoice", "Q2", true),
            (22, 4, "multichoice", "colours", true),
            (31, 5, "numerical", "Q5", true),
            (34, 6, "shortanswer", "Shortanswer", true),
            (41, 7, "truefalse", "Q1", false),
            (46, 8, "truefalse", "2-08 TSL", true),
            (49, 9, "truefalse", "2-08 TSL", true),
        ]
    );
    assert_eq!(skipped(&preview), [(2, 1, "essay", "Q8")]);
    assert!(preview.skipped[0].reason.contains("marked by a person"));
    assert!(preview.renamed.is_empty(), "{:#?}", preview.renamed);
    assert_eq!(
        preview.questions[6].id,
        generated_uid("samples", "2-08 TSL")
    );
    assert_ne!(preview.questions[7].id, preview.questions[6].id);

    let summary = authoring::apply_import(
        db,
        None,
        &fixture("moodle_gift/questions.gift.txt"),
        "questions.gift.txt",
        Some("samples"),
        true,
    )
    .await
    .unwrap();
    assert_eq!(
        (
            summary.created,
            summary.published,
            summary.needs_explanation,
            summary.skipped,
            summary.renamed
        ),
        (8, 1, 7, 1, 0)
    );
    let items = authoring::list_items(db, "samples").await.unwrap();
    let q1 = items.iter().find(|i| i.name == "Q1").unwrap();
    assert_eq!(
        (q1.status.as_str(), q1.needs_explanation),
        ("published", false)
    );
    let drafts = items
        .iter()
        .filter(|i| i.status == "draft" && i.needs_explanation)
        .count();
    assert_eq!(
        drafts, 7,
        "published on request, except those needing an explanation"
    );

    // The same file again finds the same items, the duplicate names included.
    let again = authoring::preview_import(
        db,
        &fixture("moodle_gift/questions.gift.txt"),
        "questions.gift.txt",
        Some("samples"),
    )
    .await
    .unwrap();
    assert!(
        again
            .questions
            .iter()
            .all(|q| q.status == RowStatus::Unchanged),
        "{:#?}",
        again.questions
    );
}

/// `questions_in_category.gift.txt`: "Importing 4 questions from file", none with general
/// feedback. Its `$CATEGORY:` names no topic here, so without a chosen topic each question
/// is refused at its line; with one, all four come in as drafts.
#[rocket::async_test]
async fn moodle_gift_with_a_category_imports_four_drafts_into_the_chosen_topic() {
    let app = spawn_app().await;
    let db = app.db();
    let name = "moodle_gift/questions_in_category.gift.txt";
    let without_topic = preview_of(db, name, None).await;
    let lines: Vec<usize> = without_topic.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [5, 14, 22, 27]);
    assert!(without_topic.errors[0].message.contains("no topic"));

    let preview = preview_of(db, name, Some("samples")).await;
    assert!(preview.errors.is_empty(), "{:#?}", preview.errors);
    assert_eq!(
        rows(&preview),
        [
            (5, 1, "matching", "Moodle activities", true),
            (14, 2, "multichoice", "Greeting", true),
            (22, 3, "shortanswer", "Moodle user", true),
            (27, 4, "truefalse", "Moodle acronym", true),
        ]
    );
    assert!(preview.skipped.is_empty() && preview.renamed.is_empty());
}

/// `html_chars_in_idnumbers.xml`: the question's idnumber `T & F` is not an id the bank can
/// keep (nor is its category's, which names no topic and is not used); it is replaced by a
/// derived one, the same on every import, and reported.
#[rocket::async_test]
async fn moodle_xml_id_with_html_characters_is_replaced_and_reported() {
    let app = spawn_app().await;
    let db = app.db();
    let name = "moodle_xml/html_chars_in_idnumbers.xml";
    let preview = preview_of(db, name, Some("samples")).await;
    assert!(preview.errors.is_empty(), "{:#?}", preview.errors);
    assert_eq!(
        rows(&preview),
        [(15, 1, "truefalse", "Alpha Question", true)]
    );
    let renamed = &preview.renamed;
    assert_eq!(renamed.len(), 1);
    assert_eq!(
        (
            renamed[0].line,
            renamed[0].position,
            renamed[0].from.as_str()
        ),
        (15, 1, "T & F")
    );
    assert_eq!(renamed[0].to, "T-F-8ad718fa");
    assert!(renamed[0].reason.contains("not a usable id"));
    assert_eq!(preview.questions[0].id, renamed[0].to);

    let summary = authoring::apply_import(
        db,
        None,
        &fixture(name),
        "html_chars_in_idnumbers.xml",
        Some("samples"),
        false,
    )
    .await
    .unwrap();
    assert_eq!((summary.created, summary.renamed), (1, 1));
    let again = authoring::preview_import(
        db,
        &fixture(name),
        "html_chars_in_idnumbers.xml",
        Some("samples"),
    )
    .await
    .unwrap();
    assert_eq!(again.questions[0].id, "T-F-8ad718fa");
    assert_eq!(again.questions[0].status, RowStatus::Unchanged);
}

/// `nested_categories_with_questions.xml`: four true/false questions come in as drafts and
/// the essay, the file's second question, is skipped with its position and line.
#[rocket::async_test]
async fn moodle_xml_nested_categories_skip_the_essay_by_position_and_line() {
    let app = spawn_app().await;
    let db = app.db();
    let preview = preview_of(
        db,
        "moodle_xml/nested_categories_with_questions.xml",
        Some("samples"),
    )
    .await;
    assert!(preview.errors.is_empty(), "{:#?}", preview.errors);
    assert_eq!(
        rows(&preview),
        [
            (15, 1, "truefalse", "Iota Question", true),
            (83, 3, "truefalse", "Kappa Question", true),
            (123, 4, "truefalse", "Lambda Question", true),
            (163, 5, "truefalse", "Mu Question", true),
        ]
    );
    assert_eq!(
        skipped(&preview),
        [(55, 2, "essay", "Kappa Essay Question")]
    );

    let category = "moodle_xml/category_with_description.xml";
    let category = preview_of(db, category, Some("samples")).await;
    assert_eq!(
        rows(&category),
        [(15, 1, "truefalse", "Alpha Question", true)]
    );
}

/// Moodle's XML tests one question at a time: `numerical_19` and `shortanswer_19` have
/// general feedback and import ready to publish; `multichoice_19` is a multiple-answer
/// question whose two right answers are each worth 100 %, which the reader accepts (as
/// Moodle's old import test did) but the import refuses, as Moodle 5 does.
#[rocket::async_test]
async fn moodle_xml_snippets_import_and_grade_sums_over_100_are_refused() {
    let app = spawn_app().await;
    let db = app.db();
    for (name, qtype) in [
        ("moodle_xml_inline/numerical_19.question.xml", "numerical"),
        (
            "moodle_xml_inline/shortanswer_19.question.xml",
            "shortanswer",
        ),
    ] {
        let preview = preview_of(db, name, Some("samples")).await;
        assert!(preview.errors.is_empty(), "{name}: {:#?}", preview.errors);
        assert_eq!(preview.questions.len(), 1);
        assert_eq!(preview.questions[0].qtype, qtype);
        assert!(!preview.questions[0].needs_explanation, "{name}");
    }

    let name = "moodle_xml_inline/multichoice_19.question.xml";
    let refused = preview_of(db, name, Some("samples")).await;
    assert_eq!(refused.errors.len(), 1, "{:#?}", refused.errors);
    assert_eq!(refused.errors[0].line, 1);
    let message = &refused.errors[0].message;
    assert!(
        message.contains("do not add up to 100%") && message.contains("200%"),
        "{message}"
    );
    let applied = authoring::apply_import(
        db,
        None,
        &fixture(name),
        "multichoice_19.question.xml",
        Some("samples"),
        false,
    )
    .await;
    assert!(
        matches!(applied, Err(AppError::Unprocessable(_))),
        "{applied:?}"
    );
}

/// A broken file is still refused whole: `error_invalid_grades.xml` (grade 0.33 is not one of
/// Moodle's) imports nothing, even beside questions that would be skipped or made drafts.
#[rocket::async_test]
async fn a_broken_file_is_refused_whole_with_file_and_line() {
    let app = spawn_app().await;
    let db = app.db();
    let before = authoring::list_items(db, "samples").await.unwrap().len();
    let preview = preview_of(db, "moodle_xml/error_invalid_grades.xml", Some("samples")).await;
    assert_eq!(preview.errors.len(), 1, "{:#?}", preview.errors);
    assert_eq!(
        preview.errors[0].to_string().split(": ").next(),
        Some("error_invalid_grades.xml:4")
    );
    assert!(preview.errors[0].message.contains("0.33"));

    let mixed = "::Essay:: Describe consent. {}\n\n\
                 ::Draft:: Is EDTA usual? {T}\n\n\
                 ::Broken:: Which tube? {=EDTA ~Plain\n";
    let preview = authoring::preview_import(db, mixed, "mixed.gift", Some("samples"))
        .await
        .unwrap();
    let located: Vec<String> = preview.errors.iter().map(ToString::to_string).collect();
    assert_eq!(located.len(), 1);
    assert!(located[0].starts_with("mixed.gift:5: "), "{located:?}");
    let refused =
        authoring::apply_import(db, None, mixed, "mixed.gift", Some("samples"), false).await;
    assert!(matches!(refused, Err(AppError::Unprocessable(_))));
    assert_eq!(
        authoring::list_items(db, "samples").await.unwrap().len(),
        before
    );
}

/// Moodle's `examples.txt`, the importer's own reference examples: all 43 read and can be
/// scored (it has no essay or description), none has general feedback, so all are drafts.
#[rocket::async_test]
async fn moodle_gift_examples_import_as_43_drafts() {
    let app = spawn_app().await;
    let db = app.db();
    let preview = preview_of(db, "moodle_gift/examples.txt", Some("samples")).await;
    assert!(preview.errors.is_empty(), "{:#?}", preview.errors);
    let count = |qtype: &str| {
        preview
            .questions
            .iter()
            .filter(|q| q.qtype == qtype)
            .count()
    };
    assert_eq!(
        [
            count("multichoice"),
            count("truefalse"),
            count("shortanswer"),
            count("numerical"),
            count("matching")
        ],
        [18, 5, 9, 8, 3]
    );
    assert_eq!(preview.questions.len(), 43);
    assert!(preview.questions.iter().all(|q| q.needs_explanation));
    assert!(preview.skipped.is_empty() && preview.renamed.is_empty());
    // Each question is located where it starts (a name made from the text when it has none).
    let at = |line: usize| preview.questions.iter().find(|q| q.line == line);
    assert_eq!(
        at(115).map(|q| q.name.as_str()),
        Some("Difficult question.")
    );
}

/// A draft imported without an explanation cannot be published until an edit adds one.
#[rocket::async_test]
async fn a_draft_without_an_explanation_is_published_only_after_one_is_added() {
    let app = spawn_app().await;
    let db = app.db();
    let gift = "// [id:tf-draft]\n::Tube::EDTA is usual for DNA tests. {T}\n";
    authoring::apply_import(db, None, gift, "draft.gift", Some("samples"), true)
        .await
        .unwrap();
    let item = authoring::list_items(db, "samples")
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.uid == "tf-draft")
        .unwrap();
    assert_eq!(
        (item.status.as_str(), item.needs_explanation),
        ("draft", true)
    );
    let refused = authoring::publish_item(db, None, item.item_id).await;
    let Err(AppError::Conflict(message)) = refused else {
        panic!("publishing should be refused: {refused:?}");
    };
    assert!(
        message.contains("needs an explanation before it can be published"),
        "{message}"
    );

    let mut question = authoring::current_question(db, item.item_id).await.unwrap();
    question.general_feedback = "EDTA stops the blood clotting.".into();
    authoring::edit_item(db, None, item.item_id, &question)
        .await
        .unwrap();
    let published = authoring::publish_item(db, None, item.item_id)
        .await
        .unwrap();
    assert_eq!(
        (published.status.as_str(), published.needs_explanation),
        ("published", false)
    );

    // The same file again does not take the explanation away.
    let again = authoring::preview_import(db, gift, "draft.gift", Some("samples"))
        .await
        .unwrap();
    assert_eq!(again.questions[0].status, RowStatus::Unchanged);
    assert!(!again.questions[0].needs_explanation);
}
