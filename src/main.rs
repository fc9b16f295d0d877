use std::process::ExitCode;

use clap::Parser;
use genomics_training::{cli, telemetry};

/// jemalloc rather than glibc's malloc. Every sign-in's argon2 check takes a 19 MiB block;
/// glibc, once its mmap threshold has risen past that size, kept about 19.5 MB more resident
/// after each check (one at a time, any number of arenas) and reached 593 MB under 64
/// simultaneous sign-ins. jemalloc reuses the block (docs/benchmarks.md, issue 27).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[rocket::main]
async fn main() -> ExitCode {
    telemetry::init();
    // One TLS implementation for every outgoing connection (ring, as the database driver
    // uses); the HTTP client finds it here.
    let _ = rustls::crypto::ring::default_provider().install_default();
    cli::run(cli::Cli::parse()).await
}
