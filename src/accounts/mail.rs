//! Sending email: through an SMTP relay when `app.smtp_url` is set, otherwise each message is
//! written as an `.eml` file to `<data_dir>/outbox/` (development and tests).

use lettre::message::header::ContentType;
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use rocket::tokio::task::spawn_blocking;

use crate::config::AppConfig;
use crate::error::{AppError, AppResult};

/// The folder messages are written to when no relay is configured.
pub fn outbox_dir(config: &AppConfig) -> std::path::PathBuf {
    config.data_dir.join("outbox")
}

/// Sends a plain-text message to `to`.
pub async fn send(config: &AppConfig, to: &str, subject: &str, body: String) -> AppResult<()> {
    let message = Message::builder()
        .from(config.mail_from.parse().map_err(AppError::internal)?)
        .to(to.parse().map_err(AppError::internal)?)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(AppError::internal)?;
    let smtp_url = config.smtp_url.clone();
    let outbox = outbox_dir(config);
    spawn_blocking(move || -> AppResult<()> {
        match smtp_url {
            Some(url) => {
                let transport = SmtpTransport::from_url(url.expose())
                    .map_err(AppError::internal)?
                    .build();
                transport.send(&message).map_err(AppError::internal)?;
            }
            None => {
                std::fs::create_dir_all(&outbox).map_err(AppError::internal)?;
                FileTransport::new(&outbox)
                    .send(&message)
                    .map_err(AppError::internal)?;
            }
        }
        Ok(())
    })
    .await
    .map_err(AppError::internal)?
}
