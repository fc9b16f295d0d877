//! Sending email: through an SMTP relay when `app.smtp_url` is set, otherwise each message is
//! written as an `.eml` file to `<data_dir>/outbox/` (development and tests).
//!
//! Every message carries a Message-ID made from its outbox row, the same on every try. A
//! message sent again after a crash (see `accounts::outbox`) is therefore the same message:
//! the file transport overwrites its one file, and mail systems that keep Message-IDs (the
//! relay's duplicate check, the recipient's client) show it once.

use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::{Message, SmtpTransport, Transport};
use rocket::tokio::task::spawn_blocking;

use crate::config::AppConfig;
use crate::entities::mail_outbox;
use crate::error::{AppError, AppResult};

/// What a message says: a subject, plain text, and (for most messages) simple HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// The folder messages are written to when no relay is configured.
pub fn outbox_dir(config: &AppConfig) -> std::path::PathBuf {
    config.data_dir.join("outbox")
}

/// The Message-ID of outbox row `message`: stable across tries, unique per row.
pub fn message_id(config: &AppConfig, message: &mail_outbox::Model) -> AppResult<String> {
    let from: Mailbox = config.mail_from.parse().map_err(AppError::internal)?;
    Ok(format!(
        "<outbox-{}-{}@{}>",
        message.id,
        message.created_at.timestamp_micros(),
        from.email.domain()
    ))
}

fn build(config: &AppConfig, message: &mail_outbox::Model) -> AppResult<Message> {
    let builder = Message::builder()
        .from(config.mail_from.parse().map_err(AppError::internal)?)
        .to(message.recipient.parse().map_err(AppError::internal)?)
        .subject(message.subject.clone())
        .message_id(Some(message_id(config, message)?));
    let built = match &message.html_body {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            message.body.clone(),
            html.clone(),
        )),
        None => builder.singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(message.body.clone()),
        ),
    };
    built.map_err(AppError::internal)
}

/// Writes `message` to `<dir>/<its Message-ID>.eml`, replacing an earlier copy of the same
/// message whole (written aside, then renamed), so a resend never makes a second file.
fn write_file(dir: &std::path::Path, id: &str, message: &Message) -> AppResult<()> {
    std::fs::create_dir_all(dir).map_err(AppError::internal)?;
    let name: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let aside = dir.join(format!("{name}.eml.part"));
    std::fs::write(&aside, message.formatted()).map_err(AppError::internal)?;
    std::fs::rename(&aside, dir.join(format!("{name}.eml"))).map_err(AppError::internal)
}

/// Sends outbox row `message`.
pub async fn send(config: &AppConfig, message: &mail_outbox::Model) -> AppResult<()> {
    let id = message_id(config, message)?;
    let built = build(config, message)?;
    let smtp_url = config.smtp_url.clone();
    let outbox = outbox_dir(config);
    spawn_blocking(move || -> AppResult<()> {
        match smtp_url {
            Some(url) => {
                let transport = SmtpTransport::from_url(url.expose())
                    .map_err(AppError::internal)?
                    .build();
                transport.send(&built).map_err(AppError::internal)?;
                Ok(())
            }
            None => write_file(&outbox, &id, &built),
        }
    })
    .await
    .map_err(AppError::internal)?
}
