//! `GET /healthz`: 200 with the backend's name once the database answers.

use actix_web::web;
use diesel::connection::SimpleConnection;
use serde::Serialize;

use crate::error::{AppError, Problem, blocking};
use crate::state::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok` in a 200.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    pub version: &'static str,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = Problem)))]
pub async fn healthz(state: web::Data<AppState>) -> Result<web::Json<Health>, AppError> {
    let db = state.db.clone();
    blocking(move || {
        db.read(|conn| {
            conn.batch_execute("SELECT 1")
                .map_err(|e| AppError::Unavailable(e.to_string()))
        })
    })
    .await?;
    Ok(web::Json(Health {
        status: "ok",
        backend: state.db.backend().name(),
        version: env!("CARGO_PKG_VERSION"),
    }))
}
