//! The asset catalog under `/api/v1`: manufacturers, models and locations.

use actix_web::{HttpResponse, web};

use super::Assets;
use super::dto::{CreateModel, CreateNamedThing, ModelDto, Named};
use super::service;
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::ApiJson;
use crate::ids;

/// The manufacturers.
#[utoipa::path(get, path = "/api/v1/manufacturers", tag = "assets",
    responses((status = 200, body = Vec<Named>)), security(("token" = [])))]
pub async fn manufacturers(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<Named>>, AppError> {
    let rows = blocking(move || service::manufacturers(&state.db, &actor)).await?;
    Ok(web::Json(rows.iter().map(Named::from).collect()))
}

/// Add a manufacturer.
#[utoipa::path(post, path = "/api/v1/manufacturers", tag = "assets", request_body = CreateNamedThing,
    responses((status = 201, body = Named), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create_manufacturer(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    body: ApiJson<CreateNamedThing>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let row = blocking(move || service::create_manufacturer(&state.db, &actor, &input, ids::now()))
        .await?;
    Ok(HttpResponse::Created().json(Named::from(&row)))
}

/// The models with their manufacturers.
#[utoipa::path(get, path = "/api/v1/models", tag = "assets",
    responses((status = 200, body = Vec<ModelDto>)), security(("token" = [])))]
pub async fn models(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<ModelDto>>, AppError> {
    let rows = blocking(move || service::models(&state.db, &actor)).await?;
    Ok(web::Json(
        rows.iter()
            .map(|(m, maker)| ModelDto::new(m, maker))
            .collect(),
    ))
}

/// Add a model (and its manufacturer if new).
#[utoipa::path(post, path = "/api/v1/models", tag = "assets", request_body = CreateModel,
    responses((status = 201, body = ModelDto), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create_model(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    body: ApiJson<CreateModel>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let (m, maker) =
        blocking(move || service::create_model(&state.db, &actor, &input, ids::now())).await?;
    Ok(HttpResponse::Created().json(ModelDto::new(&m, &maker)))
}

/// The locations.
#[utoipa::path(get, path = "/api/v1/locations", tag = "assets",
    responses((status = 200, body = Vec<Named>)), security(("token" = [])))]
pub async fn locations(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<Named>>, AppError> {
    let rows = blocking(move || service::locations(&state.db, &actor)).await?;
    Ok(web::Json(rows.iter().map(Named::from).collect()))
}

/// Add a location.
#[utoipa::path(post, path = "/api/v1/locations", tag = "assets", request_body = CreateNamedThing,
    responses((status = 201, body = Named), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create_location(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    body: ApiJson<CreateNamedThing>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let row =
        blocking(move || service::create_location(&state.db, &actor, &input, ids::now())).await?;
    Ok(HttpResponse::Created().json(Named::from(&row)))
}
