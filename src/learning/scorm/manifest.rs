//! `imsmanifest.xml`: IMS Content Packaging 1.1.2 with the ADL SCORM 1.2 extensions, one
//! organisation with one item launching the package's one SCO. It validates against the
//! SCORM 1.2 schemas (tests/fixtures/scorm12, checked by tests/api/scorm_export.rs).

use super::{LAUNCH_FILE, PackageContent};
use crate::content::markdown::escape_html;

/// The manifest for `content`, listing `files` (every file in the package but itself).
pub fn render(content: &PackageContent, files: &[&str]) -> String {
    let id = format!("gt-{}-v{}", content.slug, content.version);
    let title = escape_html(&content.title);
    // The learning system may judge passed or failed from the score by itself (SCORM 1.2
    // RTE 3.4.4), so it is told the same pass mark the package uses.
    let mastery = if content.questions.is_empty() {
        String::new()
    } else {
        format!(
            "\n        <adlcp:masteryscore>{}</adlcp:masteryscore>",
            content.pass_mark.clamp(0, 100)
        )
    };
    let file_list: String = files
        .iter()
        .map(|f| format!("\n      <file href=\"{}\"/>", escape_html(f)))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{id}" version="{version}"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="{id}-org">
    <organization identifier="{id}-org">
      <title>{title}</title>
      <item identifier="{id}-item" identifierref="{id}-sco" isvisible="true">
        <title>{title}</title>{mastery}
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="{id}-sco" type="webcontent" adlcp:scormtype="sco" href="{LAUNCH_FILE}">{file_list}
    </resource>
  </resources>
</manifest>
"#,
        version = content.version,
    )
}

#[cfg(test)]
mod tests {
    use super::render;
    use crate::learning::scorm::PackageContent;

    fn content() -> PackageContent {
        PackageContent {
            slug: "samples".into(),
            version: 3,
            title: "Tests & <samples>".into(),
            summary: String::new(),
            minutes: 9,
            outcomes: Vec::new(),
            sources: Vec::new(),
            pass_mark: 70,
            pages: Vec::new(),
            questions: Vec::new(),
        }
    }

    #[test]
    fn a_module_without_a_quiz_has_no_mastery_score_and_its_title_is_escaped() {
        let xml = render(&content(), &["index.html", "player.js"]);
        assert!(!xml.contains("masteryscore"), "{xml}");
        assert!(
            xml.contains("<title>Tests &amp; &lt;samples&gt;</title>"),
            "{xml}"
        );
        assert!(xml.contains("identifier=\"gt-samples-v3\""), "{xml}");
        assert!(xml.contains("<file href=\"player.js\"/>"), "{xml}");
    }
}
