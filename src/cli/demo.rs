//! `serve --demo`: loads the demo data and prints the demo sign-ins.

use sea_orm::DatabaseConnection;

use crate::config::AppConfig;
use crate::demo::setup::{self, DEMO_NAME, DEMO_PASSWORD};
use crate::error::AppResult;

/// The demo's fixed seed, so every demo shows the same people and numbers.
const SEED: u64 = 2024;

pub(super) async fn load(
    db: &DatabaseConnection,
    config: &AppConfig,
    staff: usize,
) -> AppResult<()> {
    if staff > 0 {
        println!(
            "Loading the demo ({staff} synthetic staff the first time; this may take a while)..."
        );
    }
    let loaded = setup::load_demo(db, staff, SEED).await?;
    if loaded.created_staff > 0 {
        println!(
            "Demo loaded: {} staff in {DEMO_NAME} in {:.1} s",
            loaded.created_staff,
            loaded.took.as_secs_f64()
        );
    } else {
        println!(
            "Demo already loaded: {} people in {DEMO_NAME}",
            loaded.existing_staff
        );
    }
    println!(
        "Demo sign-ins at {}/login (password: {DEMO_PASSWORD}):",
        config.public_url
    );
    for sign_in in &loaded.sign_ins {
        println!("  {:<40} {}", sign_in.persona, sign_in.email);
    }
    Ok(())
}
