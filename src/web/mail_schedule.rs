//! The background task that queues the scheduled mail (`notify::due`: assignment notices,
//! reminders, the weekly summaries) while the server runs, every 5 minutes. A pass queues only
//! what no earlier pass (on this or another instance) queued, then wakes the mail sender.

use std::time::Duration;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::{Orbit, Rocket};

use super::periodic;
use crate::notify::due;
use crate::state::AppState;

/// How often what is due is looked at.
const LOOK: Duration = Duration::from_secs(300);

pub struct MailSchedule;

#[rocket::async_trait]
impl Fairing for MailSchedule {
    fn info(&self) -> Info {
        Info {
            name: "scheduled mail",
            kind: Kind::Liftoff,
        }
    }

    async fn on_liftoff(&self, rocket: &Rocket<Orbit>) {
        let Some(state) = rocket.state::<AppState>() else {
            return;
        };
        let db = state.db.clone();
        let config = state.config.clone();
        let wake = state.mail_wake.clone();
        periodic::every(rocket.shutdown(), LOOK, move || {
            let (db, config, wake) = (db.clone(), config.clone(), wake.clone());
            async move {
                let today = chrono::Utc::now().date_naive();
                match due::enqueue_due(&db, &config, today).await {
                    Ok(report) if report.total() > 0 => {
                        tracing::info!(queued = report.total(), "scheduled mail queued");
                        wake.wake();
                    }
                    Ok(_) => {}
                    Err(error) => tracing::error!(%error, "scheduled mail pass failed"),
                }
            }
        });
    }
}
