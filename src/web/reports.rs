//! The monthly report in the pages: `/reports/monthly/{YYYY-MM}` with a
//! month picker, the way to the month before and after, its downloads,
//! the printable page, and freezing (coordinators and admins; refreezing:
//! admins).

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::session::Nav;
use super::{PageError, WebUser, flash, render};
use crate::auth::Role;
use crate::error::{AppError, blocking};
use crate::export::Format;
use crate::metrics::html::month_name;
use crate::metrics::month::Month;
use crate::metrics::page::{body, render as printable};
use crate::metrics::render::{ReportFormat, render as file};
use crate::state::AppState;

/// What the printable page may load: its own inline styles and images.
const PRINT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

#[derive(Template)]
#[template(path = "report.html", config = "src/web/askama.toml")]
struct ReportPage {
    nav: Nav,
    flash: Option<&'static str>,
    month: String,
    name: String,
    /// The picker's value and what is wrong with it.
    picked: String,
    error: Option<String>,
    latest: String,
    previous: (String, String),
    next: Option<(String, String)>,
    frozen: bool,
    live: bool,
    can_freeze: bool,
    can_refreeze: bool,
    body: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    live: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct PickQuery {
    #[serde(default)]
    month: String,
}

fn staff(user: &WebUser) -> Result<(), PageError> {
    crate::metrics::service::may_read(&user.user).map_err(PageError::from)
}

fn month_of(text: &str) -> Result<Month, PageError> {
    Month::parse(text).map_err(|e| PageError::from(AppError::NotFound(format!("report: {e}"))))
}

/// `GET /reports`: last month's report.
pub async fn latest(state: web::Data<AppState>, user: WebUser) -> Result<HttpResponse, PageError> {
    staff(&user)?;
    let month = state.metrics.current_month(crate::ids::now()).previous();
    Ok(see_other(&format!("/reports/monthly/{month}")))
}

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_owned()))
        .finish()
}

/// `GET /reports/monthly?month=`: the picker; a month it cannot read
/// shows last month's report with the picker saying what is wrong.
pub async fn pick(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<PickQuery>,
) -> Result<HttpResponse, PageError> {
    staff(&user)?;
    let text = query.into_inner().month;
    let now = crate::ids::now();
    match Month::parse(&text) {
        Ok(m) if m <= state.metrics.current_month(now) => {
            Ok(see_other(&format!("/reports/monthly/{m}")))
        }
        Ok(m) => {
            let error = format!(
                "{m} has not begun; pick {} or earlier",
                state.metrics.current_month(now)
            );
            page(req, state, user, None, false, (text, Some(error))).await
        }
        Err(e) => page(req, state, user, None, false, (text, Some(e))).await,
    }
}

/// `GET /reports/monthly/{month}[?live=true]`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, PageError> {
    staff(&user)?;
    let month = month_of(&path.into_inner())?;
    page(
        req,
        state,
        user,
        Some(month),
        query.live,
        (month.to_string(), None),
    )
    .await
}

async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    month: Option<Month>,
    live: bool,
    (picked, error): (String, Option<String>),
) -> Result<HttpResponse, PageError> {
    let now = crate::ids::now();
    let current = state.metrics.current_month(now);
    let month = month.unwrap_or(current.previous());
    let report = month_report(&state, &user, month, live).await?;
    let role = user.user.role;
    let page = ReportPage {
        nav: user.nav("reports"),
        flash: flash::take(&req),
        month: month.to_string(),
        name: month_name(month),
        picked,
        error,
        latest: current.to_string(),
        previous: (month.previous().to_string(), month_name(month.previous())),
        next: (month < current).then(|| (month.next().to_string(), month_name(month.next()))),
        frozen: report.frozen,
        live,
        can_freeze: matches!(role, Role::Coordinator | Role::Admin)
            && month < current
            && !report.frozen
            && !live,
        can_refreeze: role == Role::Admin && month < current && (report.frozen || live),
        body: body(&report, &mut |svg| svg),
    };
    let mut resp = render(&page)?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}

/// A month's report for this reader, off the request threads.
async fn month_report(
    state: &web::Data<AppState>,
    user: &WebUser,
    month: Month,
    live: bool,
) -> Result<crate::metrics::report::Report, PageError> {
    let (st, actor) = (state.clone(), user.user.clone());
    Ok(blocking(move || st.metrics.monthly(&actor, month, live, crate::ids::now())).await?)
}

#[derive(Debug, Default, Deserialize)]
pub struct DownloadQuery {
    #[serde(default)]
    format: String,
    #[serde(default)]
    live: bool,
}

/// `GET /reports/monthly/{month}/download?format=csv|xlsx|json`.
pub async fn download(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<DownloadQuery>,
) -> Result<HttpResponse, PageError> {
    staff(&user)?;
    let month = month_of(&path.into_inner())?;
    let q = query.into_inner();
    let format = Format::parse_name(&q.format).map_err(|e| AppError::invalid("format", e))?;
    let as_report = match format {
        Format::Csv => ReportFormat::Csv,
        Format::Json => ReportFormat::Json,
        Format::Xlsx => ReportFormat::Xlsx,
    };
    let r = month_report(&state, &user, month, q.live).await?;
    let bytes = blocking(move || file(&r, as_report)).await?;
    Ok(format.download(&format!("itdesk-report-{month}"), bytes))
}

/// `GET /reports/monthly/{month}/print`: the standalone page to print.
pub async fn print(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, PageError> {
    staff(&user)?;
    let month = month_of(&path.into_inner())?;
    let r = month_report(&state, &user, month, query.live).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", PRINT_CSP))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(printable(&r)))
}

/// `POST /reports/monthly/{month}/freeze` (`refreeze=1` for admins).
pub async fn freeze(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&crate::http::multipart::form_field(&form, "csrf"))?;
    if !matches!(user.user.role, Role::Coordinator | Role::Admin) {
        return Err(
            AppError::Forbidden("freezing a month is for coordinators and admins".into()).into(),
        );
    }
    let month = month_of(&path.into_inner())?;
    let refreeze = crate::http::multipart::form_field(&form, "refreeze") == "1";
    let actor = user.user.clone();
    blocking(move || {
        state
            .metrics
            .freeze(Some(&actor), month, refreeze, crate::ids::now())
    })
    .await?;
    let code = if refreeze {
        "report_refrozen"
    } else {
        "report_frozen"
    };
    Ok(flash::redirect(&format!("/reports/monthly/{month}"), code))
}
