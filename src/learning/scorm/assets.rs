//! The files every package carries: the NHS.UK frontend styles (vendored in `static/nhsuk`,
//! with their licence), the images those styles draw, the package's own few styles and the
//! player script. Built into the binary, so the command line needs no `static/` directory.

/// The styles ask for their images at the site's root (`/assets/images/...`); inside a package
/// they are beside the styles' folder, so the path is made relative.
const NHSUK_CSS: &str = include_str!("../../../static/nhsuk/nhsuk-frontend.min.css");
const NHSUK_LICENSE: &str = include_str!("../../../static/nhsuk/LICENSE");
const PACKAGE_CSS: &str = include_str!("package.css");
const PLAYER_JS: &str = include_str!("player.js");

/// The images `NHSUK_CSS` names (a test checks every one it names is here).
const IMAGES: [(&str, &[u8]); 4] = [
    (
        "nhsuk-icon-arrow-down.svg",
        include_bytes!("../../../static/assets/images/nhsuk-icon-arrow-down.svg"),
    ),
    (
        "nhsuk-icon-arrow-up-down.svg",
        include_bytes!("../../../static/assets/images/nhsuk-icon-arrow-up-down.svg"),
    ),
    (
        "nhsuk-icon-arrow-up.svg",
        include_bytes!("../../../static/assets/images/nhsuk-icon-arrow-up.svg"),
    ),
    (
        "nhsuk-icon-cross.svg",
        include_bytes!("../../../static/assets/images/nhsuk-icon-cross.svg"),
    ),
];

pub const STYLES: [&str; 2] = ["nhsuk/nhsuk-frontend.min.css", "package.css"];
pub const SCRIPT: &str = "player.js";

/// (path in the package, bytes) of every shared file.
pub fn files() -> Vec<(String, Vec<u8>)> {
    let css = NHSUK_CSS.replace("url(/assets/images/", "url(../assets/images/");
    let mut files = vec![
        (STYLES[0].to_owned(), css.into_bytes()),
        (
            "nhsuk/LICENSE".to_owned(),
            NHSUK_LICENSE.as_bytes().to_vec(),
        ),
        (STYLES[1].to_owned(), PACKAGE_CSS.as_bytes().to_vec()),
        (SCRIPT.to_owned(), PLAYER_JS.as_bytes().to_vec()),
    ];
    files.extend(
        IMAGES
            .iter()
            .map(|(name, bytes)| (format!("assets/images/{name}"), bytes.to_vec())),
    );
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_image_the_styles_name_is_packed() {
        let packed: Vec<String> = files().into_iter().map(|(name, _)| name).collect();
        let mut named = 0;
        for piece in NHSUK_CSS.split("url(").skip(1) {
            let url = piece.split(')').next().unwrap_or_default();
            if url.starts_with("data:") {
                continue;
            }
            let name = url.trim_start_matches("/assets/images/");
            assert!(
                packed.contains(&format!("assets/images/{name}")),
                "{url} is not in the package"
            );
            named += 1;
        }
        assert!(named > 0);
    }
}
