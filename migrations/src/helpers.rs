//! Small builders shared by the migrations, so every table gets the same id and time types.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_pk_auto, timestamp_with_time_zone};

/// A new table with a 64-bit auto-increment `id` primary key.
pub fn table_with_id(name: &'static str) -> TableCreateStatement {
    Table::create().table(name).col(big_pk_auto("id")).take()
}

/// A not-null creation time, filled in by the application (not a database default, so SQLite and
/// PostgreSQL store the same UTC text/instant).
pub fn created_at() -> ColumnDef {
    timestamp_with_time_zone("created_at")
}

/// A not-null reference column to `table.id`.
pub fn reference(column: &'static str) -> ColumnDef {
    big_integer(column)
}

/// A foreign key `from_table.column -> to_table.id`.
pub fn fk(
    from_table: &'static str,
    column: &'static str,
    to_table: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{column}"))
        .from(from_table, column)
        .to(to_table, "id")
        .on_delete(on_delete)
        .take()
}

/// An index over `columns` of `table`, named after them.
pub fn index(table: &'static str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{}_{}", table, columns.join("_")))
        .table(table);
    for column in columns {
        stmt.col(*column);
    }
    if unique {
        stmt.unique();
    }
    stmt.take()
}

/// Drops the named tables in the order given (children first).
pub async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).take())
            .await?;
    }
    Ok(())
}

/// Creates every index in `indexes`.
pub async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for stmt in indexes {
        manager.create_index(stmt).await?;
    }
    Ok(())
}
