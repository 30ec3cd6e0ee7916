//! `/api/v1/onboarding/templates`.

use actix_web::{HttpResponse, web};

use super::Onboarding;
use super::template::TemplateSpec;
use super::templates::{self, Stored};
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::ApiJson;

/// Registers the onboarding routes under `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/onboarding/templates").route(web::get().to(list)))
        .service(
            web::resource("/onboarding/templates/{name}")
                .route(web::put().to(save))
                .route(web::delete().to(delete)),
        );
}

fn may_read(actor: &crate::auth::User) -> Result<(), AppError> {
    if actor.role == crate::auth::Role::Requester {
        return Err(AppError::Forbidden("onboarding is for staff".into()));
    }
    Ok(())
}

/// Every onboarding template, by name (staff), with where it is defined.
#[utoipa::path(get, path = "/api/v1/onboarding/templates", tag = "onboarding",
    responses((status = 200, body = Vec<Stored>), (status = 403, body = Problem)),
    security(("token" = [])))]
pub async fn list(
    onboarding: web::Data<Onboarding>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<Stored>>, AppError> {
    may_read(&actor)?;
    let all = blocking(move || onboarding.db.read(templates::list)).await?;
    Ok(web::Json(all))
}

/// Create or replace a template (coordinators and admins): 201 when new.
/// Templates from the configuration are changed there (409).
#[utoipa::path(put, path = "/api/v1/onboarding/templates/{name}", tag = "onboarding",
    request_body = TemplateSpec,
    params(("name" = String, Path, description = "The template's name")),
    responses((status = 200, body = Stored), (status = 201, body = Stored),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn save(
    onboarding: web::Data<Onboarding>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<TemplateSpec>,
) -> Result<HttpResponse, AppError> {
    let (name, spec) = (path.into_inner(), body.value);
    let saved = spec.clone();
    let new = blocking(move || templates::save(&onboarding, &actor, &name, &spec)).await?;
    let body = Stored {
        spec: saved,
        source: "api".into(),
    };
    Ok(if new {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

/// Delete a template made over the API (coordinators and admins).
#[utoipa::path(delete, path = "/api/v1/onboarding/templates/{name}", tag = "onboarding",
    params(("name" = String, Path, description = "The template's name")),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("token" = [])))]
pub async fn delete(
    onboarding: web::Data<Onboarding>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let name = path.into_inner();
    blocking(move || templates::delete(&onboarding.db, &actor, &name)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, save, delete),
    components(schemas(TemplateSpec, super::template::TaskSpec, Stored))
)]
pub struct Api;
