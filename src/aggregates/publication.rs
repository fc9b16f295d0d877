//! What managers may see, and when (issue 16; `docs/managers.md`, "How small groups are
//! protected"). Reports never read the exact aggregates (`report_cells`, `report_totals`):
//! they read only *released batches*.
//!
//! Every learner's contribution to a report cell belongs to one **atom**: organisation × job
//! role × band group × topic × phase. A contribution first waits in `report_pending`; once at
//! least `min_cell_size` learners have contributed to an atom since its last release, all its
//! waiting contributions are released together into `report_published` (under the month of
//! the release), `report_published_totals` and, without the organisation,
//! `report_published_national`. So every published figure, whatever the
//! filters, output or moment, is a sum of whole releases, each about at least `min_cell_size`
//! people; any sum or difference of published figures is too. A group that never gathers
//! enough learners is never published at all, in any total.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::sea_query::{Alias, Expr, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, ExprTrait, QueryResult, QuerySelect, QueryTrait, TransactionTrait,
};

use super::increments::{Increments, Key};
use super::read::{self, number};
use super::tables::{
    ATOM_KEYS, N_CHANGES, NATIONAL_KEYS, PUBLISHED_COUNT_COLUMNS, SUM_COLUMNS, Table,
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

/// The atom key of a report cell key (organisation, role, band, topic, phase[, period]).
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

/// `SELECT min_cell_size FROM publication_state`: the threshold the releases were made with.
fn stored_threshold() -> SelectStatement {
    publication_state::Entity::find_by_id(STATE_ID)
        .select_only()
        .column(publication_state::Column::MinCellSize)
        .into_query()
}

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
struct Waiting {
    atom: Vec<Key>,
    counts: Vec<i64>,
    sums: Vec<f64>,
}

type Named<'a> = (Vec<(&'a str, i64)>, Vec<(&'a str, f64)>);

impl Waiting {
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
}

fn waiting(row: &QueryResult) -> AppResult<Waiting> {
    let atom = vec![
        Key::Int(row.try_get("", "organisation_id")?),
        Key::Int(row.try_get("", "job_role_id")?),
        Key::Text(row.try_get("", "band")?),
        Key::Int(row.try_get("", "topic_id")?),
        Key::Text(row.try_get("", "phase")?),
    ];
    let counts = PUBLISHED_COUNT_COLUMNS
        .iter()
        .map(|c| row.try_get::<i64>("", c))
        .collect::<Result<_, _>>()?;
    let sums = SUM_COLUMNS
        .iter()
        .map(|c| number(row, c))
        .collect::<AppResult<_>>()?;
    Ok(Waiting { atom, counts, sums })
}

/// Moves `rows` from waiting to published under `period`, in `batch`.
fn release(batch: &mut Increments, rows: &[Waiting], period: Period) -> AppResult<()> {
    for row in rows {
        let (taken, taken_sums) = row.named(-1);
        let (added, added_sums) = row.named(1);
        batch.add(Table::ReportPending, row.atom.clone(), &taken, &taken_sums)?;
        let mut cell = row.atom.clone();
        cell.push(Key::Text(period.to_string()));
        batch.add(Table::ReportPublished, cell, &added, &added_sums)?;
        add_to_totals(batch, &row.atom, &added, &added_sums)?;
    }
    Ok(())
}

/// The key of an atom's row in `report_published_national`: the atom's values of
/// [`NATIONAL_KEYS`] (every key but the organisation).
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

/// Releases the atoms among `touched` (keys of `report_pending`, as a submit's batch wrote
/// them) whose waiting contributions reached the threshold, under `period`. Runs in the
/// submit's transaction, after its additions: on PostgreSQL the waiting rows are then locked
/// by this transaction, so two submits cannot release the same contributions twice.
pub async fn release_due(
    db: &impl ConnectionTrait,
    touched: &[Vec<Key>],
    period: Period,
) -> AppResult<()> {
    // A learner's submit touches one organisation, role, band group and phase (two for a
    // mover's replaced post-assessment): one query each.
    let groups: BTreeSet<Vec<Key>> = touched
        .iter()
        .map(|key| key.iter().take(3).chain(key.get(4)).cloned().collect())
        .collect();
    let threshold = stored_threshold();
    let mut due = Vec::new();
    for group in groups {
        let [
            Key::Int(org),
            Key::Int(role),
            Key::Text(band),
            Key::Text(phase),
        ] = &group[..]
        else {
            continue;
        };
        let mut query = Query::select();
        query
            .from(Alias::new(Table::ReportPending.name()))
            .columns(
                ATOM_KEYS
                    .iter()
                    .chain(PUBLISHED_COUNT_COLUMNS)
                    .chain(SUM_COLUMNS)
                    .map(|c| Alias::new(*c)),
            )
            .and_where(Expr::col(Alias::new("organisation_id")).eq(*org))
            .and_where(Expr::col(Alias::new("job_role_id")).eq(*role))
            .and_where(Expr::col(Alias::new("band")).eq(band.as_str()))
            .and_where(Expr::col(Alias::new("phase")).eq(phase.as_str()))
            .and_where(Expr::col(Alias::new(N_CHANGES)).gte(threshold.clone()));
        for row in db.query_all(&query).await? {
            due.push(waiting(&row)?);
        }
    }
    if due.is_empty() {
        return Ok(());
    }
    let mut batch = Increments::default();
    release(&mut batch, &due, period)?;
    batch.write(db).await
}

/// Records `min_cell_size` and, when it differs from the one the releases were made with (or
/// nothing was ever published from the answers there are), publishes again from the exact
/// aggregates ([`rebuild`]), in one transaction. Run at start, before requests are taken;
/// several instances starting at once on PostgreSQL wait for each other.
pub async fn prepare(db: &DatabaseConnection, min_cell_size: u32) -> AppResult<bool> {
    let txn = db.begin().await?;
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
/// aggregates in month order, releasing each atom whenever enough learners have gathered, as
/// the submits would have. For a database that had answers before publication existed, and
/// when the threshold changes (a higher one must never leave smaller releases visible).
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
    let mut truth = read::load_exact(db).await?;
    truth.sort_by(|a, b| a.period.cmp(&b.period));
    let mut atoms: BTreeMap<Vec<Key>, Waiting> = BTreeMap::new();
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
            ];
            let values = stored_values(&cell.sums);
            let (counts, sums) = values.split_at(values.len() - SUM_COLUMNS.len());
            let entry = atoms.entry(key.clone()).or_insert_with(|| Waiting {
                atom: key.clone(),
                counts: vec![0; PUBLISHED_COUNT_COLUMNS.len()],
                sums: vec![0.0; SUM_COLUMNS.len()],
            });
            for (total, value) in entry.counts.iter_mut().zip(counts) {
                *total += *value as i64;
            }
            *entry.counts.last_mut().unwrap_or(&mut 0) += Ord::max(counts[0] as i64, 0);
            for (total, value) in entry.sums.iter_mut().zip(sums) {
                *total += value;
            }
            touched.insert(key);
        }
        let due: Vec<Waiting> = touched
            .iter()
            .filter_map(|key| {
                let changes = atoms.get(key)?.counts.last().copied().unwrap_or(0);
                (changes >= i64::from(min_cell_size))
                    .then(|| atoms.remove(key))
                    .flatten()
            })
            .collect();
        for row in &due {
            // Released straight from memory: add to published only (nothing is waiting).
            let (counts, sums) = row.named(1);
            let mut cell = row.atom.clone();
            cell.push(Key::Text(period.clone()));
            batch.add(Table::ReportPublished, cell, &counts, &sums)?;
            add_to_totals(&mut batch, &row.atom, &counts, &sums)?;
        }
        month = end;
    }
    for row in atoms.into_values() {
        let (counts, sums) = row.named(1);
        batch.add(Table::ReportPending, row.atom, &counts, &sums)?;
    }
    batch.write(db).await?;
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

    #[test]
    fn a_national_key_is_the_atom_without_its_organisation() {
        let atom = vec![
            Key::Int(7),
            Key::Int(3),
            Key::from("Bands 5–6"),
            Key::Int(2),
            Key::from("post"),
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
