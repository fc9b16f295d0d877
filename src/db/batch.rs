//! Several statements in one call. sqlx runs each SQLite connection on a thread of its own,
//! and every statement is a hand-over to that thread and back; under a write lock that every
//! other writer waits for, on a busy machine, each hand-over costs more than most statements
//! (docs/benchmarks.md, "Issue 27, fifth round"). SQLite runs a text of several statements
//! with their parameters in turn, in one hand-over. PostgreSQL gets them one at a time.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult, Statement, Values};

/// The most parameters one call binds: under SQLite's limit (32,766) and PostgreSQL's (65,535).
pub const MAX_PARAMETERS: usize = 30_000;

/// Runs `statements` in order.
pub async fn execute_all(
    db: &impl ConnectionTrait,
    statements: Vec<Statement>,
) -> Result<(), DbErr> {
    for call in calls(db.get_database_backend(), statements) {
        db.execute_raw(call).await?;
    }
    Ok(())
}

/// Runs `statements` in order, then `query`, and gives the query's rows. On SQLite the last
/// writes and the query go in one call.
pub async fn execute_then_query(
    db: &impl ConnectionTrait,
    mut statements: Vec<Statement>,
    query: Statement,
) -> Result<Vec<QueryResult>, DbErr> {
    statements.push(query);
    let mut calls = calls(db.get_database_backend(), statements);
    let last = calls.pop();
    for call in calls {
        db.execute_raw(call).await?;
    }
    match last {
        Some(last) => db.query_all_raw(last).await,
        None => Ok(Vec::new()),
    }
}

/// `statements` as the calls that run them: on SQLite joined into as few texts as keep each
/// call's parameters within [`MAX_PARAMETERS`]; elsewhere as they are.
fn calls(backend: DbBackend, statements: Vec<Statement>) -> Vec<Statement> {
    if backend != DbBackend::Sqlite {
        return statements;
    }
    let mut calls = Vec::new();
    let mut sql = String::new();
    let mut values = Vec::new();
    for statement in statements {
        let statement_values = statement.values.map(|v| v.0).unwrap_or_default();
        if !sql.is_empty() && values.len() + statement_values.len() > MAX_PARAMETERS {
            calls.push(joined(backend, &mut sql, &mut values));
        }
        sql.push_str(&statement.sql);
        sql.push_str(";\n");
        values.extend(statement_values);
    }
    if !sql.is_empty() {
        calls.push(joined(backend, &mut sql, &mut values));
    }
    calls
}

fn joined(backend: DbBackend, sql: &mut String, values: &mut Vec<sea_orm::Value>) -> Statement {
    let values = Values(std::mem::take(values));
    Statement::from_sql_and_values(backend, std::mem::take(sql), values)
}

#[cfg(test)]
mod tests {
    use sea_orm::{Database, DatabaseConnection};

    use super::*;

    fn statement(sql: &str, values: Vec<sea_orm::Value>) -> Statement {
        Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
    }

    async fn table() -> DatabaseConnection {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        db.execute_unprepared("CREATE TABLE t (k INTEGER PRIMARY KEY, n INTEGER)")
            .await
            .unwrap();
        db
    }

    #[tokio::test]
    async fn writes_then_a_query_in_one_text_give_the_rows_the_writes_left() {
        let db = table().await;
        let writes = vec![
            statement(
                "INSERT INTO t VALUES (?, ?), (?, ?)",
                vec![1.into(), 10.into(), 2.into(), 20.into()],
            ),
            statement("DELETE FROM t WHERE k = ?", vec![1.into()]),
            statement(
                "UPDATE t SET n = n + ? WHERE k = ?",
                vec![5.into(), 2.into()],
            ),
        ];
        let query = statement("SELECT k, n FROM t ORDER BY k", Vec::new());
        assert_eq!(calls(DbBackend::Sqlite, writes.clone()).len(), 1);
        let rows = execute_then_query(&db, writes, query).await.unwrap();
        let read: Vec<(i64, i64)> = rows
            .iter()
            .map(|r| (r.try_get("", "k").unwrap(), r.try_get("", "n").unwrap()))
            .collect();
        assert_eq!(read, vec![(2, 25)]);
    }

    #[tokio::test]
    async fn statements_past_the_parameter_limit_go_in_more_calls_in_order() {
        let db = table().await;
        let per_row = |k: i64| statement("INSERT INTO t VALUES (?, ?)", vec![k.into(), 1.into()]);
        let rows = i64::try_from(MAX_PARAMETERS).unwrap() / 2 + 10;
        let mut writes: Vec<Statement> = (0..rows).map(per_row).collect();
        writes.push(statement(
            "UPDATE t SET n = n + 1 WHERE k = ?",
            vec![0.into()],
        ));
        assert_eq!(calls(DbBackend::Sqlite, writes.clone()).len(), 2);
        execute_all(&db, writes).await.unwrap();
        let sum = statement("SELECT COUNT(*) AS c, SUM(n) AS s FROM t", Vec::new());
        let row = db.query_one_raw(sum).await.unwrap().unwrap();
        assert_eq!(row.try_get::<i64>("", "c").unwrap(), rows);
        assert_eq!(row.try_get::<i64>("", "s").unwrap(), rows + 1);
    }

    #[test]
    fn postgresql_statements_are_sent_one_by_one() {
        let one = Statement::from_string(DbBackend::Postgres, "SELECT 1");
        assert_eq!(calls(DbBackend::Postgres, vec![one.clone(), one]).len(), 2);
    }
}
