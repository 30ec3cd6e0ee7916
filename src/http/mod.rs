//! HTTP plumbing shared by the API: a JSON body extractor that names the
//! offending field, query-string errors as problems, and the fallback 404.

mod idempotency;
pub mod multipart;
pub mod paging;

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

pub use idempotency::idempotency_key;

use crate::error::{AppError, FieldError};

/// The API's settings: `[api]`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSettings {
    pub json_body_limit_bytes: usize,
    pub page_size_default: i64,
    pub page_size_max: i64,
    pub token_cache_seconds: u64,
}

impl ApiSettings {
    pub fn validate(&self) -> Result<(), crate::config::ConfigError> {
        if self.page_size_default < 1 || self.page_size_max < self.page_size_default {
            return Err(crate::config::ConfigError::Invalid(
                "api.page_size_default must be ≥ 1 and ≤ api.page_size_max".into(),
            ));
        }
        Ok(())
    }
}

/// The largest JSON body [`ApiJson`] reads, in bytes (`api.json_body_limit_bytes`),
/// registered as app data.
#[derive(Debug, Clone, Copy)]
pub struct JsonLimit(pub usize);

impl Default for JsonLimit {
    fn default() -> JsonLimit {
        JsonLimit(262_144)
    }
}

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
            .app_data::<web::Data<JsonLimit>>()
            .map_or(JsonLimit::default().0, |l| l.0);
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

/// Deserialises JSON, turning serde's errors into precise problems. The
/// whole body must be one JSON value (trailing data is a 400), and strings
/// lose the control characters [`crate::text`] removes.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    if !may_escape_a_control(bytes) {
        return parse_whole(bytes);
    }
    let value: serde_json::Value = parse_whole(bytes)?;
    serde_path_to_error::deserialize(strip_value(value)).map_err(path_problem)
}

fn parse_whole<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(path_problem)?;
    de.end().map_err(|e| json_problem(".", e))?;
    Ok(value)
}

fn path_problem(err: serde_path_to_error::Error<serde_json::Error>) -> AppError {
    let path = err.path().to_string();
    json_problem(&path, err.into_inner())
}

fn json_problem(path: &str, inner: serde_json::Error) -> AppError {
    match inner.classify() {
        serde_json::error::Category::Data => {
            let message = inner.to_string();
            let field = field_of(path, &message);
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
}

/// Whether a JSON text may hold an escaped control character (`\u0000`–
/// `\u001f`, `\b`, `\f`); raw ones are a syntax error anyway. Cheap, and
/// true for far more than it must be: the slow path is exact.
fn may_escape_a_control(bytes: &[u8]) -> bool {
    bytes
        .windows(2)
        .any(|w| w[0] == b'\\' && matches!(w[1], b'u' | b'b' | b'f'))
}

fn strip_value(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(crate::text::strip_controls_owned(s)),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_value).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (crate::text::strip_controls_owned(k), strip_value(v)))
                .collect(),
        ),
        other => other,
    }
}

/// A digest of what a JSON body says rather than how it is written: keys
/// sorted, no whitespace (an idempotent retry may re-indent its body).
pub fn json_fingerprint(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    fn canonical(v: &serde_json::Value, out: &mut String) {
        use serde_json::Value;
        match v {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    canonical(&map[k], out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    canonical(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut text = String::new();
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(v) => canonical(&strip_value(v), &mut text),
        Err(_) => text = String::from_utf8_lossy(bytes).into_owned(),
    }
    crate::text::hex(&Sha256::digest(text.as_bytes()))
}

/// Removes encoded control characters ([`crate::text`]) from every
/// request's path and query string, and from URL-encoded form bodies,
/// before routing: every handler and page sees clean text, and a `%00` in
/// `?assignee=` never reaches a database.
pub async fn strip_controls(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    use crate::text::strip_encoded_controls;
    use std::borrow::Cow;
    let uri = req.uri().clone();
    if let Some(pq) = uri.path_and_query()
        && let Cow::Owned(clean) = strip_encoded_controls(pq.as_str().as_bytes())
    {
        let mut parts = uri.into_parts();
        let clean = if clean.is_empty() {
            b"/".to_vec()
        } else {
            clean
        };
        parts.path_and_query = actix_web::http::uri::PathAndQuery::from_maybe_shared(clean).ok();
        if let Ok(new_uri) = actix_web::http::Uri::from_parts(parts) {
            req.match_info_mut().get_mut().update(&new_uri);
            req.head_mut().uri = new_uri;
        }
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if is_form {
        const FORM_LIMIT: usize = 1 << 20;
        let mut payload = actix_web::HttpMessage::take_payload(&mut req);
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk?;
            if body.len() + chunk.len() > FORM_LIMIT {
                let err = AppError::PayloadTooLarge(format!(
                    "a form may carry at most {FORM_LIMIT} bytes"
                ));
                return Ok(req.error_response(err));
            }
            body.extend_from_slice(&chunk);
        }
        let clean = match strip_encoded_controls(&body) {
            Cow::Borrowed(_) => body.freeze(),
            Cow::Owned(v) => web::Bytes::from(v),
        };
        req.set_payload(actix_web::dev::Payload::from(clean));
    }
    next.call(req).await.map(|r| r.map_into_boxed_body())
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

/// Distinguishes a field sent as `null` (`Some(None)`) from an absent one.
pub fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
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

    crate::text_enum! {
        pub enum Level { High = "high", Medium = "medium", Low = "low" }
    }

    /// A body shaped like a ticket filing.
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct CreateTicket {
        subject: String,
        description: String,
        #[serde(default)]
        watchers: Vec<String>,
        #[serde(default)]
        impact: Option<Level>,
    }

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
