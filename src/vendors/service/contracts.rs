//! Contracts: their terms, what follows from them (notice deadline, costs,
//! status), termination and renewal.

use chrono::NaiveDateTime;
use serde_json::json;

use super::view::dtos;
use super::{clean, may_change, may_read, record};
use crate::auth::{User, people};
use crate::db::DbConn;
use crate::error::{AppError, FieldError};
use crate::ids;
use crate::vendors::Vendors;
use crate::vendors::domain::{self, ContractKind, Shape};
use crate::vendors::dto::{ContractDto, ContractInput, Termination};
use crate::vendors::model::Contract;
use crate::vendors::repo;
use crate::vendors::terms::{self, Billing};

fn shape(c: &Contract) -> Shape {
    Shape {
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        auto_renew: c.auto_renew,
        renewal_months: c.renewal_months,
        notice_months: c.notice_months,
        notice_days: c.notice_days,
        amount_minor: c.amount_minor,
        currency: c.currency.clone(),
        billing_given: c.billing.is_some(),
    }
}

/// Puts the input on `c`, collecting faults (the owner is looked up).
fn apply(
    conn: &mut DbConn,
    c: &mut Contract,
    input: &ContractInput,
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    if let Some(v) = &input.vendor_id {
        c.vendor_id = v.trim().to_owned();
    }
    if let Some(k) = &input.kind {
        match k.trim().parse::<ContractKind>() {
            Ok(k) => c.kind = k,
            Err(e) => errors.push(FieldError::new("kind", e.to_string())),
        }
    }
    if let Some(t) = &input.title {
        let t = t.trim();
        if t.is_empty() || t.chars().count() > 200 {
            errors.push(FieldError::new("title", "1 to 200 characters"));
        }
        c.title = t.to_owned();
    }
    if let Some(r) = &input.reference {
        c.reference = clean(r);
    }
    if let Some(o) = &input.owner {
        c.owner_id = match clean(o) {
            None => None,
            Some(who) => match people::find_person(conn, &who)? {
                Some(u) => Some(u.id),
                None => {
                    errors.push(FieldError::new("owner", "no such person"));
                    None
                }
            },
        };
    }
    if let Some(d) = input.draft {
        c.draft = d;
    }
    if let Some(v) = input.starts_on {
        c.starts_on = v;
    }
    if let Some(v) = input.ends_on {
        c.ends_on = v;
    }
    if let Some(v) = input.auto_renew {
        c.auto_renew = v;
    }
    for (field, given) in [
        (&mut c.renewal_months, input.renewal_months),
        (&mut c.notice_months, input.notice_months),
        (&mut c.notice_days, input.notice_days),
    ] {
        if let Some(v) = given {
            *field = v;
        }
    }
    apply_cost(c, input, errors);
    super::targets::apply(c, input, errors);
    if let Some(n) = &input.notes {
        c.notes = n.clone();
    }
    Ok(())
}

/// The cost fields of the input on `c`.
fn apply_cost(c: &mut Contract, input: &ContractInput, errors: &mut Vec<FieldError>) {
    if let Some(v) = input.amount_minor {
        c.amount_minor = v;
    }
    if let Some(v) = &input.currency {
        c.currency = clean(v).map(|s| s.to_uppercase());
    }
    if let Some(b) = &input.billing {
        c.billing = match clean(b) {
            None => None,
            Some(b) => match b.parse::<Billing>() {
                Ok(b) => Some(b),
                Err(e) => {
                    errors.push(FieldError::new("billing", e.to_string()));
                    None
                }
            },
        };
    }
}

/// Every fault of the contract as it would be stored.
fn check(
    conn: &mut DbConn,
    vendors: &Vendors,
    c: &Contract,
    mut errors: Vec<FieldError>,
) -> Result<(), AppError> {
    errors.extend(domain::check(&shape(c)));
    super::targets::check(vendors, c, &mut errors);
    if c.vendor_id.is_empty() {
        errors.push(FieldError::new("vendor_id", "the vendor"));
    } else if repo::vendor(conn, &c.vendor_id)?.is_none() {
        errors.push(FieldError::new("vendor_id", "no such vendor"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// The history entry of a save: the contract's fields, and what it covers
/// when the input changed that.
fn saved(c: &Contract, input: &ContractInput) -> serde_json::Value {
    let mut v = changes(c);
    if let Some(a) = &input.assets {
        v["assets"] = json!(a);
    }
    if let Some(e) = &input.entitlement_ids {
        v["entitlement_ids"] = json!(e);
    }
    v
}

fn changes(c: &Contract) -> serde_json::Value {
    json!({"vendor_id": c.vendor_id, "title": c.title, "kind": c.kind.as_str(),
        "starts_on": c.starts_on, "ends_on": c.ends_on, "auto_renew": c.auto_renew,
        "notice_months": c.notice_months, "notice_days": c.notice_days,
        "amount_minor": c.amount_minor, "currency": c.currency,
        "billing": c.billing.map(|b| b.as_str()), "owner_id": c.owner_id,
        "response_target_seconds": c.response_target_seconds,
        "resolution_target_seconds": c.resolution_target_seconds,
        "service_calendar": c.service_calendar})
}

fn load(conn: &mut DbConn, id: &str) -> Result<Contract, AppError> {
    repo::contract(conn, id)?.ok_or_else(|| AppError::NotFound(format!("contract {id}")))
}

fn one(conn: &mut DbConn, vendors: &Vendors, c: &Contract) -> Result<ContractDto, AppError> {
    Ok(dtos(conn, vendors, std::slice::from_ref(c))?.remove(0))
}

pub fn create_contract(
    vendors: &Vendors,
    actor: &User,
    input: &ContractInput,
    now: NaiveDateTime,
) -> Result<ContractDto, AppError> {
    may_change(actor)?;
    let mut c = Contract {
        id: ids::new_id(),
        vendor_id: String::new(),
        kind: ContractKind::Other,
        reference: None,
        title: String::new(),
        owner_id: None,
        draft: false,
        starts_on: None,
        ends_on: None,
        auto_renew: false,
        renewal_months: None,
        notice_months: None,
        notice_days: None,
        amount_minor: None,
        currency: None,
        billing: None,
        terminates_on: None,
        termination_reason: None,
        renewed_on: None,
        notes: String::new(),
        created_at: now,
        updated_at: now,
        response_target_seconds: None,
        resolution_target_seconds: None,
        service_calendar: None,
        notice_deadline: None,
    };
    vendors.db.write(|conn| {
        let mut errors = Vec::new();
        if input.title.is_none() {
            errors.push(FieldError::new("title", "what the contract is for"));
        }
        if input.kind.is_none() {
            errors.push(FieldError::new(
                "kind",
                "support, maintenance, subscription, lease, msp, warranty_extension or other",
            ));
        }
        apply(conn, &mut c, input, &mut errors)?;
        let covers = super::coverage::resolve(conn, input, &mut errors)?;
        check(conn, vendors, &c, errors)?;
        repo::insert_contract(conn, &c)?;
        super::coverage::save(conn, &c.id, &covers)?;
        record(
            conn,
            actor,
            ("contract", &c.id),
            "created",
            saved(&c, input),
            now,
        )?;
        one(conn, vendors, &c)
    })
}

pub fn contract(vendors: &Vendors, actor: &User, id: &str) -> Result<ContractDto, AppError> {
    may_read(actor)?;
    vendors.db.read(|conn| {
        let c = load(conn, id)?;
        one(conn, vendors, &c)
    })
}

pub fn update_contract(
    vendors: &Vendors,
    actor: &User,
    id: &str,
    input: &ContractInput,
    now: NaiveDateTime,
) -> Result<ContractDto, AppError> {
    may_change(actor)?;
    vendors.db.write(|conn| {
        let mut c = load(conn, id)?;
        let mut errors = Vec::new();
        apply(conn, &mut c, input, &mut errors)?;
        let covers = super::coverage::resolve(conn, input, &mut errors)?;
        check(conn, vendors, &c, errors)?;
        c.updated_at = now;
        repo::save_contract(conn, &c)?;
        super::coverage::save(conn, &c.id, &covers)?;
        record(
            conn,
            actor,
            ("contract", id),
            "updated",
            saved(&c, input),
            now,
        )?;
        one(conn, vendors, &c)
    })
}

/// Notice given: the contract ends on `effective_on` and does not renew.
pub fn terminate(
    vendors: &Vendors,
    actor: &User,
    id: &str,
    input: &Termination,
    now: NaiveDateTime,
) -> Result<ContractDto, AppError> {
    may_change(actor)?;
    let reason = input.reason.trim().to_owned();
    vendors.db.write(|conn| {
        let mut c = load(conn, id)?;
        let mut errors = Vec::new();
        if reason.is_empty() {
            errors.push(FieldError::new("reason", "why it ends"));
        }
        if c.starts_on.is_some_and(|s| input.effective_on < s) {
            errors.push(FieldError::new("effective_on", "before the contract starts"));
        }
        if c.terminates_on.is_some() {
            return Err(AppError::conflict("already_terminated", "notice was given already"));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        c.terminates_on = Some(input.effective_on);
        c.termination_reason = Some(reason.clone());
        c.updated_at = now;
        repo::save_contract(conn, &c)?;
        let changes = json!({"effective_on": input.effective_on, "reason": reason,
            "notice_deadline": c.ends_on.zip(c.notice()).map(|(e, n)| terms::notice_deadline(e, n))});
        record(conn, actor, ("contract", id), "terminated", changes, now)?;
        one(conn, vendors, &c)
    })
}

/// Rolls the contract into its next term: `renewal_months` more, from the
/// day after its end. `expected_end`, when given, is the end the caller
/// saw: if the contract moved since (renewed twice by a double click, or
/// by the daily pass), nothing happens and the answer is a 409.
pub fn renew(
    vendors: &Vendors,
    actor: &User,
    id: &str,
    expected_end: Option<chrono::NaiveDate>,
    now: NaiveDateTime,
) -> Result<ContractDto, AppError> {
    may_change(actor)?;
    vendors.db.write(|conn| {
        let c = load(conn, id)?;
        let (Some(end), Some(months)) = (c.ends_on, c.renewal_months.filter(|m| *m > 0)) else {
            return Err(AppError::invalid(
                "renewal_months",
                "a contract renews for its renewal months from its end: give both",
            ));
        };
        if c.terminates_on.is_some() {
            return Err(AppError::conflict(
                "terminated",
                "notice was given: it does not renew",
            ));
        }
        let moved = || {
            AppError::conflict(
                "stale",
                format!("the contract's term changed meanwhile: it now ends on {end}"),
            )
        };
        if expected_end.is_some_and(|e| e != end) {
            return Err(moved());
        }
        let next = (
            end + chrono::Duration::days(1),
            terms::add_months(end, months as i64),
        );
        let r = super::renewals::roll(conn, &c, next, &actor.id, now)?.ok_or_else(moved)?;
        let changes = super::renewals::changes(&c, &r, false);
        record(conn, actor, ("contract", id), "renewed", changes, now)?;
        let c = load(conn, id)?;
        one(conn, vendors, &c)
    })
}

/// The contract's history, oldest first.
pub fn contract_history(
    vendors: &Vendors,
    actor: &User,
    id: &str,
) -> Result<Vec<crate::audit::AuditEvent>, AppError> {
    may_read(actor)?;
    vendors
        .db
        .read(|conn| Ok(crate::audit::history(conn, "contract", id)?))
}
