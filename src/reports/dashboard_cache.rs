//! A manager's gap dashboard kept between views (issue 27). Its figures are group figures that
//! depend only on the query (the scope, filters and phase) and on what the database holds:
//! the published batches and the lookup tables. Triggers raise `report_data_version` whenever
//! any of those change (migration m20261226), so figures read under one version are the
//! figures for every view that reads the same version, for every manager with the same query.
//!
//! Nothing about a viewer is kept: the scope is part of the key, so a manager is only ever
//! given figures built for their own scope; the page around them (name, CSRF token) and the
//! audit record are made on every view, and the scope is checked on every view before anything
//! is served. Each view reads the version first, so what it is given is never older than the
//! database at that moment, whichever instance wrote last.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sea_orm::{ConnectionTrait, Statement};

use super::dashboard::Dashboard;
use super::gaps::GapQuery;
use crate::error::AppResult;

/// At most this many queries' dashboards are kept: the filter combinations managers use,
/// each a few hundred cells. When full, those read under an older version go first.
const CAPACITY: usize = 256;

/// The dashboards read so far, by query, each with the version it was read under.
#[derive(Debug, Default)]
pub struct DashboardCache {
    entries: Mutex<HashMap<Key, (i64, Arc<Dashboard>)>>,
}

/// What the figures depend on besides the data: the whole query (scope included) and the
/// threshold they were suppressed with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    query: GapQuery,
    min_cell_size: u32,
}

impl Key {
    pub fn of(query: &GapQuery, min_cell_size: u32) -> Self {
        Self {
            query: query.clone(),
            min_cell_size,
        }
    }
}

/// The current version of the data dashboards are built from, or `None` when the database has
/// no such row (then nothing is reused).
pub async fn data_version(db: &impl ConnectionTrait) -> AppResult<Option<i64>> {
    let sql = "SELECT version FROM report_data_version WHERE id = 1";
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    Ok(match row {
        Some(row) => Some(row.try_get_by_index::<i64>(0)?),
        None => None,
    })
}

impl DashboardCache {
    /// The dashboard for `key` read under `version`, if one was.
    pub fn get(&self, key: &Key, version: i64) -> Option<Arc<Dashboard>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|(read_under, _)| *read_under == version)
            .map(|(_, board)| Arc::clone(board))
    }

    /// Keeps `board`, read under `version`, unless a newer one is already kept for `key`.
    pub fn put(&self, key: Key, version: i64, board: Arc<Dashboard>) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.get(&key).is_some_and(|(kept, _)| *kept > version) {
            return;
        }
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            entries.retain(|_, (kept, _)| *kept >= version);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(key, (version, board));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::dashboard::Choices;
    use crate::reports::gaps::{GapReport, Scope};

    fn board(min_cell_size: u32) -> Arc<Dashboard> {
        Arc::new(Dashboard {
            report: GapReport {
                as_of: chrono::Utc::now(),
                min_cell_size,
                query: GapQuery::new(Scope::AllOrganisations),
                topics: Vec::new(),
                rows: Vec::new(),
            },
            priorities: Vec::new(),
            people_priorities: Vec::new(),
            choices: Choices {
                organisations: Vec::new(),
                teams: Vec::new(),
                staff_groups: Vec::new(),
                bands: Vec::new(),
            },
        })
    }

    #[test]
    fn a_dashboard_is_given_back_only_for_its_own_query_and_version() {
        let cache = DashboardCache::default();
        let one = Key::of(&GapQuery::new(Scope::Organisations(vec![1])), 5);
        let two = Key::of(&GapQuery::new(Scope::Organisations(vec![2])), 5);
        cache.put(one.clone(), 7, board(5));
        assert!(cache.get(&one, 7).is_some());
        assert!(cache.get(&one, 8).is_none(), "the data changed since");
        assert!(cache.get(&two, 7).is_none(), "another scope's figures");
        let stricter = Key::of(&GapQuery::new(Scope::Organisations(vec![1])), 10);
        assert!(cache.get(&stricter, 7).is_none(), "another threshold");
    }

    #[test]
    fn an_older_read_does_not_replace_a_newer_one_and_a_full_cache_drops_the_old() {
        let cache = DashboardCache::default();
        let national = Key::of(&GapQuery::new(Scope::AllOrganisations), 5);
        cache.put(national.clone(), 9, board(5));
        cache.put(national.clone(), 8, board(5));
        assert!(cache.get(&national, 9).is_some(), "the newer read is kept");
        for organisation in 1..CAPACITY as i64 {
            let key = Key::of(&GapQuery::new(Scope::Organisations(vec![organisation])), 5);
            cache.put(key, 9, board(5));
        }
        assert_eq!(cache.entries.lock().unwrap().len(), CAPACITY);
        let newer = Key::of(&GapQuery::new(Scope::Organisations(vec![0])), 5);
        cache.put(newer.clone(), 10, board(5));
        assert_eq!(
            cache.entries.lock().unwrap().len(),
            1,
            "the older reads went"
        );
        assert!(cache.get(&newer, 10).is_some());
    }
}
