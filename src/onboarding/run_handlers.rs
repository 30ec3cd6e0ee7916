//! `/api/v1/onboarding/runs`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::Onboarding;
use super::domain::{RunKind, RunStatus};
use super::dto::{Revealed, RunEvent, RunFilter, RunRequest, RunView};
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::{ApiJson, ApiQuery, paging};

/// Registers the run routes under `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/onboarding/runs")
            .route(web::post().to(create))
            .route(web::get().to(list)),
    )
    .service(web::resource("/onboarding/runs/{id}").route(web::get().to(show)))
    .service(web::resource("/onboarding/runs/{id}/history").route(web::get().to(history)))
    .service(web::resource("/onboarding/runs/{id}/approve").route(web::post().to(approve)))
    .service(web::resource("/onboarding/runs/{id}/retry").route(web::post().to(retry)))
    .service(web::resource("/onboarding/runs/{id}/revert").route(web::post().to(revert)))
    .service(web::resource("/onboarding/runs/{id}/reveal-password").route(web::post().to(reveal)));
}

/// `?status=&kind=&person=&limit=&offset=`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RunParams {
    /// planned, approved, running, done, failed or reverted.
    #[param(value_type = Option<String>)]
    pub status: Option<RunStatus>,
    /// onboard, offboard or move.
    #[param(value_type = Option<String>)]
    pub kind: Option<RunKind>,
    /// The person's id.
    pub person: Option<String>,
    /// At most this many, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// Skip this many first (default 0).
    pub offset: Option<i64>,
}

/// Plan a run (coordinators and admins): every step with the exact change
/// it will make; nothing changes until it is approved. The directory is
/// read for a free account name (502 when it does not answer).
#[utoipa::path(post, path = "/api/v1/onboarding/runs", tag = "onboarding",
    request_body = RunRequest,
    responses((status = 201, body = RunView), (status = 403, body = Problem),
        (status = 422, body = Problem), (status = 502, body = Problem)),
    security(("token" = [])))]
pub async fn create(
    ob: web::Data<Onboarding>,
    ApiUser(actor): ApiUser,
    body: ApiJson<RunRequest>,
) -> Result<HttpResponse, AppError> {
    let req = body.value;
    let run = blocking(move || super::runs::plan_run(&ob, &actor, &req)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/onboarding/runs/{}", run.id)))
        .json(run))
}

/// Runs, newest first (staff), without their steps: `X-Total-Count` says
/// how many match and `Link` points at the pages around.
#[utoipa::path(get, path = "/api/v1/onboarding/runs", tag = "onboarding", params(RunParams),
    responses((status = 200, body = Vec<RunView>,
        headers(("X-Total-Count" = i64, description = "How many runs match"),
                ("Link" = String, description = "first, prev, next and last pages"))),
        (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn list(
    req: HttpRequest,
    ob: web::Data<Onboarding>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<RunParams>,
) -> Result<HttpResponse, AppError> {
    let p = query.0;
    let window = paging::window(p.limit, p.offset)?;
    let q = RunFilter {
        status: p.status,
        kind: p.kind,
        person_id: p.person,
    };
    let (rows, total) = blocking(move || super::list(&ob, &actor, &q, window)).await?;
    let mut resp = HttpResponse::Ok();
    paging::headers(&mut resp, &req, total, window);
    Ok(resp.json(rows))
}

/// One run: its plan and each step with its status, result and error
/// (staff). Reading it never uses up the password.
#[utoipa::path(get, path = "/api/v1/onboarding/runs/{id}", tag = "onboarding",
    params(("id" = String, Path, description = "The run's id")),
    responses((status = 200, body = RunView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn show(
    ob: web::Data<Onboarding>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<RunView>, AppError> {
    on_run(ob, actor, path, super::get).await
}

/// A run's history, oldest first: planned, approved, each step done,
/// waiting or failed, retried, reverted, the password revealed (staff).
#[utoipa::path(get, path = "/api/v1/onboarding/runs/{id}/history", tag = "onboarding",
    params(("id" = String, Path, description = "The run's id")),
    responses((status = 200, body = Vec<RunEvent>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn history(
    ob: web::Data<Onboarding>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<RunEvent>>, AppError> {
    let id = path.into_inner();
    Ok(web::Json(
        blocking(move || super::events(&ob, &actor, &id)).await?,
    ))
}

/// Approve a planned run (coordinators and admins): its steps run as jobs
/// on the effective day (at once when it has come). 409 `not_planned`.
#[utoipa::path(post, path = "/api/v1/onboarding/runs/{id}/approve", tag = "onboarding",
    params(("id" = String, Path, description = "The run's id")),
    responses((status = 200, body = RunView), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("token" = [])))]
pub async fn approve(
    ob: web::Data<Onboarding>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<RunView>, AppError> {
    on_run(ob, actor, path, super::approve).await
}

/// Resume a failed run from its failed step (coordinators and admins).
/// 409 `not_failed`.
#[utoipa::path(post, path = "/api/v1/onboarding/runs/{id}/retry", tag = "onboarding",
    params(("id" = String, Path, description = "The run's id")),
    responses((status = 200, body = RunView), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("token" = [])))]
pub async fn retry(
    ob: web::Data<Onboarding>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<RunView>, AppError> {
    on_run(ob, actor, path, super::retry).await
}

/// Take back a done or failed offboarding (coordinators and admins): the
/// account enabled, back where it was and in its groups, the person
/// active. 409 `not_revertible`; 502 when the directory does not answer.
#[utoipa::path(post, path = "/api/v1/onboarding/runs/{id}/revert", tag = "onboarding",
    params(("id" = String, Path, description = "The run's id")),
    responses((status = 200, body = RunView), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 502, body = Problem)),
    security(("token" = [])))]
pub async fn revert(
    ob: web::Data<Onboarding>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<RunView>, AppError> {
    on_run(ob, actor, path, super::revert).await
}

/// The initial password, once, to the approver; wiped as it is shown:
/// 410 afterwards, 409 `password_not_set` before its step ran.
#[utoipa::path(post, path = "/api/v1/onboarding/runs/{id}/reveal-password", tag = "onboarding",
    params(("id" = String, Path, description = "The run's id")),
    responses((status = 200, body = Revealed), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 410, body = Problem)),
    security(("token" = [])))]
pub async fn reveal(
    ob: web::Data<Onboarding>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let password = blocking(move || super::reveal_password(&ob, &actor, &id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Revealed { password }))
}

/// Does `f` to the run the path names, on a blocking thread.
async fn on_run(
    ob: web::Data<Onboarding>,
    actor: crate::auth::User,
    path: web::Path<String>,
    f: fn(&Onboarding, &crate::auth::User, &str) -> Result<RunView, AppError>,
) -> Result<web::Json<RunView>, AppError> {
    let id = path.into_inner();
    Ok(web::Json(blocking(move || f(&ob, &actor, &id)).await?))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(create, list, show, history, approve, retry, revert, reveal),
    components(schemas(
        RunRequest,
        RunView,
        super::dto::StepView,
        Revealed,
        RunEvent,
        super::plan::NewHire,
        RunKind,
        RunStatus,
        super::domain::StepStatus,
        super::domain::StepKind
    ))
)]
pub struct Api;
