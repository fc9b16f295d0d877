//! Each organisation's local details (labelling rules, incident reporting, interpreters,
//! information governance and the Caldicott Guardian), kept by admins and shown to that
//! organisation's learners where a module page marks them (`content::local_details`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use validator::{Validate, ValidationError};

use crate::audit::{self, Event, action};
use crate::content::local_details::{LocalKey, LocalTexts, MAX_LOCAL_CHARS};
use crate::entities::{job_assignment, organisation, organisation_local_detail as row};
use crate::error::{AppError, AppResult};
use crate::ids::{OrganisationId, PersonId};
use crate::validation;

/// One detail as an admin edits it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LocalDetail {
    pub key: LocalKey,
    pub label: &'static str,
    pub hint: &'static str,
    pub default_text: &'static str,
    /// The organisation's own text; empty when learners see the default.
    pub text: String,
    pub updated_at: Option<DateTime<Utc>>,
}

/// An organisation with its details, every key in a fixed order.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrganisationDetails {
    pub organisation_id: i64,
    pub organisation_name: String,
    pub details: Vec<LocalDetail>,
}

async fn organisation_row(
    db: &impl ConnectionTrait,
    organisation_id: i64,
) -> AppResult<organisation::Model> {
    organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That organisation was not found.".into()))
}

async fn stored(db: &impl ConnectionTrait, organisation_id: i64) -> AppResult<Vec<row::Model>> {
    Ok(row::Entity::find()
        .filter(row::Column::OrganisationId.eq(organisation_id))
        .all(db)
        .await?)
}

/// Every detail of an organisation, filled in or not.
pub async fn of_organisation(
    db: &impl ConnectionTrait,
    organisation_id: OrganisationId,
) -> AppResult<OrganisationDetails> {
    let organisation_id = organisation_id.get();
    let organisation = organisation_row(db, organisation_id).await?;
    let rows = stored(db, organisation_id).await?;
    let details = LocalKey::ALL
        .into_iter()
        .map(|key| {
            let own = rows.iter().find(|r| r.detail == key.slug());
            LocalDetail {
                key,
                label: key.label(),
                hint: key.hint(),
                default_text: key.default_text(),
                text: own.map(|r| r.body.clone()).unwrap_or_default(),
                updated_at: own.map(|r| r.updated_at),
            }
        })
        .collect();
    Ok(OrganisationDetails {
        organisation_id,
        organisation_name: organisation.name,
        details,
    })
}

/// The texts for a learner's pages: those of the organisation of their current job, or none
/// (every page then shows the defaults) for someone without one.
pub async fn for_learner(db: &impl ConnectionTrait, user_id: PersonId) -> AppResult<LocalTexts> {
    let user_id = user_id.get();
    let job = job_assignment::Entity::find()
        .filter(job_assignment::Column::UserId.eq(user_id))
        .filter(job_assignment::Column::EndedAt.is_null())
        .order_by_desc(job_assignment::Column::StartedAt)
        .order_by_desc(job_assignment::Column::Id)
        .one(db)
        .await?;
    let Some(job) = job else {
        return Ok(LocalTexts::default());
    };
    let organisation = organisation_row(db, job.organisation_id).await?;
    let texts = stored(db, job.organisation_id)
        .await?
        .into_iter()
        .filter_map(|r| LocalKey::from_slug(&r.detail).map(|key| (key, r.body)))
        .collect();
    Ok(LocalTexts {
        organisation: Some(organisation.name),
        texts,
    })
}

/// What the Contact us page shows someone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Contact {
    /// The organisation of their current job, when it has filled in its contact.
    pub organisation: Option<String>,
    /// The organisation's own text (Markdown), or the general advice.
    pub text: String,
    /// Whether `text` is the general advice rather than an organisation's own.
    pub is_default: bool,
    /// `text` as an NHS.UK inset, sanitised HTML.
    #[serde(skip)]
    pub html: String,
}

/// Whom `person` should contact about the training: their current organisation's
/// "Help with this training" when it has one, else the general advice (also for anyone not
/// signed in).
pub async fn contact(db: &impl ConnectionTrait, person: Option<PersonId>) -> AppResult<Contact> {
    let local = match person {
        Some(id) => for_learner(db, id).await?,
        None => LocalTexts::default(),
    };
    let key = LocalKey::TrainingContact;
    let own = local
        .texts
        .iter()
        .find(|(k, text)| *k == key && !text.trim().is_empty())
        .map(|(_, text)| text.clone());
    Ok(Contact {
        organisation: own.as_ref().and(local.organisation.clone()),
        is_default: own.is_none(),
        html: crate::content::local_details::inset(key, &local),
        text: own.unwrap_or_else(|| key.default_text().to_owned()),
    })
}

/// New texts by key, checked: at most [`MAX_LOCAL_CHARS`] characters each, trimmed; an empty
/// text means "show the default".
#[derive(Debug, Clone, Default)]
pub struct DetailChanges(BTreeMap<LocalKey, String>);

/// The texts a body sends, a field per detail (its slug with `_` for `-`; see [`FIELDS`]),
/// trimmed; a detail left out is unchanged. Each rule's message names the detail as the page
/// labels it.
#[derive(Debug, Default, Validate)]
struct DetailTexts<'a> {
    #[validate(
        custom(
            function = "fits",
            message = "Labelling rules for genomic samples must be 1000 characters or fewer"
        ),
        custom(
            function = "showable",
            message = "Labelling rules for genomic samples contains a character that cannot be shown"
        )
    )]
    sample_labelling: Option<&'a str>,
    #[validate(
        custom(
            function = "fits",
            message = "Reporting an incident must be 1000 characters or fewer"
        ),
        custom(
            function = "showable",
            message = "Reporting an incident contains a character that cannot be shown"
        )
    )]
    incident_reporting: Option<&'a str>,
    #[validate(
        custom(
            function = "fits",
            message = "Booking an interpreter must be 1000 characters or fewer"
        ),
        custom(
            function = "showable",
            message = "Booking an interpreter contains a character that cannot be shown"
        )
    )]
    interpreter_booking: Option<&'a str>,
    #[validate(
        custom(
            function = "fits",
            message = "Your information governance team must be 1000 characters or fewer"
        ),
        custom(
            function = "showable",
            message = "Your information governance team contains a character that cannot be shown"
        )
    )]
    information_governance: Option<&'a str>,
    #[validate(
        custom(
            function = "fits",
            message = "Your Caldicott Guardian must be 1000 characters or fewer"
        ),
        custom(
            function = "showable",
            message = "Your Caldicott Guardian contains a character that cannot be shown"
        )
    )]
    caldicott_guardian: Option<&'a str>,
    #[validate(
        custom(
            function = "fits",
            message = "Help with this training must be 1000 characters or fewer"
        ),
        custom(
            function = "showable",
            message = "Help with this training contains a character that cannot be shown"
        )
    )]
    training_contact: Option<&'a str>,
}

/// The field of [`DetailTexts`] for each detail, in the order the form shows them.
const FIELDS: [(LocalKey, &str); 6] = [
    (LocalKey::SampleLabelling, "sample_labelling"),
    (LocalKey::IncidentReporting, "incident_reporting"),
    (LocalKey::InterpreterBooking, "interpreter_booking"),
    (LocalKey::InformationGovernance, "information_governance"),
    (LocalKey::CaldicottGuardian, "caldicott_guardian"),
    (LocalKey::TrainingContact, "training_contact"),
];

impl<'a> DetailTexts<'a> {
    fn text(&mut self, key: LocalKey) -> &mut Option<&'a str> {
        match key {
            LocalKey::SampleLabelling => &mut self.sample_labelling,
            LocalKey::IncidentReporting => &mut self.incident_reporting,
            LocalKey::InterpreterBooking => &mut self.interpreter_booking,
            LocalKey::InformationGovernance => &mut self.information_governance,
            LocalKey::CaldicottGuardian => &mut self.caldicott_guardian,
            LocalKey::TrainingContact => &mut self.training_contact,
        }
    }
}

/// Rule: at most [`MAX_LOCAL_CHARS`] characters.
fn fits(text: &str) -> Result<(), ValidationError> {
    if text.chars().count() > MAX_LOCAL_CHARS {
        Err(ValidationError::new("length"))
    } else {
        Ok(())
    }
}

/// Rule: no control characters but line breaks and tabs.
fn showable(text: &str) -> Result<(), ValidationError> {
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        Err(ValidationError::new("control"))
    } else {
        Ok(())
    }
}

impl DetailChanges {
    /// Checks `(slug, text)` pairs; problems are named by slug so a form can show them in place.
    pub fn parse<'a>(
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, Vec<(String, String)>> {
        let mut texts = DetailTexts::default();
        let mut problems = Vec::new();
        for (slug, text) in entries {
            let Some(key) = LocalKey::from_slug(slug) else {
                let known: Vec<&str> = LocalKey::ALL.iter().map(|k| k.slug()).collect();
                problems.push((
                    slug.to_owned(),
                    format!(
                        "There is no local detail called `{slug}`; use {}",
                        known.join(", ")
                    ),
                ));
                continue;
            };
            *texts.text(key) = Some(text.trim());
        }
        if let Err(errors) = texts.validate() {
            let fields = FIELDS.map(|(_, field)| field);
            for (field, message) in validation::in_page_order(&errors, &fields) {
                let slug = FIELDS
                    .iter()
                    .find(|(_, f)| *f == field)
                    .map_or(field, |(key, _)| key.slug());
                problems.push((slug.to_owned(), message));
            }
        }
        // In the order the form shows the details, whatever order they came in.
        problems.sort_by_key(|(slug, _)| {
            LocalKey::ALL
                .iter()
                .position(|k| k.slug() == slug)
                .unwrap_or(usize::MAX)
        });
        if !problems.is_empty() {
            return Err(problems);
        }
        let changes = LocalKey::ALL
            .into_iter()
            .filter_map(|key| {
                let text = (*texts.text(key))?;
                Some((key, text.replace("\r\n", "\n")))
            })
            .collect();
        Ok(Self(changes))
    }
}

/// Who changes the details, for the audit log.
#[derive(Debug, Clone)]
pub struct ChangedBy {
    pub user_id: PersonId,
    pub client_address: Option<String>,
}

/// Saves the changed texts and records which changed; the keys that changed, in order.
pub async fn save(
    db: &DatabaseConnection,
    organisation_id: OrganisationId,
    changes: DetailChanges,
    by: ChangedBy,
) -> AppResult<Vec<LocalKey>> {
    let organisation_id = organisation_id.get();
    let txn = crate::db::begin_write(db).await?;
    let db = &txn;
    let organisation = organisation_row(db, organisation_id).await?;
    let rows = stored(db, organisation_id).await?;
    let now = Utc::now();
    let mut changed = Vec::new();
    for (key, text) in changes.0 {
        let existing = rows.iter().find(|r| r.detail == key.slug());
        match (existing, text.is_empty()) {
            (Some(old), _) if old.body == text => continue,
            (None, true) => continue,
            (Some(old), true) => {
                row::Entity::delete_by_id((organisation_id, old.detail.clone()))
                    .exec(db)
                    .await?;
            }
            (Some(old), false) => {
                let mut active: row::ActiveModel = old.clone().into();
                active.body = Set(text);
                active.updated_at = Set(now);
                active.updated_by_user_id = Set(Some(by.user_id.get()));
                active.update(db).await?;
            }
            (None, false) => {
                row::ActiveModel {
                    organisation_id: Set(organisation_id),
                    detail: Set(key.slug().to_owned()),
                    body: Set(text),
                    updated_at: Set(now),
                    updated_by_user_id: Set(Some(by.user_id.get())),
                }
                .insert(db)
                .await?;
            }
        }
        changed.push(key);
    }
    if !changed.is_empty() {
        let slugs: Vec<&str> = changed.iter().map(|k| k.slug()).collect();
        audit::record(
            db,
            Event::new(action::LOCAL_DETAILS_CHANGED)
                .by(Some(by.user_id))
                .subject(organisation.code)
                .detail(serde_json::json!({
                    "organisation_id": organisation_id,
                    "details": slugs,
                }))
                .from_address(by.client_address),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_detail_is_named_by_its_label_with_the_limit() {
        let long = "x".repeat(MAX_LOCAL_CHARS + 1);
        for key in LocalKey::ALL {
            let problems = DetailChanges::parse([(key.slug(), long.as_str())]).unwrap_err();
            assert_eq!(
                problems,
                vec![(
                    key.slug().to_owned(),
                    format!(
                        "{} must be {MAX_LOCAL_CHARS} characters or fewer",
                        key.label()
                    )
                )]
            );
            let problems = DetailChanges::parse([(key.slug(), "a\u{7}b")]).unwrap_err();
            assert_eq!(
                problems,
                vec![(
                    key.slug().to_owned(),
                    format!("{} contains a character that cannot be shown", key.label())
                )]
            );
        }
    }

    #[test]
    fn texts_are_trimmed_before_counting_and_problems_follow_the_form() {
        let padded = format!("  {}  ", "x".repeat(MAX_LOCAL_CHARS));
        let changes = DetailChanges::parse([
            ("caldicott-guardian", padded.as_str()),
            ("incident-reporting", "Datix\r\nor phone"),
        ])
        .unwrap();
        assert_eq!(
            changes
                .0
                .get(&LocalKey::IncidentReporting)
                .map(String::as_str),
            Some("Datix\nor phone")
        );
        assert_eq!(
            changes.0.get(&LocalKey::CaldicottGuardian).map(String::len),
            Some(MAX_LOCAL_CHARS)
        );
        let long = "x".repeat(MAX_LOCAL_CHARS + 1);
        let both = format!("{long}\u{7}");
        let problems = DetailChanges::parse([
            ("caldicott-guardian", "\u{0}"),
            ("nonsense", "x"),
            ("sample-labelling", both.as_str()),
        ])
        .unwrap_err();
        let slugs: Vec<&str> = problems.iter().map(|(slug, _)| slug.as_str()).collect();
        assert_eq!(
            slugs,
            ["sample-labelling", "caldicott-guardian", "nonsense"]
        );
        // Too long and unshowable: the length is what is said.
        assert!(problems[0].1.ends_with("characters or fewer"));
        assert!(
            problems[2]
                .1
                .starts_with("There is no local detail called `nonsense`")
        );
    }
}
