//! The demo's vendors and contracts: a managed service provider, a
//! reseller, a carrier and two software vendors, with contracts at every
//! stage — one inside its notice window, one about to end, one expired, one
//! being negotiated — dated from today so the book is always alive.

use chrono::{Duration, NaiveDateTime};
use serde_json::json;

use crate::auth::people as users;
use crate::error::AppError;
use crate::vendors::Vendors;
use crate::vendors::dto::{ContactInput, ContractInput, VendorInput};
use crate::vendors::service;

/// (name, kind, website, contacts: (name, role, email))
type VendorLine = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, &'static str)],
);

const VENDORS: &[VendorLine] = &[
    (
        "Contoso Managed Services",
        "msp",
        "https://contoso.example",
        &[
            ("Service desk", "first line", "desk@contoso.example"),
            ("Dana Whitfield", "account manager", "dana@contoso.example"),
        ],
    ),
    (
        "Fabrikam Hardware",
        "reseller",
        "https://fabrikam.example",
        &[("Orders", "sales", "orders@fabrikam.example")],
    ),
    (
        "Northwind Telecom",
        "carrier",
        "https://northwind.example",
        &[("NOC", "network operations", "noc@northwind.example")],
    ),
    (
        "Litware Backup",
        "software",
        "https://litware.example",
        &[("Support", "support", "support@litware.example")],
    ),
    ("Adatum Security", "software", "https://adatum.example", &[]),
];

/// A contract as JSON, its dates in days from today.
fn contracts(vendor: &[String]) -> Vec<serde_json::Value> {
    let d = |n: i64| (chrono::Utc::now().date_naive() + Duration::days(n)).to_string();
    vec![
        json!({"vendor_id": vendor[0], "kind": "msp", "title": "Managed desktops and service desk", "reference": "CMS-2024-117",
            "owner": "coordinator@example.org", "starts_on": d(-640), "ends_on": d(90), "auto_renew": true, "renewal_months": 24,
            "notice_months": 2, "amount_minor": 1_450_000, "currency": "EUR", "billing": "monthly",
            "response_target": "4h", "resolution_target": "16h", "service_calendar": "office"}),
        json!({"vendor_id": vendor[1], "kind": "maintenance", "title": "Laptop next-business-day repair", "reference": "FH-NBD-88",
            "starts_on": d(-300), "ends_on": d(65), "amount_minor": 960_000, "currency": "EUR", "billing": "annual"}),
        json!({"vendor_id": vendor[2], "kind": "support", "title": "Office internet 1 Gbit/s with SLA", "reference": "NT-88213",
            "owner": "coordinator@example.org", "starts_on": d(-400), "ends_on": d(330), "auto_renew": true, "renewal_months": 12,
            "notice_days": 90, "amount_minor": 89_900, "currency": "EUR", "billing": "monthly",
            "response_target": "1h", "resolution_target": "8h"}),
        json!({"vendor_id": vendor[3], "kind": "subscription", "title": "Cloud backup, 20 TB", "starts_on": d(-420), "ends_on": d(310),
            "auto_renew": true, "renewal_months": 12, "notice_months": 1, "amount_minor": 720_000, "currency": "EUR", "billing": "annual"}),
        json!({"vendor_id": vendor[4], "kind": "subscription", "title": "Endpoint protection (old tenant)", "starts_on": d(-400),
            "ends_on": d(-35), "amount_minor": 410_000, "currency": "EUR", "billing": "annual"}),
        json!({"vendor_id": vendor[4], "kind": "subscription", "title": "Endpoint protection with EDR", "draft": true,
            "amount_minor": 530_000, "currency": "EUR", "billing": "annual", "notes": "Quote received; waiting for the budget."}),
    ]
}

/// Loads the vendor book when there is none; how many contracts.
pub fn load_vendors(v: &Vendors, now: NaiveDateTime) -> Result<usize, AppError> {
    let Some(actor) = v.db.read(|conn| {
        Ok::<_, AppError>(users::find_user_by_email(conn, "coordinator@example.org")?)
    })?
    else {
        return Ok(0);
    };
    if !service::vendors(&v.db, &actor, None, None)?.is_empty() {
        return Ok(0);
    }
    let mut ids = Vec::new();
    for (name, kind, website, contacts) in VENDORS {
        let input = VendorInput {
            name: Some((*name).into()),
            kind: Some((*kind).into()),
            website: Some(Some((*website).into())),
            contacts: Some(
                contacts
                    .iter()
                    .map(|(n, r, e)| ContactInput {
                        name: (*n).into(),
                        role: Some((*r).into()),
                        email: Some((*e).into()),
                        ..ContactInput::default()
                    })
                    .collect(),
            ),
            ..VendorInput::default()
        };
        ids.push(service::create_vendor(&v.db, &actor, &input, now)?.id);
    }
    let list = contracts(&ids);
    for body in &list {
        let input: ContractInput = serde_json::from_value(body.clone())
            .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
        service::create_contract(v, &actor, &input, now)?;
    }
    Ok(list.len())
}

/// Hands the two newest open tickets to vendors: one to the managed
/// service provider under its contract (waiting for an answer), one to the
/// carrier (answered, being worked on). How many were escalated.
pub fn escalate_some(
    v: &Vendors,
    tickets: &crate::tickets::Tickets,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let Some(actor) = v.db.read(|conn| {
        Ok::<_, AppError>(users::find_user_by_email(conn, "coordinator@example.org")?)
    })?
    else {
        return Ok(0);
    };
    let open =
        v.db.read(|conn| crate::tickets::service::lookup::newest_open(conn, 2))?;
    let (contracts, _) = service::list_contracts(v, &service::ContractFilter::default())?;
    let under = |title: &str| contracts.iter().find(|c| c.title.starts_with(title));
    let plan = [
        (under("Managed desktops"), "CMS-55102", false),
        (under("Office internet"), "NT-INC-7731", true),
    ];
    let mut done = 0;
    for (number, (contract, reference, answered)) in open.iter().zip(plan) {
        let Some(c) = contract else { continue };
        let input = crate::vendors::dto::EscalationInput {
            vendor_id: c.vendor_id.clone(),
            contract_id: Some(c.id.clone()),
            vendor_reference: Some(reference.into()),
            note: Some("Handed over from the demo.".into()),
        };
        let ticket = number.to_string();
        let e = service::escalate(v, tickets, &actor, &ticket, &input, now)?;
        if answered {
            let answer = crate::vendors::dto::VendorAnswer::default();
            service::answer(
                v,
                tickets,
                &actor,
                (&ticket, &e.id),
                service::Answered::Response,
                &answer,
                now,
            )?;
        }
        done += 1;
    }
    Ok(done)
}
