//! Raising and changing a purchase order: one form for both, with its
//! lines (a model, a product or free text each; three empty rows to add
//! more), refusals beside their boxes and everything typed kept.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::contract_form::managers;
use super::form::Problems;
use super::purchase_order_boxes::{
    Boxes, LineBoxes, SPARE_ROWS, box_of, boxes_from, boxes_of, input_of,
};
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render_with};
use crate::error::{AppError, blocking};
use crate::http::multipart::form_field;
use crate::purchasing::service;
use crate::state::AppState;

type Options = Vec<(String, String)>;

#[derive(Template)]
#[template(path = "purchase_order_form.html", config = "src/web/askama.toml")]
struct FormPage {
    nav: Nav,
    title: String,
    action: String,
    order_id: String,
    f: Boxes,
    vendors: Options,
    items: Options,
    metrics: Options,
    problems: Problems,
    unplaced: Vec<String>,
}

const SHOWN: &[&str] = &[
    "vendor_id",
    "requested_by",
    "cost_centre",
    "currency",
    "conversion_rate",
    "tax_percent",
    "discount_percent",
    "shipping",
    "expected_on",
    "notes",
];

async fn page(
    state: web::Data<AppState>,
    user: WebUser,
    order_id: String,
    mut f: Boxes,
    mut problems: Problems,
) -> Result<HttpResponse, PageError> {
    for e in problems.fields.iter_mut() {
        if e.field == "shipping_minor" {
            e.field = "shipping".into();
        }
    }
    while f.lines.iter().filter(|l| l.is_empty()).count() < SPARE_ROWS {
        f.lines.push(LineBoxes::default());
    }
    let (st, actor) = (state.clone(), user.user.clone());
    let (vendors, models, products) = blocking(move || {
        Ok::<_, AppError>((
            crate::vendors::service::vendors(&st.db, &actor, None, None)?,
            crate::assets::service::models(&st.db, &actor)?,
            crate::licenses::service::products(&st.db, &actor)?,
        ))
    })
    .await?;
    let mut items: Options = models
        .into_iter()
        .map(|(m, maker)| {
            (
                format!("m:{}", m.id),
                format!("Device: {} {}", maker.name, m.name),
            )
        })
        .collect();
    items.extend(products.iter().map(|p| {
        (
            format!("p:{}", p.id),
            format!("Licence: {}", crate::licenses::service::label(p)),
        )
    }));
    let (title, action) = if order_id.is_empty() {
        (
            "New purchase order".to_owned(),
            "/purchase-orders/new".to_owned(),
        )
    } else {
        (
            "Change the order".to_owned(),
            format!("/purchase-orders/{}/edit", url_encode(&order_id)),
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
            nav: user.nav("purchase-orders"),
            title,
            action,
            order_id,
            f,
            vendors: vendors.into_iter().map(|v| (v.id, v.name)).collect(),
            items,
            metrics: ["device", "user", "processor", "site"]
                .iter()
                .map(|m| ((*m).to_owned(), format!("per {m}")))
                .collect(),
            unplaced: problems.unplaced(SHOWN),
            problems,
        },
    )
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    vendor: String,
}

/// `GET /purchase-orders/new[?vendor=]`.
pub async fn new_form(
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, PageError> {
    managers(&user)?;
    let f = Boxes {
        vendor_id: query.into_inner().vendor,
        currency: state.purchasing.settings.base_code(),
        ..Boxes::default()
    };
    page(state, user, String::new(), f, Problems::default()).await
}

/// `GET /purchase-orders/{id}/edit`.
pub async fn edit_form(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    managers(&user)?;
    let id = path.into_inner();
    let (st, actor, oid) = (state.clone(), user.user.clone(), id.clone());
    let o = blocking(move || service::order(&st.purchasing, &actor, &oid)).await?;
    page(state, user, id, boxes_of(&o), Problems::default()).await
}

/// `POST /purchase-orders/new`.
pub async fn create(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    save(state, user, String::new(), form.into_inner()).await
}

/// `POST /purchase-orders/{id}/edit`.
pub async fn update(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    save(state, user, path.into_inner(), form.into_inner()).await
}

/// Puts the service's `lines[k].field` faults under the rows they came
/// from; the rest stay with their boxes.
fn place_line_faults(p: &mut Problems, f: &mut Boxes, rows: &[usize]) {
    p.fields.retain(|e| {
        let Some((k, field)) = e
            .field
            .strip_prefix("lines[")
            .and_then(|r| r.split_once("]."))
        else {
            return true;
        };
        match k.parse::<usize>().ok().and_then(|k| rows.get(k)) {
            Some(&row) => {
                f.lines[row]
                    .errors
                    .push((box_of(field).to_owned(), e.message.clone()));
                false
            }
            None => true,
        }
    });
    if f.lines.iter().any(|l| !l.errors.is_empty()) && p.general.is_none() {
        p.general = Some("Some lines are refused: see below each.".into());
    }
}

async fn save(
    state: web::Data<AppState>,
    user: WebUser,
    id: String,
    form: Vec<(String, String)>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    managers(&user)?;
    let mut b = boxes_from(&form);
    let (input, rows) = match input_of(&mut b, &state.purchasing.settings.base_code()) {
        Ok(i) => i,
        Err(p) => return page(state, user, id, b, p).await,
    };
    let (st, actor, oid) = (state.clone(), user.user.clone(), id.clone());
    let done = blocking(move || {
        let now = crate::ids::now();
        Ok(if oid.is_empty() {
            service::create_order(&st.purchasing, &actor, &input, now)
        } else {
            service::update_order(&st.purchasing, &actor, &oid, &input, now)
        })
    })
    .await?;
    match done {
        Ok(o) => Ok(flash::redirect(
            &format!("/purchase-orders/{}", url_encode(&o.id)),
            if id.is_empty() {
                "order_created"
            } else {
                "order_saved"
            },
        )),
        Err(e) => {
            let mut p = Problems::refusal(e)?;
            place_line_faults(&mut p, &mut b, &rows);
            page(state, user, id, b, p).await
        }
    }
}
