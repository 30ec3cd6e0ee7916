//! `/api/v1/sla/…` and `/api/v1/notifications`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::Sla;
use super::dto::{NotificationDto, PreviewRequest, SlaDto, StoredCalendarDto, StoredPolicyDto};
use super::policy::PolicySpec;
use super::service;
use crate::auth::extract::ApiUser;
use crate::auth::{Role, User};
use crate::calendar::CalendarSpec;
use crate::error::{AppError, Problem, blocking};
use crate::http::{ApiJson, ApiQuery};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sla/preview", web::post().to(preview))
        .route("/sla/calendars", web::get().to(list_calendars))
        .route("/sla/calendars/{name}", web::put().to(put_calendar))
        .route("/sla/calendars/{name}", web::delete().to(delete_calendar))
        .route("/sla/policies", web::get().to(list_policies))
        .route("/sla/policies/{name}", web::put().to(put_policy))
        .route("/sla/policies/{name}", web::delete().to(delete_policy))
        .route("/notifications", web::get().to(notifications))
        .route("/notifications/{id}/read", web::post().to(mark_read));
}

/// Calendars, policies and previews are the staff's working knowledge, not
/// the requesters'.
fn reads_sla(user: &User) -> Result<(), AppError> {
    if user.role.sees_all_tickets() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only staff read SLA calendars and policies".into(),
        ))
    }
}

fn manages_sla(user: &User) -> Result<(), AppError> {
    match user.role {
        Role::Admin | Role::Coordinator => Ok(()),
        _ => Err(AppError::Forbidden(
            "only coordinators and admins change SLA calendars and policies".into(),
        )),
    }
}

/// Try a calendar and a policy on a ticket history; nothing is stored.
#[utoipa::path(post, path = "/api/v1/sla/preview", tag = "sla", request_body = PreviewRequest,
    responses((status = 200, description = "Every clock the policy defines", body = SlaDto), (status = 403, body = Problem),
        (status = 422, description = "A malformed calendar, duration or event, by field", body = Problem)),
    security(("token" = [])))]
pub async fn preview(
    ApiUser(actor): ApiUser,
    body: ApiJson<PreviewRequest>,
) -> Result<web::Json<SlaDto>, AppError> {
    reads_sla(&actor)?;
    let req = body.value;
    let report =
        blocking(move || service::preview(&req).map(|r| (r, req.now.timestamp_micros()))).await?;
    Ok(web::Json(super::dto::sla_dto(&report.0, report.1)))
}

/// The calendars in force (`24x7` always exists).
#[utoipa::path(get, path = "/api/v1/sla/calendars", tag = "sla",
    responses((status = 200, body = Vec<StoredCalendarDto>), (status = 403, body = Problem)), security(("token" = [])))]
pub async fn list_calendars(
    state: web::Data<Sla>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<StoredCalendarDto>>, AppError> {
    reads_sla(&actor)?;
    let (calendars, _) = blocking(move || service::stored(&state.db)).await?;
    let mut out = vec![StoredCalendarDto {
        name: "24x7".into(),
        source: "builtin".into(),
        calendar: CalendarSpec::always(),
    }];
    for row in calendars {
        let calendar: CalendarSpec =
            serde_json::from_str(&row.spec).map_err(anyhow::Error::from)?;
        out.push(StoredCalendarDto {
            name: row.name,
            source: row.source,
            calendar,
        });
    }
    Ok(web::Json(out))
}

/// The policies in force, in the order they are tried.
#[utoipa::path(get, path = "/api/v1/sla/policies", tag = "sla",
    responses((status = 200, body = Vec<StoredPolicyDto>), (status = 403, body = Problem)), security(("token" = [])))]
pub async fn list_policies(
    state: web::Data<Sla>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<StoredPolicyDto>>, AppError> {
    reads_sla(&actor)?;
    let (_, policies) = blocking(move || service::stored(&state.db)).await?;
    let out = policies
        .into_iter()
        .map(|row| {
            let policy: PolicySpec =
                serde_json::from_str(&row.spec).map_err(anyhow::Error::from)?;
            Ok(StoredPolicyDto {
                name: row.name,
                position: row.position,
                source: row.source,
                policy,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(web::Json(out))
}

/// Create or replace a calendar managed over the API; open tickets are recomputed.
#[utoipa::path(put, path = "/api/v1/sla/calendars/{name}", tag = "sla", request_body = CalendarSpec,
    params(("name" = String, Path)),
    responses((status = 200, body = StoredCalendarDto), (status = 403, body = Problem),
        (status = 409, description = "Defined in the configuration", body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn put_calendar(
    state: web::Data<Sla>,
    ApiUser(actor): ApiUser,
    name: web::Path<String>,
    body: ApiJson<CalendarSpec>,
) -> Result<web::Json<StoredCalendarDto>, AppError> {
    manages_sla(&actor)?;
    let mut spec = body.value;
    spec.name = name.into_inner();
    if !spec.holiday_files.is_empty() {
        return Err(AppError::invalid(
            "holiday_files",
            "files can only be named in the configuration",
        ));
    }
    let saved = spec.clone();
    let st = state.clone();
    let registry = blocking(move || service::save_from_api(&st.db, Some(spec), None)).await?;
    state.registry.replace(registry);
    Ok(web::Json(StoredCalendarDto {
        name: saved.name.clone(),
        source: "api".into(),
        calendar: saved,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PositionQuery {
    /// Where the policy goes in the order (lower first); default: last.
    pub position: Option<i32>,
}

/// Create or replace a policy managed over the API; open tickets are recomputed.
#[utoipa::path(put, path = "/api/v1/sla/policies/{name}", tag = "sla", request_body = PolicySpec,
    params(("name" = String, Path), PositionQuery),
    responses((status = 200, body = StoredPolicyDto), (status = 403, body = Problem),
        (status = 409, description = "Defined in the configuration", body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn put_policy(
    state: web::Data<Sla>,
    ApiUser(actor): ApiUser,
    name: web::Path<String>,
    query: ApiQuery<PositionQuery>,
    body: ApiJson<PolicySpec>,
) -> Result<web::Json<StoredPolicyDto>, AppError> {
    manages_sla(&actor)?;
    let mut spec = body.value;
    spec.name = name.into_inner();
    let position = query.0.position;
    let st = state.clone();
    let name = spec.name.clone();
    let registry =
        blocking(move || service::save_from_api(&st.db, None, Some((spec, position)))).await?;
    state.registry.replace(registry);
    let st = state.clone();
    let (_, rows) = blocking(move || service::stored(&st.db)).await?;
    let row = rows
        .into_iter()
        .find(|r| r.name == name)
        .ok_or_else(|| AppError::NotFound(format!("policy `{name}`")))?;
    Ok(web::Json(StoredPolicyDto {
        policy: serde_json::from_str(&row.spec).map_err(anyhow::Error::from)?,
        name: row.name,
        position: row.position,
        source: row.source,
    }))
}

/// Remove an API-managed calendar (not while a policy uses it).
#[utoipa::path(delete, path = "/api/v1/sla/calendars/{name}", tag = "sla", params(("name" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn delete_calendar(
    state: web::Data<Sla>,
    ApiUser(actor): ApiUser,
    name: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    manages_sla(&actor)?;
    let st = state.clone();
    let registry = blocking(move || service::delete_from_api(&st.db, Some(&name), None)).await?;
    state.registry.replace(registry);
    Ok(HttpResponse::NoContent().finish())
}

/// Remove an API-managed policy.
#[utoipa::path(delete, path = "/api/v1/sla/policies/{name}", tag = "sla", params(("name" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("token" = [])))]
pub async fn delete_policy(
    state: web::Data<Sla>,
    ApiUser(actor): ApiUser,
    name: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    manages_sla(&actor)?;
    let st = state.clone();
    let registry = blocking(move || service::delete_from_api(&st.db, None, Some(&name))).await?;
    state.registry.replace(registry);
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NotificationQuery {
    /// Only unread ones.
    #[serde(default)]
    pub unread: bool,
}

/// My notifications, newest first (at most 100).
#[utoipa::path(get, path = "/api/v1/notifications", tag = "sla", params(NotificationQuery),
    responses((status = 200, body = Vec<NotificationDto>)), security(("token" = [])))]
pub async fn notifications(
    state: web::Data<Sla>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<NotificationQuery>,
) -> Result<web::Json<Vec<NotificationDto>>, AppError> {
    let unread = query.0.unread;
    let rows = blocking(move || super::notifications::mine(&state.db, &actor, unread)).await?;
    Ok(web::Json(rows.iter().map(NotificationDto::from).collect()))
}

/// Mark one of my notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "sla", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)), security(("token" = [])))]
pub async fn mark_read(
    state: web::Data<Sla>,
    ApiUser(actor): ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    blocking(move || super::notifications::mark_read(&state.db, &actor, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This context's part of the OpenAPI document (`crate::openapi` merges
/// the parts).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    preview,
    list_calendars,
    put_calendar,
    delete_calendar,
    list_policies,
    put_policy,
    delete_policy,
    notifications,
    mark_read,
))]
pub struct Api;
