//! `/api/v1/licenses/audit` (the audit export as a file) and
//! `/api/v1/licenses/audits` (frozen audits, returned byte for byte).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;

use super::Licenses;
use super::dto::{FrozenAuditDto, NewAudit};
use super::service::{
    self,
    audit_file::{AuditRequest, Sheet},
};
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::export::Format;
use crate::http::{ApiJson, ApiQuery};
use crate::ids;

/// Registers the routes under `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/licenses/audit").route(web::get().to(audit)))
        .service(
            web::resource("/licenses/audits")
                .route(web::post().to(freeze))
                .route(web::get().to(audits)),
        )
        .service(web::resource("/licenses/audits/{id}").route(web::get().to(frozen)));
}

/// `?as_of=&format=&sheet=&products=`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// YYYY-MM-DD (default today).
    pub as_of: Option<NaiveDate>,
    /// xlsx (default), csv or json.
    pub format: Option<String>,
    /// CSV only: summary, evidence (default) or entitlements.
    pub sheet: Option<String>,
    /// Comma-separated product ids (default all).
    pub products: Option<String>,
}

fn format_and_sheet(p: &AuditParams) -> Result<(Format, Option<Sheet>), AppError> {
    service::audit_file::format_and_sheet(p.format.as_deref(), p.sheet.as_deref())
}

/// The audit export on a day: XLSX with sheets Summary, Evidence and
/// Entitlements; CSV of one sheet; JSON of all three.
#[utoipa::path(get, path = "/api/v1/licenses/audit", tag = "licenses", params(AuditParams),
    responses((status = 200, description = "The file",
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn audit(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<AuditParams>,
) -> Result<HttpResponse, AppError> {
    let p = query.0;
    let (format, sheet) = format_and_sheet(&p)?;
    let req = AuditRequest {
        as_of: p.as_of,
        products: p
            .products
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        format,
        sheet,
    };
    let (day, body) = blocking(move || {
        let mut out = Vec::new();
        let day = service::audit_file::write_audit(&state, &actor, &req, &mut out)?;
        Ok((day, out))
    })
    .await?;
    Ok(format.download(&format!("license-audit-{day}"), body))
}

/// Freeze the audit as it stands: every format is stored with its SHA-256.
#[utoipa::path(post, path = "/api/v1/licenses/audits", tag = "licenses", request_body = NewAudit,
    responses((status = 201, body = FrozenAuditDto), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn freeze(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    body: ApiJson<NewAudit>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let a =
        blocking(move || service::freeze(&state, &actor, input.as_of, input.products, ids::now()))
            .await?;
    Ok(HttpResponse::Created().json(a))
}

/// The frozen audits, newest first.
#[utoipa::path(get, path = "/api/v1/licenses/audits", tag = "licenses",
    responses((status = 200, body = Vec<FrozenAuditDto>)), security(("token" = [])))]
pub async fn audits(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<FrozenAuditDto>>, AppError> {
    let rows = blocking(move || service::frozen_audits(&state, &actor)).await?;
    Ok(web::Json(rows))
}

/// A frozen audit's file, exactly the bytes stored (`ETag` is their SHA-256).
#[utoipa::path(get, path = "/api/v1/licenses/audits/{id}", tag = "licenses",
    params(("id" = String, Path, description = "Audit id"),
        ("format" = Option<String>, Query, description = "xlsx (default), csv or json"),
        ("sheet" = Option<String>, Query, description = "CSV: summary, evidence (default) or entitlements")),
    responses((status = 200, description = "The stored file"), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn frozen(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    query: ApiQuery<AuditParams>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (format, sheet) = format_and_sheet(&query.0)?;
    let name = id.clone();
    let (_, sha, bytes) =
        blocking(move || service::frozen_file(&state, &actor, &id, format, sheet)).await?;
    let mut resp = format.download(&format!("license-audit-{name}"), bytes);
    if let Ok(v) = header::HeaderValue::from_str(&format!("\"{sha}\"")) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    Ok(resp)
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(audit, freeze, audits, frozen))]
pub struct Api;
