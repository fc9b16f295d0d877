//! The text of every message, one Handlebars template per kind and form (`templates/<kind>.txt.hbs`
//! and `templates/<kind>.html.hbs`, built into the binary). The HTML ones escape every value
//! (Handlebars' default), so a name like `<b>Pat</b>` arrives as text; the plain ones do not
//! escape, since plain text has nothing to escape.

use std::sync::LazyLock;

use rocket_dyn_templates::handlebars::{Handlebars, no_escape};
use serde::Serialize;

use crate::accounts::mail::Letter;
use crate::error::{AppError, AppResult};

/// The kinds of message, each with its two templates.
const KINDS: [(&str, &str, &str); 6] = [
    (
        "activation",
        include_str!("templates/activation.txt.hbs"),
        include_str!("templates/activation.html.hbs"),
    ),
    (
        "password_reset",
        include_str!("templates/password_reset.txt.hbs"),
        include_str!("templates/password_reset.html.hbs"),
    ),
    (
        "assignment_notice",
        include_str!("templates/assignment_notice.txt.hbs"),
        include_str!("templates/assignment_notice.html.hbs"),
    ),
    (
        "reminder_before",
        include_str!("templates/reminder_before.txt.hbs"),
        include_str!("templates/reminder_before.html.hbs"),
    ),
    (
        "reminder_overdue",
        include_str!("templates/reminder_overdue.txt.hbs"),
        include_str!("templates/reminder_overdue.html.hbs"),
    ),
    (
        "weekly_summary",
        include_str!("templates/weekly_summary.txt.hbs"),
        include_str!("templates/weekly_summary.html.hbs"),
    ),
];

struct Registries {
    text: Handlebars<'static>,
    html: Handlebars<'static>,
}

static REGISTRIES: LazyLock<Result<Registries, String>> = LazyLock::new(|| {
    let mut text = Handlebars::new();
    text.register_escape_fn(no_escape);
    let mut html = Handlebars::new();
    html.register_partial("layout", include_str!("templates/layout.html.hbs"))
        .map_err(|e| e.to_string())?;
    for (kind, plain, rich) in KINDS {
        text.register_template_string(kind, plain)
            .map_err(|e| format!("{kind}.txt: {e}"))?;
        html.register_template_string(kind, rich)
            .map_err(|e| format!("{kind}.html: {e}"))?;
    }
    Ok(Registries { text, html })
});

/// Message `kind` with `subject`, its text and HTML filled in from `data`.
pub fn letter(kind: &str, subject: String, data: &impl Serialize) -> AppResult<Letter> {
    let registries = REGISTRIES
        .as_ref()
        .map_err(|problem| AppError::internal(problem.clone()))?;
    let with_subject = Context {
        subject: &subject,
        data,
    };
    Ok(Letter {
        text: registries
            .text
            .render(kind, &with_subject)
            .map_err(AppError::internal)?,
        html: Some(
            registries
                .html
                .render(kind, &with_subject)
                .map_err(AppError::internal)?,
        ),
        subject,
    })
}

#[derive(Serialize)]
struct Context<'a, T: Serialize> {
    subject: &'a str,
    #[serde(flatten)]
    data: &'a T,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles_and_html_is_escaped() {
        let letter = letter(
            "activation",
            "Activate".into(),
            &serde_json::json!({"name": "<b>Pat</b> & co", "link": "https://x/activate/t", "days": 14}),
        )
        .expect("renders");
        let html = letter.html.expect("html");
        assert!(html.contains("&lt;b&gt;Pat&lt;/b&gt; &amp; co"), "{html}");
        assert!(!html.contains("<b>Pat"));
        assert!(letter.text.contains("<b>Pat</b> & co"));
    }

    #[test]
    fn every_kind_renders_both_parts_with_its_values() {
        let data = serde_json::json!({
            "name": "Pat", "link": "https://x/l", "days": 14, "module": "Samples",
            "due_on": "1 May 2027", "days_left": 3, "preferences_link": "https://x/account#mail",
            "week": "2027-W18", "min_cell_size": 8,
            "rows": [{"module": "Samples", "audience": "everyone in A", "due_on": "1 May 2027",
                      "suppressed": false, "people": 10, "completed_percent": 40}],
        });
        for (kind, _, _) in KINDS {
            let letter = letter(kind, "Subject".into(), &data).expect("renders");
            let html = letter.html.expect("html");
            assert!(
                letter.text.contains("Pat") && html.contains("Pat"),
                "{kind}"
            );
            assert!(html.starts_with("<!DOCTYPE html>"), "{kind}: {html}");
            assert!(
                !letter.text.contains("{{") && !html.contains("{{"),
                "{kind}"
            );
        }
    }
}
