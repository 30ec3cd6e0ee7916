//! `/api/v1/vendors` and `/api/v1/contracts`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::Vendors;
use super::domain::{ContractKind, VendorKind};
use super::dto::{
    ContractDto, ContractInput, ReminderDto, TermDto, Termination, VendorDto, VendorInput,
};
use super::service::{self, ContractFilter};
use super::terms::Status;
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::{ApiJson, ApiQuery, paging};
use crate::ids;

/// Registers the vendor and contract routes under `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/vendors")
            .route(web::post().to(create_vendor))
            .route(web::get().to(vendors)),
    )
    .service(
        web::resource("/vendors/{id}")
            .route(web::get().to(vendor))
            .route(web::patch().to(update_vendor)),
    )
    .service(
        web::resource("/contracts")
            .route(web::post().to(create_contract))
            .route(web::get().to(contracts)),
    )
    .service(
        web::resource("/contracts/{id}")
            .route(web::get().to(contract))
            .route(web::patch().to(update_contract)),
    )
    .service(web::resource("/contracts/{id}/terminate").route(web::post().to(terminate)))
    .service(web::resource("/contracts/{id}/renew").route(web::post().to(renew)))
    .service(web::resource("/contracts/{id}/terms").route(web::get().to(terms)))
    .service(web::resource("/contracts/{id}/reminders").route(web::get().to(reminders)));
}

/// `?q=&kind=` narrow the vendor list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VendorParams {
    /// Names containing this (any case).
    pub q: Option<String>,
    #[param(value_type = Option<String>)]
    pub kind: Option<VendorKind>,
}

/// Add a vendor (with its contacts).
#[utoipa::path(post, path = "/api/v1/vendors", tag = "vendors", request_body = VendorInput,
    responses((status = 201, body = VendorDto), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create_vendor(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    body: ApiJson<VendorInput>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let v = blocking(move || service::create_vendor(&state.db, &actor, &input, ids::now())).await?;
    Ok(HttpResponse::Created().json(v))
}

/// The vendors, by name.
#[utoipa::path(get, path = "/api/v1/vendors", tag = "vendors", params(VendorParams),
    responses((status = 200, body = Vec<VendorDto>)), security(("token" = [])))]
pub async fn vendors(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<VendorParams>,
) -> Result<web::Json<Vec<VendorDto>>, AppError> {
    let p = query.0;
    let list =
        blocking(move || service::vendors(&state.db, &actor, p.q.as_deref(), p.kind)).await?;
    Ok(web::Json(list))
}

/// One vendor with its contacts.
#[utoipa::path(get, path = "/api/v1/vendors/{id}", tag = "vendors",
    params(("id" = String, Path, description = "Vendor id")),
    responses((status = 200, body = VendorDto), (status = 404, body = Problem)), security(("token" = [])))]
pub async fn vendor(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<VendorDto>, AppError> {
    let id = path.into_inner();
    Ok(web::Json(
        blocking(move || service::vendor(&state.db, &actor, &id)).await?,
    ))
}

/// Change a vendor (absent fields stay; `contacts` replaces the list).
#[utoipa::path(patch, path = "/api/v1/vendors/{id}", tag = "vendors", request_body = VendorInput,
    params(("id" = String, Path, description = "Vendor id")),
    responses((status = 200, body = VendorDto), (status = 404, body = Problem), (status = 409, description = "Another vendor has that name", body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn update_vendor(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<VendorInput>,
) -> Result<web::Json<VendorDto>, AppError> {
    let (id, input) = (path.into_inner(), body.value);
    let v = blocking(move || service::update_vendor(&state.db, &actor, &id, &input, ids::now()))
        .await?;
    Ok(web::Json(v))
}

/// `?vendor_id=&kind=&status=&owner=` narrow the contract list;
/// `?limit=&offset=` page it.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ContractParams {
    pub vendor_id: Option<String>,
    #[param(value_type = Option<String>)]
    pub kind: Option<ContractKind>,
    /// draft, active, notice_due, expiring, expired, renewed or terminated.
    #[param(value_type = Option<String>)]
    pub status: Option<Status>,
    /// The owner's id or email.
    pub owner: Option<String>,
    /// At most this many, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// Skip this many first (default 0).
    pub offset: Option<i64>,
}

/// Add a contract.
#[utoipa::path(post, path = "/api/v1/contracts", tag = "vendors", request_body = ContractInput,
    responses((status = 201, body = ContractDto), (status = 422, body = Problem)), security(("token" = [])))]
pub async fn create_contract(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    body: ApiJson<ContractInput>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let c = blocking(move || service::create_contract(&state, &actor, &input, ids::now())).await?;
    Ok(HttpResponse::Created().json(c))
}

/// The contracts, the nearest decision (notice deadline, else end) first,
/// one page at a time: `X-Total-Count` says how many match and `Link`
/// points at the pages around (RFC 8288).
#[utoipa::path(get, path = "/api/v1/contracts", tag = "vendors", params(ContractParams),
    responses((status = 200, body = Vec<ContractDto>,
        headers(("X-Total-Count" = i64, description = "How many contracts match"),
                ("Link" = String, description = "first, prev, next and last pages"))),
        (status = 422, body = Problem)), security(("token" = [])))]
pub async fn contracts(
    req: HttpRequest,
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<ContractParams>,
) -> Result<HttpResponse, AppError> {
    let p = query.0;
    let (limit, offset) = paging::window(p.limit, p.offset)?;
    let filter = ContractFilter {
        vendor_id: p.vendor_id,
        kind: p.kind,
        status: p.status,
        owner: p.owner,
        limit: Some(limit),
        offset,
    };
    let (list, total) = blocking(move || service::contracts(&state, &actor, &filter)).await?;
    let mut resp = HttpResponse::Ok();
    paging::headers(&mut resp, &req, total, (limit, offset));
    Ok(resp.json(list))
}

/// One contract with its notice deadline, costs and status.
#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "vendors",
    params(("id" = String, Path, description = "Contract id")),
    responses((status = 200, body = ContractDto), (status = 404, body = Problem)), security(("token" = [])))]
pub async fn contract(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<ContractDto>, AppError> {
    let id = path.into_inner();
    Ok(web::Json(
        blocking(move || service::contract(&state, &actor, &id)).await?,
    ))
}

/// Change a contract (absent fields stay; `null` clears).
#[utoipa::path(patch, path = "/api/v1/contracts/{id}", tag = "vendors", request_body = ContractInput,
    params(("id" = String, Path, description = "Contract id")),
    responses((status = 200, body = ContractDto), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn update_contract(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<ContractInput>,
) -> Result<web::Json<ContractDto>, AppError> {
    let (id, input) = (path.into_inner(), body.value);
    let c =
        blocking(move || service::update_contract(&state, &actor, &id, &input, ids::now())).await?;
    Ok(web::Json(c))
}

/// Give notice: the contract ends on `effective_on` and does not renew.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/terminate", tag = "vendors", request_body = Termination,
    params(("id" = String, Path, description = "Contract id")),
    responses((status = 200, body = ContractDto), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn terminate(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<Termination>,
) -> Result<web::Json<ContractDto>, AppError> {
    let (id, input) = (path.into_inner(), body.value);
    let c = blocking(move || service::terminate(&state, &actor, &id, &input, ids::now())).await?;
    Ok(web::Json(c))
}

/// `?ends_on=` guards a renewal against running twice.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RenewParams {
    /// The end of the term the caller saw (YYYY-MM-DD): when the contract
    /// ends on another day by now (renewed already), nothing happens and
    /// the answer is 409 `stale`.
    #[param(value_type = Option<String>, format = Date)]
    pub ends_on: Option<chrono::NaiveDate>,
}

/// Roll the contract into its next term now (`renewal_months` from its
/// end); the term it leaves is kept in its history.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/renew", tag = "vendors",
    params(("id" = String, Path, description = "Contract id"), RenewParams),
    responses((status = 200, body = ContractDto), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn renew(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    params: ApiQuery<RenewParams>,
) -> Result<web::Json<ContractDto>, AppError> {
    let (id, expected) = (path.into_inner(), params.0.ends_on);
    Ok(web::Json(
        blocking(move || service::renew(&state, &actor, &id, expected, ids::now())).await?,
    ))
}

/// The terms the contract left behind when it renewed, oldest first (the
/// running term is the contract itself).
#[utoipa::path(get, path = "/api/v1/contracts/{id}/terms", tag = "vendors",
    params(("id" = String, Path, description = "Contract id")),
    responses((status = 200, body = Vec<TermDto>), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn terms(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<TermDto>>, AppError> {
    let id = path.into_inner();
    let (terms, _) = blocking(move || service::contract_terms(&state, &actor, &id)).await?;
    Ok(web::Json(terms))
}

/// The reminders sent about the contract's notice deadline and end, latest
/// first: each once per deadline and offset.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/reminders", tag = "vendors",
    params(("id" = String, Path, description = "Contract id")),
    responses((status = 200, body = Vec<ReminderDto>), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn reminders(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<ReminderDto>>, AppError> {
    let id = path.into_inner();
    let (_, sent) = blocking(move || service::contract_terms(&state, &actor, &id)).await?;
    Ok(web::Json(sent))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        create_vendor,
        vendors,
        vendor,
        update_vendor,
        create_contract,
        contracts,
        contract,
        update_contract,
        terminate,
        renew,
        terms,
        reminders
    ),
    components(schemas(
        VendorInput,
        VendorDto,
        super::dto::ContactInput,
        super::dto::ContactDto,
        ContractInput,
        ContractDto,
        Termination,
        TermDto,
        ReminderDto,
        Status,
        VendorKind,
        ContractKind,
        super::terms::Billing
    ))
)]
pub struct Api;
