//! `/api/v1/licenses`: the product catalog, normalization rules, the
//! triage list of unmatched installations, a draft rule's preview, and
//! entitlements.

use actix_web::{HttpResponse, web};

use super::Licenses;
use super::dto::{
    EntitlementDto, EntitlementInput, InstallGroup, NewProduct, NewRule, ProductDto, RuleDto,
    RulePreview, UpdateProduct, UpdateRule,
};
use super::service;
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::{ApiJson, ApiQuery};
use crate::ids;

/// Registers the license routes under `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/licenses/products")
            .route(web::post().to(create_product))
            .route(web::get().to(products)),
    )
    .service(
        web::resource("/licenses/products/{id}")
            .route(web::get().to(product))
            .route(web::patch().to(update_product))
            .route(web::delete().to(delete_product)),
    )
    .service(
        web::resource("/licenses/rules")
            .route(web::post().to(create_rule))
            .route(web::get().to(rules)),
    )
    // Before `/licenses/rules/{id}`.
    .service(web::resource("/licenses/rules/preview").route(web::post().to(preview)))
    .service(
        web::resource("/licenses/rules/{id}")
            .route(web::patch().to(update_rule))
            .route(web::delete().to(delete_rule)),
    )
    .service(web::resource("/licenses/unmatched").route(web::get().to(unmatched)))
    .service(
        web::resource("/licenses/entitlements")
            .route(web::post().to(create_entitlement))
            .route(web::get().to(entitlements)),
    )
    .service(
        web::resource("/licenses/entitlements/{id}")
            .route(web::get().to(entitlement))
            .route(web::patch().to(update_entitlement))
            .route(web::delete().to(delete_entitlement)),
    );
}

/// `?product_id=` narrows the entitlement list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EntitlementParams {
    /// Only this product's entitlements.
    pub product_id: Option<String>,
}

/// Add an entitlement.
#[utoipa::path(post, path = "/api/v1/licenses/entitlements", tag = "licenses", request_body = EntitlementInput,
    responses((status = 201, body = EntitlementDto)), security(("token" = [])))]
pub async fn create_entitlement(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    body: ApiJson<EntitlementInput>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let show = service::shows_keys(&actor);
    let e = blocking(move || service::create_entitlement(&state.db, &actor, &input, ids::now()))
        .await?;
    Ok(HttpResponse::Created().json(EntitlementDto::new(&e, show)))
}

/// The entitlements (keys only for asset managers and admins).
#[utoipa::path(get, path = "/api/v1/licenses/entitlements", tag = "licenses", params(EntitlementParams),
    responses((status = 200, body = Vec<EntitlementDto>)), security(("token" = [])))]
pub async fn entitlements(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<EntitlementParams>,
) -> Result<web::Json<Vec<EntitlementDto>>, AppError> {
    let show = service::shows_keys(&actor);
    let product = query.0.product_id;
    let rows =
        blocking(move || service::entitlements(&state.db, &actor, product.as_deref())).await?;
    Ok(web::Json(
        rows.iter().map(|e| EntitlementDto::new(e, show)).collect(),
    ))
}

/// One entitlement.
#[utoipa::path(get, path = "/api/v1/licenses/entitlements/{id}", tag = "licenses",
    params(("id" = String, Path, description = "Entitlement id")),
    responses((status = 200, body = EntitlementDto)), security(("token" = [])))]
pub async fn entitlement(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<EntitlementDto>, AppError> {
    let id = path.into_inner();
    let show = service::shows_keys(&actor);
    let e = blocking(move || service::entitlement(&state.db, &actor, &id)).await?;
    Ok(web::Json(EntitlementDto::new(&e, show)))
}

/// Change an entitlement (absent fields stay; `null` clears).
#[utoipa::path(patch, path = "/api/v1/licenses/entitlements/{id}", tag = "licenses", request_body = EntitlementInput,
    params(("id" = String, Path, description = "Entitlement id")),
    responses((status = 200, body = EntitlementDto)), security(("token" = [])))]
pub async fn update_entitlement(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<EntitlementInput>,
) -> Result<web::Json<EntitlementDto>, AppError> {
    let (id, input) = (path.into_inner(), body.value);
    let show = service::shows_keys(&actor);
    let e =
        blocking(move || service::update_entitlement(&state.db, &actor, &id, &input, ids::now()))
            .await?;
    Ok(web::Json(EntitlementDto::new(&e, show)))
}

/// Delete an entitlement.
#[utoipa::path(delete, path = "/api/v1/licenses/entitlements/{id}", tag = "licenses",
    params(("id" = String, Path, description = "Entitlement id")),
    responses((status = 204)), security(("token" = [])))]
pub async fn delete_entitlement(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    blocking(move || service::delete_entitlement(&state.db, &actor, &id, ids::now())).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Add a product to the catalog.
#[utoipa::path(post, path = "/api/v1/licenses/products", tag = "licenses", request_body = NewProduct,
    responses((status = 201, body = ProductDto), (status = 409, body = Problem)),
    security(("token" = [])))]
pub async fn create_product(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    body: ApiJson<NewProduct>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let p =
        blocking(move || service::create_product(&state.db, &actor, &input, ids::now())).await?;
    Ok(HttpResponse::Created().json(ProductDto::from(&p)))
}

/// The product catalog, by publisher and name.
#[utoipa::path(get, path = "/api/v1/licenses/products", tag = "licenses",
    responses((status = 200, body = Vec<ProductDto>)), security(("token" = [])))]
pub async fn products(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<ProductDto>>, AppError> {
    let rows = blocking(move || service::products(&state.db, &actor)).await?;
    Ok(web::Json(rows.iter().map(ProductDto::from).collect()))
}

/// One product.
#[utoipa::path(get, path = "/api/v1/licenses/products/{id}", tag = "licenses",
    params(("id" = String, Path, description = "Product id")),
    responses((status = 200, body = ProductDto)), security(("token" = [])))]
pub async fn product(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<ProductDto>, AppError> {
    let id = path.into_inner();
    let p = blocking(move || service::product(&state.db, &actor, &id)).await?;
    Ok(web::Json(ProductDto::from(&p)))
}

/// Change a product.
#[utoipa::path(patch, path = "/api/v1/licenses/products/{id}", tag = "licenses", request_body = UpdateProduct,
    params(("id" = String, Path, description = "Product id")),
    responses((status = 200, body = ProductDto), (status = 409, body = Problem)),
    security(("token" = [])))]
pub async fn update_product(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<UpdateProduct>,
) -> Result<web::Json<ProductDto>, AppError> {
    let (id, input) = (path.into_inner(), body.value);
    let p = blocking(move || service::update_product(&state.db, &actor, &id, &input, ids::now()))
        .await?;
    Ok(web::Json(ProductDto::from(&p)))
}

/// Delete a product (refused with 409 while rules name it).
#[utoipa::path(delete, path = "/api/v1/licenses/products/{id}", tag = "licenses",
    params(("id" = String, Path, description = "Product id")),
    responses((status = 204), (status = 409, body = Problem)), security(("token" = [])))]
pub async fn delete_product(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    blocking(move || service::delete_product(&state.db, &actor, &id, ids::now())).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Add a normalization rule.
#[utoipa::path(post, path = "/api/v1/licenses/rules", tag = "licenses", request_body = NewRule,
    responses((status = 201, body = RuleDto)), security(("token" = [])))]
pub async fn create_rule(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    body: ApiJson<NewRule>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let r = blocking(move || service::create_rule(&state.db, &actor, &input, ids::now())).await?;
    Ok(HttpResponse::Created().json(RuleDto::from(&r)))
}

/// The rules in the order they are tried.
#[utoipa::path(get, path = "/api/v1/licenses/rules", tag = "licenses",
    responses((status = 200, body = Vec<RuleDto>)), security(("token" = [])))]
pub async fn rules(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<RuleDto>>, AppError> {
    let rows = blocking(move || service::rules(&state.db, &actor)).await?;
    Ok(web::Json(rows.iter().map(RuleDto::from).collect()))
}

/// Change a rule.
#[utoipa::path(patch, path = "/api/v1/licenses/rules/{id}", tag = "licenses", request_body = UpdateRule,
    params(("id" = String, Path, description = "Rule id")),
    responses((status = 200, body = RuleDto)), security(("token" = [])))]
pub async fn update_rule(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<UpdateRule>,
) -> Result<web::Json<RuleDto>, AppError> {
    let (id, input) = (path.into_inner(), body.value);
    let r =
        blocking(move || service::update_rule(&state.db, &actor, &id, &input, ids::now())).await?;
    Ok(web::Json(RuleDto::from(&r)))
}

/// Delete a rule.
#[utoipa::path(delete, path = "/api/v1/licenses/rules/{id}", tag = "licenses",
    params(("id" = String, Path, description = "Rule id")),
    responses((status = 204)), security(("token" = [])))]
pub async fn delete_rule(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    blocking(move || service::delete_rule(&state.db, &actor, &id, ids::now())).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What a draft rule would match, and where those installations resolve
/// now; nothing is saved.
#[utoipa::path(post, path = "/api/v1/licenses/rules/preview", tag = "licenses", request_body = NewRule,
    responses((status = 200, body = RulePreview)), security(("token" = [])))]
pub async fn preview(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
    body: ApiJson<NewRule>,
) -> Result<web::Json<RulePreview>, AppError> {
    let input = body.value;
    let p = blocking(move || service::preview(&state.db, &actor, &input)).await?;
    Ok(web::Json(p))
}

/// Unmatched installations grouped by cleaned name and publisher, most
/// devices first: the triage list that tells which rule to write next.
#[utoipa::path(get, path = "/api/v1/licenses/unmatched", tag = "licenses",
    responses((status = 200, body = Vec<InstallGroup>)), security(("token" = [])))]
pub async fn unmatched(
    state: web::Data<Licenses>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<InstallGroup>>, AppError> {
    let rows = blocking(move || service::unmatched(&state.db, &actor)).await?;
    Ok(web::Json(rows))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create_product,
    products,
    product,
    update_product,
    delete_product,
    create_rule,
    rules,
    update_rule,
    delete_rule,
    preview,
    unmatched,
    create_entitlement,
    entitlements,
    entitlement,
    update_entitlement,
    delete_entitlement,
))]
pub struct Api;
