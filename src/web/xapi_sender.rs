//! The background task that sends the xAPI statement outbox (`xapi::outbox`) while the server
//! runs, every few seconds, when `app.xapi` is set. A pass sends what is due in order per
//! learner; while another sender (an instance, `xapi send-due`) holds the outbox it does nothing.

use std::time::Duration;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::{Orbit, Rocket};

use super::periodic;
use crate::state::AppState;
use crate::xapi::outbox;

/// How often the outbox is looked at.
const LOOK: Duration = Duration::from_secs(10);

pub struct XapiSender;

#[rocket::async_trait]
impl Fairing for XapiSender {
    fn info(&self) -> Info {
        Info {
            name: "xAPI statement sender",
            kind: Kind::Liftoff,
        }
    }

    async fn on_liftoff(&self, rocket: &Rocket<Orbit>) {
        let Some(state) = rocket.state::<AppState>() else {
            return;
        };
        let Some(xapi) = state.config.xapi.clone() else {
            return;
        };
        let db = state.db.clone();
        periodic::every(rocket.shutdown(), LOOK, move || {
            let (db, xapi) = (db.clone(), xapi.clone());
            async move {
                match outbox::deliver_due(&db, &xapi).await {
                    Ok(done) if done.sent + done.failed > 0 => {
                        tracing::info!(
                            sent = done.sent,
                            failed = done.failed,
                            "xAPI statements sent"
                        );
                    }
                    Ok(_) => {}
                    Err(error) => tracing::error!(%error, "xAPI outbox pass failed"),
                }
            }
        });
    }
}
