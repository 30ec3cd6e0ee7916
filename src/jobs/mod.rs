//! The durable job queue every background worker runs on: rows in the
//! `jobs` table, enqueued in the same transaction as the change that needs
//! them, leased with a deadline, retried with backoff, and idempotent, so a
//! killed process loses nothing and several processes share the work.

pub mod queue;
pub mod runner;

use chrono::Duration;

use runner::{Handler, Periodic};

/// The job runner's settings: `[jobs]`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSettings {
    pub poll_ms: u64,
}

/// Every job kind and what runs it.
pub fn handlers() -> Vec<(&'static str, Handler)> {
    vec![
        (
            crate::housekeeping::JOB,
            crate::housekeeping::run_job as Handler,
        ),
        (
            crate::sla::worker::SCAN_JOB,
            crate::sla::worker::scan_job as Handler,
        ),
        (
            crate::sla::worker::RECOMPUTE_JOB,
            crate::sla::worker::recompute_job as Handler,
        ),
        (
            crate::outbox::SEND_JOB,
            (|state, job| crate::outbox::send_job(&state.db, &state.settings.mail.smtp, job))
                as Handler,
        ),
        (
            crate::mail::imap::POLL_JOB,
            crate::mail::imap::poll_job as Handler,
        ),
        (
            crate::assets::digest::JOB,
            crate::assets::digest::run_job as Handler,
        ),
    ]
}

/// What runs on a schedule.
pub fn periodic(sla_scan_every: Duration, imap_every: Option<Duration>) -> Vec<Periodic> {
    let mut jobs = vec![
        Periodic {
            kind: crate::housekeeping::JOB,
            every: Duration::minutes(10),
        },
        Periodic {
            kind: crate::sla::worker::SCAN_JOB,
            every: sla_scan_every,
        },
        Periodic {
            kind: crate::assets::digest::JOB,
            every: Duration::days(1),
        },
    ];
    if let Some(every) = imap_every {
        jobs.push(Periodic {
            kind: crate::mail::imap::POLL_JOB,
            every,
        });
    }
    jobs
}
