//! The background task that delivers the outboxes while the server runs, the mail outbox
//! (`accounts::outbox`) and the LTI scores (`lti::scores`): woken as soon as a request queues
//! a message, and every few seconds anyway for retries, scores and messages queued by other
//! instances. It stops when Rocket shuts down.

use std::time::Duration;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::tokio::{self, time::sleep};
use rocket::{Orbit, Rocket};

use crate::accounts::outbox;
use crate::state::AppState;

/// How often the outbox is looked at when nobody wakes the sender.
const POLL: Duration = Duration::from_secs(5);

pub struct MailSender;

#[rocket::async_trait]
impl Fairing for MailSender {
    fn info(&self) -> Info {
        Info {
            name: "outbox sender (mail, LTI scores)",
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
        let lti_http = state.lti_keys.clone();
        let mut shutdown = rocket.shutdown();
        tokio::spawn(async move {
            loop {
                if let Err(error) = outbox::deliver_due(&db, &config).await {
                    tracing::error!(%error, "mail outbox pass failed");
                }
                if let Err(error) = crate::lti::scores::deliver_due(&db, &lti_http).await {
                    tracing::error!(%error, "LTI score outbox pass failed");
                }
                tokio::select! {
                    _ = &mut shutdown => break,
                    () = wake.woken() => {}
                    () = sleep(POLL) => {}
                }
            }
        });
    }
}
