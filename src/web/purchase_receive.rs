//! Receiving from a page (`/purchase-orders/{id}/receive`): each line
//! still open with a box for how many arrived and, for devices, one
//! serial per line as a scanner types them. The form carries a key, so a
//! second click receives nothing twice; a refusal keeps everything typed.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::form::Problems;
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render_with};
use crate::error::blocking;
use crate::http::multipart::form_field;
use crate::purchasing::domain::LineKind;
use crate::purchasing::dto::{OrderDto, ReceiptInput, ReceiptLineInput};
use crate::purchasing::service;
use crate::state::AppState;

/// One open line of the form.
pub(super) struct OpenLine {
    pub number: i32,
    pub what: String,
    pub left: i64,
    /// Devices take serials.
    pub serials: bool,
    /// As typed.
    pub quantity: String,
    pub typed_serials: String,
    /// What is wrong with its boxes.
    pub q_error: Option<String>,
    pub s_error: Option<String>,
}

#[derive(Template)]
#[template(path = "purchase_receive.html", config = "src/web/askama.toml")]
struct ReceivePage {
    nav: Nav,
    number: String,
    order_id: String,
    lines: Vec<OpenLine>,
    locations: Vec<(String, String)>,
    location_id: String,
    received_on: String,
    key: String,
    /// Why the order takes no receipts now (cancelled, not ordered yet).
    closed: Option<String>,
    problems: Problems,
    unplaced: Vec<String>,
}

/// The boxes as typed: (line number → (quantity, serials)), location,
/// day, key.
struct Typed {
    lines: Vec<(i32, String, String)>,
    location_id: String,
    received_on: String,
    key: String,
}

fn open_lines(o: &OrderDto, typed: &Typed, problems: &Problems) -> Vec<OpenLine> {
    o.lines
        .iter()
        .filter(|l| l.received < l.quantity)
        .map(|l| {
            let (q, s) = typed
                .lines
                .iter()
                .find(|(n, _, _)| *n == l.number)
                .map(|(_, q, s)| (q.clone(), s.clone()))
                .unwrap_or_default();
            OpenLine {
                number: l.number,
                what: l.description.clone(),
                left: l.quantity - l.received,
                serials: l.kind == LineKind::Asset,
                quantity: q,
                typed_serials: s,
                q_error: problems.of(&format!("q{}", l.number)).map(str::to_owned),
                s_error: problems.of(&format!("s{}", l.number)).map(str::to_owned),
            }
        })
        .collect()
}

async fn page(
    state: web::Data<AppState>,
    user: WebUser,
    id: String,
    typed: Typed,
    problems: Problems,
) -> Result<HttpResponse, PageError> {
    super::contract_form::managers(&user)?;
    let (st, actor) = (state.clone(), user.user.clone());
    let (o, locations) = blocking(move || {
        Ok((
            service::order(&st.purchasing, &actor, &id)?,
            crate::assets::service::locations(&st.db, &actor)?,
        ))
    })
    .await?;
    let mut shown: Vec<String> = vec!["location_id".into(), "received_on".into()];
    for l in &o.lines {
        shown.push(format!("q{}", l.number));
        shown.push(format!("s{}", l.number));
    }
    let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(
        status,
        &ReceivePage {
            nav: user.nav("purchase-orders"),
            number: o.number.clone(),
            order_id: o.id.clone(),
            lines: open_lines(&o, &typed, &problems),
            locations: locations.into_iter().map(|l| (l.id, l.name)).collect(),
            location_id: typed.location_id,
            received_on: typed.received_on,
            key: typed.key,
            closed: (!o.status.receives()).then(|| {
                format!(
                    "{} takes no receipts: it is {}.",
                    o.number,
                    super::purchase_orders::status_words(o.status)
                        .0
                        .to_lowercase()
                )
            }),
            unplaced: problems.unplaced(&shown),
            problems,
        },
    )
}

/// `GET /purchase-orders/{id}/receive`.
pub async fn form(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let typed = Typed {
        lines: Vec::new(),
        location_id: String::new(),
        received_on: crate::ids::now().date().to_string(),
        key: crate::ids::new_id(),
    };
    page(state, user, path.into_inner(), typed, Problems::default()).await
}

fn serials_of(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The receipt the boxes describe (lines left empty are not received),
/// or what does not read.
fn receipt_of(typed: &Typed) -> Result<(ReceiptInput, Vec<i32>), Problems> {
    let mut problems = Problems::default();
    let mut lines = Vec::new();
    let mut numbers = Vec::new();
    for (n, q, s) in &typed.lines {
        let serials = serials_of(s);
        let quantity = if q.is_empty() {
            serials.len() as i64
        } else {
            match q.parse::<i64>() {
                Ok(v) => v,
                Err(_) => {
                    problems.push(&format!("q{n}"), "a whole number of units");
                    continue;
                }
            }
        };
        if quantity == 0 && serials.is_empty() {
            continue;
        }
        numbers.push(*n);
        lines.push(ReceiptLineInput {
            line: *n,
            quantity,
            serials: (!serials.is_empty()).then_some(serials),
            tags: None,
        });
    }
    if lines.is_empty() && problems.is_empty() {
        problems.general =
            Some("Say how many arrived on at least one line (or scan their serials).".into());
    }
    let received_on = match chrono::NaiveDate::parse_from_str(&typed.received_on, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) if typed.received_on.is_empty() => None,
        Err(_) => {
            problems.push("received_on", "a date such as 2027-03-31");
            None
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let location_id = Some(typed.location_id.clone()).filter(|l| !l.is_empty());
    Ok((
        ReceiptInput {
            lines,
            received_on,
            location_id,
        },
        numbers,
    ))
}

/// `POST /purchase-orders/{id}/receive`.
pub async fn submit(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    let id = path.into_inner();
    let mut lines = Vec::new();
    for (k, v) in form.iter() {
        if let Some(n) = k.strip_prefix('q').and_then(|n| n.parse::<i32>().ok()) {
            lines.push((n, v.trim().to_owned(), form_field(&form, &format!("s{n}"))));
        }
    }
    let typed = Typed {
        lines,
        location_id: form_field(&form, "location_id").trim().to_owned(),
        received_on: form_field(&form, "received_on").trim().to_owned(),
        key: form_field(&form, "key").trim().to_owned(),
    };
    let (input, numbers) = match receipt_of(&typed) {
        Ok(r) => r,
        Err(p) => return page(state, user, id, typed, p).await,
    };
    // The form's key guards against a second click; what was typed is its
    // fingerprint, so a changed form under the same key is refused.
    let typed_print = serde_json::json!([typed.lines, typed.location_id, typed.received_on]);
    let key = Some(typed.key.clone()).filter(|k| !k.is_empty()).map(|k| {
        (
            k,
            crate::http::json_fingerprint(typed_print.to_string().as_bytes()),
        )
    });
    let (st, actor, oid) = (state.clone(), user.user.clone(), id.clone());
    let done = blocking(move || {
        Ok(service::receive(
            &st.purchasing,
            &actor,
            &oid,
            &input,
            key,
            crate::ids::now(),
        ))
    })
    .await?;
    match done {
        Ok((o, _)) => Ok(flash::redirect(
            &format!("/purchase-orders/{}", url_encode(&o.id)),
            "order_received",
        )),
        Err(e) => {
            let mut p = Problems::refusal(e)?;
            let mut typed = typed;
            if p.fields.iter().any(|f| f.field == "Idempotency-Key") {
                // The form changed after its key was used: a new key, so
                // that sending it again takes the receipt.
                typed.key = crate::ids::new_id();
                p.fields.retain(|f| f.field != "Idempotency-Key");
                p.general = Some(
                    "This form was sent before with other lines: check them and send it again."
                        .into(),
                );
            }
            // The service names `lines[i].…`; the boxes are q{n} and s{n}.
            for e in p.fields.iter_mut() {
                let Some(rest) = e.field.strip_prefix("lines[") else {
                    continue;
                };
                let Some((i, what)) = rest.split_once("].") else {
                    continue;
                };
                if let Some(n) = i.parse::<usize>().ok().and_then(|i| numbers.get(i)) {
                    let serial = what.starts_with("serials");
                    e.field = format!("{}{n}", if serial { 's' } else { 'q' });
                }
            }
            page(state, user, id, typed, p).await
        }
    }
}
