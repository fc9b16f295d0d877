//! Published competency frameworks (issue 20 point 17), loaded from `content/frameworks.toml`:
//! each competency with its published number and name, and the topics and modules mapped to it.
//! Reports read a competency's figures through its topics, so nothing here holds a figure.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, string, string_uniq, text, text_null};

use crate::helpers::{create_indexes, drop_tables, fk, index, reference, table_with_id};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn link_table(
    table: &'static str,
    other: &'static str,
    other_table: &'static str,
) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(reference("competency_id"))
        .col(reference(other))
        .primary_key(Index::create().col("competency_id").col(other))
        .foreign_key(&mut fk(
            table,
            "competency_id",
            "framework_competencies",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            table,
            other,
            other_table,
            ForeignKeyAction::Cascade,
        ))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_id("frameworks")
                    .col(string_uniq("slug"))
                    .col(text("name"))
                    .col(text("publisher"))
                    .col(integer("year"))
                    .col(text("url"))
                    .col(integer("position"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("framework_competencies")
                    .col(reference("framework_id"))
                    .col(string("number"))
                    .col(text("name"))
                    .col(text_null("not_covered"))
                    .col(integer("position"))
                    .foreign_key(&mut fk(
                        "framework_competencies",
                        "framework_id",
                        "frameworks",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(link_table(
                "framework_competency_topics",
                "topic_id",
                "topics",
            ))
            .await?;
        manager
            .create_table(link_table(
                "framework_competency_modules",
                "module_id",
                "modules",
            ))
            .await?;
        create_indexes(
            manager,
            vec![
                index("framework_competencies", &["framework_id", "number"], true),
                index("framework_competency_topics", &["topic_id"], false),
                index("framework_competency_modules", &["module_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "framework_competency_modules",
                "framework_competency_topics",
                "framework_competencies",
                "frameworks",
            ],
        )
        .await
    }
}
