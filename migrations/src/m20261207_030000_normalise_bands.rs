//! Job assignments' bands in one spelling ("3", "band 3" → "Band 3"; "8A" → "Band 8a"), as
//! the people import now stores them (issue 17). Attempts and the report tables keep the band
//! recorded when each attempt was submitted: they are consistent with each other (so `verify`
//! still agrees), and every report groups bands by Agenda for Change level, which reads both
//! spellings alike.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The canonical spelling of an Agenda for Change band ("Band 3", "Band 8a"); anything else
/// (a medical grade, "Band 10") is kept as given, trimmed. The people import uses it too
/// (`accounts::band`), so stored and imported bands agree; a later change of rule needs a new
/// function and a new migration, not an edit here.
pub fn normalise_band(raw: &str) -> String {
    let trimmed = raw.trim();
    let lower = trimmed.to_ascii_lowercase();
    let number = lower.strip_prefix("band").unwrap_or(&lower).trim();
    let mut chars = number.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(digit @ '1'..='9'), None, None) => format!("Band {digit}"),
        (Some('8'), Some(suffix @ 'a'..='d'), None) => format!("Band 8{suffix}"),
        _ => trimmed.to_owned(),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let select = Query::select()
            .distinct()
            .column(Alias::new("band"))
            .from(Alias::new("job_assignments"))
            .and_where(Expr::col(Alias::new("band")).is_not_null())
            .to_owned();
        let rows = db.query_all_raw(backend.build(&select)).await?;
        for row in rows {
            let band: String = row.try_get("", "band")?;
            let canonical = normalise_band(&band);
            if canonical == band {
                continue;
            }
            let update = Query::update()
                .table(Alias::new("job_assignments"))
                .value(Alias::new("band"), canonical)
                .and_where(Expr::col(Alias::new("band")).eq(band))
                .to_owned();
            db.execute_raw(backend.build(&update)).await?;
        }
        Ok(())
    }

    /// The spelling each band had is not kept: nothing to undo.
    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
