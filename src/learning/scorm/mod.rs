//! SCORM 1.2 packages of modules, for ESR's Oracle Learning Management, the NHS Learning Hub
//! and Moodle (docs/trainers.md). A package is one sharable content object: a single page that
//! holds the module's pages, its sources and its quiz, with `player.js` talking to the
//! learning system's SCORM 1.2 API. Nothing in it asks for anything outside the package.

mod archive;
mod assets;
mod content;
mod manifest;
mod page;
mod quiz;

pub use content::{PackageContent, PackagePage, load};

use sea_orm::ConnectionTrait;

use crate::error::AppResult;

/// A built package: the zip's bytes and the file name to offer it under.
pub struct ScormPackage {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The launch page's path inside the package (the manifest's resource `href`).
pub const LAUNCH_FILE: &str = "index.html";

/// The package of a published module, at its current version.
pub async fn export(db: &impl ConnectionTrait, slug: &str) -> AppResult<ScormPackage> {
    let content = load(db, slug).await?;
    Ok(ScormPackage {
        file_name: format!("{}-v{}-scorm12.zip", content.slug, content.version),
        bytes: build(&content)?,
    })
}

/// Every file of the package for `content`, zipped.
pub fn build(content: &PackageContent) -> AppResult<Vec<u8>> {
    let mut files: Vec<(String, Vec<u8>)> = assets::files();
    files.push((LAUNCH_FILE.to_owned(), page::render(content)?.into_bytes()));
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    let manifest = manifest::render(content, &names);
    files.insert(0, ("imsmanifest.xml".to_owned(), manifest.into_bytes()));
    archive::zip(&files)
}
