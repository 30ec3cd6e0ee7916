//! A licensed product's page: its positions with bars, entitlements, named
//! seats (give one to a person or a device, take it back), the evidence
//! behind every unit counted, and its history.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use super::form::Problems;
use super::licenses::{Row, date_param};
use super::session::Nav;
use super::{PageError, WebUser, flash, render_with};
use crate::error::{AppError, blocking};
use crate::http::multipart::form_field;
use crate::licenses::dto::{AllocationDto, EvidenceDto, NewAllocation, PositionDetailDto};
use crate::licenses::service;
use crate::licenses::terms::Metric;
use crate::state::AppState;

/// An entitlement as the page shows it.
struct EntRow {
    id: String,
    metric: &'static str,
    /// `person` or `asset` when it takes named seats.
    seat_kind: &'static str,
    quantity: i64,
    term: String,
    cost: String,
    source: String,
    key: String,
    seats: Vec<AllocationDto>,
}

struct Evidence {
    tag: String,
    host: String,
    who: String,
    found: String,
    units: String,
    flags: String,
    seen: String,
}

#[derive(Template)]
#[template(path = "license_product.html", config = "src/web/askama.toml")]
struct ProductPage {
    nav: Nav,
    flash: Option<&'static str>,
    title: String,
    product_id: String,
    as_of: String,
    facts: Vec<(&'static str, String)>,
    rows: Vec<Row>,
    entitlements: Vec<EntRow>,
    evidence: Vec<Evidence>,
    history: Vec<(String, String)>,
    can_change: bool,
    /// The seat form a refusal is about, what was typed, and why.
    seat_form: String,
    seat_value: String,
    problems: Problems,
}

fn flag_words(flags: &[String]) -> String {
    flags
        .iter()
        .map(|f| match f.as_str() {
            "cores_unknown" => "cores unknown (minimum counted)",
            "processors_unknown" => "processors unknown (one counted)",
            "no_assignee" => "nobody assigned",
            "named_seat" => "named seat",
            "stale" => "not inventoried lately",
            "retired_device" => "retired device",
            "missing_device" => "missing device",
            "stolen_device" => "stolen device",
            "same_device" => "another version on the same device",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn evidence(e: &EvidenceDto) -> Evidence {
    let text = |x: &Option<String>| x.clone().unwrap_or_default();
    Evidence {
        tag: text(&e.asset_tag),
        host: text(&e.hostname),
        who: text(&e.assignee_email),
        found: match (&e.discovered_name, &e.version) {
            (Some(n), Some(v)) => format!("{n} {v}"),
            _ => "named seat".into(),
        },
        units: e.units.to_string(),
        flags: flag_words(&e.flags)
            + &e.covered_by
                .as_ref()
                .map_or(String::new(), |_| " · covered by a newer version".into()),
        seen: e
            .last_seen
            .map_or(String::new(), |t| t.format("%Y-%m-%d").to_string()),
    }
}

fn entitlement(
    e: &crate::licenses::Entitlement,
    seats: Vec<AllocationDto>,
    show_key: bool,
) -> EntRow {
    let term = match (e.starts_on, e.ends_on) {
        (None, None) => "perpetual".to_owned(),
        (Some(s), None) => format!("from {s}, perpetual"),
        (None, Some(end)) => format!("until {end}"),
        (Some(s), Some(end)) => format!("{s} – {end}"),
    };
    let source: Vec<String> = [&e.vendor, &e.po_number, &e.contract_ref]
        .iter()
        .filter_map(|x| (*x).clone())
        .collect();
    EntRow {
        id: e.id.clone(),
        metric: super::licenses::metric_words(e.metric.as_str()),
        seat_kind: match e.metric {
            Metric::User => "person",
            Metric::Device => "asset",
            _ => "",
        },
        quantity: e.quantity,
        term,
        cost: crate::money::Money::from_parts(e.unit_cost_minor, e.currency.as_deref())
            .map_or(String::new(), |m| m.grouped()),
        source: source.join(" · "),
        key: if show_key {
            e.license_key.clone().unwrap_or_default()
        } else {
            String::new()
        },
        seats,
    }
}

struct Loaded {
    detail: PositionDetailDto,
    ents: Vec<EntRow>,
    history: Vec<(String, String)>,
}

fn load(
    state: &AppState,
    user: &WebUser,
    id: &str,
    as_of: Option<NaiveDate>,
) -> Result<Loaded, AppError> {
    let actor = &user.user;
    let lic = &state.licenses;
    let detail = service::position(lic, actor, id, as_of)?;
    let show_key = service::shows_keys(actor);
    let mut ents = Vec::new();
    for e in service::entitlements(&lic.db, actor, Some(id))? {
        let seats = if matches!(e.metric, Metric::User | Metric::Device) {
            service::allocations(&lic.db, actor, &e.id)?
        } else {
            Vec::new()
        };
        ents.push(entitlement(&e, seats, show_key));
    }
    let history = service::product_history(lic, actor, id)?
        .into_iter()
        .map(|(e, about)| {
            (
                super::format::when(e.occurred_at),
                format!("{about}: {}", e.action.replace('_', " ")),
            )
        })
        .collect();
    Ok(Loaded {
        detail,
        ents,
        history,
    })
}

async fn show_page(
    state: web::Data<AppState>,
    user: WebUser,
    id: String,
    as_of: Option<NaiveDate>,
    seat: (String, String, Problems),
    flash: Option<&'static str>,
) -> Result<HttpResponse, PageError> {
    let u = user.clone();
    let l = blocking(move || load(&state, &u, &id, as_of)).await?;
    let p = &l.detail.product;
    let mut facts = vec![("Publisher", p.publisher.clone())];
    if let Some(e) = &p.edition {
        facts.push(("Edition", e.clone()));
    }
    if let (Some(f), Some(v)) = (&p.family, &p.version) {
        facts.push(("Family and version", format!("{f} {v}")));
    }
    let status = if seat.2.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(
        status,
        &ProductPage {
            nav: user.nav("licenses"),
            flash,
            title: service::label_of(&p.publisher, &p.name, p.edition.as_deref()),
            product_id: p.id.clone(),
            as_of: l.detail.as_of.to_string(),
            facts,
            rows: l.detail.items.iter().map(Row::of).collect(),
            entitlements: l.ents,
            evidence: l.detail.evidence.iter().map(evidence).collect(),
            history: l.history,
            can_change: user.user.role.manages_assets(),
            seat_form: seat.0,
            seat_value: seat.1,
            problems: seat.2,
        },
    )
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AsOf {
    #[serde(default)]
    as_of: String,
}

/// `GET /licenses/products/{id}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<AsOf>,
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let as_of = date_param(&query.as_of).unwrap_or(None);
    let none = (String::new(), String::new(), Problems::default());
    let shown = flash::take(&req);
    let mut resp = show_page(state, user, path.into_inner(), as_of, none, shown).await?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}

/// `POST /licenses/entitlements/{id}/allocations`: a seat for a person or
/// a device; refused seats come back beside the box, the input kept.
pub async fn allocate(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    let entitlement = path.into_inner();
    let (product, kind) = (form_field(&form, "product"), form_field(&form, "kind"));
    let value = form_field(&form, &kind);
    let input = match kind.as_str() {
        "person" => NewAllocation {
            person: Some(value.clone()),
            asset: None,
        },
        _ => NewAllocation {
            person: None,
            asset: Some(value.clone()),
        },
    };
    let as_of = date_param(&form_field(&form, "as_of")).unwrap_or(None);
    let (st, actor, e) = (state.clone(), user.user.clone(), entitlement.clone());
    let done = blocking(move || {
        Ok(service::allocate(
            &st.db,
            &actor,
            &e,
            &input,
            crate::ids::now(),
        ))
    })
    .await?;
    match done {
        Ok(_) => Ok(flash::redirect(&back(&product, as_of), "seat_allocated")),
        Err(err) => {
            let Some(mut problems) = Problems::of_error(&err) else {
                return Err(err.into());
            };
            if let Some(g) = problems.general.take() {
                problems.push(&kind, g);
            }
            show_page(
                state,
                user,
                product,
                as_of,
                (entitlement, value, problems),
                None,
            )
            .await
        }
    }
}

fn back(product: &str, as_of: Option<NaiveDate>) -> String {
    let day = as_of.map_or(String::new(), |d| format!("?as_of={d}"));
    format!(
        "/licenses/products/{}{day}",
        super::session::url_encode(product)
    )
}

/// `POST /licenses/entitlements/{id}/allocations/{aid}/release`.
pub async fn release(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<(String, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    let (entitlement, id) = path.into_inner();
    let product = form_field(&form, "product");
    let as_of = date_param(&form_field(&form, "as_of")).unwrap_or(None);
    let actor = user.user.clone();
    blocking(move || service::deallocate(&state.db, &actor, &entitlement, &id, crate::ids::now()))
        .await?;
    Ok(flash::redirect(&back(&product, as_of), "seat_released"))
}
