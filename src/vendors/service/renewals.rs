//! Renewal: a contract rolls into its next term — by itself when an
//! auto-renewing one passes its end, or when a person renews it — and the
//! term it leaves is kept.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::json;

use super::may_read;
use crate::audit::{self, Entry};
use crate::auth::User;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids;
use crate::vendors::Vendors;
use crate::vendors::dto::{ReminderDto, TermDto};
use crate::vendors::due;
use crate::vendors::model::{Contract, Term};
use crate::vendors::repo;

/// A contract that rolled into a new term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Renewed {
    pub contract_id: String,
    pub title: String,
    /// The end of the term it left.
    pub previous_ends_on: NaiveDate,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// Moves `c` into the term `(starts_on, ends_on)`, keeping the one it
/// leaves; `None` when its end had moved meanwhile (another process or
/// person renewed or changed it first), and nothing is written then.
pub(super) fn roll(
    conn: &mut DbConn,
    c: &Contract,
    next: (NaiveDate, NaiveDate),
    renewed_by: &str,
    now: NaiveDateTime,
) -> Result<Option<Renewed>, AppError> {
    let Some(end) = c.ends_on else {
        return Ok(None);
    };
    if !repo::roll(conn, c, end, next, now)? {
        return Ok(None);
    }
    repo::insert_term(
        conn,
        &Term {
            id: ids::new_id(),
            contract_id: c.id.clone(),
            starts_on: c.renewed_on.or(c.starts_on),
            ends_on: end,
            renewed_by: renewed_by.to_owned(),
            amount_minor: c.amount_minor,
            currency: c.currency.clone(),
            billing: c.billing,
            closed_at: now,
        },
    )?;
    Ok(Some(Renewed {
        contract_id: c.id.clone(),
        title: c.title.clone(),
        previous_ends_on: end,
        starts_on: next.0,
        ends_on: next.1,
    }))
}

/// The history entry of a renewal.
pub(super) fn changes(c: &Contract, r: &Renewed, automatic: bool) -> serde_json::Value {
    json!({"previous_term": {"starts_on": c.renewed_on.or(c.starts_on), "ends_on": r.previous_ends_on},
        "term": {"starts_on": r.starts_on, "ends_on": r.ends_on}, "automatic": automatic})
}

/// Rolls every auto-renewing contract whose end passed before `today`
/// (and that nobody terminated) forward by its renewal months, term by
/// term until one is running — each term recorded, each renewal in the
/// history. Safe to run in several processes at once: a contract another
/// one moved first is left alone.
pub fn renew_due(
    conn: &mut DbConn,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<Vec<Renewed>, AppError> {
    let mut out = Vec::new();
    for mut c in repo::due_renewals(conn, today)? {
        let (Some(end), Some(months)) = (c.ends_on, c.renewal_months) else {
            continue;
        };
        for next in due::renewals(end, months.max(0) as u32, today) {
            let Some(r) = roll(conn, &c, next, "job", now)? else {
                break;
            };
            audit::record(
                conn,
                Entry {
                    entity_type: "contract",
                    entity_id: &c.id,
                    actor_id: None,
                    action: "renewed",
                    changes: changes(&c, &r, true),
                    at: now,
                },
            )?;
            c.ends_on = Some(r.ends_on);
            c.renewed_on = Some(r.starts_on);
            out.push(r);
        }
    }
    Ok(out)
}

/// The terms a contract left behind (oldest first) and the reminders sent
/// about it (latest first).
pub fn contract_terms(
    vendors: &Vendors,
    actor: &User,
    id: &str,
) -> Result<(Vec<TermDto>, Vec<ReminderDto>), AppError> {
    may_read(actor)?;
    vendors.db.read(|conn| {
        if repo::contract(conn, id)?.is_none() {
            return Err(AppError::NotFound(format!("contract {id}")));
        }
        let terms = repo::terms(conn, id)?.into_iter().map(Into::into).collect();
        let reminders = repo::reminders(conn, id)?
            .into_iter()
            .map(Into::into)
            .collect();
        Ok((terms, reminders))
    })
}
