//! The license register's pages: positions on a day with a bar per row
//! (`/licenses`), the audit download and frozen audits, and a product's
//! page with its positions, entitlements, named seats, evidence and history
//! (`/licenses/products/{id}`).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::session::Nav;
use super::{PageError, WebUser, flash, render};
use crate::error::{AppError, blocking};
use crate::licenses::dto::{FrozenAuditDto, PositionDto};
use crate::licenses::service;
use crate::money::Money;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct PositionsQuery {
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    publisher: String,
}

/// A position as a table row, in words.
pub(super) struct Row {
    pub product_id: String,
    pub product: String,
    pub metric: &'static str,
    pub entitled: String,
    pub consumed: i64,
    pub status: &'static str,
    pub status_class: &'static str,
    pub bar: Bar,
    pub shortfall: String,
    pub unused: String,
    pub note: String,
}

/// A consumed-against-entitled bar, in pixels of a 120-wide SVG.
pub(super) struct Bar {
    pub used: u32,
    /// Where the entitlement ends (none when unlimited).
    pub limit: Option<u32>,
    pub label: String,
}

const BAR: f64 = 120.0;

fn bar(p: &PositionDto) -> Bar {
    let label = match p.entitled {
        Some(e) => format!("{} of {} used", p.consumed, e),
        None => format!("{} used, unlimited", p.consumed),
    };
    match p.entitled {
        None => Bar {
            used: if p.consumed > 0 { BAR as u32 } else { 0 },
            limit: None,
            label,
        },
        Some(e) => {
            let top = e.max(p.consumed).max(1) as f64;
            Bar {
                used: (p.consumed as f64 / top * BAR).round() as u32,
                limit: Some((e as f64 / top * BAR).round() as u32),
                label,
            }
        }
    }
}

pub(super) fn metric_words(m: &str) -> &'static str {
    match m {
        "user" => "per user",
        "device" => "per device",
        "processor" => "per processor",
        "core" => "per core",
        _ => "site licence",
    }
}

fn money(minor: i64, currency: &Option<String>) -> String {
    match Money::from_parts(Some(minor), currency.as_deref()) {
        Some(m) if minor != 0 => m.grouped(),
        _ => String::new(),
    }
}

impl Row {
    pub(super) fn of(p: &PositionDto) -> Row {
        let (status, status_class) = match p.status.as_str() {
            "non_compliant" => ("Short", "sla-breached"),
            "at_risk" => ("At risk", "sla-at_risk"),
            _ => ("Covered", "sla-running"),
        };
        let mut note = Vec::new();
        if p.covers_older > 0 {
            note.push(format!("covers {} of older versions", p.covers_older));
        }
        if p.covered_by_newer > 0 {
            note.push(format!("{} covered by a newer version", p.covered_by_newer));
        }
        Row {
            product_id: p.product_id.clone(),
            product: p.product.clone(),
            metric: metric_words(p.metric.as_str()),
            entitled: p.entitled.map_or("unlimited".into(), |e| e.to_string()),
            consumed: p.consumed,
            status,
            status_class,
            bar: bar(p),
            shortfall: money(p.shortfall_cost_minor, &p.currency),
            unused: money(p.unused_cost_minor, &p.currency),
            note: note.join("; "),
        }
    }
}

#[derive(Template)]
#[template(path = "licenses.html", config = "src/web/askama.toml")]
struct PositionsPage {
    nav: Nav,
    flash: Option<&'static str>,
    as_of: String,
    status: String,
    publisher: String,
    publishers: Vec<String>,
    error: Option<String>,
    rows: Vec<Row>,
    counts: (usize, usize, usize),
    costs: Vec<(String, String)>,
    audits: Vec<FrozenAuditDto>,
    can_change: bool,
}

pub(super) fn date_param(s: &str) -> Result<Option<NaiveDate>, String> {
    super::asset_forms::date_box(s)
        .map_err(|_| format!("“{}” is not a date: use YYYY-MM-DD", s.trim()))
}

/// `GET /licenses`: every position on a day.
pub async fn positions(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<PositionsQuery>,
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let q = query.into_inner();
    let (as_of, error) = match date_param(&q.as_of) {
        Ok(d) => (d, None),
        Err(e) => (None, Some(e)),
    };
    let actor = user.user.clone();
    let st = state.clone();
    let (p, audits) = blocking(move || {
        Ok((
            service::positions(&st.licenses, &actor, as_of)?,
            service::frozen_audits(&st.licenses, &actor)?,
        ))
    })
    .await?;
    let mut publishers: Vec<String> = p.items.iter().map(|i| i.publisher.clone()).collect();
    publishers.sort();
    publishers.dedup();
    let rows: Vec<Row> = p
        .items
        .iter()
        .filter(|i| q.status.is_empty() || i.status == q.status)
        .filter(|i| q.publisher.is_empty() || i.publisher == q.publisher)
        .map(Row::of)
        .collect();
    let t = &p.totals;
    let costs = t
        .costs
        .iter()
        .map(|c| {
            (
                money(c.shortfall_cost_minor, &Some(c.currency.clone())),
                money(c.unused_cost_minor, &Some(c.currency.clone())),
            )
        })
        .collect();
    render(&PositionsPage {
        nav: user.nav("licenses"),
        flash: flash::take(&req),
        as_of: p.as_of.to_string(),
        status: q.status,
        publisher: q.publisher,
        publishers,
        error,
        rows,
        counts: (t.compliant, t.at_risk, t.non_compliant),
        costs,
        audits: audits.into_iter().take(10).collect(),
        can_change: user.user.role.manages_assets(),
    })
    .map(|mut resp| {
        flash::clear(&req, &mut resp);
        resp
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    sheet: String,
}

fn format_of(
    q: &AuditQuery,
) -> Result<(crate::export::Format, Option<service::audit_file::Sheet>), AppError> {
    let given = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    service::audit_file::format_and_sheet(given(&q.format).as_deref(), given(&q.sheet).as_deref())
}

/// `GET /licenses/audit`: the audit file on a day.
pub async fn audit(
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let (format, sheet) = format_of(&query)?;
    let as_of = date_param(&query.as_of).map_err(|e| AppError::invalid("as_of", e))?;
    let actor = user.user.clone();
    let (day, body) = blocking(move || {
        let req = service::audit_file::AuditRequest {
            as_of,
            products: Vec::new(),
            format,
            sheet,
        };
        let mut out = Vec::new();
        let day = service::audit_file::write_audit(&state.licenses, &actor, &req, &mut out)?;
        Ok((day, out))
    })
    .await?;
    Ok(format.download(&format!("license-audit-{day}"), body))
}

/// `POST /licenses/audits`: freezes the audit on the chosen day.
pub async fn freeze(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&crate::http::multipart::form_field(&form, "csrf"))?;
    let as_of = date_param(&crate::http::multipart::form_field(&form, "as_of"))
        .map_err(|e| AppError::invalid("as_of", e))?;
    let actor = user.user.clone();
    let a = blocking(move || {
        service::freeze(
            &state.licenses,
            &actor,
            as_of,
            Vec::new(),
            crate::ids::now(),
        )
    })
    .await?;
    Ok(flash::redirect(
        &format!("/licenses?as_of={}", a.as_of),
        "audit_frozen",
    ))
}

/// `GET /licenses/audits/{id}`: a frozen audit's stored bytes.
pub async fn frozen(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let (format, sheet) = format_of(&query)?;
    let id = path.into_inner();
    let actor = user.user.clone();
    let name = format!("license-audit-{id}");
    let (_, _, bytes) =
        blocking(move || service::frozen_file(&state.licenses, &actor, &id, format, sheet)).await?;
    Ok(format.download(&name, bytes))
}
