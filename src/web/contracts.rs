//! The contracts pages: every contract, the nearest decision first, with
//! filters (`/contracts`), and one contract with its terms, costs, notice
//! deadline, history, and the notice and renewal actions
//! (`/contracts/{id}`).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::form::Problems;
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render, render_with};
use crate::error::{AppError, blocking};
use crate::http::multipart::form_field;
use crate::money::Money;
use crate::state::AppState;
use crate::vendors::domain::ContractKind;
use crate::vendors::dto::{ContractDto, Termination, VendorDto};
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
}

/// A contract in words.
pub(super) struct Line {
    id: String,
    title: String,
    vendor: String,
    kind: String,
    status: &'static str,
    status_class: &'static str,
    next: String,
    ends: String,
    annual: String,
    owner: String,
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

fn words(s: &str) -> String {
    let s = s.replace('_', " ");
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

fn money(minor: Option<i64>, currency: &Option<String>) -> String {
    Money::from_parts(minor, currency.as_deref()).map_or(String::new(), |m| m.grouped())
}

fn line(c: &ContractDto) -> Line {
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
        kind: words(c.kind.as_str()),
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
    error: Option<String>,
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
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
    let filter = ContractFilter {
        vendor_id: some(&q.vendor),
        kind: some(&q.kind).and_then(|k| k.parse::<ContractKind>().ok()),
        status: parse(&q.status, &mut error),
        owner: some(&q.owner),
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
    let rows = match rows {
        Ok(r) => r,
        Err(AppError::Validation(errs)) => {
            error = errs.first().map(|e| format!("{}: {}", e.field, e.message));
            Vec::new()
        }
        Err(e) => return Err(e.into()),
    };
    let page = ListPage {
        nav: user.nav("contracts"),
        flash: flash::take(&req),
        vendors: vendors
            .iter()
            .map(|v: &VendorDto| (v.id.clone(), v.name.clone()))
            .collect(),
        kinds: ContractKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), words(k.as_str())))
            .collect(),
        statuses: Status::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), status_words(*s).0.to_owned()))
            .collect(),
        rows: rows.iter().map(line).collect(),
        q,
        error,
    };
    let mut resp = render(&page)?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}

#[derive(Template)]
#[template(path = "contract.html", config = "src/web/askama.toml")]
struct ContractPage {
    nav: Nav,
    flash: Option<&'static str>,
    c: ContractDto,
    status: (&'static str, &'static str),
    facts: Vec<(&'static str, String)>,
    history: Vec<(String, String)>,
    can_change: bool,
    problems: Problems,
    reason: String,
    effective_on: String,
}

fn facts(c: &ContractDto) -> Vec<(&'static str, String)> {
    let mut f = vec![
        ("Vendor", c.vendor.clone()),
        ("Kind", words(c.kind.as_str())),
    ];
    let mut push = |k: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            f.push((k, v));
        }
    };
    push("Reference", c.reference.clone());
    push("Owner", c.owner_email.clone());
    push("Starts", c.starts_on.map(|d| d.to_string()));
    push(
        "Ends",
        Some(c.ends_on.map_or("open-ended".into(), |d| d.to_string())),
    );
    push(
        "Renews",
        c.auto_renew.then(|| {
            format!(
                "automatically, for {} months",
                c.renewal_months.unwrap_or(0)
            )
        }),
    );
    push(
        "Notice",
        match (c.notice_months, c.notice_days) {
            (Some(m), _) => Some(format!("{m} months")),
            (None, Some(d)) => Some(format!("{d} days")),
            _ => None,
        },
    );
    push("Notice deadline", c.notice_deadline.map(|d| d.to_string()));
    push(
        "Billed",
        c.billing.map(|b| {
            format!(
                "{} {}",
                money(c.amount_minor, &c.currency),
                words(b.as_str()).to_lowercase()
            )
        }),
    );
    push("A year", Some(money(c.annual_cost_minor, &c.currency)));
    push(
        "Over the term",
        Some(money(c.total_contract_value_minor, &c.currency)),
    );
    push(
        "Notice given",
        c.terminates_on.map(|t| {
            format!(
                "ends {t}: {}",
                c.termination_reason.clone().unwrap_or_default()
            )
        }),
    );
    f
}

async fn contract_page(
    state: web::Data<AppState>,
    user: WebUser,
    id: String,
    flash: Option<&'static str>,
    (problems, reason, effective_on): (Problems, String, String),
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let (st, actor) = (state.clone(), user.user.clone());
    let (c, history) = blocking(move || {
        Ok((
            service::contract(&st.vendors, &actor, &id)?,
            service::contract_history(&st.vendors, &actor, &id)?,
        ))
    })
    .await?;
    let status = if problems.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(
        status,
        &ContractPage {
            nav: user.nav("contracts"),
            flash,
            status: status_words(c.status),
            facts: facts(&c),
            history: history
                .into_iter()
                .map(|e| {
                    (
                        super::format::when(e.occurred_at),
                        e.action.replace('_', " "),
                    )
                })
                .collect(),
            can_change: user.user.role.manages_contracts(),
            effective_on: if effective_on.is_empty() {
                c.ends_on.map_or(String::new(), |d| d.to_string())
            } else {
                effective_on
            },
            c,
            problems,
            reason,
        },
    )
}

/// `GET /contracts/{id}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let none = (Problems::default(), String::new(), String::new());
    let mut resp = contract_page(state, user, path.into_inner(), flash::take(&req), none).await?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}

/// `POST /contracts/{id}/terminate`: notice given, or refused beside the
/// field with the input kept.
pub async fn terminate(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    let id = path.into_inner();
    let (reason, day) = (
        form_field(&form, "reason"),
        form_field(&form, "effective_on"),
    );
    let Ok(effective_on) = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d") else {
        let p = Problems::field("effective_on", "a date such as 2027-03-31");
        return contract_page(state, user, id, None, (p, reason, day)).await;
    };
    let input = Termination {
        effective_on,
        reason: reason.clone(),
    };
    let (st, actor, cid) = (state.clone(), user.user.clone(), id.clone());
    let done = blocking(move || {
        Ok(service::terminate(
            &st.vendors,
            &actor,
            &cid,
            &input,
            crate::ids::now(),
        ))
    })
    .await?;
    match done {
        Ok(_) => Ok(flash::redirect(
            &format!("/contracts/{}", url_encode(&id)),
            "contract_terminated",
        )),
        Err(e) => match Problems::of_error(&e) {
            Some(p) => contract_page(state, user, id, None, (p, reason, day)).await,
            None => Err(e.into()),
        },
    }
}

/// `POST /contracts/{id}/renew`.
pub async fn renew(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    let id = path.into_inner();
    let (st, actor, cid) = (state.clone(), user.user.clone(), id.clone());
    blocking(move || service::renew(&st.vendors, &actor, &cid, crate::ids::now())).await?;
    Ok(flash::redirect(
        &format!("/contracts/{}", url_encode(&id)),
        "contract_renewed",
    ))
}
