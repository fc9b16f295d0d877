//! `report gaps` and `verify`.

use std::process::ExitCode;

use super::{FormatArg, PhaseArg, fail};
use crate::reports::export::{self, Format};
use crate::reports::{GapQuery, Phase, Scope, gap_report, verify};

/// Prints the export exactly as the service renders it, and audits it with no actor.
pub(super) async fn report_gaps(
    org: Option<String>,
    team: Option<String>,
    format: FormatArg,
    phase: PhaseArg,
) -> ExitCode {
    let (config, db) = match super::connect().await {
        Ok(connected) => connected,
        Err(error) => return fail(error),
    };
    let mut query = GapQuery::new(Scope::AllOrganisations);
    query.phase = match phase {
        PhaseArg::Baseline => Phase::Baseline,
        PhaseArg::Post => Phase::Post,
    };
    if let Some(code) = org {
        match organisation_id(&db, &code).await {
            Ok(Some(id)) => query.organisation = Some(id),
            Ok(None) => return fail(format!("there is no organisation with code {code}")),
            Err(error) => return fail(error),
        }
    }
    if let (Some(name), Some(organisation)) = (team, query.organisation) {
        match crate::accounts::teams::TeamNames::load(&db).await {
            Ok(teams) => match teams.find(organisation, &name) {
                Some(id) => query.team = Some(id),
                None => return fail(format!("that organisation has no team called {name}")),
            },
            Err(error) => return fail(error),
        }
    }
    let format = match format {
        FormatArg::Csv => Format::Csv,
        FormatArg::Json => Format::Json,
    };
    let result = async {
        let report = gap_report(&db, &query, config.min_cell_size).await?;
        export::export(&db, &report, format, None, None).await
    }
    .await;
    match result {
        Ok(body) => {
            print!("{body}");
            if format == Format::Json {
                println!();
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

async fn organisation_id(
    db: &sea_orm::DatabaseConnection,
    code: &str,
) -> Result<Option<i64>, sea_orm::DbErr> {
    use crate::entities::organisation;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Code.eq(code.trim()))
        .one(db)
        .await?
        .map(|o| o.id))
}

pub(super) async fn verify_aggregates() -> ExitCode {
    let db = match super::connect().await {
        Ok((_, db)) => db,
        Err(error) => return fail(error),
    };
    match verify::verify(&db).await {
        Ok(differences) if differences.is_empty() => {
            println!("aggregates OK: every stored value matches the raw data");
            ExitCode::SUCCESS
        }
        Ok(differences) => {
            for difference in &differences {
                println!("{difference}");
            }
            eprintln!("error: {} difference(s) found", differences.len());
            ExitCode::FAILURE
        }
        Err(error) => fail(error),
    }
}
