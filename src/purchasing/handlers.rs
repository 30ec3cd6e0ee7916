//! `/api/v1/purchase-orders`.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::Purchasing;
use super::domain::{InvoiceMatch, LineKind, OrderTotals, Status};
use super::dto::{
    InvoiceDto, InvoiceInput, LineDto, LineInput, OrderDto, OrderInput, ReceiptDto, ReceiptInput,
    ReceiptLineDto, ReceiptLineInput, TransitionInput,
};
use super::service::{self, OrderFilter};
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::{ApiJson, ApiQuery};
use crate::ids;

/// Registers the purchasing routes under `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/purchase-orders")
            .route(web::post().to(create_order))
            .route(web::get().to(orders)),
    )
    .service(
        web::resource("/purchase-orders/{id}")
            .route(web::get().to(order))
            .route(web::patch().to(update_order)),
    )
    .service(web::resource("/purchase-orders/{id}/transitions").route(web::post().to(transition)))
    .service(web::resource("/purchase-orders/{id}/receipts").route(web::post().to(receive)))
    .service(web::resource("/purchase-orders/{id}/invoices").route(web::post().to(invoice)));
}

/// `?status=&vendor_id=&q=&limit=&offset=`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OrderParams {
    #[param(value_type = Option<String>)]
    pub status: Option<Status>,
    pub vendor_id: Option<String>,
    /// Numbers, cost centres or notes containing this (any case).
    pub q: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// A page of orders, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<OrderDto>,
    /// How many orders match in all.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// Raise a purchase order (a draft, numbered at once).
#[utoipa::path(post, path = "/api/v1/purchase-orders", tag = "purchasing", request_body = OrderInput,
    responses((status = 201, body = OrderDto), (status = 422, body = Problem)), security(("token" = [])))]
pub async fn create_order(
    state: web::Data<Purchasing>,
    ApiUser(actor): ApiUser,
    body: ApiJson<OrderInput>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let o = blocking(move || service::create_order(&state, &actor, &input, ids::now())).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/purchase-orders/{}", o.id)))
        .json(o))
}

/// Purchase orders, newest first.
#[utoipa::path(get, path = "/api/v1/purchase-orders", tag = "purchasing", params(OrderParams),
    responses((status = 200, body = OrderPage), (status = 422, body = Problem)), security(("token" = [])))]
pub async fn orders(
    state: web::Data<Purchasing>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<OrderParams>,
) -> Result<web::Json<OrderPage>, AppError> {
    let p = query.0;
    let filter = OrderFilter {
        status: p.status,
        vendor_id: p.vendor_id,
        q: p.q,
        limit: p.limit,
        offset: p.offset,
    };
    let (limit, offset) = (filter.limit.unwrap_or(50), filter.offset.unwrap_or(0));
    let (items, total) = blocking(move || service::orders(&state, &actor, &filter)).await?;
    Ok(web::Json(OrderPage {
        items,
        total,
        limit,
        offset,
    }))
}

/// One order (by id or number) with its lines, receipts and invoices.
#[utoipa::path(get, path = "/api/v1/purchase-orders/{id}", tag = "purchasing",
    params(("id" = String, Path, description = "Order id or number")),
    responses((status = 200, body = OrderDto), (status = 404, body = Problem)), security(("token" = [])))]
pub async fn order(
    state: web::Data<Purchasing>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<OrderDto>, AppError> {
    let id = path.into_inner();
    Ok(web::Json(
        blocking(move || service::order(&state, &actor, &id)).await?,
    ))
}

/// Change an order (absent fields stay; `null` clears; `lines` replaces
/// them all).
#[utoipa::path(patch, path = "/api/v1/purchase-orders/{id}", tag = "purchasing", request_body = OrderInput,
    params(("id" = String, Path, description = "Order id or number")),
    responses((status = 200, body = OrderDto), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn update_order(
    state: web::Data<Purchasing>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<OrderInput>,
) -> Result<web::Json<OrderDto>, AppError> {
    let (id, input) = (path.into_inner(), body.value);
    Ok(web::Json(
        blocking(move || service::update_order(&state, &actor, &id, &input, ids::now())).await?,
    ))
}

/// Move an order: submitted, approved (coordinators and admins; admins
/// alone above the approval limit), ordered, closed, cancelled, or back to
/// draft. A move not allowed from where it stands is a 409 listing the
/// `allowed` ones.
#[utoipa::path(post, path = "/api/v1/purchase-orders/{id}/transitions", tag = "purchasing",
    request_body = TransitionInput,
    params(("id" = String, Path, description = "Order id or number")),
    responses((status = 200, body = OrderDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn transition(
    state: web::Data<Purchasing>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<TransitionInput>,
) -> Result<web::Json<OrderDto>, AppError> {
    let (id, input) = (path.into_inner(), body.value);
    Ok(web::Json(
        blocking(move || service::transition(&state, &actor, &id, &input, ids::now())).await?,
    ))
}

/// Receive what arrived: assets into stock (one per unit, with serials
/// and tags), entitlements for license lines. All or nothing; a retry
/// with the same `Idempotency-Key` receives nothing more.
#[utoipa::path(post, path = "/api/v1/purchase-orders/{id}/receipts", tag = "purchasing",
    request_body = ReceiptInput,
    params(("id" = String, Path, description = "Order id or number"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retrying with the same key receives nothing more")),
    responses((status = 201, description = "Received", body = OrderDto),
        (status = 200, description = "Received before with this Idempotency-Key", body = OrderDto),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn receive(
    state: web::Data<Purchasing>,
    ApiUser(actor): ApiUser,
    req: HttpRequest,
    path: web::Path<String>,
    body: ApiJson<ReceiptInput>,
) -> Result<HttpResponse, AppError> {
    // Who may receive is said before what is wrong with the request.
    service::may_receive(&actor)?;
    let key =
        crate::http::idempotency_key(&req)?.map(|k| (k, crate::http::json_fingerprint(&body.raw)));
    let (id, input) = (path.into_inner(), body.value);
    let (o, fresh) =
        blocking(move || service::receive(&state, &actor, &id, &input, key, ids::now())).await?;
    Ok(if fresh {
        HttpResponse::Created().json(o)
    } else {
        HttpResponse::Ok()
            .insert_header(("Idempotent-Replayed", "true"))
            .json(o)
    })
}

/// Record a vendor's invoice; it is matched against the received value.
#[utoipa::path(post, path = "/api/v1/purchase-orders/{id}/invoices", tag = "purchasing",
    request_body = InvoiceInput,
    params(("id" = String, Path, description = "Order id or number")),
    responses((status = 201, body = OrderDto), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn invoice(
    state: web::Data<Purchasing>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<InvoiceInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input) = (path.into_inner(), body.value);
    let o = blocking(move || service::add_invoice(&state, &actor, &id, &input, ids::now())).await?;
    Ok(HttpResponse::Created().json(o))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        create_order,
        orders,
        order,
        update_order,
        transition,
        receive,
        invoice
    ),
    components(schemas(
        OrderInput,
        LineInput,
        TransitionInput,
        ReceiptInput,
        ReceiptLineInput,
        InvoiceInput,
        OrderDto,
        OrderPage,
        LineDto,
        ReceiptDto,
        ReceiptLineDto,
        InvoiceDto,
        OrderTotals,
        InvoiceMatch,
        Status,
        LineKind
    ))
)]
pub struct Api;
