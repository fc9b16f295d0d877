//! What managers may see, and when (issue 16; `docs/managers.md`, "How small groups are
//! protected"). Reports never read the exact aggregates (`report_cells`, `report_totals`):
//! they read only *released batches*.
//!
//! Every learner's contribution to a report cell belongs to one **atom**: organisation × job
//! role × band group × topic × phase × team (0: none). A contribution first waits in
//! `report_pending`; it is released, with others, into `report_published` (under the month of
//! the release), `report_published_totals` and, without the organisation and team,
//! `report_published_national`, either as its team's, once at least
//! `min_cell_size` learners have gathered in the team's atom, or as its organisation's (team
//! 0), once enough contributions that cannot or did not gather in a team have ([`due_releases`]).
//! So every published figure, whatever the filters, output or moment, team or organisation,
//! is a sum of whole releases, each about at least `min_cell_size` people; any sum or
//! difference of published figures is too. A group that never gathers enough learners is
//! never published at all, in any total.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sea_orm::sea_query::{Alias, Condition, Expr, Query, SelectStatement, UpdateStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DbBackend, EntityTrait, ExprTrait, QueryFilter, QueryResult, QuerySelect,
};

use super::increments::{Increments, Key};
use super::read::{self, number};
use super::tables::{
    ATOM_KEYS, N_CHANGES, NATIONAL_KEYS, PUBLISHED_COUNT_COLUMNS, SUM_COLUMNS, TEAM_KEY, Table,
};
use super::{Period, stored_values};
use crate::entities::{
    publication_state, report_pending, report_published, report_published_national,
    report_published_total,
};
use crate::error::AppResult;

/// The band filter's choices. Single bands would split job roles into groups of one or two
/// (a trust's only Band 4 receptionist); these follow Agenda for Change's broad levels.
pub const BAND_GROUPS: [&str; 4] = ["Bands 1–4", "Bands 5–6", "Bands 7–9", "Other bands"];

/// The band group of an Agenda for Change band as ESR writes it ("Band 3", "3", "Band 8a");
/// anything else (medical grades, blank) is "Other bands".
pub fn band_group(band: &str) -> &'static str {
    let band = band.trim().to_ascii_lowercase();
    let number = band.strip_prefix("band").unwrap_or(&band).trim();
    let (digits, suffix) = number.split_at(
        number
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(number.len()),
    );
    match (digits.parse::<u8>(), suffix) {
        (Ok(1..=4), "") => BAND_GROUPS[0],
        (Ok(5..=6), "") => BAND_GROUPS[1],
        (Ok(7 | 9), "") | (Ok(8), "" | "a" | "b" | "c" | "d") => BAND_GROUPS[2],
        _ => BAND_GROUPS[3],
    }
}

/// The band filter's value as a band group label, if it is one.
pub fn parse_band_group(value: &str) -> Option<&'static str> {
    let wanted = value.trim().replace('-', "–");
    BAND_GROUPS
        .iter()
        .find(|g| g.eq_ignore_ascii_case(&wanted))
        .copied()
}

/// A totals row key ("organisation_id=… job_role_id=… band=… topic_id=… phase=…", as
/// [`super::read::row_key`] writes it) with its band replaced by the band's group: the key of
/// its atom.
pub fn with_band_group(key: &str) -> String {
    let Some((head, rest)) = key.split_once(" band=") else {
        return key.to_owned();
    };
    let Some((band, tail)) = rest.split_once(" topic_id=") else {
        return key.to_owned();
    };
    format!("{head} band={} topic_id={tail}", band_group(band))
}

/// The threshold used when the service has not recorded one (a database only migrated).
pub const DEFAULT_THRESHOLD: u32 = 8;

/// The atom key of a report cell key (organisation, role, band, topic, phase, team[, period]).
fn atom_of(cell: &[Key]) -> Vec<Key> {
    let mut atom: Vec<Key> = cell.iter().take(ATOM_KEYS.len()).cloned().collect();
    if let Some(Key::Text(band)) = atom.get_mut(2) {
        *band = band_group(band).to_owned();
    }
    atom
}

/// Adds a learner's change to a report cell to its atom's waiting row. Only an added
/// contribution counts towards a release: taking one away (a replaced post-assessment's old
/// result) or a completion rides along with the next release, and so does a retaken
/// post-assessment (the submit sets its count back to 0): each learner counts at most once per
/// phase, ever, so a release of `n_changes` ≥ k holds at least k different people.
pub fn add_pending(
    batch: &mut Increments,
    cell: &[Key],
    counts: &[(&str, i64)],
    sums: &[(&str, f64)],
) -> AppResult<()> {
    let learners = counts
        .iter()
        .find(|(c, _)| *c == "n_learners")
        .map_or(0, |(_, v)| Ord::max(*v, 0));
    let mut counts = counts.to_vec();
    counts.push((N_CHANGES, learners));
    batch.add(Table::ReportPending, atom_of(cell), &counts, sums)
}

/// Keeps what `batch` adds to the waiting rows from counting towards a release: for a retaken
/// post-assessment, whose learner is not new (see [`add_pending`]).
pub fn hold_back(batch: &mut Increments) -> AppResult<()> {
    batch.set_count(Table::ReportPending, N_CHANGES, 0)
}

/// The one row of `publication_state`.
const STATE_ID: i32 = 1;

/// The recorded threshold, if the service has published anything yet.
async fn recorded(db: &impl ConnectionTrait) -> AppResult<Option<u32>> {
    Ok(publication_state::Entity::find_by_id(STATE_ID)
        .one(db)
        .await?
        .and_then(|state| u32::try_from(state.min_cell_size).ok()))
}

/// The threshold the releases are made with (set at start from `app.min_cell_size`).
pub async fn threshold(db: &impl ConnectionTrait) -> AppResult<u32> {
    Ok(recorded(db).await?.unwrap_or(DEFAULT_THRESHOLD))
}

/// One waiting row, as read back.
#[derive(Debug, Clone)]
struct Waiting {
    atom: Vec<Key>,
    counts: Vec<i64>,
    sums: Vec<f64>,
    /// For a team's row: the month its waiting contributions began waiting.
    since: Option<String>,
}

type Named<'a> = (Vec<(&'a str, i64)>, Vec<(&'a str, f64)>);

impl Waiting {
    fn empty(atom: Vec<Key>) -> Self {
        Self {
            atom,
            counts: vec![0; PUBLISHED_COUNT_COLUMNS.len()],
            sums: vec![0.0; SUM_COLUMNS.len()],
            since: None,
        }
    }

    /// The row's values by column name, times `sign`.
    fn named(&self, sign: i64) -> Named<'static> {
        let counts = PUBLISHED_COUNT_COLUMNS
            .iter()
            .zip(&self.counts)
            .map(|(c, v)| (*c, sign * v))
            .collect();
        let sums = SUM_COLUMNS
            .iter()
            .zip(&self.sums)
            .map(|(c, v)| (*c, sign as f64 * v))
            .collect();
        (counts, sums)
    }

    /// Learners new since the last release (`n_changes`, the last count).
    fn changes(&self) -> i64 {
        self.counts.last().copied().unwrap_or(0)
    }

    fn team(&self) -> i64 {
        match self.atom.get(TEAM_KEY) {
            Some(Key::Int(team)) => *team,
            _ => 0,
        }
    }

    fn topic(&self) -> Option<&Key> {
        self.atom.get(3)
    }

    /// The row's atom published under `team` (0: the whole organisation's release).
    fn published_as(&self, team: i64) -> Vec<Key> {
        let mut atom = self.atom.clone();
        atom[TEAM_KEY] = Key::Int(team);
        atom
    }
}

fn waiting(row: &QueryResult) -> AppResult<Waiting> {
    let atom = vec![
        Key::Int(row.try_get("", "organisation_id")?),
        Key::Int(row.try_get("", "job_role_id")?),
        Key::Text(row.try_get("", "band")?),
        Key::Int(row.try_get("", "topic_id")?),
        Key::Text(row.try_get("", "phase")?),
        Key::Int(row.try_get("", "team_id")?),
    ];
    let counts = PUBLISHED_COUNT_COLUMNS
        .iter()
        .map(|c| row.try_get::<i64>("", c))
        .collect::<Result<_, _>>()?;
    let sums = SUM_COLUMNS
        .iter()
        .map(|c| number(row, c))
        .collect::<AppResult<_>>()?;
    Ok(Waiting {
        atom,
        counts,
        sums,
        since: row.try_get("", "waiting_since")?,
    })
}

/// Waiting rows released together, published under `team` (0: for the whole organisation).
#[derive(Debug)]
struct Release {
    team: i64,
    rows: Vec<Waiting>,
}

/// Which of one group's waiting rows (organisation × role × band group × phase, every topic
/// and team) are released now, in `period`.
///
/// A team's row is released as the team's once `threshold` learners have gathered in it. The
/// organisation's release of a topic takes the rows without a team, the rows of teams with
/// fewer than `threshold` people in the role and band group (`small`: they could never gather
/// enough on their own), and the rows of teams that began waiting before this month, once
/// those hold `threshold` learners between them. Every contribution is released once, in one
/// of the two, so each team's figures and its organisation's are sums of whole releases of at
/// least `threshold` people, and so is any difference between them.
fn due_releases(
    rows: Vec<Waiting>,
    period: &str,
    threshold: i64,
    small: &dyn Fn(i64) -> bool,
) -> Vec<Release> {
    let mut out = Vec::new();
    let mut left: BTreeMap<Key, Vec<Waiting>> = BTreeMap::new();
    for row in rows {
        let team = row.team();
        if team != 0 && row.changes() >= threshold {
            out.push(Release {
                team,
                rows: vec![row],
            });
        } else if let Some(topic) = row.topic().cloned() {
            left.entry(topic).or_default().push(row);
        }
    }
    for rows in left.into_values() {
        let eligible: Vec<Waiting> = rows
            .into_iter()
            .filter(|row| {
                let team = row.team();
                team == 0 || row.since.as_deref().is_some_and(|s| s < period) || small(team)
            })
            .collect();
        if eligible.iter().map(Waiting::changes).sum::<i64>() >= threshold {
            out.push(Release {
                team: 0,
                rows: eligible,
            });
        }
    }
    out
}

/// Moves `releases` from waiting to published under `period`, in `batch`.
fn release(batch: &mut Increments, releases: &[Release], period: Period) -> AppResult<()> {
    for Release { team, rows } in releases {
        for row in rows {
            let (taken, taken_sums) = row.named(-1);
            batch.add(Table::ReportPending, row.atom.clone(), &taken, &taken_sums)?;
            publish(batch, row, *team, &period.to_string())?;
        }
    }
    Ok(())
}

/// Adds `row` to the published tables as released under `team` in `period`.
fn publish(batch: &mut Increments, row: &Waiting, team: i64, period: &str) -> AppResult<()> {
    let (added, added_sums) = row.named(1);
    let atom = row.published_as(team);
    let mut cell = atom.clone();
    cell.push(Key::Text(period.to_owned()));
    batch.add(Table::ReportPublished, cell, &added, &added_sums)?;
    add_to_totals(batch, &atom, &added, &added_sums)
}

/// The key of an atom's row in `report_published_national`: the atom's values of
/// [`NATIONAL_KEYS`] (every key but the organisation and the team).
pub fn national_key(atom: &[Key]) -> Vec<Key> {
    NATIONAL_KEYS
        .iter()
        .filter_map(|column| ATOM_KEYS.iter().position(|c| c == column))
        .filter_map(|i| atom.get(i).cloned())
        .collect()
}

/// Adds a release to the all-months totals: the atom's row, and its row without the
/// organisation, which scopes covering every organisation read.
fn add_to_totals(
    batch: &mut Increments,
    atom: &[Key],
    counts: &[(&str, i64)],
    sums: &[(&str, f64)],
) -> AppResult<()> {
    batch.add(Table::ReportPublishedTotals, atom.to_vec(), counts, sums)?;
    batch.add(
        Table::ReportPublishedNational,
        national_key(atom),
        counts,
        sums,
    )
}

/// `report_pending`'s rows of one group (organisation, role, band group, phase).
fn in_group(query: &mut SelectStatement, group: &Group) {
    query
        .and_where(Expr::col(Alias::new("organisation_id")).eq(group.organisation))
        .and_where(Expr::col(Alias::new("job_role_id")).eq(group.role))
        .and_where(Expr::col(Alias::new("band")).eq(group.band.as_str()))
        .and_where(Expr::col(Alias::new("phase")).eq(group.phase.as_str()));
}

/// Organisation × job role × band group × phase: what one submit's contributions share.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Group {
    organisation: i64,
    role: i64,
    band: String,
    phase: String,
}

impl Group {
    fn of(atom: &[Key]) -> Option<Self> {
        match atom {
            [
                Key::Int(organisation),
                Key::Int(role),
                Key::Text(band),
                _,
                Key::Text(phase),
                ..,
            ] => Some(Self {
                organisation: *organisation,
                role: *role,
                band: band.clone(),
                phase: phase.clone(),
            }),
            _ => None,
        }
    }

    fn condition(&self) -> Condition {
        Condition::all()
            .add(Expr::col(Alias::new("organisation_id")).eq(self.organisation))
            .add(Expr::col(Alias::new("job_role_id")).eq(self.role))
            .add(Expr::col(Alias::new("band")).eq(self.band.as_str()))
            .add(Expr::col(Alias::new("phase")).eq(self.phase.as_str()))
    }
}

/// (organisation, team, job role, band, people) as the headcount query returns them.
type HeadcountRow = (i64, Option<i64>, i64, Option<String>, i64);

/// Current staff by organisation, team, job role and band group.
type Headcounts = HashMap<(i64, i64, i64, &'static str), i64>;

/// How many people each of `teams` has now in the organisation, role and band group of
/// `group` (all teams when `teams` is `None`).
async fn headcounts(
    db: &impl ConnectionTrait,
    organisation: Option<i64>,
    role: Option<i64>,
    teams: Option<&[i64]>,
) -> AppResult<Headcounts> {
    use crate::entities::job_assignment::{Column, Entity};
    let mut query = Entity::find()
        .select_only()
        .column(Column::OrganisationId)
        .column(Column::TeamId)
        .column(Column::JobRoleId)
        .column(Column::Band)
        .column_as(Column::Id.count(), "n")
        .filter(Column::EndedAt.is_null())
        .filter(Column::TeamId.is_not_null())
        .group_by(Column::OrganisationId)
        .group_by(Column::TeamId)
        .group_by(Column::JobRoleId)
        .group_by(Column::Band);
    if let Some(id) = organisation {
        query = query.filter(Column::OrganisationId.eq(id));
    }
    if let Some(id) = role {
        query = query.filter(Column::JobRoleId.eq(id));
    }
    if let Some(teams) = teams {
        query = query.filter(Column::TeamId.is_in(teams.iter().copied()));
    }
    let rows: Vec<HeadcountRow> = query.into_tuple().all(db).await?;
    let mut out = Headcounts::new();
    for (organisation, team, role, band, n) in rows {
        let group = band_group(band.as_deref().unwrap_or_default());
        *out.entry((organisation, team.unwrap_or(0), role, group))
            .or_default() += n;
    }
    Ok(out)
}

fn is_small(counts: &Headcounts, group: &Group, team: i64, threshold: i64) -> bool {
    let key = BAND_GROUPS
        .iter()
        .find(|g| **g == group.band)
        .map(|g| (group.organisation, team, group.role, *g));
    key.and_then(|k| counts.get(&k)).copied().unwrap_or(0) < threshold
}

/// Releases what is due among the groups of `touched` (keys of `report_pending`, as a
/// submit's batch wrote them), under `period` ([`due_releases`]). Runs in the submit's
/// transaction, after its additions: on PostgreSQL the waiting rows are then locked by this
/// transaction, so two submits cannot release the same contributions twice.
pub async fn release_due(
    db: &impl ConnectionTrait,
    touched: &[Vec<Key>],
    period: Period,
) -> AppResult<()> {
    // A learner's submit touches one organisation, role, band group and phase (two for a
    // mover's replaced post-assessment).
    let mut groups: BTreeMap<Group, bool> = BTreeMap::new();
    for key in touched {
        if let Some(group) = Group::of(key) {
            *groups.entry(group).or_default() |=
                matches!(key.get(TEAM_KEY), Some(Key::Int(t)) if *t != 0);
        }
    }
    if groups.is_empty() {
        return Ok(());
    }
    let threshold = i64::from(threshold(db).await?);
    let month = period.to_string();
    let mut batch = Increments::default();
    let mut reset = Vec::new();
    for (group, teams) in groups {
        if teams {
            // The month a team's contributions began waiting, kept until they are released.
            let stamp = Query::update()
                .table(Alias::new(Table::ReportPending.name()))
                .value(Alias::new("waiting_since"), month.as_str())
                .cond_where(
                    group
                        .condition()
                        .add(Expr::col(Alias::new("team_id")).ne(0))
                        .add(Expr::col(Alias::new(N_CHANGES)).gt(0))
                        .add(Expr::col(Alias::new("waiting_since")).is_null()),
                )
                .take();
            db.execute(&stamp).await?;
        }
        let mut query = Query::select();
        query
            .from(Alias::new(Table::ReportPending.name()))
            .columns(
                ATOM_KEYS
                    .iter()
                    .chain(PUBLISHED_COUNT_COLUMNS)
                    .chain(SUM_COLUMNS)
                    .chain(&["waiting_since"])
                    .map(|c| Alias::new(*c)),
            )
            .cond_where(
                Condition::any()
                    .add(Expr::col(Alias::new("team_id")).eq(0))
                    .add(Expr::col(Alias::new(N_CHANGES)).gt(0)),
            );
        in_group(&mut query, &group);
        let rows = db
            .query_all(&query)
            .await?
            .iter()
            .map(waiting)
            .collect::<AppResult<Vec<_>>>()?;
        let unsettled: Vec<i64> = rows
            .iter()
            .filter(|r| {
                r.team() != 0
                    && r.changes() < threshold
                    && r.since.as_deref().is_none_or(|s| s >= month.as_str())
            })
            .map(Waiting::team)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let counts = if unsettled.is_empty() {
            Headcounts::new()
        } else {
            headcounts(
                db,
                Some(group.organisation),
                Some(group.role),
                Some(&unsettled),
            )
            .await?
        };
        let small = |team| is_small(&counts, &group, team, threshold);
        let due = due_releases(rows, &month, threshold, &small);
        if due.iter().flat_map(|r| &r.rows).any(|r| r.team() != 0) {
            reset.push(group.clone());
        }
        release(&mut batch, &due, period)?;
    }
    if batch.is_empty() {
        return Ok(());
    }
    batch.write(db).await?;
    for group in reset {
        db.execute(&settled(&group)).await?;
    }
    Ok(())
}

/// Clears the waiting month of a group's team rows that no longer wait (all released).
fn settled(group: &Group) -> UpdateStatement {
    Query::update()
        .table(Alias::new(Table::ReportPending.name()))
        .value(Alias::new("waiting_since"), Option::<String>::None)
        .cond_where(
            group
                .condition()
                .add(Expr::col(Alias::new(N_CHANGES)).eq(0))
                .add(Expr::col(Alias::new("waiting_since")).is_not_null()),
        )
        .take()
}

/// Records `min_cell_size` and, when it differs from the one the releases were made with (or
/// nothing was ever published from the answers there are), publishes again from the exact
/// aggregates ([`rebuild`]), in one transaction. Run at start, before requests are taken;
/// several instances starting at once on PostgreSQL wait for each other.
pub async fn prepare(db: &DatabaseConnection, min_cell_size: u32) -> AppResult<bool> {
    let txn = crate::db::begin_write(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE publication_state IN EXCLUSIVE MODE")
            .await?;
    }
    let rebuilt = prepare_in(&txn, min_cell_size).await?;
    txn.commit().await?;
    if rebuilt {
        tracing::info!(min_cell_size, "report publication rebuilt");
    }
    Ok(rebuilt)
}

async fn prepare_in(db: &impl ConnectionTrait, min_cell_size: u32) -> AppResult<bool> {
    if recorded(db).await? == Some(min_cell_size) {
        return Ok(false);
    }
    rebuild(db, min_cell_size).await?;
    Ok(true)
}

/// Publishes from scratch with threshold `min_cell_size`: replays the exact per-month
/// aggregates in month order, releasing as the submits would have ([`due_releases`], with
/// today's team sizes). For a database that had answers before publication existed, and when
/// the threshold changes (a higher one must never leave smaller releases visible).
pub async fn rebuild(db: &impl ConnectionTrait, min_cell_size: u32) -> AppResult<()> {
    report_published::Entity::delete_many().exec(db).await?;
    report_published_total::Entity::delete_many()
        .exec(db)
        .await?;
    report_published_national::Entity::delete_many()
        .exec(db)
        .await?;
    report_pending::Entity::delete_many().exec(db).await?;
    publication_state::Entity::delete_many().exec(db).await?;
    let threshold = i64::from(min_cell_size);
    let counts = headcounts(db, None, None, None).await?;
    let mut truth = read::load_exact(db).await?;
    truth.sort_by(|a, b| a.period.cmp(&b.period));
    // Atoms by group: a month's releases look only at the groups its answers touched.
    let mut atoms: BTreeMap<Group, BTreeMap<Vec<Key>, Waiting>> = BTreeMap::new();
    let mut batch = Increments::default();
    let mut month = 0;
    while month < truth.len() {
        let period = truth[month].period.clone();
        let end = truth[month..]
            .iter()
            .position(|c| c.period != period)
            .map_or(truth.len(), |i| month + i);
        let mut touched = BTreeSet::new();
        for cell in &truth[month..end] {
            let key = vec![
                Key::Int(cell.organisation_id),
                Key::Int(cell.job_role_id),
                Key::Text(band_group(&cell.band).to_owned()),
                Key::Int(cell.topic_id),
                Key::Text(cell.phase.clone()),
                Key::Int(cell.team_id),
            ];
            let group = Group {
                organisation: cell.organisation_id,
                role: cell.job_role_id,
                band: band_group(&cell.band).to_owned(),
                phase: cell.phase.clone(),
            };
            let values = stored_values(&cell.sums);
            let (counts, sums) = values.split_at(values.len() - SUM_COLUMNS.len());
            let entry = atoms
                .entry(group.clone())
                .or_default()
                .entry(key.clone())
                .or_insert_with(|| Waiting::empty(key.clone()));
            for (total, value) in entry.counts.iter_mut().zip(counts) {
                *total += *value as i64;
            }
            *entry.counts.last_mut().unwrap_or(&mut 0) += Ord::max(counts[0] as i64, 0);
            for (total, value) in entry.sums.iter_mut().zip(sums) {
                *total += value;
            }
            if cell.team_id != 0 && entry.since.is_none() && entry.changes() > 0 {
                entry.since = Some(period.clone());
            }
            touched.insert(group);
        }
        for group in touched {
            let Some(waiting) = atoms.get_mut(&group) else {
                continue;
            };
            let rows: Vec<Waiting> = waiting
                .values()
                .filter(|w| w.team() == 0 || w.changes() > 0)
                .cloned()
                .collect();
            let small = |team| is_small(&counts, &group, team, threshold);
            for Release { team, rows } in due_releases(rows, &period, threshold, &small) {
                for row in rows {
                    // Released straight from memory: add to published only (nothing waits).
                    publish(&mut batch, &row, team, &period)?;
                    waiting.remove(&row.atom);
                }
            }
        }
        month = end;
    }
    let mut since = Vec::new();
    for row in atoms.into_values().flat_map(BTreeMap::into_values) {
        let (counts, sums) = row.named(1);
        if let Some(month) = &row.since {
            since.push((row.atom.clone(), month.clone()));
        }
        batch.add(Table::ReportPending, row.atom, &counts, &sums)?;
    }
    batch.write(db).await?;
    for (atom, month) in since {
        let mut stamp = Query::update();
        stamp
            .table(Alias::new(Table::ReportPending.name()))
            .value(Alias::new("waiting_since"), month);
        for (column, key) in ATOM_KEYS.iter().zip(&atom) {
            stamp.and_where(Expr::col(Alias::new(*column)).eq(key.expr()));
        }
        db.execute(&stamp).await?;
    }
    publication_state::ActiveModel {
        id: Set(STATE_ID),
        min_cell_size: Set(i32::try_from(min_cell_size).unwrap_or(i32::MAX)),
    }
    .insert(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_fall_into_agenda_for_change_groups() {
        for (band, group) in [
            ("Band 3", "Bands 1–4"),
            ("3", "Bands 1–4"),
            ("band 4", "Bands 1–4"),
            ("Band 5", "Bands 5–6"),
            ("Band 6", "Bands 5–6"),
            ("Band 7", "Bands 7–9"),
            ("Band 8a", "Bands 7–9"),
            ("8D", "Bands 7–9"),
            ("Band 9", "Bands 7–9"),
            ("Band 8e", "Other bands"),
            ("Band 10", "Other bands"),
            ("FY1", "Other bands"),
            ("", "Other bands"),
        ] {
            assert_eq!(band_group(band), group, "{band}");
        }
    }

    #[test]
    fn a_totals_key_is_regrouped_by_band_group() {
        assert_eq!(
            with_band_group("organisation_id=1 job_role_id=2 band=Band 3 topic_id=4 phase=post"),
            "organisation_id=1 job_role_id=2 band=Bands 1–4 topic_id=4 phase=post"
        );
    }

    fn row(team: i64, topic: i64, changes: i64, since: Option<&str>) -> Waiting {
        let mut row = Waiting::empty(vec![
            Key::Int(1),
            Key::Int(2),
            Key::Text(BAND_GROUPS[0].into()),
            Key::Int(topic),
            Key::Text("baseline".into()),
            Key::Int(team),
        ]);
        row.counts[0] = changes;
        *row.counts.last_mut().unwrap() = changes;
        row.since = since.map(str::to_owned);
        row
    }

    /// (published under team, [(source team, topic)]) of each release.
    fn shape(releases: &[Release]) -> Vec<(i64, Vec<(i64, Key)>)> {
        releases
            .iter()
            .map(|r| {
                let rows = r
                    .rows
                    .iter()
                    .map(|w| (w.team(), w.topic().cloned().unwrap()))
                    .collect();
                (r.team, rows)
            })
            .collect()
    }

    const NOW: &str = "2026-12";

    #[test]
    fn a_team_with_eight_new_learners_is_released_as_the_team() {
        let due = due_releases(
            vec![row(5, 1, 8, Some(NOW)), row(6, 1, 7, Some(NOW))],
            NOW,
            8,
            &|_| false,
        );
        assert_eq!(shape(&due), [(5, vec![(5, Key::Int(1))])]);
    }

    #[test]
    fn small_and_stale_teams_join_the_organisation_release_and_gathering_ones_wait() {
        let rows = vec![
            row(0, 1, 3, None),
            row(5, 1, 2, Some("2026-11")),
            row(6, 1, 3, Some(NOW)),
            row(7, 1, 6, Some(NOW)),
        ];
        // Team 6 is small; team 7 could still gather 8 and began waiting this month.
        let due = due_releases(rows.clone(), NOW, 8, &|team| team == 6);
        assert_eq!(
            shape(&due),
            [(
                0,
                vec![(0, Key::Int(1)), (5, Key::Int(1)), (6, Key::Int(1))]
            )]
        );
        // Without team 6's 3, the organisation has 5: nothing is released.
        assert!(due_releases(rows, NOW, 8, &|_| false).is_empty());
    }

    #[test]
    fn each_topic_is_released_on_its_own_count() {
        let due = due_releases(
            vec![row(0, 1, 8, None), row(0, 2, 7, None)],
            NOW,
            8,
            &|_| false,
        );
        assert_eq!(shape(&due), [(0, vec![(0, Key::Int(1))])]);
    }

    #[test]
    fn a_national_key_is_the_atom_without_its_organisation() {
        let atom = vec![
            Key::Int(7),
            Key::Int(3),
            Key::from("Bands 5–6"),
            Key::Int(2),
            Key::from("post"),
            Key::Int(11),
        ];
        assert_eq!(
            national_key(&atom),
            vec![
                Key::Int(3),
                Key::from("Bands 5–6"),
                Key::Int(2),
                Key::from("post")
            ]
        );
    }

    #[test]
    fn a_band_filter_names_a_group() {
        assert_eq!(parse_band_group("Bands 1-4"), Some("Bands 1–4"));
        assert_eq!(parse_band_group(" other bands "), Some("Other bands"));
        assert_eq!(parse_band_group("Band 3"), None);
    }
}
