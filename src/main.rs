use std::process::ExitCode;

use clap::Parser;
use genomics_training::{cli, telemetry};

#[rocket::main]
async fn main() -> ExitCode {
    telemetry::init();
    cli::run(cli::Cli::parse()).await
}
