//! Raising and changing orders, and reading them.

use chrono::NaiveDateTime;
use serde_json::json;

use super::lines::read_lines;
use super::view::{dtos, full};
use super::{clean, may_change, may_read, record};
use crate::auth::{User, people};
use crate::db::DbConn;
use crate::error::{AppError, FieldError};
use crate::ids;
use crate::money::Currency;
use crate::purchasing::Purchasing;
use crate::purchasing::domain::{self, Status, basis_points};
use crate::purchasing::dto::{OrderDto, OrderInput};
use crate::purchasing::model::{Line, Order};
use crate::purchasing::repo::{self, OrderQuery};
use crate::vendors::service::vendor_name;

/// Largest shipping charge, in minor units.
const MAX_SHIPPING: i64 = 10_000_000_000;

/// Applies the terms in `input` to `o`; faults go to `errors`.
fn apply_terms(
    conn: &mut DbConn,
    p: &Purchasing,
    o: &mut Order,
    input: &OrderInput,
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    apply_parties(conn, o, input, errors)?;
    apply_currency(p, o, input, errors);
    apply_pricing(o, input, errors);
    if let Some(d) = input.expected_on {
        o.expected_on = d;
    }
    if let Some(n) = &input.notes {
        if n.chars().count() > 10_000 {
            errors.push(FieldError::new("notes", "at most 10,000 characters"));
        }
        n.trim().clone_into(&mut o.notes);
    }
    Ok(())
}

/// The vendor, the person it is for, the cost centre.
fn apply_parties(
    conn: &mut DbConn,
    o: &mut Order,
    input: &OrderInput,
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    let mut fault = |field: &str, message: &str| errors.push(FieldError::new(field, message));
    if let Some(v) = &input.vendor_id {
        o.vendor_id = v.trim().to_owned();
        if vendor_name(conn, &o.vendor_id)?.is_none() {
            fault("vendor_id", "no such vendor");
        }
    }
    if let Some(who) = &input.requested_by {
        o.requested_by = match clean(who) {
            None => None,
            Some(who) => match people::find_person(conn, &who)? {
                Some(u) => Some(u.id),
                None => {
                    fault("requested_by", "no such person");
                    None
                }
            },
        };
    }
    if let Some(c) = &input.cost_centre {
        o.cost_centre = clean(c);
        if o.cost_centre
            .as_ref()
            .is_some_and(|c| c.chars().count() > 100)
        {
            fault("cost_centre", "at most 100 characters");
        }
    }
    Ok(())
}

/// The currency and, when it is not the base currency, its rate.
fn apply_currency(p: &Purchasing, o: &mut Order, input: &OrderInput, errors: &mut Vec<FieldError>) {
    if let Some(c) = &input.currency {
        match Currency::parse_iso(c) {
            Ok(c) => o.currency = c.code().to_owned(),
            Err(_) => errors.push(FieldError::new("currency", "an ISO 4217 code such as EUR")),
        }
    }
    if let Some(r) = input.conversion_rate {
        o.conversion_rate_micros = match r.map(domain::rate_micros) {
            None => None,
            Some(Some(m)) => Some(m),
            Some(None) => {
                errors.push(FieldError::new(
                    "conversion_rate",
                    "a rate above 0 with at most six decimals",
                ));
                None
            }
        };
    }
    if o.currency == p.settings.base_code() {
        if input.conversion_rate.is_some_and(|r| r.is_some()) {
            errors.push(FieldError::new(
                "conversion_rate",
                format!(
                    "only for an order in another currency than {}",
                    p.settings.base_code()
                ),
            ));
        }
        o.conversion_rate_micros = None;
    } else if o.conversion_rate_micros.is_none()
        && !errors
            .iter()
            .any(|e| e.field == "conversion_rate" || e.field == "currency")
    {
        errors.push(FieldError::new(
            "conversion_rate",
            format!(
                "needed for an order in {}: how many {} one {} is worth",
                o.currency,
                p.settings.base_code(),
                o.currency
            ),
        ));
    }
}

/// Tax, discount and shipping.
fn apply_pricing(o: &mut Order, input: &OrderInput, errors: &mut Vec<FieldError>) {
    for (field, value, target) in [
        ("tax_percent", input.tax_percent, &mut o.tax_bp),
        (
            "discount_percent",
            input.discount_percent,
            &mut o.discount_bp,
        ),
    ] {
        if let Some(v) = value {
            match basis_points(v, 100.0) {
                Some(bp) => *target = bp,
                None => errors.push(FieldError::new(
                    field,
                    "a percentage from 0 to 100 with at most two decimals",
                )),
            }
        }
    }
    if let Some(s) = input.shipping_minor {
        if !(0..=MAX_SHIPPING).contains(&s) {
            errors.push(FieldError::new("shipping_minor", "0 or more"));
        }
        o.shipping_minor = s;
    }
}

/// Raises a draft order.
pub fn create_order(
    p: &Purchasing,
    actor: &User,
    input: &OrderInput,
    now: NaiveDateTime,
) -> Result<OrderDto, AppError> {
    may_change(actor)?;
    let mut errors = Vec::new();
    if input.vendor_id.is_none() {
        errors.push(FieldError::new(
            "vendor_id",
            "the vendor it is ordered from",
        ));
    }
    p.db.write(|conn| {
        let mut o = Order {
            id: ids::new_id(),
            seq: 0,
            number: String::new(),
            vendor_id: String::new(),
            requested_by: Some(actor.id.clone()),
            cost_centre: None,
            currency: p.settings.base_code(),
            conversion_rate_micros: None,
            tax_bp: 0,
            discount_bp: 0,
            shipping_minor: 0,
            expected_on: None,
            status: Status::Draft,
            notes: String::new(),
            approved_by: None,
            ordered_on: None,
            invoice_flagged: false,
            created_by: Some(actor.id.clone()),
            created_at: now,
            updated_at: now,
        };
        apply_terms(conn, p, &mut o, input, &mut errors)?;
        let lines = match &input.lines {
            Some(l) => read_lines(conn, &o.id, l, &mut errors)?,
            None => Vec::new(),
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        o.seq = repo::next_seq(conn)?;
        o.number = p.settings.number(o.seq);
        repo::insert_order(conn, &o)?;
        repo::replace_lines(conn, &o.id, &lines)?;
        record(conn, actor, &o.id, "created", changes(&o, &lines), now)?;
        full(conn, p, &o)
    })
}

fn changes(o: &Order, lines: &[Line]) -> serde_json::Value {
    json!({"number": o.number, "vendor_id": o.vendor_id, "currency": o.currency,
        "conversion_rate_micros": o.conversion_rate_micros, "tax_bp": o.tax_bp,
        "discount_bp": o.discount_bp, "shipping_minor": o.shipping_minor,
        "expected_on": o.expected_on, "cost_centre": o.cost_centre,
        "lines": lines.iter().map(|l| json!({"number": l.number, "kind": l.kind.as_str(),
            "description": l.description, "quantity": l.quantity,
            "unit_cost_minor": l.unit_cost_minor})).collect::<Vec<_>>()})
}

/// Changes an order: its terms and lines while a draft or submitted, its
/// expected day and notes until it is finished.
pub fn update_order(
    p: &Purchasing,
    actor: &User,
    id: &str,
    input: &OrderInput,
    now: NaiveDateTime,
) -> Result<OrderDto, AppError> {
    may_change(actor)?;
    p.db.write(|conn| {
        let mut o = repo::order_locked(conn, id)?
            .ok_or_else(|| AppError::NotFound(format!("purchase order {id}")))?;
        let touches_terms = input.vendor_id.is_some()
            || input.requested_by.is_some()
            || input.cost_centre.is_some()
            || input.currency.is_some()
            || input.conversion_rate.is_some()
            || input.tax_percent.is_some()
            || input.discount_percent.is_some()
            || input.shipping_minor.is_some()
            || input.lines.is_some();
        if o.status.finished() || (touches_terms && !o.status.editable()) {
            return Err(AppError::conflict(
                "order_not_editable",
                format!(
                    "{} is {}: only a draft or submitted order changes its vendor, lines, currency or pricing{}",
                    o.number,
                    o.status.as_str().replace('_', " "),
                    if o.status.finished() {
                        ""
                    } else {
                        " (its expected day and notes still change)"
                    }
                ),
            ));
        }
        let before = o.clone();
        let mut errors = Vec::new();
        apply_terms(conn, p, &mut o, input, &mut errors)?;
        let lines = match &input.lines {
            Some(l) => Some(read_lines(conn, &o.id, l, &mut errors)?),
            None => None,
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        o.updated_at = now;
        repo::save_order(conn, &o)?;
        let mut c = diff(&before, &o);
        if let Some(lines) = &lines {
            repo::replace_lines(conn, &o.id, lines)?;
            c["lines"] = changes(&o, lines)["lines"].clone();
        }
        if c.as_object().is_some_and(|m| !m.is_empty()) {
            record(conn, actor, &o.id, "updated", c, now)?;
        }
        full(conn, p, &o)
    })
}

/// The fields that changed, each as {from, to}.
fn diff(a: &Order, b: &Order) -> serde_json::Value {
    let (x, y) = (changes(a, &[]), changes(b, &[]));
    let mut out = serde_json::Map::new();
    for (k, v) in y.as_object().into_iter().flatten() {
        if k != "lines" && x[k] != *v {
            out.insert(k.clone(), json!({"from": x[k], "to": v}));
        }
    }
    if a.notes != b.notes {
        out.insert("notes".into(), json!("changed"));
    }
    if a.requested_by != b.requested_by {
        out.insert(
            "requested_by".into(),
            json!({"from": a.requested_by, "to": b.requested_by}),
        );
    }
    serde_json::Value::Object(out)
}

/// One order (by id or number) with its receipts and invoices.
pub fn order(p: &Purchasing, actor: &User, id: &str) -> Result<OrderDto, AppError> {
    may_read(actor)?;
    p.db.read(|conn| {
        let o = repo::order(conn, id)?
            .ok_or_else(|| AppError::NotFound(format!("purchase order {id}")))?;
        full(conn, p, &o)
    })
}

/// What the order listing filters on.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub status: Option<Status>,
    pub vendor_id: Option<String>,
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// A page of orders, newest first, and how many match.
pub fn orders(
    p: &Purchasing,
    actor: &User,
    f: &OrderFilter,
) -> Result<(Vec<OrderDto>, i64), AppError> {
    may_read(actor)?;
    let limit = f.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(AppError::invalid("limit", "from 1 to 200"));
    }
    let offset = f.offset.unwrap_or(0);
    if offset < 0 {
        return Err(AppError::invalid("offset", "not negative"));
    }
    p.db.read(|conn| {
        let q = OrderQuery {
            status: f.status,
            vendor_id: f.vendor_id.clone(),
            q: clean(&f.q),
            limit,
            offset,
        };
        let (rows, total) = repo::orders(conn, &q)?;
        Ok((dtos(conn, p, &rows)?, total))
    })
}
