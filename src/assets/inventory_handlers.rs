//! Inventory agents (`/api/v1/inventory/ocs`) and the software they report.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::Assets;
use super::dto::{InstallationDto, InstallationParams};
use super::service;
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::ApiQuery;
use crate::ids;

fn agent_authorized(req: &actix_web::HttpRequest, s: &super::settings::InventorySettings) -> bool {
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
        (status = 401, description = "No or wrong credentials; `WWW-Authenticate: Basic`", content_type = "text/plain"),
        (status = 413, description = "Body or decompressed inventory too large", body = Problem)))]
pub async fn ocs(
    state: web::Data<Assets>,
    req: actix_web::HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    use futures_util::StreamExt;
    let settings = &state.inventory;
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
    // The body is read before any refusal: a server that answers and
    // closes with the request unread resets the connection, and the agent
    // may never see the challenge it waits for.
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
    state: web::Data<Assets>,
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
