//! A background task that runs a pass every so often while the server runs, the first one a
//! full interval after start (so a start never waits for it), and stops when Rocket shuts down.

use std::future::Future;
use std::time::Duration;

use rocket::Shutdown;
use rocket::tokio::{self, time::sleep};

/// Spawns the task: `pass` every `interval` until `shutdown`.
pub fn every<F, Fut>(mut shutdown: Shutdown, interval: Duration, mut pass: F)
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                () = sleep(interval) => {}
            }
            pass().await;
        }
    });
}
