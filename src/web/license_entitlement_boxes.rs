//! The entitlement form's boxes: filled from an entitlement, read from a
//! submit, and turned into the service's input (or what does not read).

use super::form::{Problems, Reader};
use crate::http::multipart::form_field;
use crate::licenses::Entitlement;
use crate::licenses::dto::EntitlementInput;
use crate::money::Money;

/// The form's boxes as typed.
#[derive(Debug, Clone, Default)]
pub(super) struct Boxes {
    pub metric: String,
    pub quantity: String,
    pub starts_on: String,
    pub ends_on: String,
    pub unit_cost: String,
    pub currency: String,
    pub core_rule: String,
    pub min_cores_per_processor: String,
    pub min_cores_per_device: String,
    pub core_pack: String,
    pub downgrade_rights: bool,
    pub license_key: String,
    pub vendor: String,
    pub po_number: String,
    pub contract_ref: String,
    pub notes: String,
}

pub(super) fn boxes_of(e: &Entitlement, show_key: bool) -> Boxes {
    let n = |v: Option<i32>| v.map_or(String::new(), |v| v.to_string());
    let d = |v: Option<chrono::NaiveDate>| v.map_or(String::new(), |v| v.to_string());
    Boxes {
        metric: e.metric.as_str().to_owned(),
        quantity: e.quantity.to_string(),
        starts_on: d(e.starts_on),
        ends_on: d(e.ends_on),
        unit_cost: Money::from_parts(e.unit_cost_minor, e.currency.as_deref())
            .map_or(String::new(), |m| m.plain()),
        currency: e.currency.clone().unwrap_or_default(),
        core_rule: e.core_rule.map_or(String::new(), |r| r.as_str().to_owned()),
        min_cores_per_processor: n(e.min_cores_per_processor),
        min_cores_per_device: n(e.min_cores_per_device),
        core_pack: n(e.core_pack),
        downgrade_rights: e.downgrade_rights,
        license_key: if show_key {
            e.license_key.clone().unwrap_or_default()
        } else {
            String::new()
        },
        vendor: e.vendor.clone().unwrap_or_default(),
        po_number: e.po_number.clone().unwrap_or_default(),
        contract_ref: e.contract_ref.clone().unwrap_or_default(),
        notes: e.notes.clone(),
    }
}

pub(super) fn boxes_from(form: &[(String, String)]) -> Boxes {
    let f = |n: &str| form_field(form, n).trim().to_owned();
    Boxes {
        metric: f("metric"),
        quantity: f("quantity"),
        starts_on: f("starts_on"),
        ends_on: f("ends_on"),
        unit_cost: f("unit_cost"),
        currency: f("currency").to_uppercase(),
        core_rule: f("core_rule"),
        min_cores_per_processor: f("min_cores_per_processor"),
        min_cores_per_device: f("min_cores_per_device"),
        core_pack: f("core_pack"),
        downgrade_rights: !f("downgrade_rights").is_empty(),
        license_key: f("license_key"),
        vendor: f("vendor"),
        po_number: f("po_number"),
        contract_ref: f("contract_ref"),
        notes: form_field(form, "notes"),
    }
}

/// The input the boxes give, or what is wrong with the ones that do not
/// read. Empty boxes clear (`keep_key`: an empty key box keeps the key,
/// for readers who were not shown it).
pub(super) fn input_of(
    product_id: &str,
    b: &Boxes,
    default_currency: &str,
    keep_key: bool,
) -> Result<EntitlementInput, Problems> {
    let text = |v: &str| Some(Some(v.to_owned()).filter(|v| !v.is_empty()));
    let mut r = Reader::default();
    let currency = if b.currency.is_empty() {
        default_currency.to_owned()
    } else {
        b.currency.clone()
    };
    let (starts_on, ends_on) = (
        r.date("starts_on", &b.starts_on),
        r.date("ends_on", &b.ends_on),
    );
    let quantity = r.number("quantity", &b.quantity);
    let minp = r.small("min_cores_per_processor", &b.min_cores_per_processor);
    let mind = r.small("min_cores_per_device", &b.min_cores_per_device);
    let pack = r.small("core_pack", &b.core_pack);
    let unit_cost = r.money("unit_cost", &b.unit_cost, &currency);
    if !r.problems.is_empty() {
        return Err(r.problems);
    }
    let has_cost = unit_cost.flatten().is_some();
    Ok(EntitlementInput {
        product_id: Some(product_id.to_owned()),
        metric: Some(b.metric.clone()),
        quantity: quantity.flatten().or(Some(0)),
        starts_on,
        ends_on,
        unit_cost_minor: unit_cost,
        currency: Some(Some(currency).filter(|_| has_cost || !b.currency.is_empty())),
        core_rule: text(&b.core_rule),
        min_cores_per_processor: Some(minp),
        min_cores_per_device: Some(mind),
        core_pack: Some(pack),
        downgrade_rights: Some(b.downgrade_rights),
        license_key: if keep_key && b.license_key.is_empty() {
            None
        } else {
            text(&b.license_key)
        },
        vendor: text(&b.vendor),
        po_number: text(&b.po_number),
        contract_ref: text(&b.contract_ref),
        notes: Some(b.notes.clone()),
    })
}
