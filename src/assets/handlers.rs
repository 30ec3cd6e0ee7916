//! `/api/v1/assets` and the asset catalog (manufacturers, models,
//! locations): thin handlers around one service call each.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::dto::{
    AcceptRequest, AssetDto, AssetListParams, AssetPage, AssetTicketDto, CheckinRequest,
    CheckoutDto, CheckoutListParams, CheckoutRequest, CheckoutResult, CreateModel,
    CreateNamedThing, DepreciationParams, DepreciationReport, InstallationDto, InstallationParams,
    LinkAsset, ModelDto, Named, RegisterAsset, StockLine, TransitionRequest,
};
use super::service;
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::{ApiJson, ApiQuery};
use crate::ids;
use crate::state::AppState;
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
    .service(web::resource("/assets/{id}").route(web::get().to(get)))
    .service(web::resource("/assets/{id}/transitions").route(web::post().to(transition)))
    .service(web::resource("/assets/{id}/checkout").route(web::post().to(checkout)))
    .service(web::resource("/assets/{id}/checkin").route(web::post().to(checkin)))
    .service(web::resource("/assets/{id}/tickets").route(web::get().to(asset_tickets)))
    .service(web::resource("/assets/{id}/installations").route(web::get().to(installations)))
    .service(web::resource("/inventory/ocs").route(web::post().to(ocs)))
    .service(
        web::resource("/tickets/{id}/assets")
            .route(web::get().to(ticket_assets))
            .route(web::post().to(link_ticket)),
    )
    .service(web::resource("/tickets/{id}/assets/{asset}").route(web::delete().to(unlink_ticket)))
    .service(web::resource("/checkouts").route(web::get().to(checkouts)))
    .service(web::resource("/checkouts/accept").route(web::post().to(accept_by_token)))
    .service(web::resource("/checkouts/{id}/accept").route(web::post().to(accept_as)))
    .service(
        web::resource("/manufacturers")
            .route(web::get().to(manufacturers))
            .route(web::post().to(create_manufacturer)),
    )
    .service(
        web::resource("/models")
            .route(web::get().to(models))
            .route(web::post().to(create_model)),
    )
    .service(
        web::resource("/locations")
            .route(web::get().to(locations))
            .route(web::post().to(create_location)),
    );
}

fn today() -> chrono::NaiveDate {
    ids::now().date()
}

fn dto(v: &service::AssetView) -> AssetDto {
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
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    body: ApiJson<RegisterAsset>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let view = blocking(move || service::register(&state.db, &actor, &input, ids::now())).await?;
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
    state: web::Data<AppState>,
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
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<AssetDto>, AppError> {
    let id = path.into_inner();
    let view = blocking(move || service::get(&state.db, &actor, &id, true)).await?;
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
    state: web::Data<AppState>,
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

/// The manufacturers.
#[utoipa::path(get, path = "/api/v1/manufacturers", tag = "assets",
    responses((status = 200, body = Vec<Named>)), security(("token" = [])))]
pub async fn manufacturers(
    state: web::Data<AppState>,
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
    state: web::Data<AppState>,
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
    state: web::Data<AppState>,
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
    state: web::Data<AppState>,
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
    state: web::Data<AppState>,
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
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    body: ApiJson<CreateNamedThing>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let row =
        blocking(move || service::create_location(&state.db, &actor, &input, ids::now())).await?;
    Ok(HttpResponse::Created().json(Named::from(&row)))
}

fn checkout_dto(v: &service::CheckoutView) -> CheckoutDto {
    let (c, a, u) = v;
    CheckoutDto::new(c, &a.asset_tag, u.as_ref(), today())
}

/// Hand an asset in stock to a person (it becomes deployed with them); they
/// get a mail with a link to confirm receipt unless `require_acceptance` is
/// `false`.
#[utoipa::path(post, path = "/api/v1/assets/{id}/checkout", tag = "assets",
    params(("id" = String, Path, description = "Asset id or asset tag")),
    request_body = CheckoutRequest,
    responses((status = 200, body = CheckoutResult), (status = 404, body = Problem),
        (status = 409, description = "Not in stock, or already checked out", body = Problem),
        (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn checkout(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<CheckoutRequest>,
) -> Result<web::Json<CheckoutResult>, AppError> {
    let id = path.into_inner();
    let input = body.value;
    let (view, c) = blocking(move || {
        service::checkout(&state.db, &state.settings, &actor, &id, &input, ids::now())
    })
    .await?;
    Ok(web::Json(CheckoutResult {
        asset: dto(&view),
        checkout: checkout_dto(&c),
    }))
}

/// Take an asset back into stock, closing its check-out.
#[utoipa::path(post, path = "/api/v1/assets/{id}/checkin", tag = "assets",
    params(("id" = String, Path, description = "Asset id or asset tag")),
    request_body = CheckinRequest,
    responses((status = 200, body = CheckoutResult), (status = 404, body = Problem),
        (status = 409, description = "Not checked out", body = Problem)),
    security(("token" = [])))]
pub async fn checkin(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<CheckinRequest>,
) -> Result<web::Json<CheckoutResult>, AppError> {
    let id = path.into_inner();
    let input = body.value;
    let (view, c) =
        blocking(move || service::checkin(&state.db, &actor, &id, &input, ids::now())).await?;
    Ok(web::Json(CheckoutResult {
        asset: dto(&view),
        checkout: checkout_dto(&c),
    }))
}

/// Open check-outs, soonest due first (`overdue=true`: only those past due).
#[utoipa::path(get, path = "/api/v1/checkouts", tag = "assets", params(CheckoutListParams),
    responses((status = 200, body = Vec<CheckoutDto>), (status = 403, body = Problem)),
    security(("token" = [])))]
pub async fn checkouts(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<CheckoutListParams>,
) -> Result<web::Json<Vec<CheckoutDto>>, AppError> {
    let overdue = query.overdue.unwrap_or(false);
    let limit = query.limit.unwrap_or(100);
    let rows =
        blocking(move || service::checkouts(&state.db, &actor, overdue, limit, today())).await?;
    Ok(web::Json(rows.iter().map(checkout_dto).collect()))
}

/// The person who received an asset confirms it (logged in as themselves).
#[utoipa::path(post, path = "/api/v1/checkouts/{id}/accept", tag = "assets",
    params(("id" = String, Path, description = "Check-out id")),
    responses((status = 200, body = CheckoutDto), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("token" = [])))]
pub async fn accept_as(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<CheckoutDto>, AppError> {
    let id = path.into_inner();
    let v = blocking(move || service::accept_as(&state.db, &actor, &id, ids::now())).await?;
    Ok(web::Json(checkout_dto(&v)))
}

/// Confirm receipt with the token from the hand-over mail (no login: the
/// token is the credential).
#[utoipa::path(post, path = "/api/v1/checkouts/accept", tag = "assets",
    request_body = AcceptRequest,
    responses((status = 200, body = CheckoutDto), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn accept_by_token(
    state: web::Data<AppState>,
    body: ApiJson<AcceptRequest>,
) -> Result<web::Json<CheckoutDto>, AppError> {
    let token = body.value.token;
    let v = blocking(move || service::accept_by_token(&state.db, &token, ids::now())).await?;
    Ok(web::Json(checkout_dto(&v)))
}

/// The assets a ticket is about.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/assets", tag = "assets",
    params(("id" = String, Path, description = "Ticket id or number")),
    responses((status = 200, body = Vec<AssetDto>), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn ticket_assets(
    state: web::Data<AppState>,
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
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<LinkAsset>,
) -> Result<web::Json<Vec<AssetDto>>, AppError> {
    let ticket = path.into_inner();
    let asset = body.value.asset;
    let db = state.db.clone();
    let actor2 = actor.clone();
    let ticket2 = ticket.clone();
    blocking(move || service::link_ticket(&db, &actor2, &ticket2, &asset, ids::now())).await?;
    let rows = blocking(move || service::assets_of_ticket(&state.db, &actor, &ticket)).await?;
    Ok(web::Json(rows.iter().map(dto).collect()))
}

/// Remove a ticket's link to an asset (staff).
#[utoipa::path(delete, path = "/api/v1/tickets/{id}/assets/{asset}", tag = "assets",
    params(("id" = String, Path, description = "Ticket id or number"),
        ("asset" = String, Path, description = "Asset id or tag")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn unlink_ticket(
    state: web::Data<AppState>,
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
    state: web::Data<AppState>,
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

fn agent_authorized(req: &actix_web::HttpRequest, s: &crate::config::InventorySettings) -> bool {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let Ok(password) = crate::config::secret(&s.password, &s.password_file) else {
        return false;
    };
    let Some(given) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
    else {
        return false;
    };
    // Compare digests: equal length, no early exit on the first difference.
    let expected = Sha256::digest(format!("{}:{password}", s.username).as_bytes());
    Sha256::digest(&given) == expected
}

fn xml_reply(body: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/xml")
        .body(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}"
        ))
}

/// Inventory agents (FusionInventory, OCS): PROLOG, then INVENTORY; zlib,
/// gzip or plain XML; HTTP basic authentication after a challenge.
#[utoipa::path(post, path = "/api/v1/inventory/ocs", tag = "assets",
    request_body(content_type = "application/x-compress-zlib", description = "OCS XML, zlib, gzip or plain"),
    responses((status = 200, description = "An OCS <REPLY>", content_type = "application/xml"),
        (status = 400, description = "Not an inventory this server can read", body = Problem),
        (status = 401, description = "No or wrong credentials; `WWW-Authenticate: Basic`"),
        (status = 413, description = "Body or decompressed inventory too large", body = Problem)))]
pub async fn ocs(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    use futures_util::StreamExt;
    let settings = &state.settings.inventory;
    if settings.username.is_empty() {
        return Err(AppError::NotFound(
            "the inventory endpoint (set [inventory] username and password)".into(),
        ));
    }
    if !agent_authorized(&req, settings) {
        // Agents send credentials only after this exact challenge.
        return Ok(HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"itdesk inventory\""))
            .content_type("text/plain")
            .body("authentication required\n"));
    }
    let limit = settings.max_body_bytes;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::bad_request("invalid_body", e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge(format!(
                "the request body exceeds inventory.max_body_bytes ({limit})"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    let max_xml = settings.max_xml_bytes;
    let request = blocking(move || {
        let xml = super::inventory::decode_body(&body, max_xml).map_err(|e| match e {
            super::inventory::DecodeError::TooLarge(_) => AppError::PayloadTooLarge(e.to_string()),
            super::inventory::DecodeError::Corrupt(_) => {
                AppError::bad_request("invalid_inventory", e.to_string())
            }
        })?;
        super::inventory::parse(&xml).map_err(|e| AppError::bad_request("invalid_inventory", e))
    })
    .await?;
    match request {
        super::inventory::Request::Prolog { .. } => Ok(xml_reply(
            "<REPLY><RESPONSE>SEND</RESPONSE><PROLOG_FREQ>24</PROLOG_FREQ></REPLY>",
        )),
        super::inventory::Request::Inventory(report) => {
            let applied =
                blocking(move || super::inventory::apply(&state.db, &report, ids::now())).await?;
            tracing::info!(
                asset = %applied.asset_tag,
                created = applied.created,
                installed = applied.installed,
                removed = applied.removed,
                "inventory received"
            );
            Ok(xml_reply(
                "<REPLY><RESPONSE>ACCOUNT_UPDATE</RESPONSE></REPLY>",
            ))
        }
        super::inventory::Request::Other(_) => Ok(xml_reply("<REPLY></REPLY>")),
    }
}

/// The software on a device (`ended=true` also lists what was removed).
#[utoipa::path(get, path = "/api/v1/assets/{id}/installations", tag = "assets",
    params(("id" = String, Path, description = "Asset id or asset tag"),
        ("ended" = Option<bool>, Query, description = "Include removed software")),
    responses((status = 200, body = Vec<InstallationDto>), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn installations(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    query: ApiQuery<InstallationParams>,
) -> Result<web::Json<Vec<InstallationDto>>, AppError> {
    let id = path.into_inner();
    let ended = query.ended.unwrap_or(false);
    let rows = blocking(move || service::installations(&state.db, &actor, &id, ended)).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|i| InstallationDto {
                name: i.name,
                version: i.version,
                publisher: i.publisher,
                first_seen: ids::utc(i.first_seen),
                last_seen: ids::utc(i.last_seen),
                ended_at: i.ended_at.map(ids::utc),
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
    state: web::Data<AppState>,
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
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    query: web::Query<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    use super::export::Format;
    if !actor.role.sees_assets() {
        return Err(AppError::Forbidden(
            "the asset register is for staff".into(),
        ));
    }
    let format: Format = query
        .get("format")
        .map(String::as_str)
        .unwrap_or("csv")
        .parse()
        .map_err(|_| AppError::invalid("format", "csv, json or xlsx"))?;
    let body = blocking(move || {
        let mut out = Vec::new();
        super::export::export(&state.db, format, &mut out, &mut |_| {})?;
        Ok(out)
    })
    .await?;
    let (ct, ext) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Json => ("application/json", "json"),
        Format::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    Ok(HttpResponse::Ok()
        .content_type(ct)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"assets.{ext}\""),
        ))
        .body(body))
}

/// Stock by model: how many are available, reserved, out, in repair.
#[utoipa::path(get, path = "/api/v1/assets/stock", tag = "assets",
    responses((status = 200, body = Vec<StockLine>), (status = 403, body = Problem)),
    security(("token" = [])))]
pub async fn stock(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<StockLine>>, AppError> {
    let lines = blocking(move || service::stock(&state.db, &actor)).await?;
    Ok(web::Json(lines))
}
