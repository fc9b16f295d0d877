//! Local details: the few things a module can only say in general ("report it through your
//! trust's incident reporting system") that each organisation can say exactly. A module page
//! marks the place with a line of its own, `[[local: incident-reporting]]`; the learner sees
//! their organisation's text there, or a general default when it has none.
//!
//! The texts are short Markdown written by an admin, so they go through the same sanitiser as
//! trainers' pages before a learner sees them.

use serde::Serialize;

use super::markdown::render;

/// The details an organisation can fill in. The slug is what a module page names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LocalKey {
    SampleLabelling,
    IncidentReporting,
    InterpreterBooking,
    InformationGovernance,
    CaldicottGuardian,
    TrainingContact,
}

/// Longest text an admin may give for one detail: a short paragraph with a link or two.
pub const MAX_LOCAL_CHARS: usize = 1000;

impl LocalKey {
    pub const ALL: [LocalKey; 6] = [
        LocalKey::SampleLabelling,
        LocalKey::IncidentReporting,
        LocalKey::InterpreterBooking,
        LocalKey::InformationGovernance,
        LocalKey::CaldicottGuardian,
        LocalKey::TrainingContact,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            LocalKey::SampleLabelling => "sample-labelling",
            LocalKey::IncidentReporting => "incident-reporting",
            LocalKey::InterpreterBooking => "interpreter-booking",
            LocalKey::InformationGovernance => "information-governance",
            LocalKey::CaldicottGuardian => "caldicott-guardian",
            LocalKey::TrainingContact => "training-contact",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|key| key.slug() == slug)
    }

    /// The detail's name in a sentence ("changed the incident reporting of ...").
    pub fn name(self) -> &'static str {
        match self {
            LocalKey::SampleLabelling => "sample labelling",
            LocalKey::IncidentReporting => "incident reporting",
            LocalKey::InterpreterBooking => "interpreter booking",
            LocalKey::InformationGovernance => "information governance",
            LocalKey::CaldicottGuardian => "Caldicott Guardian",
            LocalKey::TrainingContact => "help with this training",
        }
    }

    /// The heading a learner sees above the text.
    pub fn label(self) -> &'static str {
        match self {
            LocalKey::SampleLabelling => "Labelling rules for genomic samples",
            LocalKey::IncidentReporting => "Reporting an incident",
            LocalKey::InterpreterBooking => "Booking an interpreter",
            LocalKey::InformationGovernance => "Your information governance team",
            LocalKey::CaldicottGuardian => "Your Caldicott Guardian",
            LocalKey::TrainingContact => "Help with this training",
        }
    }

    /// What an admin is asked for.
    pub fn hint(self) -> &'static str {
        match self {
            LocalKey::SampleLabelling => {
                "Your laboratory's rules, for example whether printed labels are accepted on tubes and which details must be handwritten."
            }
            LocalKey::IncidentReporting => {
                "The name of your incident reporting system and where staff find it, for example a link to its intranet page."
            }
            LocalKey::InterpreterBooking => {
                "How staff book a spoken-language or British Sign Language interpreter: the service, phone number or intranet link."
            }
            LocalKey::InformationGovernance => {
                "How to contact your information governance team: email address, phone extension or intranet page."
            }
            LocalKey::CaldicottGuardian => {
                "Who your Caldicott Guardian is and how to reach them (usually through the information governance team)."
            }
            LocalKey::TrainingContact => {
                "Who staff contact about this training or signing in: for example your learning and development team's email address, phone extension or intranet page, and when they reply. Shown on the Contact us page."
            }
        }
    }

    /// What every learner sees when their organisation has not filled this in. Each default
    /// is true everywhere and sends the learner to someone who knows the local answer.
    pub fn default_text(self) -> &'static str {
        match self {
            LocalKey::SampleLabelling => {
                "Your laboratory sets its own labelling rules, for example whether printed labels are accepted on the tube. Check them with your line manager or the laboratory before you take a sample for a genomic test."
            }
            LocalKey::IncidentReporting => {
                "Use your organisation's incident reporting system. If you do not know how to find it, ask your line manager or look on your intranet."
            }
            LocalKey::InterpreterBooking => {
                "Your organisation has a way to book professional interpreters, including British Sign Language interpreters. Ask your line manager or ward clerk how to book one."
            }
            LocalKey::InformationGovernance => {
                "Your organisation's information governance team can advise you on sharing information. Your intranet lists how to contact them."
            }
            LocalKey::CaldicottGuardian => {
                "Every NHS organisation has a Caldicott Guardian. Your information governance team can tell you who yours is and put you in touch."
            }
            LocalKey::TrainingContact => {
                "Ask your line manager first. Your organisation's learning and development (education and training) team runs this training and can help with signing in, assigned modules and certificates."
            }
        }
    }
}

const OPEN: &str = "[[local:";
const CLOSE: &str = "]]";

/// The key a marker line names (`Ok(None)` when the line is not a marker), or the unknown name.
fn marker(line: &str) -> Result<Option<LocalKey>, String> {
    let Some(rest) = line.trim().strip_prefix(OPEN) else {
        return Ok(None);
    };
    let Some(name) = rest.strip_suffix(CLOSE) else {
        return Err(rest.trim().to_owned());
    };
    LocalKey::from_slug(name.trim())
        .map(Some)
        .ok_or_else(|| name.trim().to_owned())
}

/// A marker that names no local detail, with its line in the page body (from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownMarker {
    pub line: usize,
    pub name: String,
}

impl UnknownMarker {
    pub fn message(&self) -> String {
        let known: Vec<&str> = LocalKey::ALL.iter().map(|k| k.slug()).collect();
        format!(
            "`[[local: {}]]` names no local detail; use one of {}",
            self.name,
            known.join(", ")
        )
    }
}

/// Every marker in a page body that names no local detail.
pub fn unknown_markers(markdown: &str) -> Vec<UnknownMarker> {
    markdown
        .lines()
        .enumerate()
        .filter_map(|(n, line)| match marker(line) {
            Err(name) => Some(UnknownMarker { line: n + 1, name }),
            Ok(_) => None,
        })
        .collect()
}

/// Whose details fill a page: the organisation's name and its texts (Markdown) by key.
#[derive(Debug, Clone, Default)]
pub struct LocalTexts {
    pub organisation: Option<String>,
    pub texts: Vec<(LocalKey, String)>,
}

impl LocalTexts {
    fn text(&self, key: LocalKey) -> Option<&str> {
        self.texts
            .iter()
            .find(|(k, text)| *k == key && !text.trim().is_empty())
            .map(|(_, text)| text.as_str())
    }
}

/// One detail as an NHS.UK inset: the organisation's own text when it has one, else the default.
pub fn inset(key: LocalKey, local: &LocalTexts) -> String {
    let (heading, body) = match (local.text(key), &local.organisation) {
        (Some(text), Some(name)) => (format!("{} at {}", key.label(), escape(name)), render(text)),
        _ => (key.label().to_owned(), render(key.default_text())),
    };
    format!(
        "<div class=\"nhsuk-inset-text gt-local-detail\" data-local=\"{}\">\
         <span class=\"nhsuk-u-visually-hidden\">Information: </span>\
         <p><strong>{heading}</strong></p>{body}</div>",
        key.slug()
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A module page body as safe HTML, each marker line replaced by that detail. The markers are
/// taken out before the Markdown is rendered so the page's own text is sanitised as always and
/// the insets, built from sanitised parts, are put in afterwards.
pub fn render_page(markdown: &str, local: &LocalTexts) -> String {
    PreparedPage::new(markdown).fill(local)
}

/// A page body rendered once, with its marker lines left open for each reader's organisation:
/// published versions never change, so readers share this and only the insets are theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedPage {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Html(String),
    Local(LocalKey),
}

impl PreparedPage {
    pub fn new(markdown: &str) -> Self {
        let mut parts = Vec::new();
        let mut chunk = String::new();
        for line in markdown.lines() {
            match marker(line) {
                Ok(Some(key)) => {
                    parts.push(Part::Html(render(&chunk)));
                    chunk.clear();
                    parts.push(Part::Local(key));
                }
                _ => {
                    chunk.push_str(line);
                    chunk.push('\n');
                }
            }
        }
        parts.push(Part::Html(render(&chunk)));
        Self { parts }
    }

    /// Whether the page shows any local detail, so the reader's organisation must be known.
    pub fn is_local(&self) -> bool {
        self.parts.iter().any(|part| matches!(part, Part::Local(_)))
    }

    /// The page as `local`'s reader sees it.
    pub fn fill(&self, local: &LocalTexts) -> String {
        let mut html = String::new();
        for part in &self.parts {
            match part {
                Part::Html(text) => html.push_str(text),
                Part::Local(key) => html.push_str(&inset(*key, local)),
            }
        }
        html
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trust(texts: &[(LocalKey, &str)]) -> LocalTexts {
        LocalTexts {
            organisation: Some("Leeds <Teaching> Hospitals".into()),
            texts: texts.iter().map(|(k, t)| (*k, (*t).to_owned())).collect(),
        }
    }

    #[test]
    fn every_key_round_trips_through_its_slug() {
        for key in LocalKey::ALL {
            assert_eq!(LocalKey::from_slug(key.slug()), Some(key));
            assert!(!key.default_text().is_empty() && key.default_text().len() < MAX_LOCAL_CHARS);
        }
        assert_eq!(LocalKey::from_slug("datix"), None);
    }

    #[test]
    fn a_marker_is_replaced_by_the_organisations_text() {
        let page = "Report any leak.\n\n[[local: incident-reporting]]\n\nThen carry on.";
        let html = render_page(
            page,
            &trust(&[(
                LocalKey::IncidentReporting,
                "Use **Datix** on the intranet.",
            )]),
        );
        assert!(html.starts_with("<p>Report any leak.</p>"), "{html}");
        assert!(html.contains("Reporting an incident at Leeds &lt;Teaching&gt; Hospitals"));
        assert!(html.contains("<strong>Datix</strong>"), "{html}");
        assert!(html.ends_with("<p>Then carry on.</p>\n"), "{html}");
        assert!(!html.contains("[[local"), "{html}");
    }

    #[test]
    fn without_a_text_the_default_is_shown() {
        let page = "[[local: caldicott-guardian]]";
        for local in [
            LocalTexts::default(),
            trust(&[(LocalKey::CaldicottGuardian, "   ")]),
            trust(&[(LocalKey::IncidentReporting, "Datix")]),
        ] {
            let html = render_page(page, &local);
            assert!(
                html.contains(LocalKey::CaldicottGuardian.default_text()),
                "{html}"
            );
            assert!(
                html.contains("<strong>Your Caldicott Guardian</strong>"),
                "{html}"
            );
        }
    }

    #[test]
    fn an_admins_text_is_sanitised() {
        let html = render_page(
            "[[local: interpreter-booking]]",
            &trust(&[(
                LocalKey::InterpreterBooking,
                "[call](javascript:alert(2)) <b onclick=x>now</b>\n\n<script>alert(1)</script>",
            )]),
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
    }

    #[test]
    fn only_a_page_naming_a_known_detail_needs_the_readers_organisation() {
        assert!(PreparedPage::new("Intro\n\n[[local: caldicott-guardian]]\n").is_local());
        for page in [
            "Plain text.",
            "See [[local: caldicott-guardian]] here.",
            "[[local: datix]]",
        ] {
            assert!(!PreparedPage::new(page).is_local(), "{page}");
        }
    }

    #[test]
    fn a_marker_inside_a_line_is_left_as_text() {
        let html = render_page(
            "See [[local: caldicott-guardian]] here.",
            &LocalTexts::default(),
        );
        assert!(html.contains("[[local: caldicott-guardian]]"), "{html}");
        assert!(!html.contains("gt-local-detail"), "{html}");
    }

    #[test]
    fn unknown_markers_are_found_with_their_line() {
        let page = "One\n[[local: datix]]\n[[local: incident-reporting]]\n[[local: oops";
        let unknown = unknown_markers(page);
        assert_eq!(
            unknown,
            vec![
                UnknownMarker {
                    line: 2,
                    name: "datix".into()
                },
                UnknownMarker {
                    line: 4,
                    name: "oops".into()
                },
            ]
        );
        assert!(unknown[0].message().contains("incident-reporting"));
    }
}
