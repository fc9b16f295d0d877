use std::process::ExitCode;

use clap::Parser;
use genomics_training::{cli, telemetry};

#[rocket::main]
async fn main() -> ExitCode {
    telemetry::init();
    // One TLS implementation for every outgoing connection (ring, as the database driver
    // uses); the HTTP client finds it here.
    let _ = rustls::crypto::ring::default_provider().install_default();
    cli::run(cli::Cli::parse()).await
}
