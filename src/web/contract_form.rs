//! Adding and changing a contract: one form for both, refusals beside
//! their fields with the input kept.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::form::{Problems, Reader};
use super::format::capitalized;
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render_with};
use crate::error::{AppError, blocking};
use crate::http::multipart::form_field;
use crate::money::Money;
use crate::state::AppState;
use crate::vendors::domain::ContractKind;
use crate::vendors::dto::{ContractDto, ContractInput};
use crate::vendors::service;
use crate::vendors::terms::Billing;

type Options = Vec<(String, String)>;

/// The form's boxes as typed.
#[derive(Debug, Clone, Default)]
pub(super) struct Boxes {
    pub vendor_id: String,
    pub kind: String,
    pub title: String,
    pub reference: String,
    pub owner: String,
    pub draft: bool,
    pub starts_on: String,
    pub ends_on: String,
    pub auto_renew: bool,
    pub renewal_months: String,
    pub notice: String,
    /// `months` or `days`.
    pub notice_unit: String,
    pub amount: String,
    pub currency: String,
    pub billing: String,
    pub notes: String,
    pub response_target: String,
    pub resolution_target: String,
    pub service_calendar: String,
    /// Tags of the assets it covers, separated by commas or spaces.
    pub assets: String,
}

fn boxes_of(c: &ContractDto) -> Boxes {
    let n = |v: Option<i32>| v.map_or(String::new(), |v| v.to_string());
    let d = |v: Option<chrono::NaiveDate>| v.map_or(String::new(), |v| v.to_string());
    let (notice, notice_unit) = match (c.notice_months, c.notice_days) {
        (Some(m), _) => (m.to_string(), "months"),
        (None, Some(days)) => (days.to_string(), "days"),
        (None, None) => (String::new(), "months"),
    };
    Boxes {
        vendor_id: c.vendor_id.clone(),
        kind: c.kind.as_str().to_owned(),
        title: c.title.clone(),
        reference: c.reference.clone().unwrap_or_default(),
        owner: c.owner_email.clone().unwrap_or_default(),
        draft: c.draft,
        starts_on: d(c.starts_on),
        ends_on: d(c.ends_on),
        auto_renew: c.auto_renew,
        renewal_months: n(c.renewal_months),
        notice,
        notice_unit: notice_unit.to_owned(),
        amount: Money::from_parts(c.amount_minor, c.currency.as_deref())
            .map_or(String::new(), |m| m.plain()),
        currency: c.currency.clone().unwrap_or_default(),
        billing: c.billing.map_or(String::new(), |b| b.as_str().to_owned()),
        notes: c.notes.clone(),
        response_target: c.response_target.clone().unwrap_or_default(),
        resolution_target: c.resolution_target.clone().unwrap_or_default(),
        service_calendar: c.service_calendar.clone().unwrap_or_default(),
        assets: c.assets.join(", "),
    }
}

fn boxes_from(form: &[(String, String)]) -> Boxes {
    let f = |n: &str| form_field(form, n).trim().to_owned();
    Boxes {
        vendor_id: f("vendor_id"),
        kind: f("kind"),
        title: f("title"),
        reference: f("reference"),
        owner: f("owner"),
        draft: !f("draft").is_empty(),
        starts_on: f("starts_on"),
        ends_on: f("ends_on"),
        auto_renew: !f("auto_renew").is_empty(),
        renewal_months: f("renewal_months"),
        notice: f("notice"),
        notice_unit: f("notice_unit"),
        amount: f("amount"),
        currency: f("currency").to_uppercase(),
        billing: f("billing"),
        notes: form_field(form, "notes"),
        response_target: f("response_target"),
        resolution_target: f("resolution_target"),
        service_calendar: f("service_calendar"),
        assets: f("assets"),
    }
}

/// The input the boxes give (every field: empty boxes clear), or what is
/// wrong with the ones that do not read.
fn input_of(b: &Boxes, default_currency: &str) -> Result<ContractInput, Problems> {
    let text = |v: &str| Some(Some(v.to_owned()).filter(|v| !v.is_empty()));
    let mut r = Reader::default();
    let currency = if b.currency.is_empty() {
        default_currency.to_owned()
    } else {
        b.currency.clone()
    };
    let (starts_on, ends_on) = (
        r.date("starts_on", &b.starts_on),
        r.date("ends_on", &b.ends_on),
    );
    let renewal = r.small("renewal_months", &b.renewal_months);
    let notice = r.small("notice", &b.notice);
    let amount = r.money("amount", &b.amount, &currency);
    if !r.problems.is_empty() {
        return Err(r.problems);
    }
    let has_amount = amount.flatten().is_some();
    let days = b.notice_unit == "days";
    Ok(ContractInput {
        vendor_id: Some(b.vendor_id.clone()),
        kind: Some(b.kind.clone()),
        reference: text(&b.reference),
        title: Some(b.title.clone()),
        owner: text(&b.owner),
        draft: Some(b.draft),
        starts_on,
        ends_on,
        auto_renew: Some(b.auto_renew),
        renewal_months: Some(renewal),
        notice_months: Some(notice.filter(|_| !days)),
        notice_days: Some(notice.filter(|_| days)),
        amount_minor: amount,
        currency: Some(Some(currency).filter(|_| has_amount || !b.currency.is_empty())),
        billing: text(&b.billing),
        notes: Some(b.notes.clone()),
        response_target: text(&b.response_target),
        resolution_target: text(&b.resolution_target),
        service_calendar: text(&b.service_calendar),
        assets: Some(
            b.assets
                .split([',', ' ', '\n'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        entitlement_ids: None,
    })
}

#[derive(Template)]
#[template(path = "contract_form.html", config = "src/web/askama.toml")]
struct FormPage {
    nav: Nav,
    title: String,
    /// Empty for a new contract.
    contract_id: String,
    action: String,
    f: Boxes,
    vendors: Options,
    kinds: Options,
    billings: Options,
    calendars: Options,
    problems: Problems,
    unplaced: Vec<String>,
}

const SHOWN: &[&str] = &[
    "vendor_id",
    "kind",
    "title",
    "reference",
    "owner",
    "starts_on",
    "ends_on",
    "renewal_months",
    "notice",
    "amount",
    "currency",
    "billing",
    "response_target",
    "resolution_target",
    "service_calendar",
    "assets",
];

async fn page(
    state: web::Data<AppState>,
    user: WebUser,
    contract_id: String,
    f: Boxes,
    mut problems: Problems,
) -> Result<HttpResponse, PageError> {
    // The service names the stored fields (and each asset); the form has
    // one notice box, one amount box and one box of tags.
    let mut unknown_tags = Vec::new();
    for e in problems.fields.iter_mut() {
        match e.field.as_str() {
            "notice_months" | "notice_days" => e.field = "notice".into(),
            "amount_minor" => e.field = "amount".into(),
            f if f.starts_with("assets[") => unknown_tags.push(e.message.clone()),
            _ => {}
        }
    }
    if !unknown_tags.is_empty() {
        problems.fields.retain(|e| !e.field.starts_with("assets["));
        problems.push("assets", unknown_tags.join("; "));
    }
    let (st, actor) = (state.clone(), user.user.clone());
    let vendors = blocking(move || service::vendors(&st.db, &actor, None, None)).await?;
    let (title, action) = if contract_id.is_empty() {
        ("New contract".to_owned(), "/contracts/new".to_owned())
    } else {
        (
            format!("Change {}", f.title),
            format!("/contracts/{}/edit", url_encode(&contract_id)),
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
            nav: user.nav("contracts"),
            title,
            contract_id,
            action,
            f,
            vendors: vendors.into_iter().map(|v| (v.id, v.name)).collect(),
            kinds: ContractKind::ALL
                .iter()
                .map(|k| (k.as_str().to_owned(), capitalized(k.as_str())))
                .collect(),
            calendars: {
                let mut names: Vec<String> = state
                    .vendors
                    .calendars
                    .get()
                    .calendars
                    .keys()
                    .cloned()
                    .collect();
                names.sort();
                names.into_iter().map(|n| (n.clone(), n)).collect()
            },
            billings: Billing::ALL
                .iter()
                .map(|b| (b.as_str().to_owned(), capitalized(b.as_str())))
                .collect(),
            unplaced: problems.unplaced(SHOWN),
            problems,
        },
    )
}

pub(super) fn managers(user: &WebUser) -> Result<(), PageError> {
    if user.user.role.manages_contracts() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only coordinators, asset managers and admins change vendors and contracts".into(),
        )
        .into())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    vendor: String,
}

/// `GET /contracts/new[?vendor=]`.
pub async fn new_form(
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, PageError> {
    managers(&user)?;
    let f = Boxes {
        vendor_id: query.into_inner().vendor,
        kind: "support".into(),
        owner: user.user.email.clone(),
        notice_unit: "months".into(),
        currency: state.settings.assets.default_currency.clone(),
        billing: "annual".into(),
        ..Boxes::default()
    };
    page(state, user, String::new(), f, Problems::default()).await
}

/// `GET /contracts/{id}/edit`.
pub async fn edit_form(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    managers(&user)?;
    let id = path.into_inner();
    let (st, actor, cid) = (state.clone(), user.user.clone(), id.clone());
    let c = blocking(move || service::contract(&st.vendors, &actor, &cid)).await?;
    page(state, user, id, boxes_of(&c), Problems::default()).await
}

/// `POST /contracts/new`.
pub async fn create(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    save(state, user, String::new(), form.into_inner()).await
}

/// `POST /contracts/{id}/edit`.
pub async fn update(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    save(state, user, path.into_inner(), form.into_inner()).await
}

async fn save(
    state: web::Data<AppState>,
    user: WebUser,
    id: String,
    form: Vec<(String, String)>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    managers(&user)?;
    let b = boxes_from(&form);
    let input = match input_of(&b, &state.settings.assets.default_currency) {
        Ok(i) => i,
        Err(p) => return page(state, user, id, b, p).await,
    };
    let (st, actor, cid) = (state.clone(), user.user.clone(), id.clone());
    let done = blocking(move || {
        let now = crate::ids::now();
        Ok(if cid.is_empty() {
            service::create_contract(&st.vendors, &actor, &input, now)
        } else {
            service::update_contract(&st.vendors, &actor, &cid, &input, now)
        })
    })
    .await?;
    let code = if id.is_empty() {
        "contract_created"
    } else {
        "contract_saved"
    };
    match done {
        Ok(c) => Ok(flash::redirect(
            &format!("/contracts/{}", url_encode(&c.id)),
            code,
        )),
        Err(e) => {
            let p = Problems::refusal(e)?;
            page(state, user, id, b, p).await
        }
    }
}
