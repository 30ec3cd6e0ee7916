//! `/api/v1/tickets/{id}/vendor-escalations` and
//! `/api/v1/vendors/{id}/performance`.

use actix_web::{HttpResponse, web};

use super::Vendors;
use super::dto::{EscalationDto, EscalationInput, PerformanceDto, VendorAnswer};
use super::service::{self, Answered};
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::{ApiJson, ApiQuery};
use crate::ids;
use crate::tickets::Tickets;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/tickets/{id}/vendor-escalations")
            .route(web::post().to(escalate))
            .route(web::get().to(list)),
    )
    .service(
        web::resource("/tickets/{id}/vendor-escalations/{eid}/response")
            .route(web::post().to(response)),
    )
    .service(
        web::resource("/tickets/{id}/vendor-escalations/{eid}/resolve")
            .route(web::post().to(resolve)),
    )
    .service(web::resource("/vendors/{id}/performance").route(web::get().to(performance)));
}

/// Hand the ticket to a vendor: from any open status it goes `on_hold`
/// awaiting the vendor (one change, pausing our clocks where the policy
/// pauses on hold) and the vendor's clock starts from the contract's
/// service targets on its calendar.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/vendor-escalations", tag = "vendors",
    params(("id" = String, Path, description = "Ticket id or number")),
    request_body = EscalationInput,
    responses((status = 201, body = EscalationDto), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn escalate(
    vendors: web::Data<Vendors>,
    tickets: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<EscalationInput>,
) -> Result<HttpResponse, AppError> {
    let (ticket, input) = (path.into_inner(), body.value);
    let e = blocking(move || {
        service::escalate(&vendors, &tickets, &actor, &ticket, &input, ids::now())
    })
    .await?;
    Ok(HttpResponse::Created().json(e))
}

/// The ticket's escalations, oldest first, each with the vendor's clock.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/vendor-escalations", tag = "vendors",
    params(("id" = String, Path, description = "Ticket id or number")),
    responses((status = 200, body = Vec<EscalationDto>), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn list(
    vendors: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<EscalationDto>>, AppError> {
    let ticket = path.into_inner();
    let list = blocking(move || service::ticket_escalations(&vendors, &actor, &ticket)).await?;
    Ok(web::Json(list))
}

async fn answered(
    (vendors, tickets): (web::Data<Vendors>, web::Data<Tickets>),
    actor: crate::auth::User,
    (ticket, eid): (String, String),
    what: Answered,
    answer: VendorAnswer,
) -> Result<web::Json<EscalationDto>, AppError> {
    let e = blocking(move || {
        service::answer(
            &vendors,
            &tickets,
            &actor,
            (&ticket, &eid),
            what,
            &answer,
            ids::now(),
        )
    })
    .await?;
    Ok(web::Json(e))
}

/// Record the vendor's first answer: the answer time in business seconds
/// on the escalation's calendar.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/vendor-escalations/{eid}/response", tag = "vendors",
    params(("id" = String, Path, description = "Ticket id or number"), ("eid" = String, Path, description = "Escalation id")),
    request_body = VendorAnswer,
    responses((status = 200, body = EscalationDto), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn response(
    vendors: web::Data<Vendors>,
    tickets: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    path: web::Path<(String, String)>,
    body: ApiJson<VendorAnswer>,
) -> Result<web::Json<EscalationDto>, AppError> {
    let ids = path.into_inner();
    answered(
        (vendors, tickets),
        actor,
        ids,
        Answered::Response,
        body.value,
    )
    .await
}

/// Record that the vendor resolved it (its answer too, when none came
/// before); the ticket returns to `in_progress` when it waits on no other
/// vendor.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/vendor-escalations/{eid}/resolve", tag = "vendors",
    params(("id" = String, Path, description = "Ticket id or number"), ("eid" = String, Path, description = "Escalation id")),
    request_body = VendorAnswer,
    responses((status = 200, body = EscalationDto), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn resolve(
    vendors: web::Data<Vendors>,
    tickets: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    path: web::Path<(String, String)>,
    body: ApiJson<VendorAnswer>,
) -> Result<web::Json<EscalationDto>, AppError> {
    let ids = path.into_inner();
    answered(
        (vendors, tickets),
        actor,
        ids,
        Answered::Resolution,
        body.value,
    )
    .await
}

/// `?from=&to=`: the period, days in vendors.time_zone.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PeriodParams {
    /// The first day (default: 89 days before `to`).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<chrono::NaiveDate>,
    /// The last day, included (default: today).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<chrono::NaiveDate>,
}

/// How the vendor met its targets on the tickets escalated to it in the
/// period: median and p90 answer and resolution times (business seconds,
/// nearest rank), the share within target, open escalations past target.
#[utoipa::path(get, path = "/api/v1/vendors/{id}/performance", tag = "vendors",
    params(("id" = String, Path, description = "Vendor id"), PeriodParams),
    responses((status = 200, body = PerformanceDto), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn performance(
    vendors: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    query: ApiQuery<PeriodParams>,
) -> Result<web::Json<PerformanceDto>, AppError> {
    let (id, p) = (path.into_inner(), query.0);
    let figures =
        blocking(move || service::performance(&vendors, &actor, &id, (p.from, p.to))).await?;
    Ok(web::Json(figures))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(escalate, list, response, resolve, performance),
    components(schemas(
        EscalationInput,
        VendorAnswer,
        EscalationDto,
        PerformanceDto,
        super::performance::Performance,
        super::performance::Times
    ))
)]
pub struct Api;
