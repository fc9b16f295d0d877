//! The report filters as a GET form (no JavaScript): parsed at the edge into a [`GapQuery`]
//! bounded by the manager's scope, so a service never sees an unchecked value.

use rocket::form::FromForm;
use serde::Serialize;

use crate::accounts::OrgScope;
use crate::error::{AppError, AppResult};
use crate::reports::publication::{BAND_GROUPS, parse_band_group};
use crate::reports::{GapQuery, Period, Phase, Scope, ScopeTeam};
use crate::web::accounts::FormErrors;
use crate::web::guards::Manager;

/// The query string of every report page, export and JSON twin. Every field is optional text
/// so an empty `<select>` choice means "any".
#[derive(Debug, Clone, Default, FromForm, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportFilters {
    /// An organisation's id (within your scope).
    pub organisation: Option<String>,
    /// A team's id (within your scope): that team's own figures.
    pub team: Option<String>,
    /// A staff group's id.
    pub staff_group: Option<String>,
    /// A band group, as the filter form offers them.
    pub band: Option<String>,
    /// The first month, `YYYY-MM`.
    pub from: Option<String>,
    /// The last month, `YYYY-MM`.
    pub to: Option<String>,
    /// `baseline` or `post`.
    pub phase: Option<String>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Parses one field, filing its problem under the field's id (the input the page's error
/// summary links to) so every bad value is reported at once, not one per submission.
fn field<T>(errors: &mut FormErrors, name: &str, parsed: Result<Option<T>, String>) -> Option<T> {
    parsed.unwrap_or_else(|message| {
        errors.add(name, message);
        None
    })
}

fn month(value: &Option<String>, label: &str) -> Result<Option<Period>, String> {
    given(value)
        .map(|v| {
            v.parse::<Period>()
                .map_err(|problem| format!("{label}: {problem}"))
        })
        .transpose()
}

/// The organisations the manager may see, as the reports service names them.
pub fn scope_of(manager: &Manager) -> Scope {
    match &manager.scope {
        OrgScope::All => Scope::AllOrganisations,
        OrgScope::Only(ids) => Scope::Organisations(ids.clone()),
        OrgScope::Partly { whole, teams } => Scope::Partly {
            organisations: whole.clone(),
            teams: teams
                .iter()
                .map(|t| ScopeTeam {
                    id: t.team_id,
                    organisation_id: t.organisation_id,
                })
                .collect(),
        },
    }
}

impl ReportFilters {
    /// The query these filters ask for within the manager's scope, or every bad value filed
    /// under its field for the page to show beside it. An organisation outside the scope is
    /// left to the service (404).
    pub fn check(&self, manager: &Manager) -> Result<GapQuery, FormErrors> {
        let mut errors = FormErrors::default();
        let id = |value: &Option<String>, label: &str| {
            crate::web::query_id(value.as_deref(), label).map_err(|e| e.to_string())
        };
        let mut query = GapQuery::new(scope_of(manager));
        query.organisation = field(
            &mut errors,
            "organisation",
            id(&self.organisation, "Organisation"),
        );
        query.team = field(&mut errors, "team", id(&self.team, "Team"));
        query.staff_group = field(
            &mut errors,
            "staff_group",
            id(&self.staff_group, "Staff group"),
        );
        let band = given(&self.band)
            .map(|band| {
                parse_band_group(band)
                    .map(str::to_owned)
                    .ok_or_else(|| format!("Band group must be one of: {}", BAND_GROUPS.join(", ")))
            })
            .transpose();
        query.band = field(&mut errors, "band", band);
        query.from = field(&mut errors, "from", month(&self.from, "From month"));
        query.to = field(&mut errors, "to", month(&self.to, "To month"));
        if let (Some(from), Some(to)) = (query.from, query.to)
            && from > to
        {
            errors.add(
                "from",
                "The 'from' month must be the same as or before the 'to' month",
            );
        }
        let phase = match given(&self.phase) {
            None => Ok(Some(Phase::Baseline)),
            Some(value) => Phase::parse(value)
                .map(Some)
                .ok_or_else(|| "Phase must be baseline or post".to_owned()),
        };
        query.phase = field(&mut errors, "phase", phase).unwrap_or(Phase::Baseline);
        if errors.is_empty() {
            Ok(query)
        } else {
            Err(errors)
        }
    }

    /// The same check for the downloads and JSON twins: every problem in one 400 message.
    pub fn query(&self, manager: &Manager) -> AppResult<GapQuery> {
        self.check(manager).map_err(|errors| {
            let messages: Vec<_> = errors.0.into_iter().map(|e| e.message).collect();
            AppError::BadRequest(messages.join(". "))
        })
    }

    /// The filters given, by name (for hidden inputs of a form that keeps them).
    pub fn given(&self) -> Vec<(&'static str, &str)> {
        [
            ("organisation", &self.organisation),
            ("team", &self.team),
            ("staff_group", &self.staff_group),
            ("band", &self.band),
            ("from", &self.from),
            ("to", &self.to),
            ("phase", &self.phase),
        ]
        .into_iter()
        .filter_map(|(name, value)| given(value).map(|v| (name, v)))
        .collect()
    }

    /// The filters as a query string (no leading `?`), for links that keep them.
    pub fn query_string(&self) -> String {
        self.given()
            .iter()
            .map(|(name, value)| format!("{name}={}", encode(value)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// These filters with a different staff group (for drill-down links).
    pub fn with_staff_group(&self, group: Option<i64>) -> Self {
        Self {
            staff_group: group.map(|g| g.to_string()),
            ..self.clone()
        }
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_string_keeps_given_values_encoded() {
        let filters = ReportFilters {
            band: Some("Bands 5–6".into()),
            phase: Some("post".into()),
            organisation: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(
            filters.query_string(),
            "band=Bands%205%E2%80%936&phase=post"
        );
        assert_eq!(
            filters.with_staff_group(Some(3)).query_string(),
            "staff_group=3&band=Bands%205%E2%80%936&phase=post"
        );
    }
}
