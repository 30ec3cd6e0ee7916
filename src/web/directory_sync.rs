//! `/admin/directory` (admins): where people are synced from, the latest
//! runs, a preview (dry run) and a sync now; `/admin/directory/syncs/{id}`
//! shows what one run did to whom.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::session::Nav;
use super::{PageError, WebUser, render};
use crate::error::{AppError, blocking};
use crate::people::sync::{self, Trigger};
use crate::people::sync_handlers::may_sync;
use crate::people::sync_report::{self, SyncLine, SyncReport};
use crate::state::AppState;

/// A run as a row: words, not codes.
struct RunRow {
    id: String,
    started: String,
    started_by: &'static str,
    kind: &'static str,
    failed: bool,
    outcome: String,
    counts: [i32; 5],
}

fn row(r: &SyncReport) -> RunRow {
    RunRow {
        id: r.id.clone(),
        started: super::format::when(r.started_at.naive_utc()),
        started_by: match r.started_by.as_str() {
            "cli" => "the command line",
            "schedule" => "the schedule",
            "web" => "this page",
            _ => "the API",
        },
        kind: if r.dry_run { "Preview" } else { "Sync" },
        failed: r.status == "failed",
        outcome: r.error.clone().unwrap_or_else(|| "done".into()),
        counts: [r.created, r.updated, r.deactivated, r.unchanged, r.skipped],
    }
}

#[derive(Template)]
#[template(path = "directory_sync.html", config = "src/web/askama.toml")]
struct SyncPage {
    nav: Nav,
    flash: Option<&'static str>,
    /// Where from, in words; `None` when no directory is configured.
    source: Option<String>,
    every: u32,
    runs: Vec<RunRow>,
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
) -> Result<HttpResponse, PageError> {
    may_sync(&user.user)?;
    let st = state.clone();
    let runs = blocking(move || st.people.db.read(|conn| sync_report::latest(conn, 25))).await?;
    let d = &state.people.directory;
    let mut resp = render(&SyncPage {
        nav: user.nav("directory"),
        flash: super::flash::take(&req),
        source: d
            .in_use()
            .then(|| format!("{} under {}", d.url.trim(), d.people_base.trim())),
        every: d.sync_interval_minutes,
        runs: runs.iter().map(row).collect(),
    })?;
    super::flash::clear(&req, &mut resp);
    Ok(resp)
}

#[derive(Debug, Deserialize)]
pub struct SyncForm {
    csrf: String,
    /// "preview" or "sync".
    action: String,
}

/// Runs a preview or a sync, then shows the run (a failed one too).
pub async fn start(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<SyncForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    may_sync(&user.user)?;
    let dry_run = match form.action.as_str() {
        "preview" => true,
        "sync" => false,
        other => {
            return Err(
                AppError::invalid("action", format!("`{other}` is not preview or sync")).into(),
            );
        }
    };
    let st = state.clone();
    let actor = user.user.id.clone();
    let outcome = blocking(move || {
        let trigger = Trigger {
            started_by: "web",
            actor_id: Some(&actor),
            dry_run,
        };
        Ok::<_, AppError>(sync::run(&st.people, trigger).map(|r| r.id))
    })
    .await?;
    Ok(match outcome {
        Ok(id) => super::flash::redirect(
            &format!("/admin/directory/syncs/{id}"),
            if dry_run {
                "directory_previewed"
            } else {
                "directory_synced"
            },
        ),
        // The failed run is the newest in the list, with its reason.
        Err(_) => super::see_other("/admin/directory#runs"),
    })
}

#[derive(Template)]
#[template(path = "directory_sync_run.html", config = "src/web/askama.toml")]
struct RunPage {
    nav: Nav,
    flash: Option<&'static str>,
    run: RunRow,
    lines: Vec<LineRow>,
}

struct LineRow {
    action: &'static str,
    css: &'static str,
    line: SyncLine,
}

fn line_row(l: SyncLine) -> LineRow {
    let (action, css) = match l.action.as_str() {
        "created" => ("Added", "token-valid"),
        "updated" => ("Changed", "token-expiring"),
        "deactivated" => ("Deactivated", "token-revoked"),
        "skipped" => ("Left out", "muted"),
        _ => ("Note", "muted"),
    };
    LineRow {
        action,
        css,
        line: l,
    }
}

pub async fn run_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    may_sync(&user.user)?;
    let id = path.into_inner();
    let run = blocking(move || state.people.db.read(|conn| sync_report::find(conn, &id)))
        .await?
        .ok_or_else(|| AppError::NotFound("directory sync run".into()))?;
    let mut resp = render(&RunPage {
        nav: user.nav("directory"),
        flash: super::flash::take(&req),
        run: row(&run),
        lines: run.lines.into_iter().map(line_row).collect(),
    })?;
    super::flash::clear(&req, &mut resp);
    Ok(resp)
}
