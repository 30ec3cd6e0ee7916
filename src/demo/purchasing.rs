//! The demo's purchase orders, one at each stage: laptops half received,
//! monitors received and invoiced (a little over, within tolerance) and
//! closed, license seats waiting for approval, and a draft.

use chrono::{Duration, NaiveDateTime};
use serde_json::{Value, json};

use crate::auth::people as users;
use crate::error::AppError;
use crate::purchasing::Purchasing;
use crate::purchasing::dto::{InvoiceInput, OrderInput, ReceiptInput, TransitionInput};
use crate::purchasing::service;

fn input<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, AppError> {
    serde_json::from_value(v).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
}

/// What the demo orders name: who raises and approves them, the vendor,
/// two models and a product.
struct Names {
    coordinator: crate::auth::User,
    admin: crate::auth::User,
    vendor: String,
    laptop: String,
    monitor: String,
    product: String,
}

fn names(
    p: &Purchasing,
    assets: &crate::assets::Assets,
    licenses: &crate::licenses::Licenses,
    vendors: &crate::vendors::Vendors,
) -> Result<Option<Names>, AppError> {
    let people = p.db.read(|conn| {
        Ok::<_, AppError>((
            users::find_user_by_email(conn, "coordinator@example.org")?,
            users::find_user_by_email(conn, "admin@example.org")?,
        ))
    })?;
    let (Some(coordinator), Some(admin)) = people else {
        return Ok(None);
    };
    let vendor = crate::vendors::service::vendors(&vendors.db, &coordinator, None, None)?
        .into_iter()
        .find(|v| v.name == "Fabrikam Hardware");
    let models = crate::assets::service::models(&assets.db, &coordinator)?;
    let model = |name: &str| {
        models
            .iter()
            .find(|(m, _)| m.name == name)
            .map(|(m, _)| m.id.clone())
    };
    let product = crate::licenses::service::products(&licenses.db, &coordinator)?
        .into_iter()
        .next();
    Ok(
        match (vendor, model("Latitude 7440"), model("U2723QE"), product) {
            (Some(v), Some(laptop), Some(monitor), Some(product)) => Some(Names {
                coordinator,
                admin,
                vendor: v.id,
                laptop,
                monitor,
                product: product.id,
            }),
            _ => None,
        },
    )
}

/// Loads the orders when there are none (and the vendors, models and
/// products they name exist); how many.
pub fn load_orders(
    p: &Purchasing,
    assets: &crate::assets::Assets,
    licenses: &crate::licenses::Licenses,
    vendors: &crate::vendors::Vendors,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let Some(n) = names(p, assets, licenses, vendors)? else {
        return Ok(0);
    };
    if service::orders(p, &n.coordinator, &service::OrderFilter::default())?.1 > 0 {
        return Ok(0);
    }
    let day = |d: i64| (now.date() + Duration::days(d)).to_string();
    let mv = |id: &str, who: &crate::auth::User, to: &str| {
        let t: TransitionInput = input(json!({"to": to}))?;
        service::transition(p, who, id, &t, now)
    };
    let new = |body: Value| -> Result<String, AppError> {
        let mut body = body;
        body["vendor_id"] = json!(n.vendor);
        Ok(service::create_order(p, &n.coordinator, &input::<OrderInput>(body)?, now)?.id)
    };
    let c = &n.coordinator;

    let laptops = new(
        json!({"cost_centre": "IT-HW", "tax_percent": 19, "shipping_minor": 4_500,
        "expected_on": day(5), "notes": "New starters in January.",
        "lines": [{"model_id": n.laptop, "quantity": 5, "unit_cost_minor": 139_900}]}),
    )?;
    mv(&laptops, c, "submitted")?;
    mv(&laptops, &n.admin, "approved")?;
    mv(&laptops, c, "ordered")?;
    let serials: Vec<String> = (1..=3).map(|k| format!("DL7440-DEMO-{k:03}")).collect();
    let r: ReceiptInput = input(json!({"received_on": day(-1),
        "lines": [{"line": 1, "quantity": 3, "serials": serials}]}))?;
    service::receive(p, c, &laptops, &r, None, now)?;

    let monitors = new(json!({"cost_centre": "IT-HW", "tax_percent": 19,
        "lines": [{"model_id": n.monitor, "quantity": 4, "unit_cost_minor": 54_999},
                  {"description": "Monitor arms", "quantity": 4, "unit_cost_minor": 8_900}]}))?;
    mv(&monitors, c, "submitted")?;
    mv(&monitors, &n.admin, "approved")?;
    mv(&monitors, c, "ordered")?;
    let r: ReceiptInput = input(json!({"received_on": day(-10),
        "lines": [{"line": 1, "quantity": 4}, {"line": 2, "quantity": 4}]}))?;
    let received = service::receive(p, c, &monitors, &r, None, now)?.0;
    let i: InvoiceInput = input(json!({"number": "FH-2026-1187", "received_on": day(-7),
        "amount_minor": received.received.total_minor + 500}))?;
    service::add_invoice(p, c, &monitors, &i, now)?;
    mv(&monitors, c, "closed")?;

    let seats = new(json!({"cost_centre": "IT-SW", "tax_percent": 19,
        "lines": [{"product_id": n.product, "metric": "user", "quantity": 25, "unit_cost_minor": 21_600}]}))?;
    mv(&seats, c, "submitted")?;

    new(
        json!({"notes": "Spare chargers and cables for the service desk.",
        "lines": [{"description": "USB-C chargers 65 W", "quantity": 10, "unit_cost_minor": 3_900}]}),
    )?;
    Ok(4)
}
