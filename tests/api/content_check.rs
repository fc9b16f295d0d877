//! `content check`: the shipped curriculum passes, and each broken tree is reported precisely
//! as file:line.

use std::fs;
use std::path::{Path, PathBuf};

use genomics_training::content::{self, BASELINE_TAG, quiz_tag};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content-min")
}

/// Copies `from` into a new temporary folder.
pub fn copy_tree(from: &Path) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        fs::create_dir_all(to).expect("create dir");
        for entry in fs::read_dir(from).expect("read dir") {
            let entry = entry.expect("entry");
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                fs::copy(entry.path(), target).expect("copy file");
            }
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy(from, dir.path());
    dir
}

/// Replaces `old` with `new` in `file` (which must contain it).
pub fn edit(dir: &Path, file: &str, old: &str, new: &str) {
    let path = dir.join(file);
    let text = fs::read_to_string(&path).expect("read");
    assert!(text.contains(old), "{file} does not contain {old:?}");
    fs::write(path, text.replacen(old, new, 1)).expect("write");
}

fn problems_after(change: impl FnOnce(&Path)) -> Vec<String> {
    let dir = copy_tree(&fixture());
    change(dir.path());
    match content::read_and_check(dir.path()) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn shipped_curriculum_passes_check_and_meets_the_brief() {
    let tree = content::read_and_check(Path::new("content")).map_err(|p| {
        p.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    });
    let tree = tree.expect("content/ is valid");
    assert!(tree.topics.len() >= 8);
    assert_eq!(tree.staff_groups.len(), 9, "the nine ESR staff groups");
    assert_eq!(
        tree.targets.len(),
        tree.job_roles().count() * tree.topics.len()
    );
    assert!(tree.modules.len() >= 8);
    let baseline: Vec<_> = tree
        .items
        .iter()
        .filter(|i| i.has_tag(BASELINE_TAG))
        .collect();
    assert!(baseline.len() >= 40, "baseline bank has {}", baseline.len());
    for topic in &tree.topics {
        let n = baseline
            .iter()
            .filter(|i| i.topic() == Some(topic.slug.as_str()))
            .count();
        assert!(n >= 5, "topic {} has {n} baseline items", topic.slug);
    }
    for module in &tree.modules {
        let n = tree
            .items
            .iter()
            .filter(|i| i.has_tag(&quiz_tag(&module.slug)))
            .count();
        assert!(n >= 6, "module {} has {n} quiz items", module.slug);
        assert!(!module.sources.is_empty());
        assert!(
            (5..=10).contains(&module.minutes),
            "{} minutes",
            module.minutes
        );
        let text: String = module.pages.iter().map(|p| p.body.as_str()).collect();
        assert!(
            text.contains("What to say if a patient asks"),
            "module {}",
            module.slug
        );
    }
}

#[test]
fn minimal_fixture_is_valid() {
    assert_eq!(problems_after(|_| {}), Vec::<String>::new());
}

#[test]
fn unknown_topic_in_targets_names_file_and_line() {
    let problems =
        problems_after(|d| edit(d, "targets.toml", "topic = \"basics\"", "topic = \"nope\""));
    assert!(
        problems.contains(&"targets.toml:1: unknown topic `nope` (not in topics.toml)".to_owned()),
        "{problems:?}"
    );
    assert!(problems.contains(&"roles.toml:5: job role `receptionist` has no target for topic `basics` in targets.toml".to_owned()), "{problems:?}");
}

#[test]
fn importance_out_of_range_is_reported() {
    let problems = problems_after(|d| edit(d, "targets.toml", "importance = 5", "importance = 9"));
    assert_eq!(
        problems,
        vec!["targets.toml:1: importance must be 1-7 (got 9)"]
    );
}

#[test]
fn toml_syntax_error_gives_its_line() {
    let problems = problems_after(|d| {
        edit(
            d,
            "roles.toml",
            "name = \"Receptionist\"",
            "name = Receptionist",
        )
    });
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("roles.toml:7: "), "{problems:?}");
}

#[test]
fn question_without_explanation_is_reported_at_its_line() {
    let problems = problems_after(|d| {
        edit(
            d,
            "questions/basics.gift",
            "####A gene is a section of DNA.\n",
            "",
        )
    });
    assert_eq!(
        problems,
        vec![
            "questions/basics.gift:4: question has no explanation: add general feedback after `####`"
        ]
    );
}

#[test]
fn true_false_stem_that_does_not_ask_is_reported_at_its_line() {
    let problems = problems_after(|d| {
        edit(
            d,
            "questions/basics.gift",
            "True or false? DNA is inherited.",
            "DNA is inherited.",
        )
    });
    assert_eq!(
        problems,
        vec![
            "questions/basics.gift:11: a true/false question must ask \"True or false?\" in its stem"
        ]
    );
}

#[test]
fn gift_syntax_error_names_file_and_line() {
    let problems = problems_after(|d| {
        edit(
            d,
            "questions/basics.gift",
            "####We inherit DNA from our parents.}",
            "####We inherit DNA",
        )
    });
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("questions/basics.gift:11: "),
        "{problems:?}"
    );
}

#[test]
fn unknown_category_is_reported() {
    let problems = problems_after(|d| {
        edit(
            d,
            "questions/basics.gift",
            "$CATEGORY: basics",
            "$CATEGORY: genes",
        )
    });
    assert!(
        problems.contains(
            &"questions/basics.gift:4: unknown topic `genes` in $CATEGORY (not in topics.toml)"
                .to_owned()
        ),
        "{problems:?}"
    );
}

#[test]
fn duplicate_item_id_is_reported_at_the_repeat() {
    let problems = problems_after(|d| edit(d, "questions/basics.gift", "[id:q-1]", "[id:b-1]"));
    assert!(
        problems.contains(
            &"questions/basics.gift:11: id `b-1` is already used at questions/basics.gift:4"
                .to_owned()
        ),
        "{problems:?}"
    );
}

#[test]
fn missing_item_id_is_reported() {
    let problems = problems_after(|d| {
        edit(
            d,
            "questions/basics.gift",
            "// [id:b-1] [tag:baseline]",
            "// [tag:baseline]",
        )
    });
    assert!(
        problems.contains(
            &"questions/basics.gift:4: question has no stable id: add `// [id:...]` before it"
                .to_owned()
        ),
        "{problems:?}"
    );
}

#[test]
fn too_few_baseline_items_for_the_blueprint() {
    let problems = problems_after(|d| {
        edit(
            d,
            "blueprint.toml",
            "items_per_topic = 1",
            "items_per_topic = 2",
        )
    });
    assert_eq!(
        problems,
        vec!["topics.toml:1: topic `basics` has 1 baseline items; the blueprint needs 2"]
    );
}

#[test]
fn module_with_unknown_topic_and_no_sources() {
    let problems = problems_after(|d| {
        edit(
            d,
            "modules/basics/index.md",
            "topics = [\"basics\"]",
            "topics = [\"genes\"]",
        );
    });
    assert_eq!(
        problems,
        vec!["modules/basics/index.md:1: unknown topic `genes` (not in topics.toml)"]
    );
}

#[test]
fn module_front_matter_error_gives_the_file_line() {
    let problems = problems_after(|d| {
        edit(
            d,
            "modules/basics/index.md",
            "minutes = 5",
            "minutes = five",
        )
    });
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("modules/basics/index.md:4: "),
        "{problems:?}"
    );
}

#[test]
fn page_without_front_matter_is_reported() {
    let problems = problems_after(|d| {
        edit(
            d,
            "modules/basics/02-more.md",
            "+++\ntitle = \"More\"\n+++\n",
            "",
        )
    });
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("modules/basics/02-more.md:1: missing front matter"),
        "{problems:?}"
    );
}

#[test]
fn quiz_tag_for_unknown_module_is_reported() {
    let problems = problems_after(|d| {
        edit(
            d,
            "questions/basics.gift",
            "[tag:quiz-basics]",
            "[tag:quiz-genes]",
        )
    });
    assert!(
        problems.contains(
            &"questions/basics.gift:11: tag `quiz-genes` names no module folder".to_owned()
        ),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("modules/basics/index.md:1: module `basics` has no quiz items")),
        "{problems:?}"
    );
}

/// Issue 20 point 17: every kind of mistake in `frameworks.toml` is refused at its line.
#[test]
fn framework_mapping_mistakes_are_each_reported_at_their_line() {
    let file = "frameworks.toml";
    let cases: [(&str, &str, &str); 8] = [
        (
            "topics = [\"basics\"]",
            "topics = [\"nope\"]",
            "frameworks.toml:8: competency 1: unknown topic `nope`",
        ),
        (
            "modules = [\"basics\"]",
            "modules = [\"basics\", \"gone\"]",
            "frameworks.toml:8: competency 1: unknown module `gone`",
        ),
        (
            "number = \"2\"",
            "number = \"1\"",
            "frameworks.toml:14: competency 1 of `test-framework` is already listed at line 8",
        ),
        (
            "name = \"A framework for tests\"",
            "name = \" \"",
            "frameworks.toml:1: framework `test-framework` has an empty name",
        ),
        (
            "url = \"https://example.org/framework\"",
            "url = \"\"",
            "frameworks.toml:1: framework `test-framework` needs the https:// address of its published source",
        ),
        (
            "not_covered = \"Not taught here.\"",
            "",
            "frameworks.toml:14: competency 2 maps to no topic or module: map it, or say why in `not_covered`",
        ),
        (
            "modules = [\"basics\"]",
            "modules = [\"basics\"]\nnot_covered = \"Oops.\"",
            "frameworks.toml:8: competency 1 is mapped, so it cannot also be `not_covered`",
        ),
        (
            "name = \"Knows the basics\"",
            "name = \"\"",
            "frameworks.toml:8: competency 1 has an empty name",
        ),
    ];
    for (old, new, expected) in cases {
        let problems = problems_after(|d| edit(d, file, old, new));
        assert_eq!(problems, vec![expected.to_owned()], "after {new:?}");
    }
}

#[test]
fn repeated_framework_slug_is_reported() {
    let problems = problems_after(|d| {
        let path = d.join("frameworks.toml");
        let text = fs::read_to_string(&path).expect("read");
        fs::write(&path, format!("{text}\n{text}")).expect("write");
    });
    assert!(
        problems
            .iter()
            .any(|p| p
                .ends_with("framework `test-framework` is already defined at frameworks.toml:1")),
        "{problems:?}"
    );
}

#[test]
fn shipped_frameworks_carry_their_published_numbering() {
    let tree = content::read_and_check(Path::new("content")).expect("content/ is valid");
    let nurses = tree
        .frameworks
        .iter()
        .find(|f| f.slug == "gep-nurses-2023")
        .expect("the 2023 nurses' framework");
    let numbers: Vec<&str> = nurses
        .competencies
        .iter()
        .map(|c| c.number.as_str())
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4", "5", "6", "7", "8"]);
    assert!(
        nurses
            .url
            .starts_with("https://www.genomicseducation.hee.nhs.uk/")
    );
}
