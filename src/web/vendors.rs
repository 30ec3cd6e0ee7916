//! The vendor pages: every vendor with a search (`/vendors`), and one
//! vendor with its contacts in escalation order and its contracts
//! (`/vendors/{id}`).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::contracts::{Line, line};
use super::format::capitalized;
use super::session::Nav;
use super::{PageError, WebUser, flash, render};
use crate::calendar::BusinessDuration;
use crate::error::blocking;
use crate::state::AppState;
use crate::vendors::domain::VendorKind;
use crate::vendors::dto::VendorDto;
use crate::vendors::performance::{Performance, Times};
use crate::vendors::service::{self, ContractFilter};

type Options = Vec<(String, String)>;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
}

/// A vendor in a row of the list.
struct Row {
    id: String,
    name: String,
    kind: String,
    website: String,
    first_contact: String,
}

#[derive(Template)]
#[template(path = "vendors.html", config = "src/web/askama.toml")]
struct ListPage {
    nav: Nav,
    flash: Option<&'static str>,
    q: ListQuery,
    kinds: Options,
    rows: Vec<Row>,
    can_change: bool,
}

pub(super) fn kinds() -> Options {
    VendorKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), capitalized(k.as_str())))
        .collect()
}

/// `GET /vendors`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let q = query.into_inner();
    let (st, actor) = (state.clone(), user.user.clone());
    let (text, kind) = (
        Some(q.q.trim().to_owned()).filter(|s| !s.is_empty()),
        q.kind.parse::<VendorKind>().ok(),
    );
    let found = blocking(move || service::vendors(&st.db, &actor, text.as_deref(), kind)).await?;
    let page = ListPage {
        nav: user.nav("vendors"),
        flash: flash::take(&req),
        kinds: kinds(),
        rows: found
            .into_iter()
            .map(|v| Row {
                first_contact: v
                    .contacts
                    .first()
                    .map(|c| {
                        let reach = c.email.clone().or(c.phone.clone()).unwrap_or_default();
                        format!("{} {reach}", c.name).trim().to_owned()
                    })
                    .unwrap_or_default(),
                kind: capitalized(v.kind.as_str()),
                website: v.website.unwrap_or_default(),
                id: v.id,
                name: v.name,
            })
            .collect(),
        can_change: user.user.role.manages_contracts(),
        q,
    };
    let mut resp = render(&page)?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}

#[derive(Template)]
#[template(path = "vendor.html", config = "src/web/askama.toml")]
struct VendorPage {
    nav: Nav,
    flash: Option<&'static str>,
    v: VendorDto,
    kind: String,
    rows: Vec<Line>,
    can_change: bool,
    /// The period of the figures, and (what, answer, resolution) rows.
    period: String,
    escalations: usize,
    figures: Vec<(&'static str, String, String)>,
    /// Assets it supplied: how many, and (tag, host name, status) of the
    /// newest.
    supplied_count: i64,
    supplied: Vec<(String, String, &'static str)>,
}

fn figures(p: &Performance) -> Vec<(&'static str, String, String)> {
    let time = |s: Option<i64>| s.map_or("–".to_owned(), |s| BusinessDuration(s).to_string());
    let share = |t: &Times| {
        t.within_target.map_or("no target".to_owned(), |w| {
            format!("{:.0}% ({} of {})", w * 100.0, t.met, t.met + t.missed)
        })
    };
    let (a, r) = (&p.response, &p.resolution);
    vec![
        (
            "Answered / resolved",
            a.count.to_string(),
            r.count.to_string(),
        ),
        (
            "Median (business time)",
            time(a.median_seconds),
            time(r.median_seconds),
        ),
        ("90th percentile", time(a.p90_seconds), time(r.p90_seconds)),
        ("Within target", share(a), share(r)),
        (
            "Open past target",
            a.open_past_target.to_string(),
            r.open_past_target.to_string(),
        ),
    ]
}

/// `GET /vendors/{id}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let (st, actor, id) = (state.clone(), user.user.clone(), path.into_inner());
    let (v, contracts, perf, supplied) = blocking(move || {
        let filter = ContractFilter {
            vendor_id: Some(id.clone()),
            ..ContractFilter::default()
        };
        Ok((
            service::vendor(&st.db, &actor, &id)?,
            service::contracts(&st.vendors, &actor, &filter)?.0,
            service::performance(&st.vendors, &actor, &id, (None, None))?,
            service::vendor_assets(&st.db, &actor, &id)?,
        ))
    })
    .await?;
    let page = VendorPage {
        nav: user.nav("vendors"),
        flash: flash::take(&req),
        kind: capitalized(v.kind.as_str()),
        rows: contracts.iter().map(line).collect(),
        can_change: user.user.role.manages_contracts(),
        period: format!("{} to {}", perf.from, perf.to),
        escalations: perf.figures.escalations,
        figures: figures(&perf.figures),
        supplied_count: supplied.0,
        supplied: supplied
            .1
            .into_iter()
            .map(|a| {
                (
                    a.tag,
                    a.hostname.unwrap_or_default(),
                    super::format::asset_status_label(a.status),
                )
            })
            .collect(),
        v,
    };
    let mut resp = render(&page)?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}
