//! `/api/v1/licenses`: compliance positions with their evidence, named
//! seats of entitlements, and a full re-resolution of the titles.

use actix_web::{HttpResponse, web};

use super::Licenses;
use super::dto::{
    AllocationDto, AsOfParams, NewAllocation, PositionDetailDto, PositionsDto, ReclaimDto, Resolved,
};
use super::service;
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::{ApiJson, ApiQuery};
use crate::ids;

/// Registers the routes under `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/licenses/positions").route(web::get().to(positions)))
        .service(web::resource("/licenses/positions/{product_id}").route(web::get().to(position)))
        .service(
            web::resource("/licenses/entitlements/{id}/allocations")
                .route(web::get().to(allocations))
                .route(web::post().to(allocate)),
        )
        .service(
            web::resource("/licenses/entitlements/{id}/allocations/{allocation_id}")
                .route(web::delete().to(deallocate)),
        )
        .service(web::resource("/licenses/resolve").route(web::post().to(resolve)))
        .service(web::resource("/licenses/reclaim").route(web::get().to(reclaim)));
}

/// Every (product, metric) position on a day, with totals by status and
/// currency.
#[utoipa::path(get, path = "/api/v1/licenses/positions", tag = "licenses", params(AsOfParams),
    responses((status = 200, body = PositionsDto), (status = 403, body = Problem)),
    security(("token" = [])))]
pub async fn positions(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<AsOfParams>,
) -> Result<web::Json<PositionsDto>, AppError> {
    let as_of = query.0.as_of;
    let p = blocking(move || service::positions(&state, &actor, as_of)).await?;
    Ok(web::Json(p))
}

/// One product's positions on a day, with every consuming installation
/// and named seat as evidence.
#[utoipa::path(get, path = "/api/v1/licenses/positions/{product_id}", tag = "licenses",
    params(("product_id" = String, Path, description = "Product id"), AsOfParams),
    responses((status = 200, body = PositionDetailDto), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn position(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    query: ApiQuery<AsOfParams>,
) -> Result<web::Json<PositionDetailDto>, AppError> {
    let (id, as_of) = (path.into_inner(), query.0.as_of);
    let p = blocking(move || service::position(&state, &actor, &id, as_of)).await?;
    Ok(web::Json(p))
}

/// The named seats of an entitlement.
#[utoipa::path(get, path = "/api/v1/licenses/entitlements/{id}/allocations", tag = "licenses",
    params(("id" = String, Path, description = "Entitlement id")),
    responses((status = 200, body = Vec<AllocationDto>)), security(("token" = [])))]
pub async fn allocations(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<AllocationDto>>, AppError> {
    let id = path.into_inner();
    let rows = blocking(move || service::allocations(&state.db, &actor, &id)).await?;
    Ok(web::Json(rows))
}

/// Give a seat to a person (`user` entitlements) or an asset (`device`);
/// 409 `no_seats_left` when every seat is taken.
#[utoipa::path(post, path = "/api/v1/licenses/entitlements/{id}/allocations", tag = "licenses",
    request_body = NewAllocation,
    params(("id" = String, Path, description = "Entitlement id")),
    responses((status = 201, body = AllocationDto), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn allocate(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<NewAllocation>,
) -> Result<HttpResponse, AppError> {
    let (id, input) = (path.into_inner(), body.value);
    let a = blocking(move || service::allocate(&state.db, &actor, &id, &input, ids::now())).await?;
    Ok(HttpResponse::Created().json(a))
}

/// Take a seat back.
#[utoipa::path(delete, path = "/api/v1/licenses/entitlements/{id}/allocations/{allocation_id}", tag = "licenses",
    params(("id" = String, Path, description = "Entitlement id"),
        ("allocation_id" = String, Path, description = "Allocation id")),
    responses((status = 204), (status = 404, body = Problem)), security(("token" = [])))]
pub async fn deallocate(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, aid) = path.into_inner();
    blocking(move || service::deallocate(&state.db, &actor, &id, &aid, ids::now())).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Resolve every software title again from the rules (what rule changes
/// and new inventories do incrementally).
#[utoipa::path(post, path = "/api/v1/licenses/resolve", tag = "licenses",
    responses((status = 200, body = Resolved), (status = 403, body = Problem)), security(("token" = [])))]
pub async fn resolve(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Resolved>, AppError> {
    let r = blocking(move || service::resolve_all(&state.db, &actor)).await?;
    Ok(web::Json(r))
}

/// Licences that could be taken back: installations on stale, retired,
/// missing or stolen devices or whose assignee is deactivated, and seats
/// of deactivated people, with what each would free.
#[utoipa::path(get, path = "/api/v1/licenses/reclaim", tag = "licenses", params(AsOfParams),
    responses((status = 200, body = ReclaimDto), (status = 403, body = Problem)),
    security(("token" = [])))]
pub async fn reclaim(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<AsOfParams>,
) -> Result<web::Json<ReclaimDto>, AppError> {
    let as_of = query.0.as_of;
    let r = blocking(move || service::reclaim(&state, &actor, as_of)).await?;
    Ok(web::Json(r))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    positions,
    position,
    allocations,
    allocate,
    deallocate,
    resolve,
    reclaim
))]
pub struct Api;
