//! `/api/v1/directory/sync` and `/api/v1/directory/syncs` (admins).

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::People;
use super::sync::{self, Trigger};
use super::sync_report::{self, SyncLine, SyncReport};
use crate::auth::User;
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::{ApiJson, ApiQuery};

/// Registers the directory sync routes under `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/directory/sync").route(web::post().to(start)))
        .service(web::resource("/directory/syncs").route(web::get().to(list)))
        .service(web::resource("/directory/syncs/{id}").route(web::get().to(show)));
}

/// Only admins sync people or read the runs.
pub fn may_sync(actor: &User) -> Result<(), AppError> {
    if actor.role.administers() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only admins sync people from the directory".into(),
        ))
    }
}

/// What to run.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// Say what would change, change nothing (default false).
    #[serde(default)]
    pub dry_run: bool,
}

/// Sync people from the directory now (admins): the run, with every person
/// it created, updated, deactivated or skipped. 502 when the directory
/// does not answer, 409 when it is not configured or refuses; the run is
/// kept either way.
#[utoipa::path(post, path = "/api/v1/directory/sync", tag = "people", request_body = SyncRequest,
    responses((status = 200, body = SyncReport), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 502, body = Problem)),
    security(("token" = [])))]
pub async fn start(
    people: web::Data<People>,
    ApiUser(actor): ApiUser,
    body: ApiJson<SyncRequest>,
) -> Result<web::Json<SyncReport>, AppError> {
    may_sync(&actor)?;
    let dry_run = body.value.dry_run;
    let report = blocking(move || {
        sync::run(
            &people,
            Trigger {
                started_by: "api",
                actor_id: Some(&actor.id),
                dry_run,
            },
        )
    })
    .await?;
    Ok(web::Json(report))
}

/// `?limit=` (1 to 100, default 20).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SyncsParams {
    pub limit: Option<i64>,
}

/// The latest sync runs, newest first (admins); each with its lines.
#[utoipa::path(get, path = "/api/v1/directory/syncs", tag = "people", params(SyncsParams),
    responses((status = 200, body = Vec<SyncReport>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn list(
    people: web::Data<People>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<SyncsParams>,
) -> Result<HttpResponse, AppError> {
    may_sync(&actor)?;
    let limit = match query.0.limit {
        None => 20,
        Some(n @ 1..=100) => n,
        Some(_) => return Err(AppError::invalid("limit", "1 to 100")),
    };
    let runs = blocking(move || people.db.read(|conn| sync_report::latest(conn, limit))).await?;
    Ok(HttpResponse::Ok().json(runs))
}

/// One sync run (admins).
#[utoipa::path(get, path = "/api/v1/directory/syncs/{id}", tag = "people",
    params(("id" = String, Path, description = "The run's id")),
    responses((status = 200, body = SyncReport), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn show(
    people: web::Data<People>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<SyncReport>, AppError> {
    may_sync(&actor)?;
    let id = path.into_inner();
    let run = blocking(move || people.db.read(|conn| sync_report::find(conn, &id))).await?;
    run.map(web::Json)
        .ok_or_else(|| AppError::NotFound("directory sync run".into()))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(start, list, show),
    components(schemas(SyncRequest, SyncReport, SyncLine))
)]
pub struct Api;
