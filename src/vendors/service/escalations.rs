//! Tickets handed to vendors: the hand-over puts the ticket on hold
//! awaiting the vendor (one change, in the same transaction) and starts the
//! vendor's clock from the contract's service targets on its calendar; the
//! vendor's answer and resolution stop it, counted in business seconds.

use chrono::{DateTime, NaiveDateTime};
use serde_json::json;

use super::may_read;
use super::targets::ALWAYS;
use crate::audit::{self, Entry};
use crate::auth::User;
use crate::calendar::Calendar;
use crate::db::DbConn;
use crate::error::{AppError, FieldError};
use crate::ids;
use crate::tickets::Tickets;
use crate::tickets::service::TicketRef;
use crate::tickets::service::vendor_hold::{self, HeldTicket};
use crate::vendors::Vendors;
use crate::vendors::dto::{EscalationDto, EscalationInput, VendorAnswer};
use crate::vendors::model::Escalation;
use crate::vendors::terms::Status;
use crate::vendors::{repo, repo_escalations};

fn micros(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp_micros()
}

fn from_micros(t: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp_micros(t).map(|t| t.naive_utc())
}

/// The calendar an escalation counts on (`24x7` when its own is gone;
/// `None`, plain time, if even that is missing).
fn calendar(vendors: &Vendors, name: &str) -> Option<Calendar> {
    let registry = vendors.calendars.get();
    registry
        .calendars
        .get(name)
        .or_else(|| registry.calendars.get(ALWAYS))
        .cloned()
}

/// Business seconds in `[from, to)`.
fn business_seconds(cal: Option<&Calendar>, from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    match cal {
        Some(c) => c.business_between(micros(from), micros(to)) / 1_000_000,
        None => (to - from).num_seconds().max(0),
    }
}

/// The instant `seconds` of business time after `from`.
fn due(cal: Option<&Calendar>, from: NaiveDateTime, seconds: i64) -> Option<NaiveDateTime> {
    match cal {
        Some(c) => c
            .advance(micros(from), seconds * 1_000_000)
            .and_then(from_micros),
        None => Some(from + chrono::Duration::seconds(seconds)),
    }
}

fn dto(
    conn: &mut DbConn,
    vendors: &Vendors,
    e: Escalation,
    ticket: &HeldTicket,
    now: NaiveDateTime,
) -> Result<EscalationDto, AppError> {
    let cal = calendar(vendors, &e.calendar);
    let so_far = business_seconds(cal.as_ref(), e.escalated_at, now);
    let vendor = repo::vendor(conn, &e.vendor_id)?
        .map(|v| v.name)
        .unwrap_or_default();
    let met =
        |secs: Option<i64>, target: Option<i64>, due: Option<NaiveDateTime>| match (secs, target) {
            (Some(s), Some(t)) => Some(s <= t),
            (None, Some(_)) if due.is_some_and(|d| now > d) => Some(false),
            _ => None,
        };
    let state = match (e.responded_at, e.resolved_at) {
        (_, Some(_)) => "resolved",
        (Some(_), None) => "in_progress",
        (None, None) => "awaiting_response",
    };
    let utc = |t: Option<NaiveDateTime>| t.map(|t| t.and_utc());
    Ok(EscalationDto {
        response_elapsed_seconds: e.response_seconds.unwrap_or(so_far),
        resolution_elapsed_seconds: e.resolution_seconds.unwrap_or(so_far),
        response_met: met(
            e.response_seconds,
            e.response_target_seconds,
            e.response_due_at,
        ),
        resolution_met: met(
            e.resolution_seconds,
            e.resolution_target_seconds,
            e.resolution_due_at,
        ),
        state: state.into(),
        id: e.id,
        ticket_id: e.ticket_id,
        ticket_number: ticket.number,
        vendor_id: e.vendor_id,
        vendor,
        contract_id: e.contract_id,
        vendor_reference: e.vendor_reference,
        note: e.note,
        escalated_by: e.escalated_by,
        escalated_at: e.escalated_at.and_utc(),
        calendar: e.calendar,
        response_target_seconds: e.response_target_seconds,
        resolution_target_seconds: e.resolution_target_seconds,
        response_due_at: utc(e.response_due_at),
        resolution_due_at: utc(e.resolution_due_at),
        responded_at: utc(e.responded_at),
        response_seconds: e.response_seconds,
        resolved_at: utc(e.resolved_at),
        resolution_seconds: e.resolution_seconds,
        resolution_note: e.resolution_note,
    })
}

fn ticket_history(
    conn: &mut DbConn,
    actor: &User,
    ticket_id: &str,
    action: &'static str,
    changes: serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    audit::record(
        conn,
        Entry {
            entity_type: "ticket",
            entity_id: ticket_id,
            actor_id: Some(&actor.id),
            action,
            changes,
            at: now,
        },
    )?;
    Ok(())
}

/// The contract an escalation names, when it is the vendor's and in force
/// (its service targets bind the vendor only then); else a fault.
fn escalation_contract(
    conn: &mut DbConn,
    vendors: &Vendors,
    input: &EscalationInput,
    errors: &mut Vec<FieldError>,
) -> Result<Option<crate::vendors::Contract>, AppError> {
    let Some(id) = input
        .contract_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        return Ok(None);
    };
    let fault = match repo::contract(conn, id)? {
        None => "no such contract".to_owned(),
        Some(c) if c.vendor_id != input.vendor_id => "a contract with another vendor".to_owned(),
        Some(c) => {
            match crate::vendors::terms::status(&c.standing(), vendors.settings.today(), 0) {
                Status::Draft => "a draft contract: not in force yet".to_owned(),
                // Past its end but about to roll into its next term today.
                Status::Expired
                    if c.auto_renew
                        && c.terminates_on.is_none()
                        && c.renewal_months.is_some_and(|m| m > 0) =>
                {
                    return Ok(Some(c));
                }
                Status::Expired | Status::Terminated => {
                    let ended = c
                        .terminates_on
                        .or(c.ends_on)
                        .map_or(String::new(), |d| format!(" on {d}"));
                    format!("a contract that ended{ended}")
                }
                _ => return Ok(Some(c)),
            }
        }
    };
    errors.push(FieldError::new("contract_id", fault));
    Ok(None)
}

/// The escalation row for `input`, its clock started at `now`; the
/// faults of a vendor or contract that do not fit.
fn new_escalation(
    conn: &mut DbConn,
    vendors: &Vendors,
    input: &EscalationInput,
    now: NaiveDateTime,
) -> Result<Escalation, AppError> {
    let mut errors = Vec::new();
    if repo::vendor(conn, &input.vendor_id)?.is_none() {
        errors.push(FieldError::new("vendor_id", "no such vendor"));
    }
    let contract = escalation_contract(conn, vendors, input, &mut errors)?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let name = contract
        .as_ref()
        .and_then(|c| c.service_calendar.clone())
        .unwrap_or_else(|| ALWAYS.to_owned());
    let cal = calendar(vendors, &name);
    let target = |t: Option<i64>| t.and_then(|s| due(cal.as_ref(), now, s));
    let (response, resolution) = contract.as_ref().map_or((None, None), |c| {
        (c.response_target_seconds, c.resolution_target_seconds)
    });
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    Ok(Escalation {
        id: ids::new_id(),
        ticket_id: String::new(),
        vendor_id: input.vendor_id.clone(),
        contract_id: contract.as_ref().map(|c| c.id.clone()),
        vendor_reference: text(&input.vendor_reference),
        note: text(&input.note).unwrap_or_default(),
        escalated_by: None,
        escalated_at: now,
        calendar: name,
        response_target_seconds: response,
        resolution_target_seconds: resolution,
        response_due_at: target(response),
        resolution_due_at: target(resolution),
        responded_at: None,
        response_seconds: None,
        resolved_at: None,
        resolution_seconds: None,
        resolution_note: None,
    })
}

/// Hands a ticket to a vendor: on hold awaiting the vendor, the vendor's
/// clock started, both in the ticket's history.
pub fn escalate(
    vendors: &Vendors,
    tickets: &Tickets,
    actor: &User,
    ticket: &str,
    input: &EscalationInput,
    now: NaiveDateTime,
) -> Result<EscalationDto, AppError> {
    if !actor.role.works_tickets() {
        return Err(AppError::Forbidden(format!(
            "a {} cannot escalate tickets",
            actor.role
        )));
    }
    vendors.db.write(|conn| {
        let mut row = new_escalation(conn, vendors, input, now)?;
        let held = tickets.with_rules(|rules| {
            vendor_hold::hold_for_vendor(conn, rules, actor, &TicketRef::parse(ticket), now)
        })?;
        row.ticket_id = held.id.clone();
        row.escalated_by = Some(actor.id.clone());
        repo_escalations::insert(conn, &row)?;
        let changes = json!({"escalation_id": row.id, "vendor_id": row.vendor_id,
            "contract_id": row.contract_id, "vendor_reference": row.vendor_reference,
            "response_due_at": row.response_due_at, "resolution_due_at": row.resolution_due_at});
        ticket_history(conn, actor, &held.id, "escalated_to_vendor", changes, now)?;
        dto(conn, vendors, row, &held, now)
    })
}

/// A ticket's escalations, oldest first (staff only).
pub fn ticket_escalations(
    vendors: &Vendors,
    actor: &User,
    ticket: &str,
) -> Result<Vec<EscalationDto>, AppError> {
    may_read(actor)?;
    let now = ids::now();
    vendors.db.read(|conn| {
        let held = vendor_hold::ticket_of(conn, actor, &TicketRef::parse(ticket))?;
        repo_escalations::of_ticket(conn, &held.id)?
            .into_iter()
            .map(|e| dto(conn, vendors, e, &held, now))
            .collect()
    })
}

/// Which answer is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// The vendor's first answer.
    Response,
    /// The vendor resolved it (an answer too, if none came before); the
    /// ticket comes back to us when nothing else is pending with a vendor.
    Resolution,
}

/// The escalation `eid` of the ticket, and the moment of the answer.
fn answering(
    conn: &mut DbConn,
    actor: &User,
    (ticket, eid): (&str, &str),
    answer: &VendorAnswer,
    now: NaiveDateTime,
) -> Result<(HeldTicket, Escalation, NaiveDateTime), AppError> {
    if !actor.role.works_tickets() {
        return Err(AppError::Forbidden(format!(
            "a {} cannot record a vendor's answer",
            actor.role
        )));
    }
    let held = vendor_hold::ticket_of(conn, actor, &TicketRef::parse(ticket))?;
    let e = repo_escalations::find(conn, eid)?
        .filter(|e| e.ticket_id == held.id)
        .ok_or_else(|| {
            AppError::NotFound(format!("escalation {eid} of ticket #{}", held.number))
        })?;
    let at = answer.at.map_or(now, |t| t.naive_utc());
    if at < e.escalated_at {
        return Err(AppError::invalid("at", "before the ticket was escalated"));
    }
    if at > now + chrono::Duration::minutes(5) {
        return Err(AppError::invalid("at", "in the future"));
    }
    Ok((held, e, at))
}

/// Records the vendor's answer or resolution; 409 `already_answered` (or
/// `already_resolved`) the second time.
pub fn answer(
    vendors: &Vendors,
    tickets: &Tickets,
    actor: &User,
    (ticket, eid): (&str, &str),
    what: Answered,
    answer: &VendorAnswer,
    now: NaiveDateTime,
) -> Result<EscalationDto, AppError> {
    vendors.db.write(|conn| {
        let (held, e, at) = answering(conn, actor, (ticket, eid), answer, now)?;
        let cal = calendar(vendors, &e.calendar);
        let seconds = business_seconds(cal.as_ref(), e.escalated_at, at);
        let note = answer
            .note
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let action = match what {
            Answered::Response => {
                if !repo_escalations::answer(conn, &e.id, at, seconds)? {
                    return Err(AppError::conflict(
                        "already_answered",
                        "the vendor's answer is recorded already",
                    ));
                }
                "vendor_answered"
            }
            Answered::Resolution => {
                if !repo_escalations::resolve(conn, &e.id, at, seconds, note)? {
                    // Resolved already, or the answer came after `at` (it
                    // may have been recorded a moment ago).
                    let now_is = repo_escalations::find(conn, &e.id)?;
                    return Err(
                        match now_is
                            .and_then(|x| x.responded_at.filter(|_| x.resolved_at.is_none()))
                        {
                            Some(r) => AppError::invalid(
                                "at",
                                format!("before the vendor's answer at {}", crate::ids::utc(r)),
                            ),
                            None => AppError::conflict(
                                "already_resolved",
                                "the vendor's resolution is recorded already",
                            ),
                        },
                    );
                }
                // A resolution answers too, when nothing did before.
                repo_escalations::answer(conn, &e.id, at, seconds)?;
                "vendor_resolved"
            }
        };
        let changes =
            json!({"escalation_id": e.id, "at": at, "business_seconds": seconds, "note": note});
        ticket_history(conn, actor, &held.id, action, changes, now)?;
        if what == Answered::Resolution {
            let pending = repo_escalations::of_ticket(conn, &held.id)?
                .iter()
                .any(|x| x.resolved_at.is_none());
            if !pending {
                tickets.with_rules(|rules| {
                    vendor_hold::back_from_vendor(conn, rules, actor, &held.id, now)
                })?;
            }
        }
        let e = repo_escalations::find(conn, &e.id)?
            .ok_or_else(|| AppError::NotFound(format!("escalation {eid}")))?;
        dto(conn, vendors, e, &held, now)
    })
}
