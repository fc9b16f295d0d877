//! The training-gap grid (docs/design.md §4 "Per report cell", issue 7): one row for all staff in
//! scope, one per staff group and one per job role, with one cell per topic, suppressed per
//! topic on that hierarchy so the invariant holds in every view and every filter.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};

use super::lookups::Lookups;
use crate::aggregates::Period;
use crate::aggregates::read::{self, CellFilter, StoredCell};
use crate::entities::team;
use crate::error::{AppError, AppResult};
use crate::measures::{CellMeasures, CellSums, Node, check_invariant, suppress};

/// The organisations a caller may see. The web layer builds it from the signed-in user (an
/// admin: all; a manager: their `manager_scopes`), so no query parameter can widen it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Scope {
    AllOrganisations,
    Organisations(Vec<i64>),
    /// A manager limited to some teams: the organisations they see whole, and their teams'
    /// own figures (what was released for each team) and people, never the figures of the
    /// organisations those teams are in.
    Partly {
        organisations: Vec<i64>,
        teams: Vec<ScopeTeam>,
    },
}

/// A team in a manager's scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScopeTeam {
    pub id: i64,
    pub organisation_id: i64,
}

/// What a query's view holds after its filters are checked against the scope: organisations
/// whole (`None`: all) and teams' own releases and people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InView {
    pub organisations: Option<Vec<i64>>,
    pub teams: Vec<i64>,
}

impl Scope {
    /// The organisations whose figures are in scope (`None`: all of them).
    pub fn organisations(&self) -> Option<&[i64]> {
        match self {
            Self::AllOrganisations => None,
            Self::Organisations(ids)
            | Self::Partly {
                organisations: ids, ..
            } => Some(ids),
        }
    }

    /// The teams seen in organisations not seen whole.
    pub fn teams(&self) -> &[ScopeTeam] {
        match self {
            Self::Partly { teams, .. } => teams,
            _ => &[],
        }
    }

    fn whole(&self, organisation: i64) -> bool {
        self.organisations()
            .is_none_or(|ids| ids.contains(&organisation))
    }

    /// The organisations whose figures or teams' figures the caller may see.
    pub fn reaches(&self, organisation: i64) -> bool {
        self.whole(organisation)
            || self
                .teams()
                .iter()
                .any(|t| t.organisation_id == organisation)
    }
}

/// Which sitting the cells describe: the first submitted baseline, or the latest post.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    #[default]
    Baseline,
    Post,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Baseline => "baseline",
            Self::Post => "post",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value.trim() {
            "baseline" => Some(Self::Baseline),
            "post" => Some(Self::Post),
            _ => None,
        }
    }
}

/// What a manager asks for. Every field but `scope` and `phase` narrows the view.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GapQuery {
    pub scope: Scope,
    pub organisation: Option<i64>,
    /// One team: only what was released for it (a team's own figures).
    #[serde(default)]
    pub team: Option<i64>,
    pub staff_group: Option<i64>,
    pub band: Option<String>,
    pub from: Option<Period>,
    pub to: Option<Period>,
    pub phase: Phase,
}

impl GapQuery {
    /// Everything the scope allows, at baseline.
    pub fn new(scope: Scope) -> Self {
        Self {
            scope,
            organisation: None,
            team: None,
            staff_group: None,
            band: None,
            from: None,
            to: None,
            phase: Phase::Baseline,
        }
    }

    /// The organisations and teams in view, narrowed to the scope. Asking for an organisation
    /// or a team outside the scope is "not found", so ids reveal nothing.
    pub async fn in_view(&self, db: &impl ConnectionTrait) -> AppResult<InView> {
        let scope = &self.scope;
        let mut view = InView {
            organisations: scope.organisations().map(<[i64]>::to_vec),
            teams: scope.teams().iter().map(|t| t.id).collect(),
        };
        if let Some(id) = self.organisation {
            if !scope.reaches(id) {
                return Err(AppError::NotFound(
                    "That organisation was not found.".into(),
                ));
            }
            view = if scope.whole(id) {
                InView {
                    organisations: Some(vec![id]),
                    teams: Vec::new(),
                }
            } else {
                InView {
                    organisations: Some(Vec::new()),
                    teams: scope
                        .teams()
                        .iter()
                        .filter(|t| t.organisation_id == id)
                        .map(|t| t.id)
                        .collect(),
                }
            };
        }
        if let Some(id) = self.team {
            let team = team::Entity::find_by_id(id).one(db).await?;
            let allowed = team.filter(|team| {
                self.organisation.is_none_or(|o| o == team.organisation_id)
                    && (scope.whole(team.organisation_id)
                        || scope.teams().iter().any(|t| t.id == team.id))
            });
            if allowed.is_none() {
                return Err(AppError::NotFound("That team was not found.".into()));
            }
            view = InView {
                organisations: Some(Vec::new()),
                teams: vec![id],
            };
        }
        Ok(view)
    }

    /// The stored-row filter for the view ([`Self::in_view`]).
    pub(super) async fn cell_filter(&self, db: &impl ConnectionTrait) -> AppResult<CellFilter> {
        let InView {
            organisations,
            teams,
        } = self.in_view(db).await?;
        Ok(CellFilter {
            organisations,
            teams,
            staff_group: self.staff_group,
            band: self.band.clone(),
            from: self.from.map(|p| p.to_string()),
            to: self.to.map(|p| p.to_string()),
            phase: Some(self.phase.as_str().into()),
        })
    }
}

/// A row's place in the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// "All staff in scope".
    Total,
    StaffGroup,
    JobRole,
}

/// One topic column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TopicColumn {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

/// A cell as shown: its measures, or `*` (serialised as the string "*").
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Cell {
    Shown(Box<CellMeasures>),
    Suppressed(Star),
}

/// The `*` of a suppressed cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Star;

impl Serialize for Star {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("*")
    }
}

impl utoipa::PartialSchema for Star {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(["*"]))
            .description(Some("A suppressed cell"))
            .into()
    }
}

impl utoipa::ToSchema for Star {}

impl Cell {
    pub fn measures(&self) -> Option<&CellMeasures> {
        match self {
            Self::Shown(m) => Some(m),
            Self::Suppressed(_) => None,
        }
    }

    pub fn is_suppressed(&self) -> bool {
        matches!(self, Self::Suppressed(_))
    }
}

/// One row of the grid; `cells` follow the report's `topics`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    pub level: Level,
    pub staff_group_id: Option<i64>,
    pub job_role_id: Option<i64>,
    pub label: String,
    pub cells: Vec<Cell>,
}

/// The grid, in display order: total, then each staff group followed by its job roles.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GapReport {
    /// When the data was read: the aggregates change in each submit's transaction, so this is
    /// the moment the numbers are true for.
    pub as_of: DateTime<Utc>,
    pub min_cell_size: u32,
    pub query: GapQuery,
    pub topics: Vec<TopicColumn>,
    pub rows: Vec<ReportRow>,
}

/// The gap grid for `query`.
#[tracing::instrument(skip(db))]
pub async fn gap_report(
    db: &impl ConnectionTrait,
    query: &GapQuery,
    min_cell_size: u32,
) -> AppResult<GapReport> {
    let lookups = Lookups::load(db).await?;
    gap_report_with(db, query, min_cell_size, &lookups).await
}

/// [`gap_report`] with the lookup tables already loaded.
pub(super) async fn gap_report_with(
    db: &impl ConnectionTrait,
    query: &GapQuery,
    min_cell_size: u32,
    lookups: &Lookups,
) -> AppResult<GapReport> {
    let filter = query.cell_filter(db).await?;
    gap_report_filtered(db, query, filter, min_cell_size, lookups).await
}

/// [`gap_report_with`] for a query whose scope is already checked: `filter` is its
/// [`GapQuery::cell_filter`].
pub(super) async fn gap_report_filtered(
    db: &impl ConnectionTrait,
    query: &GapQuery,
    mut filter: CellFilter,
    min_cell_size: u32,
    lookups: &Lookups,
) -> AppResult<GapReport> {
    filter.organisations = lookups.narrowing(filter.organisations);
    let as_of = Utc::now();
    let stored = read::load_by_role(db, &filter).await?;
    let (topics, rows) = build(&stored, lookups, query.phase, min_cell_size)?;
    Ok(GapReport {
        as_of,
        min_cell_size,
        query: query.clone(),
        topics,
        rows,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum RowKey {
    Total,
    Group(i64),
    Role(i64),
}

/// Adds the stored rows up per job role and topic, weights in the roles' current targets, and
/// rolls up to staff groups and the total; then suppresses per topic.
pub(super) fn build(
    stored: &[StoredCell],
    lookups: &Lookups,
    phase: Phase,
    min_cell_size: u32,
) -> AppResult<(Vec<TopicColumn>, Vec<ReportRow>)> {
    let mut by_role: BTreeMap<(i64, i64), CellSums> = BTreeMap::new();
    let mut group_of: HashMap<i64, i64> = HashMap::new();
    for row in stored {
        *by_role.entry((row.job_role_id, row.topic_id)).or_default() += row.sums;
        group_of.insert(row.job_role_id, row.staff_group_id);
    }
    let mut sums: HashMap<(RowKey, i64), CellSums> = HashMap::new();
    let mut present: BTreeSet<i64> = BTreeSet::new();
    for (&(role, topic), role_sums) in &by_role {
        let mut s = *role_sums;
        // Learner-weighted mean of each role's current target: Σ n_role × target_role / n.
        let (target, importance) = lookups.target(role, topic);
        s.sum_target = s.n_learners as f64 * target;
        s.sum_importance = s.n_learners as f64 * importance;
        let group = group_of.get(&role).copied().unwrap_or_default();
        for key in [RowKey::Total, RowKey::Group(group), RowKey::Role(role)] {
            *sums.entry((key, topic)).or_default() += s;
        }
        if s.n_learners > 0 {
            present.insert(role);
        }
    }
    let topics: Vec<TopicColumn> = lookups
        .topics
        .iter()
        .filter(|t| t.retired_at.is_none() || by_role.keys().any(|k| k.1 == t.id))
        .map(|t| TopicColumn {
            id: t.id,
            slug: t.slug.clone(),
            name: t.name.clone(),
        })
        .collect();
    // The hierarchy in display order (groups and roles by their taxonomy position); cells are
    // filled in once suppression is known.
    let row = |level, staff_group_id, job_role_id, label: &str| ReportRow {
        level,
        staff_group_id,
        job_role_id,
        label: label.to_owned(),
        cells: Vec::new(),
    };
    let mut tree: Vec<(RowKey, ReportRow)> = vec![(
        RowKey::Total,
        row(Level::Total, None, None, "All staff in scope"),
    )];
    let mut children: Vec<(i64, Vec<i64>)> = Vec::new();
    for group in &lookups.staff_groups {
        let roles: Vec<i64> = lookups
            .job_roles
            .iter()
            .filter(|r| present.contains(&r.id) && group_of.get(&r.id) == Some(&group.id))
            .map(|r| r.id)
            .collect();
        if roles.is_empty() {
            continue;
        }
        tree.push((
            RowKey::Group(group.id),
            row(Level::StaffGroup, Some(group.id), None, &group.name),
        ));
        for role in lookups.job_roles.iter().filter(|r| roles.contains(&r.id)) {
            tree.push((
                RowKey::Role(role.id),
                row(Level::JobRole, Some(group.id), Some(role.id), &role.name),
            ));
        }
        children.push((group.id, roles));
    }
    let n_of = |key: RowKey, topic: i64| sums.get(&(key, topic)).map_or(0, |s| s.n_learners);
    let mut hidden = Vec::with_capacity(topics.len());
    for topic in &topics {
        let root = Node {
            key: RowKey::Total,
            n: n_of(RowKey::Total, topic.id),
            children: children
                .iter()
                .map(|(group, roles)| Node {
                    key: RowKey::Group(*group),
                    n: n_of(RowKey::Group(*group), topic.id),
                    children: roles
                        .iter()
                        .map(|r| Node::leaf(RowKey::Role(*r), n_of(RowKey::Role(*r), topic.id)))
                        .collect(),
                })
                .collect(),
        };
        let suppressed = suppress(&root, u64::from(min_cell_size));
        // Guaranteed by `suppress`; checked so a future change cannot leak a cell silently.
        check_invariant(&root, &suppressed).map_err(AppError::internal)?;
        hidden.push(suppressed);
    }
    let rows = tree
        .into_iter()
        .map(|(key, mut row)| {
            row.cells = topics
                .iter()
                .zip(&hidden)
                .map(|(topic, hidden)| {
                    if hidden.contains(&key) {
                        return Cell::Suppressed(Star);
                    }
                    let s = sums.get(&(key, topic.id)).copied().unwrap_or_default();
                    let mut measures = CellMeasures::from_sums(&s).published();
                    if phase == Phase::Post {
                        // Completion is counted on the baseline population (tested out there,
                        // or the module done since); a post cell has no completion of its own.
                        measures.completion = None;
                    }
                    Cell::Shown(Box::new(measures))
                })
                .collect();
            row
        })
        .collect();
    Ok((topics, rows))
}
