//! HTTP plumbing shared by the API: a JSON body extractor that names the
//! offending field, query-string errors as problems, and the fallback 404.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::{AppError, FieldError};
use crate::state::AppState;

/// A JSON request body: 415 unless the content type is JSON, 413 beyond
/// `api.json_body_limit_bytes`, 400 for broken syntax (with line and column),
/// 422 naming the field for wrong types, missing or unknown fields.
#[derive(Debug)]
pub struct ApiJson<T> {
    pub value: T,
    /// The body as received (e.g. for idempotency fingerprints).
    pub raw: web::Bytes,
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<ApiJson<T>, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.settings.api.json_body_limit_bytes)
            .unwrap_or(262_144);
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let declared_len = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            let mime = content_type
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_owned();
            if mime != "application/json" && !mime.ends_with("+json") {
                return Err(AppError::UnsupportedMediaType(format!(
                    "send the body as application/json (got `{}`)",
                    if mime.is_empty() { "nothing" } else { &mime }
                )));
            }
            let too_large =
                || AppError::PayloadTooLarge(format!("the JSON body exceeds {limit} bytes"));
            if declared_len.is_some_and(|n| n > limit) {
                return Err(too_large());
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk =
                    chunk.map_err(|e| AppError::bad_request("invalid_body", e.to_string()))?;
                if body.len() + chunk.len() > limit {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            let raw = body.freeze();
            let value = parse_json(&raw)?;
            Ok(ApiJson { value, raw })
        })
    }
}

/// Deserialises JSON, turning serde's errors into precise problems.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, _> = serde_path_to_error::deserialize(de);
    result.map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let message = inner.to_string();
                let field = field_of(&path, &message);
                AppError::Validation(vec![FieldError::new(field, strip_position(&message))])
            }
            _ => AppError::bad_request(
                "invalid_json",
                format!(
                    "the body is not valid JSON: {} (line {}, column {})",
                    strip_position(&inner.to_string()),
                    inner.line(),
                    inner.column()
                ),
            ),
        }
    })
}

/// The field a serde message is about: the path, or for missing and unknown
/// fields of the top level, the quoted name in the message.
fn field_of(path: &str, message: &str) -> String {
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|p| message.split_once(p))
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(name, _)| name.to_owned());
    match (path, named) {
        (".", Some(name)) => name,
        (p, Some(name)) if p == name || p.ends_with(&format!(".{name}")) => p.to_owned(),
        (p, Some(name))
            if message.starts_with("missing field") || message.starts_with("unknown field") =>
        {
            format!("{p}.{name}")
        }
        (".", None) => "body".to_owned(),
        (p, _) => p.to_owned(),
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// A query string: 422 naming the parameter that does not parse, or is
/// unknown.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T> std::ops::Deref for ApiQuery<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<ApiQuery<T>, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(ApiQuery))
    }
}

/// Deserialises a query string, naming the parameter at fault.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let message = err.into_inner().to_string();
        let field = match field_of(&path, &message) {
            f if f == "body" => "query".to_owned(),
            f => f,
        };
        AppError::Validation(vec![FieldError::new(field, message)])
    })
}

/// Path segments that do not parse.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|err, _req| AppError::bad_request("invalid_path", err.to_string()).into())
}

/// Unknown API routes answer a problem, not an HTML page.
pub async fn api_not_found(req: HttpRequest) -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound(format!(
        "route {} {}",
        req.method(),
        req.path()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tickets::dto::CreateTicket;

    fn fields(err: AppError) -> Vec<FieldError> {
        match err {
            AppError::Validation(f) => f,
            other => panic!("expected validation error, got {other:?}"),
        }
    }

    #[test]
    fn missing_field_is_named() {
        let err = parse_json::<CreateTicket>(br#"{"description": "x"}"#).unwrap_err();
        assert_eq!(fields(err)[0].field, "subject");
    }

    #[test]
    fn wrong_type_names_its_path() {
        let err = parse_json::<CreateTicket>(
            br#"{"subject": "a", "description": "b", "watchers": ["x", 5]}"#,
        )
        .unwrap_err();
        let f = fields(err);
        assert_eq!(f[0].field, "watchers[1]");
        assert!(f[0].message.contains("invalid type"), "{}", f[0].message);
    }

    #[test]
    fn unknown_field_and_bad_enum_value_are_named() {
        let err =
            parse_json::<CreateTicket>(br#"{"subject": "a", "description": "b", "colour": 1}"#)
                .unwrap_err();
        assert_eq!(fields(err)[0].field, "colour");
        let err = parse_json::<CreateTicket>(
            br#"{"subject": "a", "description": "b", "impact": "huge"}"#,
        )
        .unwrap_err();
        let f = fields(err);
        assert_eq!(f[0].field, "impact");
        assert!(
            f[0].message.contains("expected one of: high, medium, low"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn broken_syntax_is_a_400_with_position() {
        let err =
            parse_json::<CreateTicket>(b"{\"subject\": \"a\",\n \"description\": }").unwrap_err();
        assert_eq!(err.code(), "invalid_json");
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
