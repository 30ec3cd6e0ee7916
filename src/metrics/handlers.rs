//! `/api/v1/reports/monthly/{YYYY-MM}`: the monthly report in any of its
//! formats, served from the frozen month unless `live=true`.

use actix_web::{HttpResponse, http::header, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::Metrics;
use super::month::Month;
use super::render::{ReportFormat, render};
use super::report::Report;
use crate::auth::Role;
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::export::{Format, Progress};
use crate::http::{ApiJson, ApiQuery};
use crate::ids;

/// Registers the routes under `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/reports/monthly/{month}").route(web::get().to(monthly)))
        .service(web::resource("/tickets/export").route(web::get().to(export_tickets)))
        .service(web::resource("/reports/monthly/{month}/freeze").route(web::post().to(freeze)));
}

/// `?format=&live=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    /// `json` (default), `html`, `csv` or `xlsx`.
    pub format: Option<String>,
    /// `true`: compute the figures now even when the month is frozen.
    pub live: Option<bool>,
}

/// A month's report: every figure nested by section (JSON), one row per
/// figure (CSV), a sheet per section (XLSX) or the printable page (HTML).
/// A frozen month serves its frozen figures (`frozen: true`) unless
/// `live=true`. Staff and viewers.
#[utoipa::path(get, path = "/api/v1/reports/monthly/{month}", tag = "reports",
    params(("month" = String, Path, description = "YYYY-MM"), ReportParams),
    responses((status = 200, body = Report), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn monthly(
    state: web::Data<Metrics>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    query: ApiQuery<ReportParams>,
) -> Result<HttpResponse, AppError> {
    let month = Month::parse(&path.into_inner()).map_err(|e| AppError::invalid("month", e))?;
    let format = match query.0.format.as_deref() {
        None => ReportFormat::Json,
        Some(f) => ReportFormat::parse_name(f).map_err(|e| AppError::invalid("format", e))?,
    };
    let live = query.0.live.unwrap_or(false);
    let body = blocking(move || {
        let report = state.monthly(&actor, month, live, ids::now())?;
        render(&report, format)
    })
    .await?;
    let mut res = HttpResponse::Ok();
    res.content_type(format.content_type());
    if matches!(format, ReportFormat::Csv | ReportFormat::Xlsx) {
        res.insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"itdesk-report-{month}.{format}\""),
        ));
    }
    Ok(res.body(body))
}

/// `{"refreeze": true}` to replace a frozen month's figures.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FreezeRequest {
    /// Replace the figures of a month frozen already (admins).
    #[serde(default)]
    pub refreeze: bool,
}

/// Freeze a month that has ended: its figures as computed now are stored
/// and served from then on (201 with the report). Coordinators and admins;
/// 409 `already_frozen` unless `refreeze` (admins only, recorded in the
/// month's history); 409 `month_not_over` for the running month.
#[utoipa::path(post, path = "/api/v1/reports/monthly/{month}/freeze", tag = "reports",
    params(("month" = String, Path, description = "YYYY-MM")),
    request_body = FreezeRequest,
    responses((status = 201, body = Report), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("token" = [])))]
pub async fn freeze(
    state: web::Data<Metrics>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<FreezeRequest>,
) -> Result<HttpResponse, AppError> {
    if !matches!(actor.role, Role::Coordinator | Role::Admin) {
        return Err(AppError::Forbidden(
            "freezing a month is for coordinators and admins".into(),
        ));
    }
    let month = Month::parse(&path.into_inner()).map_err(|e| AppError::invalid("month", e))?;
    let refreeze = body.value.refreeze;
    let report = blocking(move || state.freeze(Some(&actor), month, refreeze, ids::now())).await?;
    Ok(HttpResponse::Created().json(report))
}

/// `?from=&to=&format=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    /// The first day, YYYY-MM-DD in the report's zone (default: the first
    /// ticket).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<chrono::NaiveDate>,
    /// The last day, included (default: now).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<chrono::NaiveDate>,
    /// `csv` (default), `json` or `xlsx`.
    pub format: Option<String>,
}

/// One row per ticket the period touches, with what recomputes the
/// monthly ticket figures (columns in `schema/tickets-export.md`). Staff
/// and viewers.
#[utoipa::path(get, path = "/api/v1/tickets/export", tag = "reports", params(ExportParams),
    responses((status = 200, description = "The file", content_type = "text/csv"),
        (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn export_tickets(
    state: web::Data<Metrics>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<ExportParams>,
) -> Result<HttpResponse, AppError> {
    super::service::may_read(&actor)?;
    let q = query.0;
    let format = match q.format.as_deref() {
        None => Format::Csv,
        Some(f) => Format::parse_name(f).map_err(|e| AppError::invalid("format", e))?,
    };
    let body = blocking(move || {
        let period = state.period(q.from, q.to, ids::now())?;
        let mut out = Vec::new();
        state.export_tickets(period, format, &mut out, &Progress::hidden())?;
        Ok::<_, AppError>(out)
    })
    .await?;
    Ok(format.download("tickets", body))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(monthly, freeze, export_tickets))]
pub struct Api;
