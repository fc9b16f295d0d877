//! The report filters as a GET form (no JavaScript): parsed at the edge into a [`GapQuery`]
//! bounded by the manager's scope, so a service never sees an unchecked value.

use rocket::form::FromForm;
use serde::Serialize;

use crate::accounts::OrgScope;
use crate::error::{AppError, AppResult};
use crate::reports::publication::{BAND_GROUPS, parse_band_group};
use crate::reports::{GapQuery, Period, Phase, Scope};
use crate::web::guards::Manager;

/// The query string of every report page, export and JSON twin. Every field is optional text
/// so an empty `<select>` choice means "any".
#[derive(Debug, Clone, Default, FromForm, Serialize)]
pub struct ReportFilters {
    pub organisation: Option<String>,
    pub staff_group: Option<String>,
    pub band: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub phase: Option<String>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn id(value: &Option<String>, name: &str) -> AppResult<Option<i64>> {
    crate::web::query_id(value.as_deref(), name)
}

fn month(value: &Option<String>, name: &str) -> AppResult<Option<Period>> {
    given(value)
        .map(|v| {
            v.parse::<Period>()
                .map_err(|problem| AppError::BadRequest(format!("{name}: {problem}")))
        })
        .transpose()
}

/// The organisations the manager may see, as the reports service names them.
pub fn scope_of(manager: &Manager) -> Scope {
    match &manager.scope {
        OrgScope::All => Scope::AllOrganisations,
        OrgScope::Only(ids) => Scope::Organisations(ids.clone()),
    }
}

impl ReportFilters {
    /// The query these filters ask for within the manager's scope. A bad value is a 400 that
    /// names it; an organisation outside the scope is left to the service (404).
    pub fn query(&self, manager: &Manager) -> AppResult<GapQuery> {
        let mut query = GapQuery::new(scope_of(manager));
        query.organisation = id(&self.organisation, "Organisation")?;
        query.staff_group = id(&self.staff_group, "Staff group")?;
        query.band = given(&self.band)
            .map(|band| {
                parse_band_group(band).map(str::to_owned).ok_or_else(|| {
                    AppError::BadRequest(format!(
                        "Band must be one of the band groups: {}",
                        BAND_GROUPS.join(", ")
                    ))
                })
            })
            .transpose()?;
        query.from = month(&self.from, "From")?;
        query.to = month(&self.to, "To")?;
        if let (Some(from), Some(to)) = (query.from, query.to)
            && from > to
        {
            return Err(AppError::BadRequest(
                "The 'from' month must be the same as or before the 'to' month".into(),
            ));
        }
        query.phase = match given(&self.phase) {
            None => Phase::Baseline,
            Some(value) => Phase::parse(value)
                .ok_or_else(|| AppError::BadRequest("Phase must be baseline or post".into()))?,
        };
        Ok(query)
    }

    /// The filters as a query string (no leading `?`), for links that keep them.
    pub fn query_string(&self) -> String {
        let pairs = [
            ("organisation", &self.organisation),
            ("staff_group", &self.staff_group),
            ("band", &self.band),
            ("from", &self.from),
            ("to", &self.to),
            ("phase", &self.phase),
        ];
        pairs
            .iter()
            .filter_map(|(name, value)| given(value).map(|v| format!("{name}={}", encode(v))))
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
fn encode(value: &str) -> String {
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
