//! Additions to the aggregate tables, merged in memory and written with one multi-row
//! `INSERT ... ON CONFLICT DO UPDATE SET c = c + excluded.c` per table (and chunk). A submit
//! writes its few dozen rows in five statements rather than one per row, and the benchmark
//! seed writes a whole population's aggregates the same way.
//!
//! Rows go out in key order and tables in one fixed order, so concurrent writers take row locks
//! in one global order and wait for each other instead of deadlocking on PostgreSQL.

use std::collections::BTreeMap;

use sea_orm::sea_query::{Alias, Expr, InsertStatement, OnConflict, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, ExprTrait};

use super::tables::{Spec, Table};
use crate::error::{AppError, AppResult};

/// One value of a row's key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Int(i64),
    Text(String),
}

impl From<i64> for Key {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<&str> for Key {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<String> for Key {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl Key {
    pub(super) fn expr(&self) -> SimpleExpr {
        match self {
            Self::Int(v) => Expr::val(*v),
            Self::Text(v) => Expr::val(v.clone()),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Amounts {
    counts: Vec<i64>,
    sums: Vec<f64>,
}

/// Additions not yet written, merged by table and key.
#[derive(Debug, Default)]
pub struct Increments {
    tables: BTreeMap<Table, BTreeMap<Vec<Key>, Amounts>>,
}

impl Increments {
    /// Adds `counts` and `sums` (by column name) to the row of `table` at `key`.
    pub fn add(
        &mut self,
        table: Table,
        key: Vec<Key>,
        counts: &[(&str, i64)],
        sums: &[(&str, f64)],
    ) -> AppResult<()> {
        let spec = table.spec();
        if key.len() != spec.keys.len() {
            return Err(AppError::internal(format!(
                "{} takes {} key values, not {}",
                spec.name,
                spec.keys.len(),
                key.len()
            )));
        }
        let row = self
            .tables
            .entry(table)
            .or_default()
            .entry(key)
            .or_insert_with(|| Amounts {
                counts: vec![0; spec.counts.len()],
                sums: vec![0.0; spec.sums.len()],
            });
        for (column, value) in counts {
            let i = position(&spec, spec.counts, column)?;
            row.counts[i] += value;
        }
        for (column, value) in sums {
            let i = position(&spec, spec.sums, column)?;
            row.sums[i] += value;
        }
        Ok(())
    }

    /// Sets `column` (a count) of every row waiting to be written to `table` to `value`.
    pub fn set_count(&mut self, table: Table, column: &str, value: i64) -> AppResult<()> {
        let spec = table.spec();
        let i = position(&spec, spec.counts, column)?;
        for row in self.tables.entry(table).or_default().values_mut() {
            row.counts[i] = value;
        }
        Ok(())
    }

    /// The keys of the rows waiting to be written to `table`.
    pub fn keys(&self, table: Table) -> Vec<Vec<Key>> {
        self.tables
            .get(&table)
            .map(|rows| rows.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// How many rows would be written (each an insert or an addition to a stored row).
    pub fn len(&self) -> usize {
        self.tables.values().map(BTreeMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes every row (adding to what is stored) and empties the batch.
    pub async fn write(&mut self, db: &impl ConnectionTrait) -> AppResult<()> {
        let backend = db.get_database_backend();
        let statements = self.take_statements()?;
        // SQLite gets a submit's upserts in one call to its connection's thread, while it
        // holds the only write lock (the seed's large batches in calls of at most
        // MAX_PARAMETERS values).
        let statements = statements.iter().map(|s| backend.build(s)).collect();
        crate::db::execute_all(db, statements).await?;
        Ok(())
    }

    /// Adds every row of `other` to this batch.
    pub fn merge(&mut self, other: Self) {
        for (table, rows) in other.tables {
            let mine = self.tables.entry(table).or_default();
            for (key, amounts) in rows {
                match mine.get_mut(&key) {
                    Some(row) => {
                        for (a, b) in row.counts.iter_mut().zip(&amounts.counts) {
                            *a += b;
                        }
                        for (a, b) in row.sums.iter_mut().zip(&amounts.sums) {
                            *a += b;
                        }
                    }
                    None => {
                        mine.insert(key, amounts);
                    }
                }
            }
        }
    }

    /// Takes the rows for `tables` out of this batch into a batch of their own.
    pub fn split_off(&mut self, tables: &[Table]) -> Self {
        let (taken, kept) = std::mem::take(&mut self.tables)
            .into_iter()
            .partition(|(table, _)| tables.contains(table));
        self.tables = kept;
        Self { tables: taken }
    }

    /// The upserts [`Self::write`] runs, in its order, for a caller with its own connection
    /// (the benchmark seed's bulk writer); empties the batch.
    pub fn take_statements(&mut self) -> AppResult<Vec<InsertStatement>> {
        let mut out = Vec::new();
        for (table, rows) in std::mem::take(&mut self.tables) {
            let spec = table.spec();
            let width = spec.keys.len() + spec.counts.len() + spec.sums.len();
            let rows: Vec<_> = rows.into_iter().collect();
            for chunk in rows.chunks((crate::db::MAX_PARAMETERS / width).max(1)) {
                out.push(upsert(&spec, chunk)?);
            }
        }
        Ok(out)
    }
}

fn position(spec: &Spec, columns: &[&str], column: &str) -> AppResult<usize> {
    columns
        .iter()
        .position(|c| *c == column)
        .ok_or_else(|| AppError::internal(format!("{} has no column {column}", spec.name)))
}

fn upsert(spec: &Spec, rows: &[(Vec<Key>, Amounts)]) -> AppResult<InsertStatement> {
    let table = Alias::new(spec.name);
    let added: Vec<&str> = spec.counts.iter().chain(spec.sums).copied().collect();
    let mut insert = Query::insert();
    insert
        .into_table(table.clone())
        .columns(spec.keys.iter().chain(&added).map(|c| Alias::new(*c)));
    for (key, amounts) in rows {
        let values = key
            .iter()
            .map(Key::expr)
            .chain(amounts.counts.iter().map(|v| Expr::val(*v)))
            .chain(amounts.sums.iter().map(|v| Expr::val(*v)));
        insert.values(values).map_err(AppError::internal)?;
    }
    let mut on_conflict = OnConflict::columns(spec.keys.iter().map(|c| Alias::new(*c)));
    for column in &added {
        on_conflict.value(
            Alias::new(*column),
            Expr::col((table.clone(), Alias::new(*column)))
                .add(Expr::col((Alias::new("excluded"), Alias::new(*column)))),
        );
    }
    if added.is_empty() {
        on_conflict.do_nothing();
    }
    insert.on_conflict(on_conflict);
    Ok(insert)
}

#[cfg(test)]
mod tests {
    use sea_orm::{Database, DatabaseConnection, DbBackend, Statement};

    use super::*;

    async fn migrated_memory_database() -> DatabaseConnection {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        db
    }

    fn removed_sums(rows: usize) -> Increments {
        let mut batch = Increments::default();
        for i in 0..rows {
            let key = vec![
                Key::from("report_cells"),
                Key::from(format!("row {i}")),
                Key::from("sum_brier"),
            ];
            #[allow(clippy::cast_precision_loss)]
            let value = i as f64;
            batch
                .add(Table::RemovedResponseSums, key, &[], &[("value", value)])
                .unwrap();
        }
        batch
    }

    async fn stored_total(db: &DatabaseConnection) -> (i64, f64) {
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT COUNT(*) AS n, SUM(value) AS total FROM removed_response_sums",
            ))
            .await
            .unwrap()
            .unwrap();
        (
            row.try_get("", "n").unwrap(),
            row.try_get("", "total").unwrap(),
        )
    }

    #[tokio::test]
    async fn sqlite_writes_a_batch_larger_than_one_call_takes_once_and_adds_on_repeat() {
        let db = migrated_memory_database().await;
        // 20,000 rows of 4 values: three statements, 80,000 parameters, so three calls.
        let rows = 20_000;
        removed_sums(rows).write(&db).await.unwrap();
        let expected: f64 = (0..rows).map(|i| i as f64).sum();
        assert_eq!(stored_total(&db).await, (20_000, expected));
        removed_sums(rows).write(&db).await.unwrap();
        assert_eq!(
            stored_total(&db).await,
            (20_000, 2.0 * expected),
            "each row added to, once"
        );
    }

    #[test]
    fn split_off_moves_only_the_named_tables() {
        let mut batch = removed_sums(3);
        batch
            .add(
                Table::AssessmentStats,
                vec![Key::Int(1), Key::from("baseline"), Key::Int(2)],
                &[("n", 1)],
                &[],
            )
            .unwrap();
        let shared = batch.split_off(&Table::SHARED_BY_ASSESSMENT);
        assert_eq!((batch.len(), shared.len()), (3, 1));
        assert_eq!(shared.keys(Table::AssessmentStats).len(), 1);
        assert!(batch.keys(Table::AssessmentStats).is_empty());
        assert_eq!(batch.keys(Table::RemovedResponseSums).len(), 3);
    }
}
