//! The API caller, from `Authorization: Bearer <token>`.

use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};

use super::Auth;
use super::model::User;
use super::token_cache::Verified;
use super::{token, tokens};
use crate::error::{AppError, blocking};

/// The authenticated caller of an API endpoint.
#[derive(Debug, Clone)]
pub struct ApiUser(pub User);

impl FromRequest for ApiUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<ApiUser, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<Auth>>().cloned();
        let bearer = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(|t| t.trim().to_owned());
        Box::pin(async move {
            let state =
                state.ok_or_else(|| AppError::Internal(anyhow::anyhow!("app state missing")))?;
            let Some(token) = bearer else {
                return Err(AppError::Unauthenticated(
                    "send an API token as `Authorization: Bearer <token>`".into(),
                ));
            };
            let digest = token::digest(&token);
            let now = crate::ids::now();
            if let Some(v) = state.tokens.get(&digest, Instant::now())
                && v.expires_at.is_none_or(|e| e > now)
            {
                return Ok(ApiUser(v.user));
            }
            let db = state.db.clone();
            match blocking(move || tokens::authenticate_token(&db, &token, now)).await? {
                Some((user, expires_at)) => {
                    let verified = Verified {
                        user: user.clone(),
                        expires_at,
                    };
                    state.tokens.put(digest, verified, Instant::now());
                    Ok(ApiUser(user))
                }
                None => Err(AppError::Unauthenticated(
                    "the API token is unknown or revoked, or has expired".into(),
                )),
            }
        })
    }
}
