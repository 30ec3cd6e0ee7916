//! One contract (`/contracts/{id}`): its terms, costs, notice deadline,
//! the terms it left behind, the reminders sent, its history, and the
//! notice and renewal actions.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::contracts::{money, status_words};
use super::form::Problems;
use super::format::capitalized;
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render_with};
use crate::error::{AppError, blocking};
use crate::http::multipart::form_field;
use crate::state::AppState;
use crate::vendors::dto::{ContractDto, ReminderDto, TermDto, Termination};
use crate::vendors::service;

#[derive(Template)]
#[template(path = "contract.html", config = "src/web/askama.toml")]
struct ContractPage {
    nav: Nav,
    flash: Option<&'static str>,
    c: ContractDto,
    status: (&'static str, &'static str),
    facts: Vec<(&'static str, String)>,
    history: Vec<(String, String)>,
    /// (from, to, how, cost) of each term it left behind, latest first.
    terms: Vec<(String, String, &'static str, String)>,
    /// (sent, about, to) of each reminder, latest first.
    reminders: Vec<(String, String, String)>,
    /// The reminder offsets, in words ("90, 60, 30 and 7").
    reminder_days: String,
    /// (tag, host name, status) of the assets it covers.
    assets: Vec<(String, String, &'static str)>,
    /// (id, label) of the license entitlements it covers.
    entitlements: Vec<(String, String)>,
    /// (name, size, uploaded, download link, removal action) of each
    /// document, oldest first.
    documents: Vec<Doc>,
    /// Why the last upload was refused.
    file_error: Option<String>,
    can_change: bool,
    problems: Problems,
    reason: String,
    effective_on: String,
}

/// A document as the page lists it.
struct Doc {
    name: String,
    size: String,
    added: String,
    href: String,
    remove: String,
}

/// What a refused form sends back to the page: the notice form's problems
/// and input, or why an upload was refused.
#[derive(Default)]
pub(super) struct Refused {
    pub problems: Problems,
    pub reason: String,
    pub effective_on: String,
    pub file: Option<String>,
}

fn facts(c: &ContractDto) -> Vec<(&'static str, String)> {
    let mut f = vec![
        ("Vendor", c.vendor.clone()),
        ("Kind", capitalized(c.kind.as_str())),
    ];
    let mut push = |k: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            f.push((k, v));
        }
    };
    push("Reference", c.reference.clone());
    push("Owner", c.owner_email.clone());
    push("Starts", c.starts_on.map(|d| d.to_string()));
    push(
        "Ends",
        Some(c.ends_on.map_or("open-ended".into(), |d| d.to_string())),
    );
    push(
        "Renews",
        c.auto_renew.then(|| {
            format!(
                "automatically, for {} months",
                c.renewal_months.unwrap_or(0)
            )
        }),
    );
    push(
        "Notice",
        match (c.notice_months, c.notice_days) {
            (Some(m), _) => Some(format!("{m} months")),
            (None, Some(d)) => Some(format!("{d} days")),
            _ => None,
        },
    );
    push("Notice deadline", c.notice_deadline.map(|d| d.to_string()));
    push(
        "Billed",
        c.billing.map(|b| {
            format!(
                "{} {}",
                money(c.amount_minor, &c.currency),
                b.as_str().replace('_', " ")
            )
        }),
    );
    push("A year", Some(money(c.annual_cost_minor, &c.currency)));
    push(
        "Over the term",
        Some(money(c.total_contract_value_minor, &c.currency)),
    );
    push(
        "Vendor answers within",
        c.response_target
            .clone()
            .map(|t| format!("{t} ({})", c.service_calendar.as_deref().unwrap_or("24x7"))),
    );
    push("Vendor resolves within", c.resolution_target.clone());
    push(
        "Notice given",
        c.terminates_on.map(|t| {
            format!(
                "ends {t}: {}",
                c.termination_reason.clone().unwrap_or_default()
            )
        }),
    );
    f
}

fn days_in_words(days: &[u32]) -> String {
    let mut d: Vec<String> = days.iter().map(u32::to_string).collect();
    match d.pop() {
        Some(last) if !d.is_empty() => format!("{} and {last}", d.join(", ")),
        Some(last) => last,
        None => String::new(),
    }
}

fn term_line(t: &TermDto) -> (String, String, &'static str, String) {
    let cost = match t.billing {
        Some(b) => format!(
            "{} {}",
            money(t.amount_minor, &t.currency),
            b.as_str().replace('_', " ")
        ),
        None => money(t.amount_minor, &t.currency),
    };
    (
        t.starts_on.map_or(String::new(), |d| d.to_string()),
        t.ends_on.to_string(),
        if t.automatic {
            "renewed by itself"
        } else {
            "renewed by hand"
        },
        cost,
    )
}

fn reminder_line(r: &ReminderDto) -> (String, String, String) {
    let what = match r.deadline {
        crate::vendors::due::Deadline::Notice => "notice deadline",
        crate::vendors::due::Deadline::End => "end",
    };
    let mut about = format!("{what} {} — {} days before", r.due_on, r.offset_days);
    if !r.missed.is_empty() {
        let missed: Vec<String> = r.missed.iter().map(i32::to_string).collect();
        about.push_str(&format!(
            " (also for the missed {} days)",
            missed.join(", ")
        ));
    }
    (
        super::format::when(r.queued_at.naive_utc()),
        about,
        r.sent_to.join(", "),
    )
}

pub(super) async fn contract_page(
    state: web::Data<AppState>,
    user: WebUser,
    id: String,
    flash: Option<&'static str>,
    refused: Refused,
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let (st, actor) = (state.clone(), user.user.clone());
    let (c, history, (terms, reminders), (assets, entitlements), docs) = blocking(move || {
        Ok((
            service::contract(&st.vendors, &actor, &id)?,
            service::contract_history(&st.vendors, &actor, &id)?,
            service::contract_terms(&st.vendors, &actor, &id)?,
            service::contract_coverage(&st.vendors, &actor, &id)?,
            service::documents(&st.vendors, &actor, &id)?,
        ))
    })
    .await?;
    let Refused {
        problems,
        reason,
        effective_on,
        file: file_error,
    } = refused;
    let status = if problems.is_empty() && file_error.is_none() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(
        status,
        &ContractPage {
            nav: user.nav("contracts"),
            flash,
            status: status_words(c.status),
            facts: facts(&c),
            history: history
                .into_iter()
                .map(|e| (super::format::when(e.occurred_at), history_line(&e)))
                .collect(),
            terms: terms.iter().rev().map(term_line).collect(),
            reminders: reminders.iter().map(reminder_line).collect(),
            reminder_days: days_in_words(&state.vendors.settings.reminder_days),
            assets: assets
                .into_iter()
                .map(|a| {
                    (
                        a.tag,
                        a.hostname.unwrap_or_default(),
                        super::format::asset_status_label(a.status),
                    )
                })
                .collect(),
            entitlements,
            documents: docs.iter().map(|d| doc(&c.id, d)).collect(),
            file_error,
            can_change: user.user.role.manages_contracts(),
            effective_on: if effective_on.is_empty() {
                c.ends_on.map_or(String::new(), |d| d.to_string())
            } else {
                effective_on
            },
            c,
            problems,
            reason,
        },
    )
}

/// A history entry in words; a document's entry names the file.
fn history_line(e: &crate::audit::AuditEvent) -> String {
    let words = e.action.replace('_', " ");
    let changes: serde_json::Value = serde_json::from_str(&e.changes).unwrap_or_default();
    match changes["document"]["filename"].as_str() {
        Some(name) if e.action.starts_with("document_") => format!("{words}: {name}"),
        _ => words,
    }
}

fn doc(contract: &str, d: &crate::vendors::Document) -> Doc {
    let base = format!(
        "/contracts/{}/documents/{}",
        url_encode(contract),
        url_encode(&d.id)
    );
    Doc {
        name: d.filename.clone(),
        size: super::format::size(d.size_bytes),
        added: super::format::when(d.created_at),
        remove: format!("{base}/delete"),
        href: base,
    }
}

/// `GET /contracts/{id}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let none = Refused::default();
    let mut resp = contract_page(state, user, path.into_inner(), flash::take(&req), none).await?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}

/// `POST /contracts/{id}/terminate`: notice given, or refused beside the
/// field with the input kept.
pub async fn terminate(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    let id = path.into_inner();
    let (reason, day) = (
        form_field(&form, "reason"),
        form_field(&form, "effective_on"),
    );
    let Ok(effective_on) = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d") else {
        let problems = Problems::field("effective_on", "a date such as 2027-03-31");
        let r = Refused {
            problems,
            reason,
            effective_on: day,
            file: None,
        };
        return contract_page(state, user, id, None, r).await;
    };
    let input = Termination {
        effective_on,
        reason: reason.clone(),
    };
    let (st, actor, cid) = (state.clone(), user.user.clone(), id.clone());
    let done = blocking(move || {
        Ok(service::terminate(
            &st.vendors,
            &actor,
            &cid,
            &input,
            crate::ids::now(),
        ))
    })
    .await?;
    match done {
        Ok(_) => Ok(flash::redirect(
            &format!("/contracts/{}", url_encode(&id)),
            "contract_terminated",
        )),
        Err(e) => {
            let r = Refused {
                problems: Problems::refusal(e)?,
                reason,
                effective_on: day,
                file: None,
            };
            contract_page(state, user, id, None, r).await
        }
    }
}

/// `POST /contracts/{id}/renew`.
pub async fn renew(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    let id = path.into_inner();
    // The end the page showed: a second click, or a pass that renewed it
    // meanwhile, renews nothing twice.
    let seen =
        chrono::NaiveDate::parse_from_str(form_field(&form, "ends_on").trim(), "%Y-%m-%d").ok();
    let (st, actor, cid) = (state.clone(), user.user.clone(), id.clone());
    let done = blocking(move || {
        Ok(service::renew(
            &st.vendors,
            &actor,
            &cid,
            seen,
            crate::ids::now(),
        ))
    })
    .await?;
    let code = match done {
        Ok(_) => "contract_renewed",
        Err(AppError::Conflict { code: "stale", .. }) => "contract_renewed_already",
        Err(e) => return Err(e.into()),
    };
    Ok(flash::redirect(
        &format!("/contracts/{}", url_encode(&id)),
        code,
    ))
}
