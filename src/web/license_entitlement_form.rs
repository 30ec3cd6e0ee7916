//! Adding, changing and deleting an entitlement from the product's page:
//! one form for both, refusals beside their fields with the input kept.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::form::Problems;
use super::license_entitlement_boxes::{Boxes, boxes_from, boxes_of, input_of};
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render_with};
use crate::error::{AppError, blocking};
use crate::http::multipart::form_field;
use crate::licenses::dto::EntitlementInput;
use crate::licenses::service;
use crate::state::AppState;

type Options = Vec<(String, String)>;

#[derive(Template)]
#[template(path = "license_entitlement_form.html", config = "src/web/askama.toml")]
struct FormPage {
    nav: Nav,
    title: String,
    product_id: String,
    /// Empty for a new entitlement.
    entitlement_id: String,
    action: String,
    f: Boxes,
    metrics: Options,
    core_rules: Options,
    problems: Problems,
    unplaced: Vec<String>,
}

const SHOWN: &[&str] = &[
    "metric",
    "quantity",
    "starts_on",
    "ends_on",
    "unit_cost",
    "currency",
    "core_rule",
    "min_cores_per_processor",
    "min_cores_per_device",
    "core_pack",
    "license_key",
    "vendor",
    "po_number",
    "contract_ref",
    "notes",
];

fn options(pairs: &[(&str, &str)]) -> Options {
    pairs
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
}

async fn page(
    state: web::Data<AppState>,
    user: WebUser,
    (product_id, entitlement_id): (String, String),
    f: Boxes,
    problems: Problems,
) -> Result<HttpResponse, PageError> {
    let (st, actor, pid) = (state.clone(), user.user.clone(), product_id.clone());
    let product = blocking(move || service::product(&st.db, &actor, &pid)).await?;
    let name = service::label(&product);
    let (title, action) = if entitlement_id.is_empty() {
        (
            format!("New entitlement for {name}"),
            format!(
                "/licenses/products/{}/entitlements",
                url_encode(&product_id)
            ),
        )
    } else {
        (
            format!("Change an entitlement of {name}"),
            format!(
                "/licenses/entitlements/{}/edit",
                url_encode(&entitlement_id)
            ),
        )
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(
        status,
        &FormPage {
            nav: user.nav("licenses"),
            title,
            product_id,
            entitlement_id,
            action,
            f,
            metrics: options(&[
                ("device", "per device"),
                ("user", "per user"),
                ("processor", "per processor"),
                ("core", "per core"),
                ("site", "site licence (unlimited)"),
            ]),
            core_rules: options(&[
                ("per_device", "per device, with minimums (Microsoft)"),
                ("factor", "core factor table (Oracle)"),
            ]),
            unplaced: problems.unplaced(SHOWN),
            problems,
        },
    )
}

fn managers(user: &WebUser) -> Result<(), PageError> {
    if user.user.role.manages_assets() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only asset managers and admins change the license register".into(),
        )
        .into())
    }
}

fn back(product: &str) -> String {
    format!("/licenses/products/{}", url_encode(product))
}

/// `GET /licenses/products/{id}/entitlements/new`.
pub async fn new_form(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    managers(&user)?;
    let f = Boxes {
        metric: "device".into(),
        currency: state.settings.assets.default_currency.clone(),
        ..Boxes::default()
    };
    page(
        state,
        user,
        (path.into_inner(), String::new()),
        f,
        Problems::default(),
    )
    .await
}

/// `POST /licenses/products/{id}/entitlements`.
pub async fn create(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    save(
        state,
        user,
        (path.into_inner(), String::new()),
        form.into_inner(),
    )
    .await
}

/// Adds (`id` empty) or changes an entitlement; a refusal shows the form
/// again with the input kept.
async fn save(
    state: web::Data<AppState>,
    user: WebUser,
    (product, id): (String, String),
    form: Vec<(String, String)>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    managers(&user)?;
    let b = boxes_from(&form);
    let currency = state.settings.assets.default_currency.clone();
    let input = match input_of(&product, &b, &currency, !id.is_empty()) {
        Ok(i) => i,
        Err(p) => return page(state, user, (product, id), b, p).await,
    };
    let (st, actor, eid) = (state.clone(), user.user.clone(), id.clone());
    let done = blocking(move || {
        let now = crate::ids::now();
        Ok(if eid.is_empty() {
            service::create_entitlement(&st.db, &actor, &input, now)
        } else {
            let input = EntitlementInput {
                product_id: None,
                ..input
            };
            service::update_entitlement(&st.db, &actor, &eid, &input, now)
        })
    })
    .await?;
    let code = if id.is_empty() {
        "entitlement_created"
    } else {
        "entitlement_saved"
    };
    match done {
        Ok(e) => Ok(flash::redirect(&back(&e.product_id), code)),
        Err(e) => {
            let p = Problems::refusal(e)?;
            page(state, user, (product, id), b, p).await
        }
    }
}

/// `GET /licenses/entitlements/{id}/edit`.
pub async fn edit_form(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    managers(&user)?;
    let id = path.into_inner();
    let (st, actor, eid) = (state.clone(), user.user.clone(), id.clone());
    let e = blocking(move || service::entitlement(&st.db, &actor, &eid)).await?;
    let f = boxes_of(&e, service::shows_keys(&user.user));
    page(
        state,
        user,
        (e.product_id.clone(), id),
        f,
        Problems::default(),
    )
    .await
}

/// `POST /licenses/entitlements/{id}/edit`.
pub async fn update(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let product = form_field(&form, "product");
    save(state, user, (product, path.into_inner()), form.into_inner()).await
}

/// `POST /licenses/entitlements/{id}/delete`.
pub async fn delete(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    managers(&user)?;
    let id = path.into_inner();
    let product = form_field(&form, "product");
    let actor = user.user.clone();
    blocking(move || service::delete_entitlement(&state.db, &actor, &id, crate::ids::now()))
        .await?;
    Ok(flash::redirect(&back(&product), "entitlement_deleted"))
}
