//! Each audit entry told as a sentence with names and links ("Alex Admin imported 3 people into
//! Guy's and St Thomas' (2 new, 1 updated)"), for the admin's audit page. The sentence is a list
//! of parts, plain text or a link, so the page escapes every name it shows. A person whose
//! details were erased is never named: they are "an erased person", whether the entry points at
//! them by id or still carries the placeholder the erasure wrote into its text.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::Value;

use super::{Entry, action};
use crate::content::local_details::LocalKey;
use crate::entities::{job_role, module, module_version, organisation, user};
use crate::error::AppResult;

/// What an erased person is called in every sentence.
pub const ERASED: &str = "an erased person";

/// One piece of a sentence: text, or text that links to `href`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Part {
    pub text: String,
    pub href: Option<String>,
}

struct Person {
    name: String,
    erased: bool,
}

/// The names a page of entries mentions, read once for the page.
#[derive(Default)]
pub struct Names {
    people: HashMap<i64, Person>,
    organisations: HashMap<i64, String>,
    roles: HashMap<i64, String>,
    modules: HashMap<i64, (String, String)>,
}

fn detail(entry: &Entry) -> Value {
    entry
        .detail
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or(Value::Null)
}

fn ids(value: &Value) -> Vec<i64> {
    match value {
        Value::Array(items) => items.iter().filter_map(Value::as_i64).collect(),
        other => other.as_i64().into_iter().collect(),
    }
}

impl Names {
    /// Everyone, every organisation, job role and module that `entries` name.
    pub async fn load(db: &impl ConnectionTrait, entries: &[Entry]) -> AppResult<Self> {
        let (mut people, mut modules) = (BTreeSet::new(), BTreeSet::new());
        for entry in entries {
            let d = detail(entry);
            people.extend(entry.actor_user_id);
            people.extend(ids(&d["user_id"]));
            modules.extend(ids(&d["module_id"]));
        }
        let people = user::Entity::find()
            .filter(user::Column::Id.is_in(people))
            .all(db)
            .await?
            .into_iter()
            .map(|u| {
                let erased = u.pseudonymised_at.is_some();
                (
                    u.id,
                    Person {
                        name: u.display_name,
                        erased,
                    },
                )
            })
            .collect();
        let organisations = organisation::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.id, format!("{} ({})", o.name, o.code)))
            .collect();
        let roles = job_role::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect();
        let rows = module::Entity::find()
            .filter(module::Column::Id.is_in(modules))
            .all(db)
            .await?;
        let versions: HashMap<i64, String> = module_version::Entity::find()
            .filter(
                module_version::Column::Id.is_in(rows.iter().filter_map(|m| m.current_version_id)),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|v| (v.id, v.title))
            .collect();
        let modules = rows
            .into_iter()
            .map(|m| {
                let title = m
                    .current_version_id
                    .and_then(|v| versions.get(&v).cloned())
                    .unwrap_or_else(|| m.slug.clone());
                (m.id, (m.slug, title))
            })
            .collect();
        Ok(Self {
            people,
            organisations,
            roles,
            modules,
        })
    }
}

/// Whether text carries an erasure's placeholder (name or email address).
fn names_erased(text: &str) -> bool {
    text.contains("Former member of staff P-") || text.ends_with("@erased.invalid")
}

/// Builds a sentence from its parts.
struct Sentence<'a> {
    parts: Vec<Part>,
    names: &'a Names,
}

impl<'a> Sentence<'a> {
    fn new(names: &'a Names) -> Self {
        Self {
            parts: Vec::new(),
            names,
        }
    }

    fn text(mut self, text: impl Into<String>) -> Self {
        let text = text.into();
        match self.parts.last_mut() {
            Some(last) if last.href.is_none() => last.text.push_str(&text),
            _ => self.parts.push(Part { text, href: None }),
        }
        self
    }

    fn link(mut self, text: impl Into<String>, href: impl Into<String>) -> Self {
        self.parts.push(Part {
            text: text.into(),
            href: Some(href.into()),
        });
        self
    }

    /// A person by id: their name linking to their page, or "an erased person".
    fn person(self, id: i64) -> Self {
        match self.names.people.get(&id) {
            Some(p) if !p.erased => {
                let name = p.name.clone();
                self.link(name, format!("/admin/users/{id}"))
            }
            Some(_) => self.text(ERASED),
            None => self.text("someone no longer in the service"),
        }
    }

    /// The person an entry is about: by the id in its detail, else the text of its subject.
    fn about(self, entry: &Entry, d: &Value) -> Self {
        match d["user_id"].as_i64() {
            Some(id) => self.person(id),
            None => {
                let subject = subject(entry);
                self.text(subject)
            }
        }
    }

    fn organisation(self, id: i64) -> Self {
        let name = self.names.organisations.get(&id).cloned();
        match name {
            Some(name) => self.link(name, "/admin/organisations"),
            None => self.text("an organisation that no longer exists"),
        }
    }

    fn organisations(mut self, ids: &[i64]) -> Self {
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self = self.text(if i + 1 == ids.len() { " and " } else { ", " });
            }
            self = self.organisation(*id);
        }
        self
    }

    fn finish(self) -> Vec<Part> {
        let mut parts = self.parts.into_iter();
        let mut out = Vec::new();
        // Sentences start with a capital, whoever they start with.
        if let Some(mut first) = parts.next() {
            if let Some(c) = first.text.get(..1) {
                first.text = format!("{}{}", c.to_uppercase(), &first.text[1..]);
            }
            out.push(first);
        }
        out.extend(parts);
        out
    }
}

/// The entry's subject for a sentence, with an erased person's placeholder unnamed.
fn subject(entry: &Entry) -> String {
    match entry.subject.as_deref().map(str::trim) {
        None | Some("") => "an unnamed subject".to_owned(),
        Some(s) if names_erased(s) => ERASED.to_owned(),
        Some(s) => s.to_owned(),
    }
}

fn count(d: &Value, field: &str) -> i64 {
    d[field].as_i64().unwrap_or(0)
}

/// "1 attempt", "3 attempts".
fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn yes_no(value: &Value) -> &'static str {
    if value.as_bool() == Some(true) {
        "yes"
    } else {
        "no"
    }
}

/// The entry as a sentence (ending with a full stop).
pub fn sentence<'a>(entry: &Entry, names: &'a Names) -> Vec<Part> {
    let d = detail(entry);
    let s = Sentence::new(names);
    let by = |s: Sentence<'a>| -> Sentence<'a> {
        match entry.actor_user_id {
            Some(id) => s.person(id),
            None => s.text("someone at the command line"),
        }
    };
    let quoted = |s: Sentence<'a>, what: &str| -> Sentence<'a> {
        s.text(format!("{what} “{}”", subject(entry)))
    };
    let s = match entry.action.as_str() {
        action::SIGN_IN => match d["provider"].as_str() {
            Some(provider) => by(s).text(format!(" signed in through single sign-on ({provider})")),
            None => by(s).text(" signed in"),
        },
        action::SIGN_IN_FAILED if d["reason"] == "passwords_off" => by(s).text(
            " tried to sign in with a password while password sign-in is turned off",
        ),
        action::SIGN_IN_FAILED if d["provider"].is_string() => s.text(format!(
            "a single sign-on through {} was refused ({})",
            d["provider"].as_str().unwrap_or_default(),
            d["reason"].as_str().unwrap_or("no reason recorded")
        )),
        action::IDENTITY_LINKED => by(s).text(format!(
            " signed in through {} for the first time, and that sign-in was linked to their account",
            d["provider"].as_str().unwrap_or("single sign-on")
        )),
        action::ACCOUNT_CREATED_BY_SSO => by(s).text(format!(
            " was added as a learner at their first sign-in through {}",
            d["provider"].as_str().unwrap_or("single sign-on")
        )),
        action::SIGN_OUT => by(s).text(" signed out"),
        action::SIGN_IN_FAILED if d["reason"] == "locked" => s.text(format!(
            "a sign-in as {} was refused while sign-in was paused",
            subject(entry)
        )),
        action::SIGN_IN_FAILED => s.text(format!(
            "a sign-in as {} failed (wrong email address or password)",
            subject(entry)
        )),
        action::SIGN_IN_LOCKED => s.text(format!(
            "sign-in as {} was paused after repeated failures",
            subject(entry)
        )),
        action::ACTIVATED => by(s).text(" activated their account"),
        action::PASSWORD_CHANGED => by(s).text(" changed their password"),
        action::PASSWORD_RESET_REQUESTED => match entry.actor_user_id {
            Some(id) => s.person(id).text(" asked for a password reset link"),
            None => s.text(format!(
                "a password reset link was asked for {}, which is no account here",
                subject(entry)
            )),
        },
        action::PASSWORD_RESET => by(s).text(" set a new password with a reset link"),
        action::FIRST_ADMIN_CREATED => by(s).text(" created the first admin account"),
        action::ROLES_CHANGED => {
            let s = by(s).text(" changed the roles of ").about(entry, &d);
            if d.is_object() {
                let managed = ids(&d["manager_of"]);
                let s = s.text(format!(
                    ": trainer {}, admin {}, manager of ",
                    yes_no(&d["trainer"]),
                    yes_no(&d["admin"])
                ));
                if managed.is_empty() {
                    s.text("no organisation")
                } else {
                    s.organisations(&managed)
                }
            } else {
                s
            }
        }
        action::ACCOUNT_DISABLED => by(s).text(" disabled the account of ").about(entry, &d),
        action::ACCOUNT_ENABLED => by(s).text(" enabled the account of ").about(entry, &d),
        action::ACCOUNT_ERASED => {
            let s = by(s).text(" erased the details of a leaver, who is now ");
            let s = match d["user_id"].as_i64() {
                Some(id) => s.link(
                    format!("{} ({})", ERASED, subject(entry)),
                    format!("/admin/users/{id}"),
                ),
                None => s.text(format!("{ERASED} ({})", subject(entry))),
            };
            s.text(format!(
                "; {} kept for the reports",
                plural(count(&d, "attempts_kept"), "attempt", "attempts")
            ))
        }
        action::USERS_IMPORTED => {
            let (created, updated, unchanged) = (
                count(&d, "created"),
                count(&d, "updated"),
                count(&d, "unchanged"),
            );
            let s = by(s).text(format!(
                " imported {}",
                plural(created + updated + unchanged, "person", "people")
            ));
            let orgs = ids(&d["organisations"]);
            let s = if orgs.is_empty() {
                s
            } else {
                s.text(" into ").organisations(&orgs)
            };
            s.text(format!(
                " from {} ({created} new, {updated} updated, {unchanged} unchanged)",
                subject(entry)
            ))
        }
        action::ORGANISATION_CREATED => {
            let s = by(s).text(" added the organisation ");
            match d["organisation_id"].as_i64() {
                Some(id) => s.organisation(id),
                None => s.text(subject(entry)),
            }
        }
        action::LOCAL_DETAILS_CHANGED => {
            let s = by(s).text(" changed the local details of ");
            let s = match d["organisation_id"].as_i64() {
                Some(id) => s.organisation(id),
                None => s.text(subject(entry)),
            };
            let changed: Vec<String> = d["details"]
                .as_array()
                .map(|slugs| {
                    slugs
                        .iter()
                        .filter_map(|slug| slug.as_str())
                        .map(|slug| match LocalKey::from_slug(slug) {
                            Some(key) => key.name().to_owned(),
                            None => slug.to_owned(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            s.text(format!(": {}", changed.join(", ")))
        }
        action::RESPONSES_REMOVED => {
            let s = match entry.actor_user_id {
                Some(id) => s.person(id),
                None => s.text("the retention job"),
            };
            s.text(format!(
                " removed the answers of {} submitted before {} (their sums are kept) and deleted {}",
                plural(count(&d, "attempts"), "attempt", "attempts"),
                d["before"].as_str().unwrap_or("the cut-off"),
                plural(count(&d, "unfinished"), "unfinished attempt", "unfinished attempts")
            ))
        }
        action::MODULE_ASSIGNED => {
            let s = by(s).text(" assigned ");
            let module = d["module_id"]
                .as_i64()
                .and_then(|id| names.modules.get(&id).cloned());
            let s = match module {
                Some((slug, title)) => s.link(title, format!("/author/modules/{slug}")),
                None => s.text("a module"),
            };
            let role = d["job_role_id"]
                .as_i64()
                .and_then(|id| names.roles.get(&id).cloned());
            let s = if d["user_id"].is_i64() {
                s.text(" to ").about(entry, &d).text(" in ")
            } else {
                let team = d["team"]
                    .as_str()
                    .map_or_else(String::new, |t| format!(" of the team {t}"));
                s.text(match role {
                    Some(role) => format!(" to every {role}{team} in "),
                    None if team.is_empty() => " to everyone in ".to_owned(),
                    None => format!(" to everyone{team} in "),
                })
            };
            let s = match d["organisation_id"].as_i64() {
                Some(id) => s.organisation(id),
                None => s.text("an organisation"),
            };
            match d["due_on"]
                .as_str()
                .and_then(|d| d.parse::<chrono::NaiveDate>().ok())
            {
                Some(due) => s.text(format!(", due {}", due.format("%-d %b %Y"))),
                None => s,
            }
        }
        action::MODULE_ASSIGNMENT_CHANGED => by(s).text(format!(
            " moved the due date of {} to {}",
            subject(entry),
            d["due_on"].as_str().unwrap_or("another day")
        )),
        action::MODULE_ASSIGNMENT_REMOVED => by(s).text(format!(" removed {}", subject(entry))),
        action::MANAGER_TEAMS_CHANGED => {
            let teams: Vec<&str> = d["team_names"]
                .as_array()
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let s = by(s).text(" set the teams managed by ").about(entry, &d);
            if teams.is_empty() {
                s.text(" to none")
            } else {
                s.text(format!(" to {}", teams.join(", ")))
            }
        }
        action::ACTIVATION_EMAILED => by(s).text(format!(
            " emailed new activation links to {} ({})",
            plural(count(&d, "count"), "person", "people"),
            subject(entry)
        )),
        action::ACTIVATION_LINKS_EXPORTED => by(s).text(format!(
            " downloaded new activation links for {} ({})",
            plural(count(&d, "count"), "person", "people"),
            subject(entry)
        )),
        action::QUESTIONS_IMPORTED => by(s).text(format!(
            " imported questions from {}: {} new, {} new versions, {} unchanged, {} published",
            subject(entry),
            count(&d, "created"),
            count(&d, "new_versions"),
            count(&d, "unchanged"),
            count(&d, "published")
        )),
        action::ITEM_CREATED => {
            let s = quoted(by(s).text(" wrote the draft "), "question");
            match d["topic"].as_str() {
                Some(topic) => s
                    .text(" in the topic ")
                    .link(topic, format!("/author/topics/{topic}")),
                None => s,
            }
        }
        action::ITEM_EDITED => {
            let s = quoted(by(s).text(" edited the "), "question");
            match (d["version"].as_i64(), d["new_version"].as_bool()) {
                (Some(v), Some(true)) => s.text(format!(", making version {v}")),
                (Some(v), _) => s.text(format!(" (its unanswered version {v} rewritten)")),
                _ => s,
            }
        }
        action::ITEM_PUBLISHED => quoted(by(s).text(" published the "), "question"),
        action::ITEM_RETIRED => quoted(by(s).text(" retired the "), "question"),
        action::BLUEPRINT_CHANGED => {
            let counts: Vec<String> = d["items_per_topic"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(topic, n)| format!("{topic} {}", n.as_i64().unwrap_or(0)))
                        .collect()
                })
                .unwrap_or_default();
            let s = by(s).text(" changed how many questions the baseline draws per topic");
            if counts.is_empty() {
                s
            } else {
                s.text(format!(" ({})", counts.join(", ")))
            }
        }
        action::ASSESSMENT_ITEMS_CHANGED => by(s).text(format!(
            " chose {} for the assessment “{}”",
            plural(
                d["items"].as_array().map_or(0, |items| items.len() as i64),
                "question",
                "questions"
            ),
            subject(entry)
        )),
        action::MODULE_CREATED
        | action::MODULE_EDITED
        | action::MODULE_PUBLISHED
        | action::MODULE_RETIRED => {
            let verb = match entry.action.as_str() {
                action::MODULE_CREATED => "created",
                action::MODULE_EDITED => "edited",
                action::MODULE_PUBLISHED => "published",
                _ => "retired",
            };
            let slug = subject(entry);
            let s = by(s)
                .text(format!(" {verb} the module "))
                .link(slug.clone(), format!("/author/modules/{slug}"));
            match d["version"].as_i64() {
                Some(v) => s.text(format!(" (version {v})")),
                None => s,
            }
        }
        action::TOPIC_CREATED | action::TOPIC_EDITED => {
            let verb = if entry.action == action::TOPIC_CREATED {
                "created"
            } else {
                "edited"
            };
            let slug = subject(entry);
            by(s)
                .text(format!(" {verb} the topic "))
                .link(slug.clone(), format!("/author/topics/{slug}"))
        }
        action::CERTIFICATE_CHECKED => {
            let s = s.text("Someone checked the certificate of ").about(entry, &d);
            let module = d["module_id"]
                .as_i64()
                .and_then(|id| names.modules.get(&id).cloned());
            match module {
                Some((_, title)) => s.text(format!(" for “{title}”")),
                None => s,
            }
        }
        action::TARGETS_CHANGED => {
            let slug = subject(entry);
            let n = d["changes"].as_array().map_or(0, |c| c.len() as i64);
            by(s)
                .text(format!(" changed {} of ", plural(n, "target", "targets")))
                .link(slug.clone(), format!("/targets/{slug}"))
                .text(" and the report figures were rebuilt")
        }
        action::JOB_TITLE_MAPPED | action::JOB_TITLE_UNMAPPED => {
            let verb = if entry.action == action::JOB_TITLE_MAPPED {
                " mapped the job title "
            } else {
                " removed the mapping of the job title "
            };
            by(s)
                .text(format!("{verb}“{}”", subject(entry)))
                .text(match d["job_role"].as_str() {
                    Some(role) => format!(" to {role}"),
                    None => String::new(),
                })
        }
        action::LTI_PLATFORM_REGISTERED => {
            by(s).text(format!(" registered the learning platform “{}”", subject(entry)))
        }
        action::LTI_PLATFORM_REMOVED => by(s).text(format!(
            " removed the registration of the learning platform “{}”",
            subject(entry)
        )),
        action::LTI_KEY_ROTATED => by(s).text(" made a new LTI signing key"),
        action::REPORT_VIEW => by(s).text(format!(" opened the {} report", report_name(entry))),
        action::REPORT_EXPORT => by(s).text(format!(
            " downloaded the {} report as {}",
            report_name(entry),
            d["format"].as_str().unwrap_or("a file").to_uppercase()
        )),
        action::COMPLETIONS_EXPORTED => by(s).text(format!(
            " downloaded the ESR completion file ({}, {})",
            plural(count(&d, "rows"), "row", "rows"),
            d["format"].as_str().unwrap_or("csv").to_uppercase()
        )),
        other => by(s).text(format!(
            " did “{}” to {}",
            other.replace('_', " "),
            subject(entry)
        )),
    };
    s.text(".").finish()
}

fn report_name(entry: &Entry) -> &'static str {
    match entry.subject.as_deref() {
        Some("gaps") => "training gaps",
        Some("completion") => "completion",
        Some("trends") => "monthly trends",
        _ => "a",
    }
}

/// The sentence as plain text (for the JSON twin).
pub fn plain(parts: &[Part]) -> String {
    parts.iter().map(|p| p.text.as_str()).collect()
}

/// Every action the log records, with what the audit page's filter calls it.
pub const ACTIONS: [(&str, &str); 48] = [
    (action::SIGN_IN, "Signed in"),
    (action::SIGN_IN_FAILED, "Failed sign-in"),
    (action::SIGN_IN_LOCKED, "Sign-in paused"),
    (action::SIGN_OUT, "Signed out"),
    (action::IDENTITY_LINKED, "Single sign-on linked"),
    (
        action::ACCOUNT_CREATED_BY_SSO,
        "Learner added at single sign-on",
    ),
    (action::ACTIVATED, "Account activated"),
    (action::PASSWORD_CHANGED, "Password changed"),
    (action::PASSWORD_RESET_REQUESTED, "Password reset asked for"),
    (action::PASSWORD_RESET, "Password reset"),
    (action::ROLES_CHANGED, "Roles changed"),
    (action::ACCOUNT_DISABLED, "Account disabled"),
    (action::ACCOUNT_ENABLED, "Account enabled"),
    (action::ACCOUNT_ERASED, "Leaver erased"),
    (action::RESPONSES_REMOVED, "Old answers removed"),
    (action::USERS_IMPORTED, "People imported"),
    (action::ORGANISATION_CREATED, "Organisation added"),
    (action::LOCAL_DETAILS_CHANGED, "Local details changed"),
    (action::FIRST_ADMIN_CREATED, "First admin created"),
    (action::MODULE_ASSIGNED, "Module assigned"),
    (
        action::MODULE_ASSIGNMENT_CHANGED,
        "Assignment due date changed",
    ),
    (action::MODULE_ASSIGNMENT_REMOVED, "Assignment removed"),
    (action::MANAGER_TEAMS_CHANGED, "Manager's teams set"),
    (action::ACTIVATION_EMAILED, "Activation links emailed"),
    (
        action::ACTIVATION_LINKS_EXPORTED,
        "Activation links downloaded",
    ),
    (action::ITEM_CREATED, "Question written"),
    (action::ITEM_EDITED, "Question edited"),
    (action::ITEM_PUBLISHED, "Question published"),
    (action::ITEM_RETIRED, "Question retired"),
    (action::QUESTIONS_IMPORTED, "Questions imported"),
    (action::BLUEPRINT_CHANGED, "Baseline blueprint changed"),
    (
        action::ASSESSMENT_ITEMS_CHANGED,
        "Assessment questions chosen",
    ),
    (action::MODULE_CREATED, "Module created"),
    (action::MODULE_EDITED, "Module edited"),
    (action::MODULE_PUBLISHED, "Module published"),
    (action::MODULE_RETIRED, "Module retired"),
    (action::TOPIC_CREATED, "Topic created"),
    (action::TOPIC_EDITED, "Topic edited"),
    (action::CERTIFICATE_CHECKED, "Certificate checked"),
    (action::REPORT_VIEW, "Report opened"),
    (action::REPORT_EXPORT, "Report downloaded"),
    (
        action::COMPLETIONS_EXPORTED,
        "ESR completion file downloaded",
    ),
    (action::TARGETS_CHANGED, "Targets changed"),
    (action::JOB_TITLE_MAPPED, "Job title mapped"),
    (action::JOB_TITLE_UNMAPPED, "Job title mapping removed"),
    (
        action::LTI_PLATFORM_REGISTERED,
        "Learning platform registered",
    ),
    (action::LTI_PLATFORM_REMOVED, "Learning platform removed"),
    (action::LTI_KEY_ROTATED, "LTI signing key rotated"),
];

#[cfg(test)]
mod tests {
    use super::ACTIONS;

    /// Every action `audit::action` defines, read from its source: one added there and not
    /// here would be missing from the audit page's filter (which offers `ACTIONS`).
    #[test]
    fn the_filter_lists_every_action_the_log_records() {
        let source = include_str!("mod.rs");
        let module = source
            .split("pub mod action {")
            .nth(1)
            .and_then(|rest| rest.split("\n}").next())
            .unwrap_or_default();
        let defined: Vec<&str> = module
            .lines()
            .filter_map(|line| line.trim().strip_prefix("pub const "))
            .filter_map(|rest| rest.split('"').nth(1))
            .collect();
        assert_eq!(defined.len(), ACTIONS.len(), "defined: {defined:?}");
        for name in defined {
            assert!(
                ACTIONS.iter().any(|(listed, _)| *listed == name),
                "{name} is missing from ACTIONS"
            );
        }
    }
}
