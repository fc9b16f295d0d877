//! The command line, run as a real process.

use std::path::Path;
use std::process::{Command, Output};

use crate::content_check::{copy_tree, edit};

fn run(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_genomics-training"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "error");
    for (key, value) in envs {
        command.env(key, value);
    }
    command.output().expect("run the binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn questions_parse_prints_moodle_gift_fixture_as_json() {
    let output = run(
        &[
            "questions",
            "parse",
            "tests/fixtures/questions/moodle_gift/questions.gift.txt",
        ],
        &[],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON array");
    let questions = json.as_array().expect("array");
    assert_eq!(questions.len(), 9);
    let types: Vec<&str> = questions
        .iter()
        .filter_map(|q| q["type"].as_str())
        .collect();
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
    let colours = &questions[3];
    assert_eq!(colours["name"], "colours");
    assert_eq!(colours["single"], false);
    let fractions: Vec<f64> = colours["answers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["fraction"].as_f64())
        .collect();
    assert_eq!(fractions, [0.5, -1.0, 0.5, -1.0]);
    let q1 = &questions[6];
    assert_eq!(q1["correct"], false);
    assert_eq!(q1["feedback_true"], "42 is the Ultimate Answer.");
    assert_eq!(q1["feedback_false"], "You gave the right answer.");
}

#[test]
fn questions_parse_reads_moodle_xml_too() {
    let output = run(
        &[
            "questions",
            "parse",
            "tests/fixtures/questions/moodle_xml/nested_categories_with_questions.xml",
        ],
        &[],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON array");
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| q["name"].as_str())
        .collect();
    assert!(names.contains(&"Kappa Essay Question"), "{names:?}");
}

#[test]
fn questions_parse_of_a_bad_file_prints_file_line_and_no_partial_result() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.gift");
    std::fs::write(&file, "::Good::Fine? {T}\n\n::Bad::Broken {=a ~b\n").unwrap();
    let output = run(&["questions", "parse", file.to_str().unwrap()], &[]);
    assert!(!output.status.success());
    assert!(
        output.stdout.is_empty(),
        "no partial result: {}",
        text(&output.stdout)
    );
    assert!(
        text(&output.stderr).contains("bad.gift:3:"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn invalid_grades_xml_is_rejected_naming_the_question_and_grade() {
    let output = run(
        &[
            "questions",
            "parse",
            "tests/fixtures/questions/moodle_xml/error_invalid_grades.xml",
        ],
        &[],
    );
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = text(&output.stderr);
    assert!(stderr.contains("0.33"), "{stderr}");
}

#[test]
fn content_check_passes_on_shipped_content() {
    let output = run(&["content", "check"], &[]);
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    assert!(text(&output.stdout).starts_with("content OK: "));
}

#[test]
fn content_check_prints_each_problem_as_file_line() {
    let dir = copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content-min"));
    edit(
        dir.path(),
        "targets.toml",
        "required = 60",
        "required = 160",
    );
    let output = run(
        &["content", "check", "--dir", dir.path().to_str().unwrap()],
        &[],
    );
    assert!(!output.status.success());
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("/targets.toml:1: required must be 0-100 (got 160)"),
        "{stdout}"
    );
}

#[test]
fn migrate_creates_a_database_and_reports_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x/db.sqlite").display());
    let output = run(&["migrate"], &[("DATABASE_URL", &url)]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout).trim(), "database is up to date");
}

#[test]
fn bad_setting_prints_one_line_and_fails() {
    let output = run(&["migrate"], &[("ROCKET_APP", "{min_cell_size=1}")]);
    assert!(!output.status.success());
    assert_eq!(
        text(&output.stderr).trim(),
        "error: invalid setting app.min_cell_size: must be between 2 and 1000 (got 1)"
    );
}

/// A fresh SQLite database in `dir` for the command line.
fn sqlite_url(dir: &Path, name: &str) -> String {
    format!("sqlite://{}?mode=rwc", dir.join(name).display())
}

#[test]
fn questions_import_then_export_round_trips_through_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let first = sqlite_url(dir.path(), "first.db");
    let imported = run(
        &[
            "questions",
            "import",
            "tests/fixtures/questions/authoring/all_types.gift",
            "--topic",
            "samples",
            "--publish",
        ],
        &[("DATABASE_URL", &first)],
    );
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    let preview = text(&imported.stdout);
    assert!(
        preview.contains("new       numerical   rt-num"),
        "{preview}"
    );
    assert!(preview.contains("imported: 6 new"), "{preview}");

    let export = |url: &str, format: &str| {
        let output = run(
            &[
                "questions",
                "export",
                "--format",
                format,
                "--topic",
                "samples",
            ],
            &[("DATABASE_URL", url)],
        );
        assert!(output.status.success(), "{}", text(&output.stderr));
        text(&output.stdout)
    };
    let gift = export(&first, "gift");
    assert!(gift.starts_with("$CATEGORY: samples\n"));
    let file = dir.path().join("export.gift");
    std::fs::write(&file, &gift).unwrap();

    let second = sqlite_url(dir.path(), "second.db");
    let reimported = run(
        &["questions", "import", file.to_str().unwrap()],
        &[("DATABASE_URL", &second)],
    );
    assert!(reimported.status.success(), "{}", text(&reimported.stderr));
    assert_eq!(export(&second, "gift"), gift, "nothing lost");
    assert!(export(&second, "moodle-xml").contains("<idnumber>rt-num</idnumber>"));
}

#[test]
fn questions_import_of_a_broken_file_prints_file_line_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "broken.db");
    let output = run(
        &[
            "questions",
            "import",
            "tests/fixtures/questions/authoring/broken_syntax.gift",
            "--topic",
            "samples",
        ],
        &[("DATABASE_URL", &url)],
    );
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    for line in [6, 8, 10] {
        assert!(
            stderr.contains(&format!("broken_syntax.gift:{line}: ")),
            "{stderr}"
        );
    }
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    let exported = run(
        &[
            "questions",
            "export",
            "--format",
            "gift",
            "--topic",
            "samples",
        ],
        &[("DATABASE_URL", &url)],
    );
    assert!(!text(&exported.stdout).contains("ok-1"));
}

/// Issue 22, point 6: `--dry-run` prints the preview of a real Moodle bank (drafts, skipped
/// questions and replaced ids located as file:line) and writes nothing; without it the same
/// file imports.
#[test]
fn questions_import_dry_run_prints_drafts_skipped_and_renamed_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "dry.db");
    let gift = "tests/fixtures/questions/moodle_gift/questions.gift.txt";
    let dry = run(
        &[
            "questions",
            "import",
            gift,
            "--topic",
            "samples",
            "--dry-run",
        ],
        &[("DATABASE_URL", &url)],
    );
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    let stdout = text(&dry.stdout);
    assert_eq!(
        stdout
            .matches("[draft: needs an explanation before it can be published]")
            .count(),
        7,
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "skipped   {gift}:2: question 1 \"Q8\" (essay): essay answers are marked by a person"
        )),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(
            "dry run: 8 to import (7 need an explanation), 1 skipped, 0 id(s) replaced; \
             nothing was imported\n"
        ),
        "{stdout}"
    );
    let export = |url: &str| {
        let output = run(
            &[
                "questions",
                "export",
                "--format",
                "gift",
                "--topic",
                "samples",
            ],
            &[("DATABASE_URL", url)],
        );
        text(&output.stdout)
    };
    assert!(
        !export(&url).contains("Shortanswer"),
        "a dry run writes nothing"
    );

    let xml = "tests/fixtures/questions/moodle_xml/html_chars_in_idnumbers.xml";
    let imported = run(
        &["questions", "import", xml, "--topic", "samples"],
        &[("DATABASE_URL", &url)],
    );
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    let stdout = text(&imported.stdout);
    assert!(
        stdout.contains(&format!(
            "renamed   {xml}:15: question 1 \"Alpha Question\": `T & F` is not a usable id"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "imported: 1 new, 0 changed, 0 unchanged, 0 published, 1 need an explanation, \
             0 skipped, 1 id(s) replaced"
        ),
        "{stdout}"
    );
    assert!(export(&url).contains("[id:T-F-8ad718fa]"));
}
