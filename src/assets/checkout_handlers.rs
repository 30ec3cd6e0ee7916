//! Check-out, check-in and confirming receipt over the API.

use actix_web::web;

use super::Assets;
use super::dto::{
    AcceptRequest, CheckinRequest, CheckoutDto, CheckoutListParams, CheckoutRequest, CheckoutResult,
};
use super::handlers::{dto, today};
use super::service;
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::{ApiJson, ApiQuery};
use crate::ids;

fn checkout_dto(v: &service::CheckoutView) -> CheckoutDto {
    let (c, a, u) = v;
    CheckoutDto::new(c, &a.asset_tag, u.as_ref(), today())
}

/// Hand an asset in stock to a person (it becomes deployed with them); they
/// get a mail with a link to confirm receipt unless `require_acceptance` is
/// `false`.
#[utoipa::path(post, path = "/api/v1/assets/{id}/checkout", tag = "assets",
    params(("id" = String, Path, description = "Asset id or asset tag")),
    request_body = CheckoutRequest,
    responses((status = 200, body = CheckoutResult), (status = 404, body = Problem),
        (status = 409, description = "Not in stock, or already checked out", body = Problem),
        (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn checkout(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<CheckoutRequest>,
) -> Result<web::Json<CheckoutResult>, AppError> {
    let id = path.into_inner();
    let input = body.value;
    let (view, c) = blocking(move || {
        service::checkout(&state.db, &state.mail_from, &actor, &id, &input, ids::now())
    })
    .await?;
    Ok(web::Json(CheckoutResult {
        asset: dto(&view),
        checkout: checkout_dto(&c),
    }))
}

/// Take an asset back into stock, closing its check-out.
#[utoipa::path(post, path = "/api/v1/assets/{id}/checkin", tag = "assets",
    params(("id" = String, Path, description = "Asset id or asset tag")),
    request_body = CheckinRequest,
    responses((status = 200, body = CheckoutResult), (status = 404, body = Problem),
        (status = 409, description = "Not checked out", body = Problem)),
    security(("token" = [])))]
pub async fn checkin(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<CheckinRequest>,
) -> Result<web::Json<CheckoutResult>, AppError> {
    let id = path.into_inner();
    let input = body.value;
    let (view, c) =
        blocking(move || service::checkin(&state.db, &actor, &id, &input, ids::now())).await?;
    Ok(web::Json(CheckoutResult {
        asset: dto(&view),
        checkout: checkout_dto(&c),
    }))
}

/// Open check-outs, soonest due first (`overdue=true`: only those past due).
#[utoipa::path(get, path = "/api/v1/checkouts", tag = "assets", params(CheckoutListParams),
    responses((status = 200, body = Vec<CheckoutDto>), (status = 403, body = Problem)),
    security(("token" = [])))]
pub async fn checkouts(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<CheckoutListParams>,
) -> Result<web::Json<Vec<CheckoutDto>>, AppError> {
    let overdue = query.overdue.unwrap_or(false);
    let limit = query.limit.unwrap_or(100);
    let rows =
        blocking(move || service::checkouts(&state.db, &actor, overdue, limit, today())).await?;
    Ok(web::Json(rows.iter().map(checkout_dto).collect()))
}

/// The person who received an asset confirms it (logged in as themselves).
#[utoipa::path(post, path = "/api/v1/checkouts/{id}/accept", tag = "assets",
    params(("id" = String, Path, description = "Check-out id")),
    responses((status = 200, body = CheckoutDto), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("token" = [])))]
pub async fn accept_as(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<CheckoutDto>, AppError> {
    let id = path.into_inner();
    let v = blocking(move || service::accept_as(&state.db, &actor, &id, ids::now())).await?;
    Ok(web::Json(checkout_dto(&v)))
}

/// Confirm receipt with the token from the hand-over mail (no login: the
/// token is the credential).
#[utoipa::path(post, path = "/api/v1/checkouts/accept", tag = "assets",
    request_body = AcceptRequest,
    responses((status = 200, body = CheckoutDto), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn accept_by_token(
    state: web::Data<Assets>,
    body: ApiJson<AcceptRequest>,
) -> Result<web::Json<CheckoutDto>, AppError> {
    let token = body.value.token;
    let v = blocking(move || service::accept_by_token(&state.db, &token, ids::now())).await?;
    Ok(web::Json(checkout_dto(&v)))
}
