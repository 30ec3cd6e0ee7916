//! The entitlement import page: upload a Snipe-IT license export or a
//! mapped CSV, try it as a dry run, and read the report (every rejected row
//! with its line and column).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::format::when;
use super::session::Nav;
use super::{PageError, WebUser, render, render_with, see_other};
use crate::error::{AppError, blocking};
use crate::http::multipart::{form_field, read_uploads};
use crate::ids;
use crate::licenses::import::{self, Change, Report};
use crate::state::AppState;

/// Rows of a report shown on the page; the rest are counted.
const SHOWN: usize = 1000;

#[derive(Debug, Clone, Default)]
struct FormState {
    profile: String,
    mapping: String,
    metric: String,
    currency: String,
    dry_run: bool,
    partial: bool,
}

/// A past run: (id, when, file, profile, outcome).
type RunRow = (String, String, String, String, String);

#[derive(Template)]
#[template(path = "license_import.html", config = "src/web/askama.toml")]
struct ImportPage {
    nav: Nav,
    profiles: Vec<(&'static str, &'static str)>,
    metrics: Vec<(&'static str, &'static str)>,
    form: FormState,
    error: Option<String>,
    runs: Vec<RunRow>,
}

#[derive(Template)]
#[template(path = "license_import_report.html", config = "src/web/askama.toml")]
struct ReportPage {
    nav: Nav,
    at: String,
    report: Report,
    summary: String,
    errors_hidden: usize,
    changes: Vec<Change>,
    changes_hidden: usize,
}

const METRICS: &[(&str, &str)] = &[
    ("device", "per device"),
    ("user", "per user"),
    ("processor", "per processor"),
    ("core", "per core"),
    ("site", "site licence"),
];

fn outcome(applied: bool, dry_run: bool, created: i32, updated: i32, rejected: i32) -> String {
    if applied {
        format!("{created} added, {updated} updated, {rejected} rejected")
    } else if dry_run {
        format!("dry run: {created} would be added, {updated} updated, {rejected} rejected")
    } else {
        format!("refused: {rejected} rows rejected, nothing written")
    }
}

async fn form_page(
    state: web::Data<AppState>,
    user: WebUser,
    form: FormState,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let actor = user.user.clone();
    let runs = blocking(move || import::recent(&state.licenses, &actor, 20)).await?;
    let page = ImportPage {
        nav: user.nav("licenses"),
        profiles: import::BUILT_IN.to_vec(),
        metrics: METRICS.to_vec(),
        form,
        runs: runs
            .into_iter()
            .map(|r| {
                let o = outcome(r.applied, r.dry_run, r.created, r.updated, r.rejected);
                (r.id, when(r.created_at), r.file_name, r.profile, o)
            })
            .collect(),
        error: error.clone(),
    };
    let status = if error.is_some() {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        actix_web::http::StatusCode::OK
    };
    render_with(status, &page)
}

pub async fn show(state: web::Data<AppState>, user: WebUser) -> Result<HttpResponse, PageError> {
    let form = FormState {
        profile: "snipeit".into(),
        metric: "device".into(),
        dry_run: true,
        ..FormState::default()
    };
    form_page(state, user, form, None).await
}

pub async fn submit(
    state: web::Data<AppState>,
    user: WebUser,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    if !user.user.role.manages_assets() {
        return Err(AppError::Forbidden(
            "only asset managers and admins import entitlements".into(),
        )
        .into());
    }
    let max = state.settings.assets.import_max_bytes;
    let (mut files, fields) = read_uploads(&req, payload, max, 1).await?;
    let field = |name: &str| form_field(&fields, name);
    user.check_csrf(&field("csrf"))?;
    let form = FormState {
        profile: field("profile"),
        mapping: field("mapping"),
        metric: field("metric"),
        currency: field("currency").trim().to_uppercase(),
        dry_run: !field("dry_run").is_empty(),
        partial: !field("partial").is_empty(),
    };
    let Some(file) = files.pop().filter(|f| !f.bytes.is_empty()) else {
        let error = Some("choose the CSV file to import".into());
        return form_page(state, user, form, error).await;
    };
    let request = import::Request {
        profile: form.profile.clone(),
        mapping: Some(form.mapping.clone()),
        currency: Some(form.currency.clone()),
        metric: Some(form.metric.clone()),
        dry_run: form.dry_run,
        partial: form.partial,
        file_name: file.filename.clone(),
    };
    let opts = match request.options(&state.settings.assets.default_currency) {
        Ok(o) => o,
        Err(e) => return form_page(state, user, form, Some(e)).await,
    };
    let st = state.clone();
    let actor = user.user.clone();
    let result = blocking(move || {
        import::run(
            &st.licenses,
            Some(&actor),
            &file.bytes,
            &opts,
            ids::now(),
            &mut |_| {},
        )
        .map_err(|e| match e {
            import::ImportError::File(msg) => AppError::invalid("file", msg),
            import::ImportError::App(e) => e,
        })
    })
    .await;
    match result {
        Ok(report) => Ok(see_other(&format!("/licenses/imports/{}", report.id))),
        Err(AppError::Validation(errs)) => {
            let msg = errs
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("; ");
            let error = Some(format!("nothing was imported: {msg}"));
            form_page(state, user, form, error).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn report(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let actor = user.user.clone();
    let (mut report, at) = blocking(move || import::stored(&state.licenses, &actor, &id)).await?;
    let errors_hidden = report.errors.len().saturating_sub(SHOWN);
    report.errors.truncate(SHOWN);
    let changes: Vec<Change> = report
        .changes
        .iter()
        .filter(|c| c.action != "unchanged")
        .cloned()
        .collect();
    let changes_hidden = changes.len().saturating_sub(SHOWN);
    render(&ReportPage {
        nav: user.nav("licenses"),
        at: when(at),
        summary: report.summary(),
        changes: changes.into_iter().take(SHOWN).collect(),
        changes_hidden,
        errors_hidden,
        report,
    })
}
