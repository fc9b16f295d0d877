//! The background task that reruns the Rasch calibration of the item bank
//! (`assessment::calibration`) while the server runs: every 10 minutes it looks whether the
//! latest run is older than `app.calibration_interval_hours` and, if so, runs one. The first
//! look is 10 minutes after start, so a start never waits for it. It stops when Rocket shuts
//! down; an interval of 0 turns it off.

use std::time::Duration;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::{Orbit, Rocket};

use super::periodic;
use crate::assessment::calibration;
use crate::state::AppState;

/// How often the age of the latest calibration is looked at.
const LOOK: Duration = Duration::from_secs(600);

pub struct CalibrationSchedule;

#[rocket::async_trait]
impl Fairing for CalibrationSchedule {
    fn info(&self) -> Info {
        Info {
            name: "item bank calibration schedule",
            kind: Kind::Liftoff,
        }
    }

    async fn on_liftoff(&self, rocket: &Rocket<Orbit>) {
        let Some(state) = rocket.state::<AppState>() else {
            return;
        };
        let hours = state.config.calibration_interval_hours;
        if hours == 0 {
            return;
        }
        let interval = chrono::Duration::hours(i64::from(hours));
        let db = state.db.clone();
        periodic::every(rocket.shutdown(), LOOK, move || {
            let db = db.clone();
            async move {
                match calibration::calibrate_if_due(&db, interval, chrono::Utc::now()).await {
                    Ok(Some(run)) => tracing::info!(
                        run = run.run_id,
                        persons = run.persons,
                        items = run.items.len(),
                        "item bank calibrated"
                    ),
                    Ok(None) => {}
                    Err(error) => tracing::error!(%error, "item bank calibration failed"),
                }
            }
        });
    }
}
