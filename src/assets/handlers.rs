//! `/api/v1/assets`: thin handlers around one service call each. The
//! catalog (manufacturers, models, locations) is in `catalog_handlers`.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::Assets;
use super::dto::{
    AssetDto, AssetListParams, AssetPage, AssetTicketDto, DepreciationParams, DepreciationReport,
    LinkAsset, RegisterAsset, StockLine, TransitionRequest, UpdateAsset,
};
use super::service;
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::{ApiJson, ApiQuery};
use crate::ids;
use crate::tickets::dto::HistoryEntryDto;

/// Registers the asset routes under `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/assets")
            .route(web::post().to(register))
            .route(web::get().to(list)),
    )
    // Before `/assets/{id}`, which would take "depreciation" for an id.
    .service(web::resource("/assets/depreciation").route(web::get().to(depreciation)))
    .service(web::resource("/assets/export").route(web::get().to(export)))
    .service(web::resource("/assets/stock").route(web::get().to(stock)))
    .service(
        web::resource("/assets/imports")
            .route(web::post().to(super::import_handlers::create))
            .route(web::get().to(super::import_handlers::list)),
    )
    .service(
        web::resource("/assets/imports/{id}").route(web::get().to(super::import_handlers::show)),
    )
    .service(
        web::resource("/assets/{id}")
            .route(web::get().to(get))
            .route(web::patch().to(update)),
    )
    .service(web::resource("/assets/{id}/transitions").route(web::post().to(transition)))
    .service(
        web::resource("/assets/{id}/checkout")
            .route(web::post().to(super::checkout_handlers::checkout)),
    )
    .service(
        web::resource("/assets/{id}/checkin")
            .route(web::post().to(super::checkout_handlers::checkin)),
    )
    .service(web::resource("/assets/{id}/tickets").route(web::get().to(asset_tickets)))
    .service(
        web::resource("/assets/{id}/installations")
            .route(web::get().to(super::inventory_handlers::installations)),
    )
    .service(web::resource("/inventory/ocs").route(web::post().to(super::inventory_handlers::ocs)))
    .service(
        web::resource("/tickets/{id}/assets")
            .route(web::get().to(ticket_assets))
            .route(web::post().to(link_ticket)),
    )
    .service(web::resource("/tickets/{id}/assets/{asset}").route(web::delete().to(unlink_ticket)))
    .service(web::resource("/checkouts").route(web::get().to(super::checkout_handlers::checkouts)))
    .service(
        web::resource("/checkouts/accept")
            .route(web::post().to(super::checkout_handlers::accept_by_token)),
    )
    .service(
        web::resource("/checkouts/{id}/accept")
            .route(web::post().to(super::checkout_handlers::accept_as)),
    )
    .service(
        web::resource("/manufacturers")
            .route(web::get().to(super::catalog_handlers::manufacturers))
            .route(web::post().to(super::catalog_handlers::create_manufacturer)),
    )
    .service(
        web::resource("/models")
            .route(web::get().to(super::catalog_handlers::models))
            .route(web::post().to(super::catalog_handlers::create_model)),
    )
    .service(
        web::resource("/locations")
            .route(web::get().to(super::catalog_handlers::locations))
            .route(web::post().to(super::catalog_handlers::create_location)),
    );
}

pub(super) fn today() -> chrono::NaiveDate {
    ids::now().date()
}

pub(super) fn dto(v: &service::AssetView) -> AssetDto {
    let mut d = AssetDto::new(v, today());
    d.history = v.history.as_ref().map(|h| {
        h.iter()
            .map(|(e, who)| HistoryEntryDto::new(e, who.as_ref()))
            .collect()
    });
    d
}

/// Register an asset (asset managers and admins).
#[utoipa::path(post, path = "/api/v1/assets", tag = "assets", request_body = RegisterAsset,
    responses((status = 201, body = AssetDto), (status = 403, body = Problem),
        (status = 409, description = "The asset tag is in use", body = Problem),
        (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn register(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    body: ApiJson<RegisterAsset>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let view =
        blocking(move || service::register(&state.db, &state.fields, &actor, &input, ids::now()))
            .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/assets/{}", view.asset.id),
        ))
        .json(dto(&view)))
}

/// List assets, newest first, filtered; keyset-paginated.
#[utoipa::path(get, path = "/api/v1/assets", tag = "assets", params(AssetListParams),
    responses((status = 200, body = AssetPage), (status = 403, body = Problem),
        (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn list(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<AssetListParams>,
) -> Result<web::Json<AssetPage>, AppError> {
    let params = query.0;
    let (rows, next_cursor) = blocking(move || service::list(&state.db, &actor, &params)).await?;
    Ok(web::Json(AssetPage {
        items: rows.iter().map(dto).collect(),
        next_cursor,
    }))
}

/// One asset (by id or asset tag) with its history.
#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "assets",
    params(("id" = String, Path, description = "Asset id or asset tag")),
    responses((status = 200, body = AssetDto), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn get(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<AssetDto>, AppError> {
    let id = path.into_inner();
    let view = blocking(move || service::get(&state.db, &actor, &id, true)).await?;
    Ok(web::Json(dto(&view)))
}

/// Correct the facts of an asset (tag, serial, model, host name, purchase,
/// warranty, notes, custom fields); every change is in its history.
#[utoipa::path(patch, path = "/api/v1/assets/{id}", tag = "assets",
    params(("id" = String, Path, description = "Asset id or asset tag")),
    request_body = UpdateAsset,
    responses((status = 200, body = AssetDto), (status = 404, body = Problem),
        (status = 409, description = "The new asset tag is in use", body = Problem),
        (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn update(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<UpdateAsset>,
) -> Result<web::Json<AssetDto>, AppError> {
    let id = path.into_inner();
    let input = body.value;
    let view = blocking(move || {
        service::update(&state.db, &state.fields, &actor, &id, &input, ids::now())
    })
    .await?;
    Ok(web::Json(dto(&view)))
}

/// Move an asset through its lifecycle.
#[utoipa::path(post, path = "/api/v1/assets/{id}/transitions", tag = "assets",
    params(("id" = String, Path, description = "Asset id or asset tag")),
    request_body = TransitionRequest,
    responses((status = 200, body = AssetDto), (status = 404, body = Problem),
        (status = 409, description = "Not allowed from the current status; `allowed` lists where it may go", body = Problem),
        (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn transition(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<TransitionRequest>,
) -> Result<web::Json<AssetDto>, AppError> {
    let id = path.into_inner();
    let input = body.value;
    let view =
        blocking(move || service::transition(&state.db, &actor, &id, &input, ids::now())).await?;
    Ok(web::Json(dto(&view)))
}

/// The assets a ticket is about.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/assets", tag = "assets",
    params(("id" = String, Path, description = "Ticket id or number")),
    responses((status = 200, body = Vec<AssetDto>), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn ticket_assets(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<AssetDto>>, AppError> {
    let ticket = path.into_inner();
    let rows = blocking(move || service::assets_of_ticket(&state.db, &actor, &ticket)).await?;
    Ok(web::Json(rows.iter().map(dto).collect()))
}

/// Link a ticket to an asset (staff); answers the ticket's assets.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/assets", tag = "assets",
    params(("id" = String, Path, description = "Ticket id or number")),
    request_body = LinkAsset,
    responses((status = 200, body = Vec<AssetDto>), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn link_ticket(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<LinkAsset>,
) -> Result<web::Json<Vec<AssetDto>>, AppError> {
    let ticket = path.into_inner();
    let asset = body.value.asset;
    let rows =
        blocking(move || service::link_ticket(&state.db, &actor, &ticket, &asset, ids::now()))
            .await?;
    Ok(web::Json(rows.iter().map(dto).collect()))
}

/// Remove a ticket's link to an asset (staff).
#[utoipa::path(delete, path = "/api/v1/tickets/{id}/assets/{asset}", tag = "assets",
    params(("id" = String, Path, description = "Ticket id or number"),
        ("asset" = String, Path, description = "Asset id or tag")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn unlink_ticket(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (ticket, asset) = path.into_inner();
    blocking(move || service::unlink_ticket(&state.db, &actor, &ticket, &asset, ids::now()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The tickets about an asset, newest first.
#[utoipa::path(get, path = "/api/v1/assets/{id}/tickets", tag = "assets",
    params(("id" = String, Path, description = "Asset id or asset tag")),
    responses((status = 200, body = Vec<AssetTicketDto>), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn asset_tickets(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<AssetTicketDto>>, AppError> {
    let asset = path.into_inner();
    let rows = blocking(move || service::tickets_of_asset(&state.db, &actor, &asset)).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|(id, number, subject, status, created_at)| AssetTicketDto {
                id,
                number,
                subject,
                status,
                created_at: ids::utc(created_at),
            })
            .collect(),
    ))
}

/// Book value of the register by category on a day (straight line over
/// each model's depreciation months).
#[utoipa::path(get, path = "/api/v1/assets/depreciation", tag = "assets",
    params(DepreciationParams),
    responses((status = 200, body = DepreciationReport), (status = 403, body = Problem)),
    security(("token" = [])))]
pub async fn depreciation(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<DepreciationParams>,
) -> Result<web::Json<DepreciationReport>, AppError> {
    let on = query.on.unwrap_or_else(today);
    let report = blocking(move || service::depreciation(&state.db, &actor, on)).await?;
    Ok(web::Json(report))
}

/// Every asset as a file (`format=csv`, `json` or `xlsx`).
#[utoipa::path(get, path = "/api/v1/assets/export", tag = "assets",
    params(("format" = Option<String>, Query, description = "csv (default), json or xlsx")),
    responses((status = 200, description = "The file", content_type = "text/csv"),
        (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn export(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
    query: web::Query<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    if !actor.role.sees_assets() {
        return Err(AppError::Forbidden(
            "the asset register is for staff".into(),
        ));
    }
    export_file(state.db.clone(), query.get("format").map(String::as_str)).await
}

/// Every asset as a downloadable file in `format` (`csv` when absent);
/// the API and the register page both answer with it.
pub async fn export_file(
    db: crate::db::Db,
    format: Option<&str>,
) -> Result<HttpResponse, AppError> {
    use crate::export::Format;
    let format: Format = format
        .unwrap_or("csv")
        .parse()
        .map_err(|_| AppError::invalid("format", "csv, json or xlsx"))?;
    let body = blocking(move || {
        let mut out = Vec::new();
        super::export::export(&db, format, &mut out, &mut |_| {})?;
        Ok(out)
    })
    .await?;
    Ok(format.download("assets", body))
}

/// Stock by model: how many are available, reserved, out, in repair.
#[utoipa::path(get, path = "/api/v1/assets/stock", tag = "assets",
    responses((status = 200, body = Vec<StockLine>), (status = 403, body = Problem)),
    security(("token" = [])))]
pub async fn stock(
    state: web::Data<Assets>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<StockLine>>, AppError> {
    let lines = blocking(move || service::stock(&state.db, &actor)).await?;
    Ok(web::Json(lines))
}

/// This context's part of the OpenAPI document (`crate::openapi` merges
/// the parts).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    register,
    list,
    get,
    update,
    transition,
    super::catalog_handlers::manufacturers,
    super::catalog_handlers::create_manufacturer,
    super::catalog_handlers::models,
    super::catalog_handlers::create_model,
    super::catalog_handlers::locations,
    super::catalog_handlers::create_location,
    super::checkout_handlers::checkout,
    super::checkout_handlers::checkin,
    super::checkout_handlers::checkouts,
    super::checkout_handlers::accept_as,
    super::checkout_handlers::accept_by_token,
    ticket_assets,
    link_ticket,
    unlink_ticket,
    asset_tickets,
    super::inventory_handlers::installations,
    super::inventory_handlers::ocs,
    depreciation,
    export,
    stock,
    super::import_handlers::create,
    super::import_handlers::list,
    super::import_handlers::show,
))]
pub struct Api;
