//! The one application builder, used by `main` and by every test.

use rocket::figment::Figment;
use rocket::fs::{FileServer, Options};
use rocket::{Build, Rocket};
use rocket_dyn_templates::Template;
use sha2::{Digest, Sha256};

use crate::accounts::form_key::FormKey;
use crate::accounts::outbox::MailWake;
use crate::config::{AppConfig, ConfigError};
use crate::content::{self, Problem};
use crate::db::{self, DbStartError};
use crate::learning::module_versions::ModuleVersions;
use crate::state::AppState;
use crate::web;
use crate::web::calibration_schedule::CalibrationSchedule;
use crate::web::mail_schedule::MailSchedule;
use crate::web::mail_sender::MailSender;
use crate::web::page::Renderer;
use crate::web::xapi_sender::XapiSender;

/// Why the service could not start; displays as one line.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Database(#[from] DbStartError),
    #[error("static files folder {0} not found (set app.static_dir)")]
    StaticDir(String),
    #[error("{}", describe_problems(.0))]
    Content(Vec<Problem>),
    #[error("cannot load content into the database: {0}")]
    ContentLoad(sea_orm::DbErr),
    #[error("cannot prepare the published reports: {0}")]
    Publication(crate::error::AppError),
    #[error("cannot read or store the form signing key in the database: {0}")]
    FormKey(sea_orm::DbErr),
    #[error("{0}")]
    SingleSignOn(String),
}

fn describe_problems(problems: &[Problem]) -> String {
    let mut text = format!(
        "the content folder has {} problem(s); run `genomics-training content check`",
        problems.len()
    );
    for problem in problems.iter().take(20) {
        text.push_str("\n  ");
        text.push_str(&problem.to_string());
    }
    text
}

/// A hash of the files pages link to, so a changed file gets a new URL.
fn asset_version(config: &AppConfig) -> String {
    let mut hasher = Sha256::new();
    for name in ["app.css", "app.js", "nhsuk/VERSION"] {
        if let Ok(bytes) = std::fs::read(config.static_dir.join(name)) {
            hasher.update(&bytes);
        }
    }
    hex::encode(&hasher.finalize()[..6])
}

/// Connects, migrates and returns the state handlers share.
pub async fn prepare(config: AppConfig) -> Result<AppState, StartupError> {
    if !config.static_dir.is_dir() {
        return Err(StartupError::StaticDir(
            config.static_dir.display().to_string(),
        ));
    }
    let db = db::connect(&config).await?;
    db::migrate(&db).await?;
    let tree = content::read_and_check(&config.content_dir).map_err(StartupError::Content)?;
    let summary = content::load_tree(&db, &tree)
        .await
        .map_err(StartupError::ContentLoad)?;
    tracing::info!(?summary, "content loaded");
    crate::reports::publication::prepare(&db, config.min_cell_size)
        .await
        .map_err(StartupError::Publication)?;
    if summary.app_edits_kept > 0 {
        tracing::warn!(
            kept = summary.app_edits_kept,
            "content files differ from changes trainers made in the app; the app's versions \
             were kept (see docs/trainers.md, 'Content files and edits in the app')"
        );
    }
    let db = db::for_requests(&config, db).await?;
    let form_key = FormKey::load_or_create(&db)
        .await
        .map_err(StartupError::FormKey)?;
    let asset_version = asset_version(&config);
    let providers = crate::accounts::sso::Providers::new(std::time::Duration::from_secs(
        u64::from(config.database_timeout_seconds),
    ))
    .map_err(StartupError::SingleSignOn)?;
    let lti_keys = crate::lti::PlatformKeys::new(std::time::Duration::from_secs(u64::from(
        config.database_timeout_seconds,
    )))
    .map_err(StartupError::SingleSignOn)?;
    let lti_origins = crate::lti::platforms::FrameOrigins::default();
    lti_origins
        .reload(&db)
        .await
        .map_err(|e| StartupError::SingleSignOn(format!("cannot read the LTI platforms: {e}")))?;
    Ok(AppState {
        providers,
        lti_keys,
        lti_origins,
        db,
        config,
        form_key,
        mail_wake: MailWake::default(),
        asset_version,
        module_versions: ModuleVersions::default(),
        dashboards: Default::default(),
    })
}

/// Reads the configuration from `figment`, prepares the database and assembles the app.
pub async fn build(figment: Figment) -> Result<Rocket<Build>, StartupError> {
    let config = AppConfig::from_figment(&figment)?;
    tracing::info!(
        public_url = %config.public_url,
        from = %config.public_url_source,
        "links sent to people start with {}",
        config.public_url
    );
    let state = prepare(config).await?;
    Ok(assemble(figment, state))
}

/// Mounts routes, catchers, fairings and static files around prepared state.
pub fn assemble(figment: Figment, state: AppState) -> Rocket<Build> {
    let static_dir = state.config.static_dir.clone();
    let hsts = state.config.release;
    let renderer = Renderer::default();
    rocket::custom(figment)
        .manage(state)
        .manage(renderer.clone())
        .attach(Template::custom(move |engines| {
            engines.handlebars.set_strict_mode(true);
            web::dates::register(&mut engines.handlebars);
            renderer.replace(&engines.handlebars);
        }))
        .attach(MailSender)
        .attach(MailSchedule)
        .attach(XapiSender)
        .attach(CalibrationSchedule)
        .attach(web::fairings::AccessLog)
        .attach(web::metrics::RequestMetrics)
        .attach(web::fairings::AddressCheck)
        .attach(web::fairings::SecurityHeaders { hsts })
        .attach(web::fairings::SecurityHeaders::shield())
        .mount("/", web::request_span::in_request_spans(web::routes()))
        .mount("/", web::metrics::routes())
        .mount("/static", FileServer::new(&static_dir, Options::None))
        // The NHS.UK stylesheet refers to its images at /assets/...
        .mount(
            "/assets",
            FileServer::new(static_dir.join("assets"), Options::Missing),
        )
        .register("/", web::catchers::catchers())
}
