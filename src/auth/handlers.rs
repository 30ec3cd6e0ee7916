//! `/api/v1/tokens` and `/api/v1/users/{id}/…`: one's own tokens (admins:
//! everyone's), issuing and revoking them, and deactivating people.

use actix_web::{HttpResponse, web};

use super::Auth;
use super::dto::{AccountDto, CreateToken, IssuedTokenDto, TokenDto, TokenQuery};
use super::extract::ApiUser;
use super::service;
use super::tokens::{self, Owner};
use crate::error::{AppError, Problem, blocking};
use crate::http::{ApiJson, ApiQuery};
use crate::ids;

/// Registers the routes under `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/me").route(web::get().to(me)))
        .service(
            web::resource("/tokens")
                .route(web::get().to(list_tokens))
                .route(web::post().to(create_token)),
        )
        .service(web::resource("/tokens/{id}").route(web::delete().to(revoke_token)))
        .service(web::resource("/users/{id}/deactivate").route(web::post().to(deactivate)))
        .service(web::resource("/users/{id}/activate").route(web::post().to(activate)));
}

/// Who the token belongs to: id, email, name, role. Answered from the
/// token itself, without a database query.
#[utoipa::path(get, path = "/api/v1/me", tag = "access",
    responses((status = 200, body = AccountDto), (status = 401, body = Problem)),
    security(("token" = [])))]
pub async fn me(ApiUser(actor): ApiUser) -> web::Json<AccountDto> {
    web::Json(AccountDto::from(&actor))
}

/// API tokens: your own, or (admins) everyone's or one person's.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "access", params(TokenQuery),
    responses((status = 200, body = Vec<TokenDto>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn list_tokens(
    state: web::Data<Auth>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<TokenQuery>,
) -> Result<web::Json<Vec<TokenDto>>, AppError> {
    let owner = match query.0.owner.as_deref().map(str::trim) {
        None | Some("") | Some("me") => Owner::Me,
        Some("all") => Owner::Everyone,
        Some(other) => Owner::Person(other.to_owned()),
    };
    let list = blocking(move || tokens::list_tokens(&state.db, &actor, &owner)).await?;
    let now = ids::now();
    Ok(web::Json(
        list.iter().map(|t| TokenDto::new(t, now)).collect(),
    ))
}

/// Issue yourself a token (with your role); the secret is in the answer
/// only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "access", request_body = CreateToken,
    responses((status = 201, body = IssuedTokenDto), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create_token(
    state: web::Data<Auth>,
    ApiUser(actor): ApiUser,
    body: ApiJson<CreateToken>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let now = ids::now();
    let issued = blocking(move || {
        tokens::issue_own_token(
            &state.db,
            &actor,
            &input.label,
            input.expires_at.map(|e| e.naive_utc()),
            now,
        )
    })
    .await?;
    Ok(HttpResponse::Created().json(IssuedTokenDto::new(&issued, now)))
}

/// Revoke a token: yours, or (admins) anyone's. It stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "access",
    params(("id" = String, Path, description = "The token's id")),
    responses((status = 200, body = TokenDto), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn revoke_token(
    state: web::Data<Auth>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<TokenDto>, AppError> {
    let st = state.clone();
    let (view, digests) =
        blocking(move || tokens::revoke_token(&st.db, Some(&actor), &path, ids::now())).await?;
    state.tokens.forget(&digests);
    Ok(web::Json(TokenDto::new(&view, ids::now())))
}

/// Deactivate a person (admins): no login, every session ended, every token
/// revoked.
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "access",
    params(("id" = String, Path, description = "The person's id or email")),
    responses((status = 200, body = AccountDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Admins cannot deactivate themselves", body = Problem)),
    security(("token" = [])))]
pub async fn deactivate(
    state: web::Data<Auth>,
    actor: ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<AccountDto>, AppError> {
    set_active(state, actor, path.into_inner(), false).await
}

/// Let a deactivated person log in again (admins); their tokens stay
/// revoked.
#[utoipa::path(post, path = "/api/v1/users/{id}/activate", tag = "access",
    params(("id" = String, Path, description = "The person's id or email")),
    responses((status = 200, body = AccountDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn activate(
    state: web::Data<Auth>,
    actor: ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<AccountDto>, AppError> {
    set_active(state, actor, path.into_inner(), true).await
}

async fn set_active(
    state: web::Data<Auth>,
    ApiUser(actor): ApiUser,
    who: String,
    active: bool,
) -> Result<web::Json<AccountDto>, AppError> {
    let st = state.clone();
    let done =
        blocking(move || service::set_active(&st.db, Some(&actor), &who, active, ids::now()))
            .await?;
    state.tokens.forget_user(&done.user.id);
    Ok(web::Json(AccountDto::from(&done.user)))
}

/// This context's part of the OpenAPI document (`crate::openapi` merges
/// the parts).
#[derive(utoipa::OpenApi)]
#[openapi(paths(me, list_tokens, create_token, revoke_token, deactivate, activate,))]
pub struct Api;
