//! `/api/v1/queues` and `/api/v1/categories`.

use actix_web::{HttpResponse, web};

use super::Tickets;
use super::dto::{CreateNamed, NamedRef};
use super::service::catalog;
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::ApiJson;
use crate::ids;

/// A list of queues or categories as the API shows them.
fn refs<T>(rows: Vec<T>) -> Result<web::Json<Vec<NamedRef>>, AppError>
where
    for<'a> NamedRef: From<&'a T>,
{
    Ok(web::Json(rows.iter().map(NamedRef::from).collect()))
}

/// `201 Created` with the new queue or category.
fn created<T>(row: T) -> Result<HttpResponse, AppError>
where
    for<'a> NamedRef: From<&'a T>,
{
    Ok(HttpResponse::Created().json(NamedRef::from(&row)))
}

/// The queues.
#[utoipa::path(get, path = "/api/v1/queues", tag = "catalog",
    responses((status = 200, body = Vec<NamedRef>)), security(("token" = [])))]
pub async fn list_queues(
    state: web::Data<Tickets>,
    _: ApiUser,
) -> Result<web::Json<Vec<NamedRef>>, AppError> {
    refs(blocking(move || catalog::list_queues(&state.db)).await?)
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
    created(blocking(move || catalog::create_queue(&state.db, &actor, &input, ids::now())).await?)
}

/// The categories.
#[utoipa::path(get, path = "/api/v1/categories", tag = "catalog",
    responses((status = 200, body = Vec<NamedRef>)), security(("token" = [])))]
pub async fn list_categories(
    state: web::Data<Tickets>,
    _: ApiUser,
) -> Result<web::Json<Vec<NamedRef>>, AppError> {
    refs(blocking(move || catalog::list_categories(&state.db)).await?)
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
    created(
        blocking(move || catalog::create_category(&state.db, &actor, &input, ids::now())).await?,
    )
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
