//! A contract as the API shows it: with its vendor's name, its owner, and
//! what follows from its terms on today.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::auth::people;
use crate::calendar::BusinessDuration;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids::utc;
use crate::vendors::Vendors;
use crate::vendors::dto::ContractDto;
use crate::vendors::model::Contract;
use crate::vendors::repo;
use crate::vendors::terms::{self, Billing};

/// The contract as the API shows it, on `today` with a `window` of warning.
pub fn contract_dto(
    c: &Contract,
    vendor: &str,
    owner_email: Option<String>,
    today: NaiveDate,
    window: i64,
) -> ContractDto {
    let term = match (c.starts_on, c.ends_on) {
        (Some(s), Some(e)) => Some(terms::term_months(s, e)),
        _ => None,
    };
    let cost = |f: fn(i64, Billing, Option<i64>) -> Option<i64>| match (c.amount_minor, c.billing) {
        (Some(a), Some(b)) => f(a, b, term),
        _ => None,
    };
    ContractDto {
        id: c.id.clone(),
        vendor_id: c.vendor_id.clone(),
        vendor: vendor.to_owned(),
        kind: c.kind,
        reference: c.reference.clone(),
        title: c.title.clone(),
        owner_id: c.owner_id.clone(),
        owner_email,
        draft: c.draft,
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        auto_renew: c.auto_renew,
        renewal_months: c.renewal_months,
        notice_months: c.notice_months,
        notice_days: c.notice_days,
        amount_minor: c.amount_minor,
        currency: c.currency.clone(),
        billing: c.billing,
        terminates_on: c.terminates_on,
        termination_reason: c.termination_reason.clone(),
        renewed_on: c.renewed_on,
        notes: c.notes.clone(),
        notice_deadline: match (c.ends_on, c.notice()) {
            (Some(e), Some(n)) => Some(terms::notice_deadline(e, n)),
            _ => None,
        },
        term_months: term,
        annual_cost_minor: cost(|a, b, t| Some(terms::annual_cost(a, b, t))),
        total_contract_value_minor: cost(terms::total_value),
        status: terms::status(&c.standing(), today, window),
        response_target: c
            .response_target_seconds
            .map(|s| BusinessDuration(s).to_string()),
        response_target_seconds: c.response_target_seconds,
        resolution_target: c
            .resolution_target_seconds
            .map(|s| BusinessDuration(s).to_string()),
        resolution_target_seconds: c.resolution_target_seconds,
        service_calendar: c.service_calendar.clone(),
        assets: Vec::new(),
        entitlement_ids: Vec::new(),
        created_at: utc(c.created_at),
        updated_at: utc(c.updated_at),
    }
}

/// Contracts as the API shows them, with their vendors' names and owners.
pub(super) fn dtos(
    conn: &mut DbConn,
    vendors: &Vendors,
    list: &[Contract],
) -> Result<Vec<ContractDto>, AppError> {
    let names: HashMap<String, String> = repo::vendors(conn)?
        .into_iter()
        .map(|v| (v.id, v.name))
        .collect();
    let owners: Vec<String> = list.iter().filter_map(|c| c.owner_id.clone()).collect();
    let emails: HashMap<String, String> = people::find_users(conn, &owners)?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let (today, window) = (vendors.settings.today(), vendors.settings.window());
    // The listed contracts' links; for a very long list every link at once
    // (a statement takes a bounded number of parameters).
    let ids: Vec<String> = list.iter().map(|c| c.id.clone()).collect();
    let mut covers = super::coverage::of_contracts(conn, (ids.len() <= 5_000).then_some(&ids[..]))?;
    Ok(list
        .iter()
        .map(|c| {
            let vendor = names.get(&c.vendor_id).map_or("", String::as_str);
            let owner = c.owner_id.as_ref().and_then(|o| emails.get(o).cloned());
            let mut dto = contract_dto(c, vendor, owner, today, window);
            if let Some((assets, ents)) = covers.remove(&c.id) {
                dto.assets = assets;
                dto.entitlement_ids = ents;
            }
            dto
        })
        .collect())
}
