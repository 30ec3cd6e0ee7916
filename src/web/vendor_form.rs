//! Adding and changing a vendor with its contacts: one form for both,
//! refusals beside their fields (a contact's too) with the input kept.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::contract_form::managers;
use super::form::Problems;
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render_with};
use crate::error::blocking;
use crate::http::multipart::form_field;
use crate::state::AppState;
use crate::vendors::dto::{ContactInput, VendorDto, VendorInput};
use crate::vendors::service;

/// Empty contact rows offered below the existing ones.
const SPARE_CONTACTS: usize = 2;

/// One contact's boxes, with the names the service reports faults under.
#[derive(Debug, Clone, Default)]
struct ContactBoxes {
    name: String,
    role: String,
    email: String,
    phone: String,
    order: String,
    /// `contacts[i].` prefix of its boxes' names.
    key: String,
    /// The ids and names of its boxes.
    name_box: BoxId,
    role_box: BoxId,
    email_box: BoxId,
    phone_box: BoxId,
    order_box: BoxId,
}

/// A box's element id and form name.
#[derive(Debug, Clone, Default)]
struct BoxId {
    id: String,
    name: String,
}

impl ContactBoxes {
    fn named(mut self, i: usize) -> ContactBoxes {
        self.key = format!("contacts[{i}].");
        let b = |id: &str, name: &str| BoxId {
            id: format!("c{i}-{id}"),
            name: format!("contacts[{i}].{name}"),
        };
        self.name_box = b("name", "name");
        self.role_box = b("role", "role");
        self.email_box = b("email", "email");
        self.phone_box = b("phone", "phone");
        self.order_box = b("order", "escalation_order");
        self
    }

    fn is_empty(&self) -> bool {
        [&self.name, &self.role, &self.email, &self.phone]
            .iter()
            .all(|s| s.is_empty())
    }
}

#[derive(Debug, Clone, Default)]
struct Boxes {
    name: String,
    kind: String,
    website: String,
    account_number: String,
    notes: String,
    contacts: Vec<ContactBoxes>,
}

fn boxes_of(v: &VendorDto) -> Boxes {
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    Boxes {
        name: v.name.clone(),
        kind: v.kind.as_str().to_owned(),
        website: o(&v.website),
        account_number: o(&v.account_number),
        notes: v.notes.clone(),
        contacts: v
            .contacts
            .iter()
            .map(|c| ContactBoxes {
                name: c.name.clone(),
                role: o(&c.role),
                email: o(&c.email),
                phone: o(&c.phone),
                order: c.escalation_order.to_string(),
                ..ContactBoxes::default()
            })
            .collect(),
    }
}

/// The boxes as submitted; contacts keep their row numbers (so that a
/// fault names the row it is in) and empty rows are dropped after.
fn boxes_from(form: &[(String, String)]) -> Boxes {
    let f = |n: &str| form_field(form, n).trim().to_owned();
    let mut contacts = Vec::new();
    for i in 0.. {
        let k = |field: &str| f(&format!("contacts[{i}].{field}"));
        if !form
            .iter()
            .any(|(n, _)| n == &format!("contacts[{i}].name"))
        {
            break;
        }
        contacts.push(ContactBoxes {
            name: k("name"),
            role: k("role"),
            email: k("email"),
            phone: k("phone"),
            order: k("escalation_order"),
            ..ContactBoxes::default()
        });
    }
    Boxes {
        name: f("name"),
        kind: f("kind"),
        website: f("website"),
        account_number: f("account_number"),
        notes: form_field(form, "notes"),
        contacts,
    }
}

fn input_of(b: &Boxes) -> Result<VendorInput, Problems> {
    let text = |v: &str| Some(v.to_owned()).filter(|v| !v.is_empty());
    let mut problems = Problems::default();
    let contacts = b
        .contacts
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_empty())
        .map(|(i, c)| ContactInput {
            name: c.name.clone(),
            role: text(&c.role),
            email: text(&c.email),
            phone: text(&c.phone),
            escalation_order: if c.order.is_empty() {
                None
            } else {
                c.order.parse().ok().or_else(|| {
                    problems.push(&format!("contacts[{i}].escalation_order"), "a whole number");
                    None
                })
            },
        })
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(VendorInput {
        name: Some(b.name.clone()),
        kind: Some(b.kind.clone()),
        website: Some(text(&b.website)),
        account_number: Some(text(&b.account_number)),
        notes: Some(b.notes.clone()),
        contacts: Some(contacts),
    })
}

#[derive(Template)]
#[template(path = "vendor_form.html", config = "src/web/askama.toml")]
struct FormPage {
    nav: Nav,
    title: String,
    vendor_id: String,
    action: String,
    f: Boxes,
    kinds: Vec<(String, String)>,
    problems: Problems,
    unplaced: Vec<String>,
}

async fn page(
    user: WebUser,
    vendor_id: String,
    mut f: Boxes,
    problems: Problems,
) -> Result<HttpResponse, PageError> {
    let (title, action) = if vendor_id.is_empty() {
        ("New vendor".to_owned(), "/vendors/new".to_owned())
    } else {
        (
            format!("Change {}", f.name),
            format!("/vendors/{}/edit", url_encode(&vendor_id)),
        )
    };
    // Rows keep their numbers (a fault names its row); spare rows follow.
    f.contacts
        .extend((0..SPARE_CONTACTS).map(|_| ContactBoxes::default()));
    for (i, c) in f.contacts.iter_mut().enumerate() {
        *c = std::mem::take(c).named(i);
    }
    let shown: Vec<String> = ["name", "kind", "website", "account_number"]
        .into_iter()
        .map(str::to_owned)
        .chain(f.contacts.iter().flat_map(|c| {
            ["name", "role", "email", "phone", "escalation_order"].map(|x| format!("{}{x}", c.key))
        }))
        .collect();
    let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(
        status,
        &FormPage {
            nav: user.nav("vendors"),
            title,
            vendor_id,
            action,
            kinds: super::vendors::kinds(),
            unplaced: problems.unplaced(&shown),
            f,
            problems,
        },
    )
}

/// `GET /vendors/new`.
pub async fn new_form(user: WebUser) -> Result<HttpResponse, PageError> {
    managers(&user)?;
    let f = Boxes {
        kind: "msp".into(),
        ..Boxes::default()
    };
    page(user, String::new(), f, Problems::default()).await
}

/// `GET /vendors/{id}/edit`.
pub async fn edit_form(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    managers(&user)?;
    let id = path.into_inner();
    let (st, actor, vid) = (state.clone(), user.user.clone(), id.clone());
    let v = blocking(move || service::vendor(&st.db, &actor, &vid)).await?;
    page(user, id, boxes_of(&v), Problems::default()).await
}

/// `POST /vendors/new`.
pub async fn create(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    save(state, user, String::new(), form.into_inner()).await
}

/// `POST /vendors/{id}/edit`.
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
    let mut b = boxes_from(&form);
    let input = match input_of(&b) {
        Ok(i) => i,
        Err(p) => return page(user, id, b, p).await,
    };
    // The service numbers contacts as sent: without the empty rows.
    b.contacts.retain(|c| !c.is_empty());
    let (st, actor, vid) = (state.clone(), user.user.clone(), id.clone());
    let done = blocking(move || {
        let now = crate::ids::now();
        Ok(if vid.is_empty() {
            service::create_vendor(&st.db, &actor, &input, now)
        } else {
            service::update_vendor(&st.db, &actor, &vid, &input, now)
        })
    })
    .await?;
    let code = if id.is_empty() {
        "vendor_created"
    } else {
        "vendor_saved"
    };
    match done {
        Ok(v) => Ok(flash::redirect(
            &format!("/vendors/{}", url_encode(&v.id)),
            code,
        )),
        Err(e) => {
            let p = Problems::refusal(e)?;
            page(user, id, b, p).await
        }
    }
}
