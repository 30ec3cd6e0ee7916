//! The onboarding pages: runs newest first with filters (`/onboarding`),
//! one run with its plan and steps and what may be done to it next
//! (`/onboarding/runs/{id}`: approve, retry, revert after a confirmation,
//! and the initial password shown once to the approver).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::form::Problems;
use super::pages::{filter, page_number};
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render};
use crate::auth::Role;
use crate::error::{AppError, blocking};
use crate::onboarding::domain::{RunKind, RunStatus, StepStatus};
use crate::onboarding::dto::{RunEvent, RunFilter, RunView, StepView};
use crate::state::AppState;

const PAGE: i64 = 50;

/// Staff read runs; coordinators and admins act on them.
pub(super) fn may_act(user: &WebUser) -> bool {
    matches!(user.user.role, Role::Coordinator | Role::Admin)
}

pub(super) fn kind_words(k: RunKind) -> &'static str {
    match k {
        RunKind::Onboard => "Onboarding",
        RunKind::Offboard => "Offboarding",
        RunKind::Move => "Move",
    }
}

/// A run's status in words, with its badge.
pub(super) fn status_words(s: RunStatus) -> (&'static str, &'static str) {
    match s {
        RunStatus::Planned => ("Planned: waiting for approval", "sla-at_risk"),
        RunStatus::Approved => ("Approved: waiting for its day", "sla-running"),
        RunStatus::Running => ("Running", "sla-running"),
        RunStatus::Done => ("Done", "token-valid"),
        RunStatus::Failed => ("Failed", "sla-breached"),
        RunStatus::Reverted => ("Reverted", "muted"),
    }
}

fn step_words(s: StepStatus, waiting: bool) -> (&'static str, &'static str) {
    match s {
        StepStatus::Pending if waiting => ("Waiting to try again", "sla-at_risk"),
        StepStatus::Pending => ("To do", "muted"),
        StepStatus::Running => ("Running", "sla-running"),
        StepStatus::Done => ("Done", "token-valid"),
        StepStatus::Failed => ("Failed", "sla-breached"),
        StepStatus::Skipped => ("Skipped", "muted"),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    page: String,
}

struct Row {
    id: String,
    kind: &'static str,
    name: String,
    effective_on: String,
    template: String,
    status: (&'static str, &'static str),
    requested_by: String,
}

fn row(r: &RunView) -> Row {
    Row {
        id: r.id.clone(),
        kind: kind_words(r.kind),
        name: r.person_name.clone(),
        effective_on: r.effective_on.to_string(),
        template: r.template.clone().unwrap_or_default(),
        status: status_words(r.status),
        requested_by: r.requested_by.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "onboarding.html", config = "src/web/askama.toml")]
struct ListPage {
    nav: Nav,
    flash: Option<&'static str>,
    q: ListQuery,
    statuses: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    rows: Vec<Row>,
    total: i64,
    previous: Option<String>,
    next: Option<String>,
    error: Option<String>,
    may_act: bool,
}

fn link(q: &ListQuery, page: i64) -> String {
    format!(
        "/onboarding?status={}&kind={}&page={page}",
        url_encode(&q.status),
        url_encode(&q.kind)
    )
}

/// `GET /onboarding`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let q = query.into_inner();
    let mut error = None;
    let f = RunFilter {
        status: filter::<RunStatus>(&q.status, &mut error),
        kind: filter::<RunKind>(&q.kind, &mut error),
        person_id: None,
    };
    let page = page_number(&q.page);
    let (st, actor) = (state.clone(), user.user.clone());
    let (runs, total) = blocking(move || {
        crate::onboarding::list(&st.onboarding, &actor, &f, (PAGE, (page - 1) * PAGE))
    })
    .await?;
    let view = ListPage {
        nav: user.nav("onboarding"),
        flash: flash::take(&req),
        statuses: RunStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), status_words(*s).0.to_owned()))
            .collect(),
        kinds: RunKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), kind_words(*k).to_owned()))
            .collect(),
        rows: runs.iter().map(row).collect(),
        previous: (page > 1).then(|| link(&q, page - 1)),
        next: (page * PAGE < total).then(|| link(&q, page + 1)),
        total,
        q,
        error,
        may_act: may_act(&user),
    };
    let mut resp = render(&view)?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}

/// A step as the run page shows it.
struct StepRow {
    position: i32,
    says: String,
    status: (&'static str, &'static str),
    error: String,
    did: String,
}

/// What a step did, in words.
fn did(s: &StepView) -> String {
    let Some(r) = &s.result else {
        return String::new();
    };
    let tickets = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| {
                        let t = if t["ticket"].is_object() {
                            &t["ticket"]
                        } else {
                            t
                        };
                        t["reference"].as_str().map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    if let Some(dn) = r["dn"].as_str() {
        out.push(dn.to_owned());
    }
    if let Some(tag) = r["device"]["asset_tag"].as_str() {
        out.push(format!("{tag} reserved"));
    }
    if let Some(t) = r["ticket"]["reference"].as_str() {
        out.push(format!("ticket {t}"));
    }
    let raised = tickets(&r["tickets"]);
    if !raised.is_empty() {
        out.push(format!("tickets {}", raised.join(", ")));
    }
    let returns = tickets(&r["returns"]);
    if !returns.is_empty() {
        out.push(format!("return tickets {}", returns.join(", ")));
    }
    if let Some(seats) = r["seats"].as_array().or(r["released"].as_array()) {
        let names: Vec<&str> = seats.iter().filter_map(|x| x["product"].as_str()).collect();
        if !names.is_empty() {
            out.push(names.join(", "));
        }
    }
    if let Some(to) = r["subject"].as_str() {
        out.push(format!("“{to}”"));
    }
    out.join("; ")
}

#[derive(Template)]
#[template(path = "onboarding_run.html", config = "src/web/askama.toml")]
struct RunPage {
    nav: Nav,
    flash: Option<&'static str>,
    run: RunView,
    kind: &'static str,
    status: (&'static str, &'static str),
    summary: Vec<String>,
    warnings: Vec<String>,
    steps: Vec<StepRow>,
    may_act: bool,
    /// The approver may see the password (once).
    may_reveal: bool,
    may_revert: bool,
    /// Shown once, right after the reveal.
    password: Option<String>,
    problems: Problems,
    /// (when, what) of each event, oldest first.
    history: Vec<(String, String)>,
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn run_page(
    req: Option<&HttpRequest>,
    user: &WebUser,
    (run, events): (RunView, Vec<RunEvent>),
    password: Option<String>,
    problems: Problems,
) -> RunPage {
    let me = user.user.email.clone();
    RunPage {
        history: super::onboarding_history::lines(&run, &events),
        nav: user.nav("onboarding"),
        flash: req.and_then(flash::take),
        kind: kind_words(run.kind),
        status: status_words(run.status),
        summary: strings(&run.plan["summary"]),
        warnings: strings(&run.plan["warnings"]),
        steps: run
            .steps
            .iter()
            .map(|s| StepRow {
                position: s.position,
                says: s.says.clone(),
                status: step_words(s.status, s.error.is_some()),
                error: s.error.clone().unwrap_or_default(),
                did: did(s),
            })
            .collect(),
        may_act: may_act(user),
        may_reveal: run.password == "sealed" && run.approved_by.as_deref() == Some(me.as_str()),
        may_revert: may_act(user)
            && run.kind == RunKind::Offboard
            && matches!(run.status, RunStatus::Done | RunStatus::Failed),
        password,
        problems,
        run,
    }
}

/// The run and its history.
fn with_history(
    ob: &crate::onboarding::Onboarding,
    actor: &crate::auth::User,
    id: &str,
) -> Result<(RunView, Vec<RunEvent>), AppError> {
    Ok((
        crate::onboarding::get(ob, actor, id)?,
        crate::onboarding::events(ob, actor, id)?,
    ))
}

/// `GET /onboarding/runs/{id}` (staff). Opening it never uses up the
/// password.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (st, actor, id) = (state.clone(), user.user.clone(), path.into_inner());
    let run = blocking(move || with_history(&st.onboarding, &actor, &id)).await?;
    let mut resp = render(&run_page(Some(&req), &user, run, None, Problems::default()))?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}

#[derive(Debug, Deserialize)]
pub struct ActForm {
    csrf: String,
}

/// `POST /onboarding/runs/{id}/{action}`: approve, retry, revert, or
/// reveal-password (the page with the password, never a redirect).
pub async fn act(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<(String, String)>,
    form: web::Form<ActForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let (id, action) = path.into_inner();
    let (st, actor, run_id) = (state.clone(), user.user.clone(), id.clone());
    if action == "reveal-password" {
        let outcome = blocking(move || {
            let ob = &st.onboarding;
            let shown = crate::onboarding::reveal_password(ob, &actor, &run_id);
            let run = with_history(ob, &actor, &run_id)?;
            Ok::<_, AppError>((shown, run))
        })
        .await?;
        let (password, problems) = match outcome.0 {
            Ok(p) => (Some(p), Problems::default()),
            Err(e @ (AppError::Gone(_) | AppError::Forbidden(_))) => (
                None,
                Problems {
                    fields: Vec::new(),
                    general: Some(e.public_detail()),
                },
            ),
            Err(e) => (None, Problems::refusal(e)?),
        };
        let mut resp = render(&run_page(None, &user, outcome.1, password, problems))?;
        resp.headers_mut().insert(
            actix_web::http::header::CACHE_CONTROL,
            actix_web::http::header::HeaderValue::from_static("no-store"),
        );
        return Ok(resp);
    }
    let done = blocking(move || {
        let ob = &st.onboarding;
        let r = match action.as_str() {
            "approve" => crate::onboarding::approve(ob, &actor, &run_id),
            "retry" => crate::onboarding::retry(ob, &actor, &run_id),
            "revert" => crate::onboarding::revert(ob, &actor, &run_id),
            other => Err(AppError::NotFound(format!("run action {other}"))),
        };
        Ok::<_, AppError>((r.map(|_| action), with_history(ob, &actor, &run_id)?))
    })
    .await?;
    match done.0 {
        Ok(action) => Ok(flash::redirect(
            &format!("/onboarding/runs/{}", url_encode(&id)),
            match action.as_str() {
                "approve" => "run_approved",
                "retry" => "run_retried",
                _ => "run_reverted",
            },
        )),
        Err(e) => {
            let problems = Problems::refusal(e)?;
            render(&run_page(None, &user, done.1, None, problems))
        }
    }
}
