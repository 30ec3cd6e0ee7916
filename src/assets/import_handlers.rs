//! Imports over the API, for scripts that push a nightly export: the same
//! run as `itdesk import assets` and the import page, with its report.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::Assets;
use super::import::{self, Report, Request};
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::multipart::{form_field, read_uploads};
use crate::ids;

/// One import run, briefly.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportRunDto {
    pub id: String,
    pub at: DateTime<Utc>,
    pub profile: String,
    pub file_name: String,
    pub dry_run: bool,
    /// Whether it wrote anything.
    pub applied: bool,
    pub rows: i32,
    pub created: i32,
    pub updated: i32,
    pub rejected: i32,
}

/// A yes/no part: absent or empty is no; anything unclear is refused
/// rather than read as no (a dry run must not become a real import).
fn flag(name: &str, v: &str) -> Result<bool, AppError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" | "off" => Ok(false),
        "1" | "true" | "yes" | "on" => Ok(true),
        other => Err(AppError::invalid(
            name,
            format!("{other:?} is not true or false"),
        )),
    }
}

/// Which request field a refusal of [`Request::options`] is about.
fn field_of(message: &str) -> &'static str {
    if message.starts_with("currency") {
        "currency"
    } else if message.starts_with("mapping") || message.contains("--mapping") {
        "mapping"
    } else if message.starts_with("date order") {
        "date_order"
    } else {
        "profile"
    }
}

/// Import assets from a CSV export. Multipart parts: `file` (the CSV),
/// `profile` (intune, intune-apps, snipeit or generic), and optionally
/// `mapping` (the generic profile's TOML), `currency`, `date_order` (mdy,
/// dmy, ymd), `dry_run`, `partial` (`true`). The run is kept and answered
/// with its report — rejected rows included, `applied` saying whether
/// anything was written (all or nothing unless `partial`).
#[utoipa::path(post, path = "/api/v1/assets/imports", tag = "assets",
    request_body(content_type = "multipart/form-data", description = "`file`, `profile`, and optionally `mapping`, `currency`, `date_order`, `dry_run`, `partial`"),
    responses((status = 201, body = Report), (status = 403, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, description = "The file cannot be read at all (encoding, header, quote), or the profile, mapping, currency or date order is wrong", body = Problem)),
    security(("token" = [])))]
pub async fn create(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    if !actor.role.manages_assets() {
        return Err(AppError::Forbidden(
            "only asset managers and admins import assets".into(),
        ));
    }
    let max = state.settings.import_max_bytes;
    let (files, fields) = read_uploads(&req, payload, max, 2).await?;
    let field = |name: &str| form_field(&fields, name);
    // The mapping may come as text or as an uploaded file.
    let mut mapping = field("mapping");
    let mut file = None;
    for f in files {
        match f.part.as_str() {
            "file" => file = Some(f),
            "mapping" => {
                mapping = String::from_utf8(f.bytes)
                    .map_err(|_| AppError::invalid("mapping", "the mapping is not UTF-8 text"))?
            }
            other => {
                return Err(AppError::invalid(
                    other,
                    "unexpected file part: send the CSV as `file` (and a mapping as `mapping`)",
                ));
            }
        }
    }
    let file = file
        .filter(|f| !f.bytes.is_empty())
        .ok_or_else(|| AppError::invalid("file", "attach the CSV file as the part `file`"))?;
    if field("profile").trim().is_empty() {
        return Err(AppError::invalid(
            "profile",
            format!("name the profile: {}", import::BUILT_IN.join(", ")),
        ));
    }
    let request = Request {
        profile: field("profile").trim().to_owned(),
        mapping: Some(mapping),
        currency: Some(field("currency")),
        date_order: Some(field("date_order")),
        dry_run: flag("dry_run", &field("dry_run"))?,
        partial: flag("partial", &field("partial"))?,
        file_name: file.filename.clone(),
    };
    let opts = request
        .options(&state)
        .map_err(|e| AppError::invalid(field_of(&e), e))?;
    let report = blocking(move || {
        import::run(
            &state.db,
            Some(&actor),
            &file.bytes,
            &opts,
            ids::now(),
            &mut |_, _| {},
        )
        .map_err(|e| match e {
            import::ImportError::File(msg) => AppError::invalid("file", msg),
            import::ImportError::App(e) => e,
        })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/assets/imports/{}", report.id),
        ))
        .json(report))
}

/// The latest import runs, newest first (at most 100).
#[utoipa::path(get, path = "/api/v1/assets/imports", tag = "assets",
    responses((status = 200, body = Vec<ImportRunDto>), (status = 403, body = Problem)),
    security(("token" = [])))]
pub async fn list(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<ImportRunDto>>, AppError> {
    let runs = blocking(move || import::recent(&state.db, &actor, 100)).await?;
    Ok(web::Json(
        runs.into_iter()
            .map(|r| ImportRunDto {
                id: r.id,
                at: ids::utc(r.created_at),
                profile: r.profile,
                file_name: r.file_name,
                dry_run: r.dry_run,
                applied: r.applied,
                rows: r.rows,
                created: r.created,
                updated: r.updated,
                rejected: r.rejected,
            })
            .collect(),
    ))
}

/// One import run's whole report.
#[utoipa::path(get, path = "/api/v1/assets/imports/{id}", tag = "assets",
    params(("id" = String, Path, description = "Import id")),
    responses((status = 200, body = Report), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn show(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<Report>, AppError> {
    let id = path.into_inner();
    let (report, _) = blocking(move || import::stored_report(&state.db, &actor, &id)).await?;
    Ok(web::Json(report))
}
