//! Logging through `tracing`, with Rocket's `log` output bridged in. Every line goes to standard
//! error, so a command's standard output holds only what it documents (a GIFT file, a CSV):
//! `questions export --format gift > bank.gift` gives a file the importer reads. Text lines are
//! coloured only when standard error is a terminal; `app.log_format = "json"` (or
//! `GT_LOG_FORMAT=json`) gives one JSON object per line for a log shipper, and every line
//! about a request carries its id (the `request` span, `web::request_span`).

use std::io::IsTerminal;

use tracing::Subscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::{self, LogFormat};

/// Rocket logs every 404 at error level and every request at info; the access-log fairing logs
/// requests itself (with their request id), so Rocket's per-request lines are kept to warnings.
const DEFAULT_FILTER: &str = "info,rocket::launch::_=warn,rocket::server=warn,rocket::server::_=off,_=warn,\
rocket::response::debug=off,sqlx=warn,sea_orm=warn,hyper=warn,handlebars=warn";

/// Installs the global subscriber once, in the format the configuration names. Must run before
/// Rocket is built, so that the `log` bridge is in place when Rocket starts logging (Rocket's
/// own logger, which prints to standard output, then stays out). `RUST_LOG` overrides the
/// default filter.
pub fn init() {
    let format = config::log_format(&config::figment());
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let colour = std::io::stderr().is_terminal();
    // An error here means a subscriber is already installed (tests install one per binary).
    let _ = subscriber(format, filter, colour, std::io::stderr).try_init();
}

/// The subscriber for `format`, writing to `writer`; `colour` only applies to text.
pub fn subscriber<W>(
    format: LogFormat,
    filter: EnvFilter,
    colour: bool,
    writer: W,
) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true)
        .with_writer(writer);
    match format {
        LogFormat::Text => Box::new(builder.with_ansi(colour).finish()),
        // The event's fields at the top level; the request span's fields (its id) under "span".
        LogFormat::Json => Box::new(
            builder
                .with_ansi(false)
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .finish(),
        ),
    }
}

/// The same for tests: output captured per test.
pub fn init_for_tests() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}
