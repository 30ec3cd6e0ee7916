//! The `Idempotency-Key` request header, read the same way everywhere.

use actix_web::HttpRequest;

use crate::error::AppError;

/// The request's `Idempotency-Key`, trimmed; `None` when absent, 422
/// naming the header when it is empty, longer than 255 or not visible
/// ASCII.
pub fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, AppError> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .map(|k| Some(k.to_owned()))
        .ok_or_else(|| {
            AppError::invalid("Idempotency-Key", "must be 1–255 visible ASCII characters")
        })
}
