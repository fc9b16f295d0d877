//! A module's SCORM 1.2 package (issue 25): the trainer's download, its JSON twin and the
//! command line give a zip whose manifest lists every file, whose files ask for nothing outside
//! the package, and whose manifest validates against the SCORM 1.2 schemas (with xmllint,
//! which CI must have).

use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;

use rocket::http::{ContentType, Status};

use crate::helpers::{TestApp, spawn_app};

/// Every file in the zip with its text (the images too, as lossy text).
fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("an entry");
            let mut content = Vec::new();
            file.read_to_end(&mut content).expect("readable");
            (
                file.name().expect("a UTF-8 name").to_string(),
                String::from_utf8_lossy(&content).into_owned(),
            )
        })
        .collect()
}

/// The values of `attribute="..."` in `text`.
fn attribute_values<'a>(text: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!("{attribute}=\"");
    text.match_indices(&needle)
        .filter(|(at, _)| {
            // `href=` and not `data-href=` or `xml:href=`.
            *at == 0
                || !text[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '-' || c == ':')
        })
        .filter_map(|(at, _)| text[at + needle.len()..].split('"').next())
        .collect()
}

/// Every address a file of the package refers to: links, sources and styles' `url(...)`.
fn references(name: &str, text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if name.ends_with(".html") || name.ends_with(".xml") {
        out.extend(
            attribute_values(text, "href")
                .into_iter()
                .map(str::to_owned),
        );
        out.extend(attribute_values(text, "src").into_iter().map(str::to_owned));
        out.extend(
            attribute_values(text, "action")
                .into_iter()
                .map(str::to_owned),
        );
    }
    if name.ends_with(".css") {
        for piece in text.split("url(").skip(1) {
            let url = piece.split(')').next().unwrap_or_default();
            out.push(url.trim_matches(['"', '\'']).to_owned());
        }
    }
    out
}

/// `reference` from the file `from`, resolved to a path inside the package.
fn resolve(from: &str, reference: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for piece in reference
        .split(['#', '?'])
        .next()
        .unwrap_or_default()
        .split('/')
    {
        match piece {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The checks every package must pass, whichever front-end made it.
fn assert_self_contained(bytes: &[u8]) -> Vec<(String, String)> {
    let files = unzip(bytes);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"imsmanifest.xml"), "{names:?}");
    let manifest = &files
        .iter()
        .find(|(n, _)| n == "imsmanifest.xml")
        .unwrap()
        .1;
    // The manifest lists every other file, and each file it lists is there.
    let listed = attribute_values(manifest, "href");
    for name in &names {
        assert!(
            *name == "imsmanifest.xml" || listed.contains(name),
            "{name} is not in the manifest"
        );
    }
    for href in &listed {
        assert!(
            names.contains(href),
            "the manifest lists {href}, which is missing"
        );
    }
    for (name, text) in &files {
        for reference in references(name, text) {
            assert!(
                !reference.contains("://") && !reference.starts_with("//"),
                "{name} refers outside the package: {reference}"
            );
            assert!(
                !reference.starts_with('/'),
                "{name} has an absolute path: {reference}"
            );
            if reference.starts_with('#') || reference.starts_with("data:") {
                continue;
            }
            let target = resolve(name, &reference);
            assert!(
                names.contains(&target.as_str()),
                "{name} refers to {reference}, missing"
            );
        }
    }
    let player = &files
        .iter()
        .find(|(n, _)| n == "player.js")
        .expect("the player")
        .1;
    for call in ["fetch(", "XMLHttpRequest", "import(", "sendBeacon"] {
        assert!(!player.contains(call), "the player makes requests: {call}");
    }
    files
}

fn xmllint_available() -> bool {
    Command::new("xmllint").arg("--version").output().is_ok()
}

/// Whether xmllint says `manifest` validates against the SCORM 1.2 schemas; `None` when
/// xmllint is missing outside CI (in CI a missing xmllint fails the test).
fn schema_valid(manifest: &str) -> Option<bool> {
    if !xmllint_available() {
        assert!(
            std::env::var("CI").is_err(),
            "xmllint is missing; CI must have it (apt-get install libxml2-utils)"
        );
        eprintln!("xmllint is missing: the manifest's schema check is skipped");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("imsmanifest.xml");
    std::fs::write(&file, manifest).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scorm12/scorm12.xsd");
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("run xmllint");
    if !output.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    }
    Some(output.status.success())
}

async fn trainer_download(app: &TestApp, path: &str) -> (Status, Option<ContentType>, Vec<u8>) {
    let world = app.given_world().await;
    let session = app.sign_in_as(&world.trainer).await;
    let response = app.get_as(&session, path).await;
    let status = response.status();
    let content_type = response.content_type();
    let bytes = response.into_bytes().await.unwrap_or_default();
    (status, content_type, bytes)
}

#[rocket::async_test]
async fn the_trainers_download_is_a_self_contained_package_with_the_modules_pages_and_quiz() {
    let app = spawn_app().await;
    let (status, content_type, bytes) =
        trainer_download(&app, "/author/modules/samples/scorm.zip").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(content_type, Some(ContentType::ZIP));
    let files = assert_self_contained(&bytes);
    let index = &files
        .iter()
        .find(|(n, _)| n == "index.html")
        .expect("launch page")
        .1;
    let module = genomics_training::learning::modules::module_by_slug(app.db(), "samples")
        .await
        .unwrap();
    assert!(index.contains(&module.title), "the module's title");
    assert!(
        index.contains("data-pass-mark=\"70\""),
        "the pass mark from the module"
    );
    assert!(index.contains("Page 1 of "), "the module's pages");
    assert!(
        index.contains("id=\"sources\"") && index.contains("East Genomics"),
        "its sources"
    );
    assert!(
        index.contains("id=\"quiz-key\"") && index.contains("Question 1 of "),
        "its quiz"
    );
    assert!(
        index.contains("nhsuk/nhsuk-frontend.min.css"),
        "NHS.UK styles"
    );
    assert!(
        !index.contains("<img"),
        "no images (so none without alternative text)"
    );
    let manifest = &files
        .iter()
        .find(|(n, _)| n == "imsmanifest.xml")
        .unwrap()
        .1;
    assert!(manifest.contains("<adlcp:masteryscore>70</adlcp:masteryscore>"));
    assert!(manifest.contains("adlcp:scormtype=\"sco\" href=\"index.html\""));
    assert_ne!(
        schema_valid(manifest),
        Some(false),
        "the manifest is not schema-valid"
    );
}

#[rocket::async_test]
async fn the_schema_check_fails_a_broken_manifest() {
    let app = spawn_app().await;
    let (_, _, bytes) = trainer_download(&app, "/api/v1/author/modules/samples/scorm").await;
    let files = assert_self_contained(&bytes);
    let manifest = &files
        .iter()
        .find(|(n, _)| n == "imsmanifest.xml")
        .unwrap()
        .1;
    let broken = manifest.replace("scormtype=\"sco\"", "scormtype=\"lesson\"");
    assert_ne!(
        schema_valid(&broken),
        Some(true),
        "xmllint let a broken manifest through"
    );
}

#[rocket::async_test]
async fn an_unknown_or_unpublished_module_has_no_package() {
    let app = spawn_app().await;
    let (status, _, _) = trainer_download(&app, "/author/modules/no-such-module/scorm.zip").await;
    assert_eq!(status, Status::NotFound);
}

#[test]
fn the_command_line_writes_the_package_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("samples.zip");
    let settings = format!(
        "{{database_url=\"sqlite://{}/cli.db?mode=rwc\",data_dir=\"{}\"}}",
        dir.path().display(),
        dir.path().display()
    );
    let run = |slug: &str| {
        Command::new(env!("CARGO_BIN_EXE_genomics-training"))
            .args(["modules", "export-scorm", slug, "--out"])
            .arg(&out)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("RUST_LOG", "error")
            .env("ROCKET_APP", &settings)
            .output()
            .expect("run the binary")
    };
    let missing = run("no-such-module");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("That module was not found."));
    let written = run("samples");
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    assert_self_contained(&std::fs::read(&out).unwrap());
    let again = run("samples");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}
