//! `/onboarding/new`: plan an onboarding, an offboarding or a move from a
//! form; refusals beside their fields with the input kept, and the plan's
//! page once it is made (nothing changes until it is approved there).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::form::Problems;
use super::onboarding::{kind_words, may_act};
use super::pages::some;
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render_with};
use crate::error::{AppError, blocking};
use crate::onboarding::domain::RunKind;
use crate::onboarding::dto::RunRequest;
use crate::onboarding::plan::NewHire;
use crate::state::AppState;

/// The form as typed; names are the API's field names.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RunForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default, rename = "person.given_name")]
    given_name: String,
    #[serde(default, rename = "person.surname")]
    surname: String,
    #[serde(default, rename = "person.email")]
    email: String,
    #[serde(default, rename = "person.employee_id")]
    employee_id: String,
    #[serde(default, rename = "person.department")]
    department: String,
    #[serde(default, rename = "person.title")]
    title: String,
    #[serde(default, rename = "person.manager")]
    manager: String,
    #[serde(default, rename = "person.start_date")]
    start_date: String,
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    template: String,
    #[serde(default)]
    effective_on: String,
    /// The service request this answers (its number).
    #[serde(default)]
    ticket: String,
}

#[derive(Template)]
#[template(path = "onboarding_form.html", config = "src/web/askama.toml")]
struct FormPage {
    nav: Nav,
    f: RunForm,
    kinds: Vec<(String, String)>,
    templates: Vec<(String, String)>,
    problems: Problems,
    unplaced: Vec<String>,
}

fn date(
    s: &str,
    field: &str,
    errors: &mut Vec<crate::error::FieldError>,
) -> Option<chrono::NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(crate::error::FieldError::new(
                field,
                "a date such as 2027-03-01",
            ));
            None
        }
    }
}

/// The request the form asks for, or what is wrong with it by field.
fn request(f: &RunForm) -> Result<RunRequest, AppError> {
    let mut errors = Vec::new();
    let kind = match f.kind.parse::<RunKind>() {
        Ok(k) => Some(k),
        Err(_) => {
            errors.push(crate::error::FieldError::new("kind", "choose what to plan"));
            None
        }
    };
    let effective_on = date(&f.effective_on, "effective_on", &mut errors);
    if effective_on.is_none() && f.effective_on.trim().is_empty() {
        errors.push(crate::error::FieldError::new(
            "effective_on",
            "the start date, or the leaver's last day",
        ));
    }
    let start_date = date(&f.start_date, "person.start_date", &mut errors);
    let (Some(kind), Some(effective_on)) = (kind, effective_on) else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let hire = NewHire {
        given_name: some(&f.given_name),
        surname: some(&f.surname),
        email: some(&f.email),
        employee_id: some(&f.employee_id),
        department: some(&f.department),
        title: some(&f.title),
        manager: some(&f.manager),
        start_date,
    };
    let person = match kind {
        RunKind::Onboard => Some(hire),
        RunKind::Move if hire.department.is_some() || hire.title.is_some() => Some(NewHire {
            department: hire.department,
            title: hire.title,
            ..NewHire::default()
        }),
        _ => None,
    };
    Ok(RunRequest {
        kind,
        person,
        person_id: (kind != RunKind::Onboard)
            .then(|| some(&f.person_id))
            .flatten(),
        template: some(&f.template),
        effective_on,
        ticket: some(&f.ticket),
    })
}

async fn page(
    state: &web::Data<AppState>,
    user: &WebUser,
    f: RunForm,
    problems: Problems,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let st = state.clone();
    let names = blocking(move || st.onboarding.db.read(crate::onboarding::templates::list)).await?;
    let shown = [
        "kind",
        "person.given_name",
        "person.surname",
        "person.email",
        "person.employee_id",
        "person.department",
        "person.title",
        "person.manager",
        "person.start_date",
        "person_id",
        "template",
        "effective_on",
        "ticket",
    ];
    let unplaced = problems
        .fields
        .iter()
        .filter(|e| !shown.contains(&e.field.as_str()))
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect();
    render_with(
        status,
        &FormPage {
            nav: user.nav("onboarding"),
            kinds: RunKind::ALL
                .iter()
                .map(|k| (k.as_str().to_owned(), kind_words(*k).to_owned()))
                .collect(),
            templates: names
                .into_iter()
                .map(|t| (t.spec.name.clone(), t.spec.name))
                .collect(),
            f,
            problems,
            unplaced,
        },
    )
}

fn may_plan(user: &WebUser) -> Result<(), PageError> {
    if may_act(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden("coordinators and admins run onboarding".into()).into())
    }
}

/// `GET /onboarding/new[?kind=offboard&person_id=…]`.
pub async fn new(
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<RunForm>,
) -> Result<HttpResponse, PageError> {
    may_plan(&user)?;
    let mut f = query.into_inner();
    if f.kind.is_empty() {
        f.kind = "onboard".into();
    }
    page(&state, &user, f, Problems::default(), StatusCode::OK).await
}

/// `POST /onboarding/new`: the plan's page, or the form again.
pub async fn create(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<RunForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    may_plan(&user)?;
    let f = form.into_inner();
    let asked = match request(&f) {
        Ok(r) => r,
        Err(e) => {
            let problems = Problems::refusal(e)?;
            return page(&state, &user, f, problems, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let (st, actor) = (state.clone(), user.user.clone());
    let made = blocking(move || {
        Ok::<_, AppError>(crate::onboarding::runs::plan_run(
            &st.onboarding,
            &actor,
            &asked,
        ))
    })
    .await?;
    match made {
        Ok(run) => Ok(flash::redirect(
            &format!("/onboarding/runs/{}", url_encode(&run.id)),
            "run_planned",
        )),
        Err(AppError::Upstream(why)) => {
            let problems = Problems {
                fields: Vec::new(),
                general: Some(format!(
                    "The directory did not answer, so no plan was made: {why}. Try again shortly."
                )),
            };
            page(&state, &user, f, problems, StatusCode::BAD_GATEWAY).await
        }
        Err(e) => {
            let problems = Problems::refusal(e)?;
            page(&state, &user, f, problems, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
