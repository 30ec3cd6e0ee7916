//! The import page: upload an export, pick its profile, try it as a dry
//! run, and read the report (every rejected row with its line and column).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::format::when;
use super::session::Nav;
use super::{PageError, WebUser, render, render_with, see_other};
use crate::assets::import::{self, Report};
use crate::error::{AppError, blocking};
use crate::http::multipart::{form_field, read_uploads};
use crate::ids;
use crate::state::AppState;

/// Rows of a report shown on the page; the rest are counted.
const SHOWN: usize = 1000;

#[derive(Debug, Clone, Default)]
struct FormState {
    profile: String,
    mapping: String,
    date_order: String,
    currency: String,
    dry_run: bool,
    partial: bool,
}

#[derive(Template)]
#[template(path = "asset_import.html", config = "src/web/askama.toml")]
struct ImportPage {
    nav: Nav,
    profiles: Vec<(&'static str, &'static str)>,
    form: FormState,
    error: Option<String>,
    /// (id, when, file, profile, outcome)
    runs: Vec<(String, String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "asset_import_report.html", config = "src/web/askama.toml")]
struct ReportPage {
    nav: Nav,
    flash: Option<&'static str>,
    /// A dry run whose file is kept: it can be applied as it is.
    can_apply: bool,
    at: String,
    report: Report,
    summary: String,
    errors_hidden: usize,
    changes: Vec<import::Change>,
    changes_hidden: usize,
}

const PROFILES: &[(&str, &str)] = &[
    ("snipeit", "Snipe-IT asset CSV"),
    ("intune", "Intune: Devices › All devices › Export"),
    (
        "intune-apps",
        "Intune: Discovered apps › Export (raw data per device)",
    ),
    ("generic", "Generic: your columns, mapped in TOML below"),
];

fn managers(user: &WebUser) -> Result<(), PageError> {
    if user.user.role.manages_assets() {
        Ok(())
    } else {
        Err(AppError::Forbidden("only asset managers and admins import assets".into()).into())
    }
}

async fn form_page(
    state: web::Data<AppState>,
    user: WebUser,
    form: FormState,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    managers(&user)?;
    let actor = user.user.clone();
    let runs = blocking(move || import::recent(&state.db, &actor, 20)).await?;
    let page = ImportPage {
        nav: user.nav("assets"),
        profiles: PROFILES.to_vec(),
        form,
        runs: runs
            .into_iter()
            .map(|r| {
                let outcome = if r.applied {
                    format!(
                        "{} created, {} updated, {} rejected",
                        r.created, r.updated, r.rejected
                    )
                } else if r.dry_run {
                    format!(
                        "dry run: {} would be created, {} updated, {} rejected",
                        r.created, r.updated, r.rejected
                    )
                } else {
                    format!("refused: {} rows rejected, nothing written", r.rejected)
                };
                (r.id, when(r.created_at), r.file_name, r.profile, outcome)
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
    managers(&user)?;
    let max = state.settings.assets.import_max_bytes;
    let (mut files, fields) = read_uploads(&req, payload, max, 1).await?;
    let field = |name: &str| form_field(&fields, name);
    user.check_csrf(&field("csrf"))?;
    let form = FormState {
        profile: field("profile"),
        mapping: field("mapping"),
        date_order: field("date_order"),
        currency: field("currency").trim().to_uppercase(),
        dry_run: !field("dry_run").is_empty(),
        partial: !field("partial").is_empty(),
    };
    let Some(file) = files.pop().filter(|f| !f.bytes.is_empty()) else {
        return form_page(
            state,
            user,
            form,
            Some("choose the CSV file to import".into()),
        )
        .await;
    };
    let request = import::Request {
        profile: form.profile.clone(),
        mapping: Some(form.mapping.clone()),
        currency: Some(form.currency.clone()),
        date_order: Some(form.date_order.clone()),
        dry_run: form.dry_run,
        partial: form.partial,
        file_name: file.filename.clone(),
    };
    let opts = match request.options(&state.assets) {
        Ok(o) => o,
        Err(e) => return form_page(state, user, form, Some(e)).await,
    };
    let st = state.clone();
    let actor = user.user.clone();
    let result = blocking(move || {
        let now = ids::now();
        let report = import::run(
            &st.db,
            Some(&actor),
            &file.bytes,
            &opts,
            now,
            &mut |_, _| {},
        )
        .map_err(file_fault)?;
        if report.dry_run {
            import::pending::keep(&st.db, &report.id, &file.bytes, &request, now)?;
        }
        Ok(report)
    })
    .await;
    match result {
        Ok(report) => Ok(see_other(&format!("/assets/imports/{}", report.id))),
        Err(AppError::Validation(errs)) => {
            let msg = errs
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("; ");
            form_page(
                state,
                user,
                form,
                Some(format!("nothing was imported: {msg}")),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// A fault of the file as the page says it.
fn file_fault(e: import::ImportError) -> AppError {
    match e {
        import::ImportError::File(msg) => AppError::invalid("file", msg),
        import::ImportError::App(e) => e,
    }
}

/// `POST /assets/imports/{id}/apply`: the kept dry run, for real.
pub async fn apply(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    managers(&user)?;
    let id = path.into_inner();
    let actor = user.user.clone();
    let dry = id.clone();
    let result = blocking(move || {
        import::pending::apply(&state.assets, &actor, &dry, ids::now()).map_err(file_fault)
    })
    .await;
    match result {
        Ok(report) => Ok(see_other(&format!("/assets/imports/{}", report.id))),
        Err(AppError::Conflict {
            code: "already_applied",
            ..
        }) => Ok(super::flash::redirect(
            &format!("/assets/imports/{id}"),
            "already_applied",
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn report(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let actor = user.user.clone();
    let st = state.clone();
    let (mut report, at, can_apply) = blocking(move || {
        let (report, at) = import::stored_report(&st.db, &actor, &id)?;
        let can_apply = actor.role.manages_assets() && import::pending::can_apply(&st.db, &id)?;
        Ok((report, at, can_apply))
    })
    .await?;
    let errors_hidden = report.errors.len().saturating_sub(SHOWN);
    report.errors.truncate(SHOWN);
    let changes: Vec<import::Change> = report
        .changes
        .iter()
        .filter(|c| c.action != "unchanged")
        .cloned()
        .collect();
    let changes_hidden = changes.len().saturating_sub(SHOWN);
    let mut resp = render(&ReportPage {
        nav: user.nav("assets"),
        flash: super::flash::take(&req),
        can_apply,
        at: when(at),
        summary: report.summary(),
        changes: changes.into_iter().take(SHOWN).collect(),
        changes_hidden,
        errors_hidden,
        report,
    })?;
    super::flash::clear(&req, &mut resp);
    Ok(resp)
}

/// The rejected rows of a run as CSV (line, column, header, value,
/// reason), to fix the file beside it.
pub async fn rejected_csv(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let actor = user.user.clone();
    let (report, _) = blocking(move || import::stored_report(&state.db, &actor, &id)).await?;
    use crate::export::{Cell, Format, TableWriter};
    let mut out = Vec::new();
    let mut table = TableWriter::new(
        Format::Csv,
        "Rejected",
        &["line", "column", "header", "value", "reason"],
        &mut out,
    )
    .map_err(AppError::from)?;
    for e in &report.errors {
        table
            .row(&[
                Cell::Int(e.line as i64),
                e.column.map_or(Cell::Empty, |c| Cell::Int(c as i64)),
                Cell::opt(e.header.clone()),
                Cell::opt(e.value.clone()),
                Cell::text(e.reason.clone()),
            ])
            .map_err(AppError::from)?;
    }
    table.finish().map_err(AppError::from)?;
    let stem = report
        .file_name
        .rsplit_once('.')
        .map_or(report.file_name.as_str(), |(stem, _)| stem)
        .replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_',
            "_",
        );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{stem}-rejected.csv\""),
        ))
        .body(out))
}
