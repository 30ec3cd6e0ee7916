//! The contracts list: every contract, the nearest decision first, with
//! filters (`/contracts`). One contract is in [`super::contract`].

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::format::capitalized;
use super::pages::{page_number, some};
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render};
use crate::error::{AppError, blocking};
use crate::money::Money;
use crate::state::AppState;
use crate::vendors::domain::ContractKind;
use crate::vendors::dto::{ContractDto, VendorDto};
use crate::vendors::service::{self, ContractFilter};
use crate::vendors::terms::Status;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    vendor: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    owner: String,
    /// 1, 2, …; anything else is the first page.
    #[serde(default)]
    page: String,
}

const PAGE: i64 = 50;

fn link(q: &ListQuery, page: i64) -> String {
    format!(
        "/contracts?vendor={}&kind={}&status={}&owner={}&page={page}",
        url_encode(&q.vendor),
        url_encode(&q.kind),
        url_encode(&q.status),
        url_encode(&q.owner)
    )
}

/// A contract in words.
pub(super) struct Line {
    pub id: String,
    pub title: String,
    pub vendor: String,
    pub kind: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub next: String,
    pub ends: String,
    pub annual: String,
    pub owner: String,
}

pub(super) fn status_words(s: Status) -> (&'static str, &'static str) {
    match s {
        Status::Draft => ("Draft", "muted"),
        Status::Active => ("Active", "sla-running"),
        Status::NoticeDue => ("Decide on renewal", "sla-at_risk"),
        Status::Expiring => ("Ending", "sla-at_risk"),
        Status::Expired => ("Expired", "sla-breached"),
        Status::Renewed => ("Renewed", "sla-running"),
        Status::Terminated => ("Terminated", "muted"),
    }
}

pub(super) fn money(minor: Option<i64>, currency: &Option<String>) -> String {
    Money::from_parts(minor, currency.as_deref()).map_or(String::new(), |m| m.grouped())
}

pub(super) fn line(c: &ContractDto) -> Line {
    let (status, status_class) = status_words(c.status);
    let next = match (c.auto_renew, c.notice_deadline, c.terminates_on) {
        (_, _, Some(t)) => format!("ends {t} (notice given)"),
        (true, Some(d), None) => format!("notice by {d}"),
        _ => c.ends_on.map_or(String::new(), |e| format!("ends {e}")),
    };
    Line {
        id: c.id.clone(),
        title: c.title.clone(),
        vendor: c.vendor.clone(),
        kind: capitalized(c.kind.as_str()),
        status,
        status_class,
        next,
        ends: c.ends_on.map_or("open-ended".into(), |e| e.to_string()),
        annual: money(c.annual_cost_minor, &c.currency),
        owner: c.owner_email.clone().unwrap_or_default(),
    }
}

type Options = Vec<(String, String)>;

#[derive(Template)]
#[template(path = "contracts.html", config = "src/web/askama.toml")]
struct ListPage {
    nav: Nav,
    flash: Option<&'static str>,
    q: ListQuery,
    vendors: Options,
    kinds: Options,
    statuses: Options,
    rows: Vec<Line>,
    /// How many match, and the positions of the first and last shown.
    total: i64,
    first: i64,
    last: i64,
    /// Links to the pages before and after, with the filters kept.
    previous: Option<String>,
    next: Option<String>,
    error: Option<String>,
    can_change: bool,
}

/// `GET /contracts`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let q = query.into_inner();
    let mut error = None;
    let parse = |s: &str, error: &mut Option<String>| -> Option<Status> {
        some(s).and_then(|s| {
            s.parse()
                .map_err(|e: crate::db::text_enum::UnknownVariant| *error = Some(e.to_string()))
                .ok()
        })
    };
    let page = page_number(&q.page);
    let filter = ContractFilter {
        vendor_id: some(&q.vendor),
        kind: some(&q.kind).and_then(|k| k.parse::<ContractKind>().ok()),
        status: parse(&q.status, &mut error),
        owner: some(&q.owner),
        limit: Some(PAGE),
        offset: (page - 1) * PAGE,
    };
    let (st, actor) = (state.clone(), user.user.clone());
    let found = blocking(move || {
        Ok((
            service::contracts(&st.vendors, &actor, &filter),
            service::vendors(&st.db, &actor, None, None)?,
        ))
    })
    .await?;
    let (rows, vendors) = found;
    let (rows, total) = match rows {
        Ok(r) => r,
        Err(AppError::Validation(errs)) => {
            error = errs.first().map(|e| format!("{}: {}", e.field, e.message));
            (Vec::new(), 0)
        }
        Err(e) => return Err(e.into()),
    };
    let view = ListPage {
        nav: user.nav("contracts"),
        flash: flash::take(&req),
        vendors: vendors
            .iter()
            .map(|v: &VendorDto| (v.id.clone(), v.name.clone()))
            .collect(),
        kinds: ContractKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), capitalized(k.as_str())))
            .collect(),
        statuses: Status::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), status_words(*s).0.to_owned()))
            .collect(),
        rows: rows.iter().map(line).collect(),
        total,
        first: (page - 1) * PAGE + 1,
        last: (page - 1) * PAGE + rows.len() as i64,
        previous: (page > 1).then(|| link(&q, page - 1)),
        next: (page * PAGE < total).then(|| link(&q, page + 1)),
        q,
        error,
        can_change: user.user.role.manages_contracts(),
    };
    let mut resp = render(&view)?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}
