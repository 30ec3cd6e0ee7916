//! The one error type at the HTTP boundary.
//!
//! Layer policy:
//! - **Domain** functions return their own `thiserror` enums and know nothing
//!   of HTTP (e.g. a ticket's `TransitionError`); each context converts its
//!   own into [`AppError`].
//! - **Services** return [`AppError`]; domain errors convert with `From`, and a
//!   service adds the context a person needs ("queue `xyz` does not exist").
//! - **Handlers** return `Result<_, AppError>`; the single `ResponseError`
//!   impl below renders RFC 7807 `application/problem+json` with a stable
//!   snake_case `code` that clients may match on.
//! - diesel `NotFound` → 404, unique violation → 409, an exhausted pool → 503.
//! - 5xx responses log the whole cause chain and show no internals.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::{Map, Value};

/// One offending field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// Path of the field, e.g. `subject` or `watchers[2]`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request could not be read at all (bad JSON syntax, bad query).
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// 422: the request was read but some fields are wrong.
    #[error("invalid fields: {}", .0.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; "))]
    Validation(Vec<FieldError>),
    /// 401: no or bad credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// 403: known, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such thing, or not visible to this person.
    #[error("{0} not found")]
    NotFound(String),
    /// 409: the change conflicts with the record's state.
    #[error("{detail}")]
    Conflict {
        code: &'static str,
        detail: String,
        extensions: Map<String, Value>,
    },
    /// 410: it was there once and is gone for good (a password revealed).
    #[error("{0}")]
    Gone(String),
    /// 413: body or file too large.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: a body of a type this endpoint does not take.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 429: too many attempts; retry after the given seconds.
    #[error("too many attempts; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// 503: the database cannot be reached right now.
    #[error("the database is not reachable right now: {0}")]
    Unavailable(String),
    /// 502: a server we depend on (the directory) did not answer.
    #[error("{0}")]
    Upstream(String),
    /// 500: a bug or an unexpected failure; details go to the log only.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> AppError {
        AppError::BadRequest {
            code,
            detail: detail.into(),
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> AppError {
        AppError::Conflict {
            code,
            detail: detail.into(),
            extensions: Map::new(),
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest { code, .. } | AppError::Conflict { code, .. } => code,
            AppError::Validation(_) => "validation_failed",
            AppError::Unauthenticated(_) => "unauthenticated",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Gone(_) => "gone",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Unavailable(_) => "service_unavailable",
            AppError::Upstream(_) => "upstream_unavailable",
            AppError::Internal(_) => "internal_error",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::BadRequest { .. } => "Bad request",
            AppError::Validation(_) => "Invalid request",
            AppError::Unauthenticated(_) => "Authentication required",
            AppError::Forbidden(_) => "Not allowed",
            AppError::NotFound(_) => "Not found",
            AppError::Conflict { .. } => "Conflict",
            AppError::Gone(_) => "Gone",
            AppError::PayloadTooLarge(_) => "Payload too large",
            AppError::UnsupportedMediaType(_) => "Unsupported media type",
            AppError::RateLimited { .. } => "Too many requests",
            AppError::Unavailable(_) => "Service unavailable",
            AppError::Upstream(_) => "A server we depend on did not answer",
            AppError::Internal(_) => "Internal error",
        }
    }

    /// The text shown to people: never internals for 5xx.
    pub fn public_detail(&self) -> String {
        match self {
            AppError::Internal(_) => {
                "something went wrong on our side; the error has been logged".into()
            }
            AppError::Unavailable(_) => {
                "the database is not reachable right now; try again shortly".into()
            }
            other => other.to_string(),
        }
    }

    /// The RFC 7807 body.
    pub fn problem(&self) -> Problem {
        let mut extensions = Map::new();
        if let AppError::Conflict {
            extensions: ext, ..
        } = self
        {
            extensions = ext.clone();
        }
        Problem {
            problem_type: format!("urn:itdesk:problem:{}", self.code()),
            title: self.title().into(),
            status: self.status_code().as_u16(),
            detail: self.public_detail(),
            code: self.code().into(),
            errors: match self {
                AppError::Validation(fields) => fields.clone(),
                _ => Vec::new(),
            },
            extensions,
        }
    }
}

/// An RFC 7807 problem document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:itdesk:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable snake_case code, e.g. `not_found`, `validation_failed`,
    /// `transition_not_allowed`.
    pub code: String,
    /// The offending fields of a 422.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Extra members, e.g. `allowed` for a refused status transition.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extensions: Map<String, Value>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Upstream(_) => StatusCode::BAD_GATEWAY,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        log_if_server_error(self);
        let mut resp = HttpResponse::build(self.status_code());
        resp.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        match self {
            AppError::Unauthenticated(_) => {
                resp.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"itdesk\""));
            }
            AppError::RateLimited { retry_after_secs } => {
                resp.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            _ => {}
        }
        resp.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

/// Logs 5xx errors with their whole cause chain.
pub fn log_if_server_error(err: &AppError) {
    match err {
        AppError::Internal(e) => tracing::error!(error = format!("{e:#}"), "request failed"),
        AppError::Unavailable(e) => tracing::warn!(error = %e, "database unavailable"),
        AppError::Upstream(e) => tracing::warn!(error = %e, "upstream unavailable"),
        _ => {}
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> AppError {
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        match err {
            E::NotFound => AppError::NotFound("record".into()),
            E::DatabaseError(K::UniqueViolation, info) => AppError::conflict(
                "already_exists",
                format!(
                    "a record with the same key already exists ({})",
                    info.message()
                ),
            ),
            E::DatabaseError(K::ClosedConnection, info) => {
                AppError::Unavailable(info.message().to_owned())
            }
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(err: diesel::r2d2::PoolError) -> AppError {
        AppError::Unavailable(err.to_string())
    }
}

impl From<crate::db::Unavailable> for AppError {
    fn from(err: crate::db::Unavailable) -> AppError {
        AppError::Unavailable(err.0)
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(err: actix_web::error::BlockingError) -> AppError {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {err}"))
    }
}

/// Runs blocking work (diesel, argon2, files) on actix's blocking pool.
pub async fn blocking<T, F>(f: F) -> Result<T, AppError>
where
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    actix_web::web::block(f).await?
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    fn body_json(err: AppError) -> Value {
        let resp = err.error_response();
        let bytes = resp.into_body().try_into_bytes().unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn validation_error_pins_its_json_shape() {
        let json = body_json(AppError::invalid("subject", "must not be empty"));
        assert_eq!(
            json,
            serde_json::json!({
                "type": "urn:itdesk:problem:validation_failed",
                "title": "Invalid request",
                "status": 422,
                "detail": "invalid fields: subject: must not be empty",
                "code": "validation_failed",
                "errors": [{"field": "subject", "message": "must not be empty"}]
            })
        );
    }

    #[test]
    fn internal_error_hides_its_cause() {
        let json = body_json(AppError::Internal(anyhow::anyhow!(
            "secret table xyz broke"
        )));
        assert_eq!(json["code"], "internal_error");
        assert_eq!(json["status"], 500);
        assert!(!json.to_string().contains("secret"));
    }

    #[test]
    fn diesel_not_found_and_unique_violation_map_to_404_and_409() {
        assert_eq!(
            AppError::from(diesel::result::Error::NotFound).status_code(),
            StatusCode::NOT_FOUND
        );
        let mut extensions = Map::new();
        extensions.insert("allowed".into(), serde_json::json!([]));
        let json = body_json(AppError::Conflict {
            code: "transition_not_allowed",
            detail: "closed is final".into(),
            extensions,
        });
        assert_eq!(json["code"], "transition_not_allowed");
        assert_eq!(json["status"], 409);
        assert_eq!(json["allowed"], serde_json::json!([]));
    }
}
