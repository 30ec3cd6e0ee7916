//! Registering an asset on the web: its facts, model, place, cost and the
//! custom fields of the model's category. A refused form comes back with
//! every box as typed and the message beside each refused one.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::asset_form::FactsForm;
use super::asset_page::{ModelChoice, choices};
use super::form::Problems;
use super::session::Nav;
use super::{PageError, WebUser, flash, render_with};
use crate::assets::domain::{Category, Status};
use crate::assets::service;
use crate::error::{AppError, blocking};
use crate::http::multipart::form_field;
use crate::ids;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "asset_new.html", config = "src/web/askama.toml")]
struct NewAssetPage {
    nav: Nav,
    f: FactsForm,
    problems: Problems,
    general: Vec<String>,
    models: Vec<ModelChoice>,
    locations: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
}

fn may_register(user: &WebUser) -> Result<(), PageError> {
    if user.user.role.manages_assets() {
        Ok(())
    } else {
        Err(AppError::Forbidden("only asset managers and admins register assets".into()).into())
    }
}

async fn show_form(
    state: web::Data<AppState>,
    user: WebUser,
    f: FactsForm,
    problems: Problems,
) -> Result<HttpResponse, PageError> {
    let st = state.clone();
    let actor = user.user.clone();
    let (models, locations) = blocking(move || choices(&st, &actor)).await?;
    let mut placed: Vec<&str> = vec![
        "asset_tag",
        "serial",
        "model_id",
        "hostname",
        "status",
        "location_id",
        "assignee",
        "purchase_date",
        "cost",
        "currency",
        "warranty_end",
        "supplier",
        "po_number",
        "notes",
    ];
    placed.extend(f.custom.iter().map(|c| c.key.as_str()));
    let status = if problems.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = NewAssetPage {
        nav: user.nav("assets"),
        general: problems.unplaced(&placed),
        f,
        problems,
        models,
        locations,
        statuses: [Status::Ordered, Status::InStock, Status::Deployed]
            .iter()
            .map(|s| {
                (
                    s.as_str().to_owned(),
                    super::format::asset_status_label(*s).to_owned(),
                )
            })
            .collect(),
    };
    render_with(status, &page)
}

/// `GET /assets/new`
pub async fn form(state: web::Data<AppState>, user: WebUser) -> Result<HttpResponse, PageError> {
    may_register(&user)?;
    let f = FactsForm::fresh(
        &state.assets.fields,
        &state.assets.settings.default_currency,
    );
    show_form(state, user, f, Problems::default()).await
}

/// `POST /assets/new`
pub async fn submit(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let fields = form.into_inner();
    user.check_csrf(&form_field(&fields, "csrf"))?;
    may_register(&user)?;
    let f = FactsForm::read(&fields, &state.assets.fields, Category::ALL).for_every_category();
    let st = state.clone();
    let actor = user.user.clone();
    let model_id = f.model_id.trim().to_owned();
    let category = blocking(move || {
        Ok(service::models(&st.db, &actor)?
            .into_iter()
            .find(|(m, _)| m.id == model_id)
            .map(|(m, _)| m.category))
    })
    .await?;
    let input = match f.to_register(category) {
        Ok(i) => i,
        Err(p) => return show_form(state, user, f, p).await,
    };
    let st = state.clone();
    let actor = user.user.clone();
    let result =
        blocking(move || service::register(&st.db, &st.assets.fields, &actor, &input, ids::now()))
            .await;
    match result {
        Ok(v) => Ok(flash::redirect(
            &format!("/assets/{}", super::session::url_encode(&v.asset.asset_tag)),
            "asset_registered",
        )),
        Err(e) => {
            let p = Problems::refusal(e)?;
            show_form(state, user, f, p).await
        }
    }
}
