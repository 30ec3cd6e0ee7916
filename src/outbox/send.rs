//! The `mail.send` job: one outbox message over SMTP. An outage fails the
//! job, which is retried with backoff; the message waits in the outbox and
//! is sent once the relay is back. Sending a row already marked sent is a
//! no-op, so a retried job never sends twice.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};

use super::repo;
use super::settings::{MailTransport, SmtpSettings, TlsMode};
use crate::config::secret;
use crate::db::Db;
use crate::error::AppError;
use crate::ids;
use crate::jobs::queue::Job;

fn transport(s: &SmtpSettings) -> Result<SmtpTransport, String> {
    let tls = |host: &str| TlsParameters::new(host.to_owned()).map_err(|e| e.to_string());
    let mut builder = match s.tls {
        TlsMode::None => SmtpTransport::builder_dangerous(&s.host),
        TlsMode::Starttls => {
            SmtpTransport::builder_dangerous(&s.host).tls(Tls::Required(tls(&s.host)?))
        }
        TlsMode::Tls => SmtpTransport::builder_dangerous(&s.host).tls(Tls::Wrapper(tls(&s.host)?)),
    }
    .port(s.port)
    .timeout(Some(Duration::from_secs(s.timeout_seconds.max(1))));
    if !s.user.is_empty() {
        let password = secret(&s.password, &s.password_file).map_err(|e| e.to_string())?;
        builder = builder.credentials(Credentials::new(s.user.clone(), password));
    }
    Ok(builder.build())
}

/// Sends one outbox row; `Err` leaves it queued for the job's retry.
pub fn send(db: &Db, settings: &SmtpSettings, outbox_id: &str) -> Result<(), AppError> {
    let Some(row) = db.read(|conn| Ok::<_, AppError>(repo::find(conn, outbox_id)?))? else {
        return Ok(());
    };
    if row.status != "queued" {
        return Ok(());
    }
    if settings.transport == MailTransport::None {
        db.write(|conn| {
            Ok::<_, AppError>(repo::set_status(
                conn,
                &row.id,
                "not_sent",
                Some("mail.smtp.transport is none"),
                None,
            )?)
        })?;
        return Ok(());
    }
    let recipients: Vec<String> = serde_json::from_str(&row.recipients).unwrap_or_default();
    let envelope = Envelope::new(
        row.sender.parse().ok(),
        recipients.iter().filter_map(|r| r.parse().ok()).collect(),
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("envelope of {}: {e}", row.id)))?;
    let result = transport(settings)
        .map_err(|e| e.to_string())
        .and_then(|t| {
            t.send_raw(&envelope, &row.raw)
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
    match result {
        Ok(()) => db.write(|conn| {
            Ok::<_, AppError>(repo::set_status(
                conn,
                &row.id,
                "sent",
                None,
                Some(ids::now()),
            )?)
        }),
        Err(e) => {
            db.write(|conn| {
                Ok::<_, AppError>(repo::set_status(conn, &row.id, "queued", Some(&e), None)?)
            })?;
            Err(AppError::Internal(anyhow::anyhow!(
                "SMTP {}:{}: {e}",
                settings.host,
                settings.port
            )))
        }
    }
}

/// Job handler of `mail.send`; gives up for good (status `failed`) on the
/// job's last attempt.
pub fn send_job(db: &Db, settings: &SmtpSettings, job: &Job) -> Result<(), AppError> {
    let payload: serde_json::Value = serde_json::from_str(&job.payload).unwrap_or_default();
    let Some(id) = payload["outbox_id"].as_str() else {
        return Ok(());
    };
    let result = send(db, settings, id);
    if result.is_err() && job.attempts >= job.max_attempts {
        db.write(|conn| {
            Ok::<_, AppError>(repo::set_status(
                conn,
                id,
                "failed",
                Some("gave up after every retry"),
                None,
            )?)
        })?;
    }
    result
}
