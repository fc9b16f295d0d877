//! Trainers' Markdown, rendered with pulldown-cmark and sanitised with ammonia before it is
//! shown, so script, event-handler attributes and other active content never reach a page.

use pulldown_cmark::{Options, Parser, html};

/// Markdown to safe HTML.
pub fn render(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut unsafe_html = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(["https", "http", "mailto"].into_iter().collect())
        .clean(&unsafe_html)
        .to_string()
}

/// `text` safe in HTML or XML text and in a double-quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Question or feedback text in its Moodle format, as safe HTML.
pub fn render_formatted(text: &str, format: crate::questions::TextFormat) -> String {
    use crate::questions::TextFormat;
    match format {
        TextFormat::Markdown => render(text),
        TextFormat::Plain => escape_html(text).replace('\n', "<br>"),
        // Moodle's auto-format keeps line breaks; both it and HTML are sanitised.
        TextFormat::Moodle => ammonia::clean(&text.replace('\n', "<br>")),
        TextFormat::Html => ammonia::clean(text),
    }
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_headings_lists_and_links() {
        let html = render("# Title\n\n- one\n- two\n\n[NHS](https://www.nhs.uk)");
        assert!(html.contains("<h1>Title</h1>"));
        assert!(html.contains("<li>one</li>"));
        assert!(html.contains(r#"<a href="https://www.nhs.uk" rel="noopener noreferrer">NHS</a>"#));
    }

    #[test]
    fn removes_script_elements() {
        let html = render("Hello <script>alert('x')</script> world");
        assert!(!html.to_lowercase().contains("<script"), "{html}");
        assert!(!html.contains("alert"), "{html}");
    }

    #[test]
    fn removes_event_handler_attributes() {
        let html = render(
            r#"<img src="x.png" onerror="alert(1)"> <a href="/x" onclick="steal()">link</a>"#,
        );
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
    }

    #[test]
    fn removes_javascript_urls() {
        let html = render("[click](javascript:alert(1)) <a href=\"javascript:alert(2)\">x</a>");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn formatted_text_is_sanitised_in_every_format() {
        use crate::questions::TextFormat;
        for format in [
            TextFormat::Html,
            TextFormat::Moodle,
            TextFormat::Markdown,
            TextFormat::Plain,
        ] {
            let html = super::render_formatted("<b>x</b><script>alert(1)</script>", format);
            assert!(!html.contains("<script"), "{format:?}: {html}");
        }
        assert_eq!(
            super::render_formatted("a < b", TextFormat::Plain),
            "a &lt; b"
        );
    }

    #[test]
    fn removes_iframes_and_styles() {
        let html =
            render(r#"<iframe src="https://evil.example"></iframe><p style="color:red">x</p>"#);
        assert!(!html.contains("<iframe"), "{html}");
        assert!(!html.contains("style="), "{html}");
    }
}
