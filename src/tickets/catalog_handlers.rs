//! `/api/v1/queues` and `/api/v1/categories`.

use actix_web::{HttpResponse, web};

use super::Tickets;
use super::dto::{CreateNamed, NamedRef};
use super::service::catalog;
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::ApiJson;
use crate::ids;

/// The queues.
#[utoipa::path(get, path = "/api/v1/queues", tag = "catalog",
    responses((status = 200, body = Vec<NamedRef>)), security(("token" = [])))]
pub async fn list_queues(
    state: web::Data<Tickets>,
    _: ApiUser,
) -> Result<web::Json<Vec<NamedRef>>, AppError> {
    let rows = blocking(move || catalog::list_queues(&state.db)).await?;
    Ok(web::Json(rows.iter().map(NamedRef::from).collect()))
}

/// Create a queue (coordinators and admins).
#[utoipa::path(post, path = "/api/v1/queues", tag = "catalog", request_body = CreateNamed,
    responses((status = 201, body = NamedRef), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create_queue(
    state: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    body: ApiJson<CreateNamed>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let row =
        blocking(move || catalog::create_queue(&state.db, &actor, &input, ids::now())).await?;
    Ok(HttpResponse::Created().json(NamedRef::from(&row)))
}

/// The categories.
#[utoipa::path(get, path = "/api/v1/categories", tag = "catalog",
    responses((status = 200, body = Vec<NamedRef>)), security(("token" = [])))]
pub async fn list_categories(
    state: web::Data<Tickets>,
    _: ApiUser,
) -> Result<web::Json<Vec<NamedRef>>, AppError> {
    let rows = blocking(move || catalog::list_categories(&state.db)).await?;
    Ok(web::Json(rows.iter().map(NamedRef::from).collect()))
}

/// Create a category (coordinators and admins).
#[utoipa::path(post, path = "/api/v1/categories", tag = "catalog", request_body = CreateNamed,
    responses((status = 201, body = NamedRef), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create_category(
    state: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    body: ApiJson<CreateNamed>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let row =
        blocking(move || catalog::create_category(&state.db, &actor, &input, ids::now())).await?;
    Ok(HttpResponse::Created().json(NamedRef::from(&row)))
}

/// `PUT /api/v1/queues/{slug}/coordinators`
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetCoordinators {
    /// Emails of coordinators responsible for the queue; SLA escalations
    /// that notify "coordinators" reach them (everyone, when empty).
    pub coordinators: Vec<String>,
}

/// The coordinators of a queue.
#[utoipa::path(get, path = "/api/v1/queues/{slug}/coordinators", tag = "catalog", params(("slug" = String, Path)),
    responses((status = 200, body = Vec<crate::tickets::dto::PersonDto>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn coordinators(
    state: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    slug: web::Path<String>,
) -> Result<web::Json<Vec<crate::tickets::dto::PersonDto>>, AppError> {
    let people = blocking(move || catalog::queue_coordinators(&state.db, &actor, &slug)).await?;
    Ok(web::Json(people.iter().map(Into::into).collect()))
}

/// Name the coordinators of a queue (coordinators and admins).
#[utoipa::path(put, path = "/api/v1/queues/{slug}/coordinators", tag = "catalog", request_body = SetCoordinators,
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<crate::tickets::dto::PersonDto>), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn set_coordinators(
    state: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    slug: web::Path<String>,
    body: ApiJson<SetCoordinators>,
) -> Result<web::Json<Vec<crate::tickets::dto::PersonDto>>, AppError> {
    let emails = body.value.coordinators;
    let people = blocking(move || {
        catalog::set_queue_coordinators(&state.db, &actor, &slug, &emails, ids::now())
    })
    .await?;
    Ok(web::Json(people.iter().map(Into::into).collect()))
}
