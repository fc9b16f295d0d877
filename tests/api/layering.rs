//! The layering docs/architecture.md describes, held by reading the source: web → services →
//! queries → entities.
//!
//! - A service, or anything they share (every file under `src/` except the front-ends below and
//!   `state.rs`), names none of `crate::web`, `crate::app`, `crate::cli`, `crate::state`:
//!   services take the connection and configuration they need, and know nothing of pages.
//! - `state.rs` (what the front-ends share) names none of `crate::web`, `crate::app`,
//!   `crate::cli`.
//! - A file under `src/web/` names neither `sea_orm` nor `crate::entities` (handlers call one
//!   service; the query lives in the capability module), nor `crate::app` or `crate::cli`.
//!
//! The front-ends are `web/`, `cli/`, `app.rs` (the builder), `main.rs` and `lib.rs`.

use std::path::{Path, PathBuf};

use crate::layering_source::{NamedPath, named_paths};

/// Handlers that still reach the ORM, each as (file, root, what it uses it for). Empty since the
/// last ones got a domain type (`authoring::topics::Topic`); keep it so: a new handler calls a
/// service instead. An entry that no longer matches anything fails the test, so a fixed file
/// leaves the list with its fix.
const ALLOWED: &[(&str, &str, &str)] = &[];

const FRONT_ENDS: &[&str] = &["web/", "cli/", "app.rs", "main.rs", "lib.rs"];

/// What `file` (relative to `src/`) must not name, and why.
fn forbidden(file: &str) -> Vec<(&'static str, &'static str)> {
    let layers_above = [
        ("crate::web", "the web layer sits above every service"),
        ("crate::app", "the app builder sits above every service"),
        ("crate::cli", "the command line sits above every service"),
    ];
    if file.starts_with("web/") {
        vec![
            (
                "sea_orm",
                "a handler calls a service; the query belongs in the capability module",
            ),
            (
                "crate::entities",
                "a handler calls a service; rows stay in the capability module",
            ),
            ("crate::app", "the app builder mounts the web layer"),
            ("crate::cli", "the command line is another front-end"),
        ]
    } else if FRONT_ENDS.iter().any(|f| file.starts_with(f)) {
        Vec::new()
    } else if file == "state.rs" {
        layers_above.to_vec()
    } else {
        let mut rules = layers_above.to_vec();
        rules.push((
            "crate::state",
            "a service takes the connection and configuration it needs, not the front-ends' state",
        ));
        rules
    }
}

fn names(path: &str, root: &str) -> bool {
    path == root || path.starts_with(&format!("{root}::"))
}

/// One import that breaks the layering, as the failure message shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub file: String,
    pub root: &'static str,
    pub named: NamedPath,
    pub why: &'static str,
}

impl std::fmt::Display for Breach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "src/{}:{} names {} in `{}`: {}",
            self.file, self.named.line, self.named.path, self.named.written, self.why
        )
    }
}

/// Every breach in `source`, the file `file` (relative to `src/`), allow-listed ones too.
pub fn breaches(file: &str, source: &str) -> Vec<Breach> {
    let rules = forbidden(file);
    let mut found = Vec::new();
    for named in named_paths(file, source) {
        for &(root, why) in &rules {
            if names(&named.path, root) {
                found.push(Breach {
                    file: file.to_owned(),
                    root,
                    named: named.clone(),
                    why,
                });
            }
        }
    }
    found
}

fn allowed(breach: &Breach) -> bool {
    ALLOWED
        .iter()
        .any(|&(file, root, _)| file == breach.file && root == breach.root)
}

/// The entries of `allowed` that no breach matches, as the failure message names them.
fn stale(allowed: &[(&str, &str, &str)], breaches: &[Breach]) -> Vec<String> {
    allowed
        .iter()
        .filter(|&&(file, root, _)| !breaches.iter().any(|b| b.file == file && b.root == root))
        .map(|(file, root, _)| format!("src/{file} no longer names {root}"))
        .collect()
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).expect("src/ is readable");
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// Every breach in `src/`, allow-listed ones too, in file order.
fn all_breaches() -> Vec<Breach> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut found = Vec::new();
    for path in files {
        let relative = path
            .strip_prefix(&src)
            .expect("under src/")
            .to_string_lossy()
            .replace('\\', "/");
        let source = std::fs::read_to_string(&path).expect("a readable source file");
        found.extend(breaches(&relative, &source));
    }
    found
}

#[test]
fn services_do_not_import_front_ends_and_handlers_do_not_query() {
    let breaches: Vec<String> = all_breaches()
        .iter()
        .filter(|b| !allowed(b))
        .map(ToString::to_string)
        .collect();
    assert!(
        breaches.is_empty(),
        "the layering (docs/architecture.md) is broken:\n  {}",
        breaches.join("\n  ")
    );
}

#[test]
fn every_allowed_exception_is_still_needed() {
    let stale = stale(ALLOWED, &all_breaches());
    assert!(
        stale.is_empty(),
        "remove these entries from ALLOWED in tests/api/layering.rs:\n  {}",
        stale.join("\n  ")
    );
}

#[test]
fn an_allowed_exception_nothing_matches_is_named() {
    let found = breaches("web/learn/page.rs", "use crate::entities::topic;");
    let allowed = [
        ("web/learn/page.rs", "crate::entities", "still needed"),
        ("web/learn/page.rs", "sea_orm", "fixed"),
    ];
    assert_eq!(
        stale(&allowed, &found),
        ["src/web/learn/page.rs no longer names sea_orm"]
    );
}

#[test]
fn a_handler_that_queries_the_database_is_named_with_its_import() {
    let source = "//! Mentions crate::entities in a comment only.\n\
                  use rocket::get;\n\
                  use sea_orm::{ColumnTrait, EntityTrait as _};\n\
                  fn count() { let _ = crate::entities::user::Entity::find(); }\n";
    let found: Vec<String> = breaches("web/learn/new_page.rs", source)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found[0].starts_with(
            "src/web/learn/new_page.rs:3 names sea_orm::ColumnTrait in \
             `use sea_orm::{ColumnTrait, EntityTrait as _};`"
        ),
        "{}",
        found[0]
    );
    assert!(
        found[1].contains("names sea_orm::EntityTrait in"),
        "{}",
        found[1]
    );
    assert!(
        found[2]
            .starts_with("src/web/learn/new_page.rs:4 names crate::entities::user::Entity::find"),
        "{}",
        found[2]
    );
}

#[test]
fn a_service_that_imports_the_web_layer_is_named_even_through_super() {
    let source = "use super::super::web::chrome::Chrome;\n\
                  use crate::{error::AppResult, web};\n\
                  const S: &str = \"crate::web in a string\";\n";
    let found: Vec<String> = breaches("reports/page.rs", source)
        .iter()
        .map(|b| format!("{}:{}", b.named.line, b.named.path))
        .collect();
    assert_eq!(found, ["1:crate::web::chrome::Chrome", "2:crate::web"]);
    assert!(breaches("web/reports/page.rs", "use crate::web::chrome::Chrome;").is_empty());
}
