//! Logging through `tracing`, with Rocket's `log` output bridged in.

use tracing_subscriber::EnvFilter;

/// Rocket logs every 404 at error level and every request at info; the access-log fairing logs
/// requests itself (with their request id), so Rocket's per-request lines are kept to warnings.
const DEFAULT_FILTER: &str = "info,rocket::launch::_=warn,rocket::server=warn,rocket::server::_=off,_=warn,\
rocket::response::debug=off,sqlx=warn,sea_orm=warn,hyper=warn,handlebars=warn";

/// Installs the global subscriber once. Must run before Rocket is built, so that the `log`
/// bridge is in place when Rocket starts logging. `RUST_LOG` overrides the default filter.
pub fn init() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    // An error here means a subscriber is already installed (tests install one per binary).
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true)
        .try_init();
}

/// The same for tests: output captured per test.
pub fn init_for_tests() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}
