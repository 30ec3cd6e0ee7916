//! Asset pages for staff: the register with filters, and one asset with
//! its facts, tickets, software and the timeline of its life.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::format::when;
use super::session::Nav;
use super::{PageError, WebUser, render, render_with};
use crate::assets::domain::{Category, Status};
use crate::assets::dto::AssetListParams;
use crate::assets::service;
use crate::error::{AppError, blocking};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    category: String,
    /// Tag, serial or host name starting with this.
    #[serde(default)]
    q: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    warranty_before: String,
    #[serde(default)]
    needs_review: String,
    cursor: Option<String>,
}

struct Row {
    tag: String,
    model: String,
    hostname: String,
    status: String,
    assignee: String,
    location: String,
    warranty: String,
    review: bool,
}

#[derive(Template)]
#[template(path = "asset_list.html", config = "src/web/askama.toml")]
struct ListPage {
    nav: Nav,
    statuses: Vec<Status>,
    categories: Vec<Category>,
    status: String,
    category: String,
    q: String,
    locations: Vec<(String, String)>,
    location: String,
    warranty_before: String,
    needs_review: String,
    error: Option<String>,
    rows: Vec<Row>,
    next: Option<String>,
    stock: Vec<crate::assets::dto::StockLine>,
    can_import: bool,
}

fn staff(user: &WebUser) -> Result<(), PageError> {
    if user.user.role.sees_assets() {
        Ok(())
    } else {
        Err(AppError::Forbidden("the asset register is for staff".into()).into())
    }
}

fn some(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_owned())
}

pub async fn list(
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    staff(&user)?;
    let q = query.into_inner();
    let params = AssetListParams {
        status: some(&q.status),
        category: some(&q.category),
        q: some(&q.q),
        location: some(&q.location),
        warranty_before: some(&q.warranty_before),
        needs_review: (q.needs_review == "true").then_some(true),
        cursor: q.cursor.clone(),
        limit: Some(50),
        ..AssetListParams::default()
    };
    let actor = user.user.clone();
    let (listed, stock, locations) = blocking(move || {
        // A filter the list refuses (a malformed date) is shown, not a 500.
        let listed = match service::list(&state.db, &actor, &params) {
            Ok(found) => Ok(found),
            Err(AppError::Validation(errors)) => Err(errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; ")),
            Err(e) => return Err(e),
        };
        let stock = service::stock(&state.db, &actor)?;
        let locations = service::locations(&state.db, &actor)?;
        Ok((listed, stock, locations))
    })
    .await?;
    let (views, next_cursor, error) = match listed {
        Ok((views, next)) => (views, next, None),
        Err(message) => (Vec::new(), None, Some(message)),
    };
    let rows = views
        .iter()
        .map(|v| Row {
            tag: v.asset.asset_tag.clone(),
            model: v
                .model
                .as_ref()
                .map(|(m, maker)| format!("{} {}", maker.name, m.name))
                .unwrap_or_default(),
            hostname: v.asset.hostname.clone().unwrap_or_default(),
            status: match v.asset.substate {
                Some(s) => format!("{} ({s})", v.asset.status),
                None => v.asset.status.to_string(),
            },
            assignee: v
                .assignee
                .as_ref()
                .map(|u| u.display_name.clone())
                .unwrap_or_default(),
            location: v
                .location
                .as_ref()
                .map(|l| l.name.clone())
                .unwrap_or_default(),
            warranty: v
                .asset
                .warranty_end
                .map(|d| d.to_string())
                .unwrap_or_default(),
            review: v.asset.needs_review,
        })
        .collect();
    let next = next_cursor.map(|c| {
        let enc = super::session::url_encode;
        format!(
            "/assets?status={}&category={}&q={}&location={}&warranty_before={}&needs_review={}&cursor={}",
            enc(&q.status),
            enc(&q.category),
            enc(&q.q),
            enc(&q.location),
            enc(&q.warranty_before),
            enc(&q.needs_review),
            enc(&c)
        )
    });
    render(&ListPage {
        nav: user.nav("assets"),
        statuses: [
            Status::Ordered,
            Status::InStock,
            Status::Deployed,
            Status::InRepair,
            Status::Retired,
            Status::Disposed,
            Status::Missing,
            Status::Stolen,
        ]
        .to_vec(),
        categories: [
            Category::Laptop,
            Category::Desktop,
            Category::Monitor,
            Category::Phone,
            Category::Tablet,
            Category::Server,
            Category::Network,
            Category::Peripheral,
        ]
        .to_vec(),
        status: q.status,
        category: q.category,
        q: q.q,
        locations: locations.into_iter().map(|l| (l.id, l.name)).collect(),
        location: q.location,
        warranty_before: q.warranty_before,
        needs_review: q.needs_review,
        error,
        rows,
        next,
        stock,
        can_import: user.user.role.manages_assets(),
    })
}

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
        "asset_registered" => format!("registered as {}", changes["status"].as_str().unwrap_or("")),
        "asset_discovered" => "found by an inventory agent".into(),
        "inventory_received" => format!(
            "inventory: {} packages new, {} removed",
            changes["software_installed"], changes["software_removed"]
        ),
        "asset_checked_out" => "checked out".into(),
        "asset_checked_in" => format!("checked in{reason}"),
        "asset_imported" if changes["status"].is_string() => format!(
            "imported as {}{reason}",
            changes["status"].as_str().unwrap_or("")
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
                s.get("from").and_then(|v| v.as_str()).unwrap_or(""),
                s.get("to").and_then(|v| v.as_str()).unwrap_or("")
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
    let specs = state.assets.fields.as_ref().clone();
    let (v, tickets, software, out) = blocking(move || {
        let v = service::get(&state.db, &actor, &tag, true)?;
        let tickets = service::tickets_of_asset(&state.db, &actor, &v.asset.id)?;
        let software = service::installations(&state.db, &actor, &v.asset.id, false)?;
        let out = service::open_checkout_of(&state.db, &actor, &v.asset.id)?;
        Ok((v, tickets, software, out))
    })
    .await?;
    let a = &v.asset;
    let o = |x: &Option<String>| x.clone().unwrap_or_else(|| "—".into());
    let facts = vec![
        ("Serial", o(&a.serial)),
        (
            "Model",
            v.model
                .as_ref()
                .map(|(m, maker)| format!("{} {} ({})", maker.name, m.name, m.category))
                .unwrap_or_else(|| "—".into()),
        ),
        ("Host name", o(&a.hostname)),
        (
            "Substate",
            a.substate
                .map(|s| s.to_string())
                .unwrap_or_else(|| "—".into()),
        ),
        (
            "With",
            v.assignee
                .as_ref()
                .map(|u| u.email.clone())
                .unwrap_or_else(|| "—".into()),
        ),
        (
            "Location",
            v.location
                .as_ref()
                .map(|l| l.name.clone())
                .unwrap_or_else(|| "—".into()),
        ),
        (
            "Purchased",
            a.purchase_date
                .map(|d| d.to_string())
                .unwrap_or_else(|| "—".into()),
        ),
        (
            "Cost",
            crate::money::Money::from_parts(a.cost_minor, a.currency.as_deref())
                .map(|m| m.to_string())
                .unwrap_or_else(|| "—".into()),
        ),
        (
            "Warranty ends",
            a.warranty_end
                .map(|d| d.to_string())
                .unwrap_or_else(|| "—".into()),
        ),
        (
            "Supplier / PO",
            format!("{} / {}", o(&a.supplier), o(&a.po_number)),
        ),
    ];
    let timeline = v
        .history
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
        .collect();
    let software_total = software.len();
    // Defined fields of the category first, under their labels, then the
    // free ones.
    let fields: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&a.custom_fields).unwrap_or_default();
    let shown = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(true) => "yes".into(),
        serde_json::Value::Bool(false) => "no".into(),
        other => other.to_string(),
    };
    let mut custom: Vec<(String, String)> = specs
        .iter()
        .filter(|s| Some(s.category) == a.category)
        .map(|s| {
            (
                s.label.clone(),
                fields
                    .get(&s.name)
                    .filter(|v| !v.is_null())
                    .map(shown)
                    .unwrap_or_else(|| "—".into()),
            )
        })
        .collect();
    for (k, v) in &fields {
        if !specs
            .iter()
            .any(|s| Some(s.category) == a.category && &s.name == k)
        {
            custom.push((k.clone(), shown(v)));
        }
    }
    let checkout = out.map(|(c, person)| {
        (
            person.map(|p| p.email).unwrap_or_else(|| c.user_id.clone()),
            when(c.checked_out_at),
            c.expected_return
                .map(|d| d.to_string())
                .unwrap_or_else(|| "—".into()),
            c.accepted_at.map(when).unwrap_or_else(|| "not yet".into()),
        )
    });
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let date = |v: Option<chrono::NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
    let edit = edited.unwrap_or_else(|| EditForm {
        serial: opt(&a.serial),
        hostname: opt(&a.hostname),
        purchase_date: date(a.purchase_date),
        warranty_end: date(a.warranty_end),
        supplier: opt(&a.supplier),
        po_number: opt(&a.po_number),
        notes: a.notes.clone(),
    });
    let page = AssetPage {
        nav: user.nav("assets"),
        tag: a.asset_tag.clone(),
        can_manage: user.user.role.manages_assets(),
        in_stock: a.status == Status::InStock,
        checkout,
        custom,
        edit,
        form,
        status_code: if error.is_some() { 422 } else { 200 },
        error,
        status: a.status.to_string(),
        facts,
        tickets: tickets
            .into_iter()
            .map(|(_, number, subject, status, _)| (number, subject, status))
            .collect(),
        software: software
            .iter()
            .take(50)
            .map(|s| format!("{} {}", s.name, s.version))
            .collect(),
        software_total,
        timeline,
    };
    render_with(
        actix_web::http::StatusCode::from_u16(page.status_code).unwrap_or_default(),
        &page,
    )
}
