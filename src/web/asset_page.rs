//! One asset's page for staff: its facts, custom fields, tickets,
//! software, the open hand-over with its forms, and the timeline of its
//! life.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::assets::staff;
use super::format::{asset_status_label, asset_status_words, or_dash, plural, when};
use super::session::Nav;
use super::{PageError, WebUser, render_with};
use crate::assets::Asset;
use crate::assets::domain::Status;
use crate::assets::fields::FieldSpec;
use crate::assets::service::{self, AssetView};
use crate::error::blocking;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "asset.html", config = "src/web/askama.toml")]
struct AssetPage {
    nav: Nav,
    tag: String,
    /// May hand it out and take it back.
    can_manage: bool,
    in_stock: bool,
    /// The open hand-over: (person, since, expected back, confirmed).
    checkout: Option<(String, String, String, String)>,
    /// Custom fields: (label or key, value).
    custom: Vec<(String, String)>,
    edit: EditForm,
    form: HandOverForm,
    status_code: u16,
    error: Option<String>,
    status: String,
    facts: Vec<(&'static str, String)>,
    tickets: Vec<(i64, String, String)>,
    software: Vec<String>,
    software_total: usize,
    timeline: Vec<(String, String, String)>,
}

fn describe(action: &str, changes: &serde_json::Value) -> String {
    let reason = changes["reason"]
        .as_str()
        .map(|r| format!(" — {r}"))
        .unwrap_or_default();
    match action {
        "asset_registered" => format!(
            "registered as {}",
            asset_status_words(changes["status"].as_str().unwrap_or(""))
        ),
        "asset_discovered" => "found by an inventory agent".into(),
        "inventory_received" => format!(
            "inventory: {} new, {} removed",
            plural(
                changes["software_installed"].as_u64().unwrap_or(0) as usize,
                "package",
                "packages"
            ),
            changes["software_removed"].as_u64().unwrap_or(0)
        ),
        "asset_checked_out" => "checked out".into(),
        "asset_checked_in" => format!("checked in{reason}"),
        "asset_imported" if changes["status"].is_string() => format!(
            "imported as {}{reason}",
            asset_status_words(changes["status"].as_str().unwrap_or(""))
        ),
        "asset_updated" | "asset_imported" => {
            let fields: Vec<&str> = changes
                .as_object()
                .map(|m| {
                    m.keys()
                        .map(String::as_str)
                        .filter(|k| *k != "reason")
                        .collect()
                })
                .unwrap_or_default();
            let what = if action == "asset_updated" {
                "details changed"
            } else {
                "updated by import"
            };
            format!("{what}: {}{reason}", fields.join(", "))
        }
        "asset_checkout_accepted" => "receipt confirmed".into(),
        "ticket_linked" => format!("linked to ticket #{}", changes["ticket_number"]),
        "ticket_unlinked" => format!("unlinked from ticket #{}", changes["ticket_number"]),
        _ => match changes["status"].as_object() {
            Some(s) => format!(
                "{} → {}{reason}",
                asset_status_words(s.get("from").and_then(|v| v.as_str()).unwrap_or("")),
                asset_status_words(s.get("to").and_then(|v| v.as_str()).unwrap_or(""))
            ),
            None => format!("{}{reason}", action.replace('_', " ")),
        },
    }
}

/// The edit form's values: the asset's, or what a refused edit held.
#[derive(Debug, Clone, Default)]
pub struct EditForm {
    pub serial: String,
    pub hostname: String,
    pub purchase_date: String,
    pub warranty_end: String,
    pub supplier: String,
    pub po_number: String,
    pub notes: String,
}

/// What the check-out form last held (kept when it is refused).
#[derive(Debug, Clone, Default)]
pub struct HandOverForm {
    pub assignee: String,
    pub expected_return: String,
    pub note: String,
    pub require_acceptance: bool,
}

impl HandOverForm {
    /// An empty form: receipt confirmation asked for by default.
    pub fn fresh() -> HandOverForm {
        HandOverForm {
            require_acceptance: true,
            ..HandOverForm::default()
        }
    }
}

pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    page(
        state,
        user,
        path.into_inner(),
        HandOverForm::fresh(),
        None,
        None,
    )
    .await
}

/// The asset page, with a refused form's input and the reason when there
/// is one.
pub async fn page(
    state: web::Data<AppState>,
    user: WebUser,
    tag: String,
    form: HandOverForm,
    edited: Option<EditForm>,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    staff(&user)?;
    let actor = user.user.clone();
    let specs = state.assets.fields.clone();
    let (v, tickets, software, out) = blocking(move || {
        let v = service::get(&state.db, &actor, &tag, true)?;
        let tickets = service::tickets_of_asset(&state.db, &actor, &v.asset.id)?;
        let software = service::installations(&state.db, &actor, &v.asset.id, false)?;
        let out = service::open_checkout_of(&state.db, &actor, &v.asset.id)?;
        Ok((v, tickets, software, out))
    })
    .await?;
    let a = &v.asset;
    let page = AssetPage {
        nav: user.nav("assets"),
        tag: a.asset_tag.clone(),
        can_manage: user.user.role.manages_assets(),
        in_stock: a.status == Status::InStock,
        checkout: out.map(checkout_line),
        custom: custom_fields(&specs, a),
        edit: edited.unwrap_or_else(|| EditForm::of(a)),
        form,
        status_code: if error.is_some() { 422 } else { 200 },
        error,
        status: asset_status_label(a.status).to_owned(),
        facts: facts(&v),
        tickets: tickets
            .into_iter()
            .map(|(_, number, subject, status, _)| (number, subject, status))
            .collect(),
        software_total: software.len(),
        software: software
            .iter()
            .take(50)
            .map(|s| format!("{} {}", s.name, s.version))
            .collect(),
        timeline: timeline(&v),
    };
    render_with(
        actix_web::http::StatusCode::from_u16(page.status_code).unwrap_or_default(),
        &page,
    )
}

/// The asset's facts as label and words.
fn facts(v: &AssetView) -> Vec<(&'static str, String)> {
    let a = &v.asset;
    vec![
        ("Serial", or_dash(a.serial.clone())),
        (
            "Model",
            or_dash(
                v.model
                    .as_ref()
                    .map(|(m, maker)| format!("{} {} ({})", maker.name, m.name, m.category)),
            ),
        ),
        ("Host name", or_dash(a.hostname.clone())),
        ("Substate", or_dash(a.substate.map(|s| s.to_string()))),
        (
            "With",
            or_dash(v.assignee.as_ref().map(|u| u.email.clone())),
        ),
        (
            "Location",
            or_dash(v.location.as_ref().map(|l| l.name.clone())),
        ),
        ("Purchased", or_dash(a.purchase_date.map(|d| d.to_string()))),
        (
            "Cost",
            or_dash(
                crate::money::Money::from_parts(a.cost_minor, a.currency.as_deref())
                    .map(|m| m.to_string()),
            ),
        ),
        (
            "Warranty ends",
            or_dash(a.warranty_end.map(|d| d.to_string())),
        ),
        (
            "Supplier / PO",
            format!(
                "{} / {}",
                or_dash(a.supplier.clone()),
                or_dash(a.po_number.clone())
            ),
        ),
    ]
}

/// The asset's history: when, who, what.
fn timeline(v: &AssetView) -> Vec<(String, String, String)> {
    v.history
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|(e, who)| {
            let changes: serde_json::Value =
                serde_json::from_str(&e.changes).unwrap_or(serde_json::Value::Null);
            (
                when(e.occurred_at),
                who.as_ref()
                    .map(|u| u.display_name.clone())
                    .unwrap_or_else(|| "itdesk".into()),
                describe(&e.action, &changes),
            )
        })
        .collect()
}

/// Defined fields of the category first, under their labels, then the
/// free ones.
fn custom_fields(specs: &[FieldSpec], a: &Asset) -> Vec<(String, String)> {
    let fields: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&a.custom_fields).unwrap_or_default();
    let shown = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(true) => "yes".into(),
        serde_json::Value::Bool(false) => "no".into(),
        other => other.to_string(),
    };
    let mine = |s: &&FieldSpec| Some(s.category) == a.category;
    let mut custom: Vec<(String, String)> = specs
        .iter()
        .filter(mine)
        .map(|s| {
            let value = fields.get(&s.name).filter(|v| !v.is_null()).map(shown);
            (s.label.clone(), or_dash(value))
        })
        .collect();
    for (k, v) in &fields {
        if !specs.iter().filter(mine).any(|s| &s.name == k) {
            custom.push((k.clone(), shown(v)));
        }
    }
    custom
}

/// The open hand-over: person, since, expected back, confirmed.
fn checkout_line(
    (c, person): (crate::assets::Checkout, Option<crate::auth::User>),
) -> (String, String, String, String) {
    (
        person.map(|p| p.email).unwrap_or_else(|| c.user_id.clone()),
        when(c.checked_out_at),
        or_dash(c.expected_return.map(|d| d.to_string())),
        c.accepted_at.map(when).unwrap_or_else(|| "not yet".into()),
    )
}

impl EditForm {
    /// The edit form filled with the asset's facts.
    fn of(a: &Asset) -> EditForm {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let date = |v: Option<chrono::NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
        EditForm {
            serial: opt(&a.serial),
            hostname: opt(&a.hostname),
            purchase_date: date(a.purchase_date),
            warranty_end: date(a.warranty_end),
            supplier: opt(&a.supplier),
            po_number: opt(&a.po_number),
            notes: a.notes.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inventory_line_counts_its_packages_in_words() {
        let one = serde_json::json!({"software_installed": 1, "software_removed": 0});
        assert_eq!(
            describe("inventory_received", &one),
            "inventory: 1 package new, 0 removed"
        );
        let many = serde_json::json!({"software_installed": 12, "software_removed": 3});
        assert_eq!(
            describe("inventory_received", &many),
            "inventory: 12 packages new, 3 removed"
        );
        let moved = serde_json::json!({"status": {"from": "in_stock", "to": "deployed"}, "reason": "handed over"});
        assert_eq!(
            describe("asset_transition", &moved),
            "In stock → In use — handed over"
        );
    }
}
