//! Asset imports from the CSV exports IT teams already have: Intune's
//! device list and discovered apps, Snipe-IT's asset CSV, or any CSV with a
//! TOML header mapping (`generic`).
//!
//! An import reads the whole file first (every bad cell is reported with its
//! line, column and reason), then plans every row against the register in
//! one write transaction: a row matches an asset by serial, then asset tag,
//! then host name, and creates or updates it; status, assignee and location
//! changes go through the lifecycle rules. By default it is all or nothing:
//! one rejected row and nothing is written. `dry_run` reports what would be
//! created and changed and writes nothing; `partial` writes the good rows.
//! Every run is kept with its report (`asset_imports`).

mod apply;
pub mod category;
mod mapping;
pub mod pending;
pub mod profiles;
pub mod read;
pub mod tags;
pub(crate) mod text;
pub mod values;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use profiles::{BUILT_IN, Profile, profile};

use crate::auth::User;
use crate::db::Db;
use crate::db::schema::asset_imports;
use crate::error::AppError;
use crate::ids;

/// A rejected row (or a warning about one): where and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ImportRowError)]
pub struct RowError {
    /// The file's line (1 is the header).
    pub line: u64,
    /// 1-based; absent when the problem is the whole row.
    pub column: Option<usize>,
    pub header: Option<String>,
    pub value: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(c) = self.column {
            write!(f, ", column {c}")?;
        }
        if let Some(h) = &self.header {
            write!(f, " ({h})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What an import did (or would do) to one asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ImportChange)]
pub struct Change {
    pub line: u64,
    pub asset_tag: String,
    /// `created`, `updated` or `unchanged`.
    pub action: String,
    /// The fields that change (for updates).
    pub fields: Vec<String>,
}

/// Software lists replaced by a discovered-apps import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ImportSoftwareSummary)]
pub struct SoftwareSummary {
    pub devices: usize,
    pub installed: usize,
    pub still_installed: usize,
    pub removed: usize,
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ImportReport)]
pub struct Report {
    /// The stored run (`/assets/imports/{id}`).
    pub id: String,
    pub profile: String,
    pub file_name: String,
    pub dry_run: bool,
    pub partial: bool,
    /// Whether anything was written.
    pub applied: bool,
    /// Data rows in the file (blank lines not counted).
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows with at least one error.
    pub rejected: usize,
    pub new_models: Vec<String>,
    pub new_locations: Vec<String>,
    pub software: Option<SoftwareSummary>,
    pub errors: Vec<RowError>,
    pub warnings: Vec<RowError>,
    pub changes: Vec<Change>,
}

impl Report {
    /// One line for people: what happened.
    pub fn summary(&self) -> String {
        let verb = if self.applied {
            ""
        } else if self.dry_run {
            "would be "
        } else {
            "would have been "
        };
        let mut s = format!(
            "{} rows: {} {verb}created, {} {verb}updated, {} unchanged, {} rejected",
            self.rows, self.created, self.updated, self.unchanged, self.rejected
        );
        if let Some(sw) = &self.software {
            s.push_str(&format!(
                "; software on {} devices: {} {verb}installed, {} still installed, {} {verb}ended",
                sw.devices, sw.installed, sw.still_installed, sw.removed
            ));
        }
        if !self.applied {
            s.push_str(if self.dry_run {
                " (dry run: nothing was written)"
            } else {
                " (nothing was written: fix the rejected rows, or use --partial to import the others)"
            });
        }
        s
    }
}

/// Why a file could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file as a whole: encoding, header, an unclosed quote, a broken
    /// mapping.
    #[error("{0}")]
    File(String),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::App(e.into())
    }
}

impl From<crate::db::Unavailable> for ImportError {
    fn from(e: crate::db::Unavailable) -> Self {
        ImportError::App(e.into())
    }
}

/// A currency code as imports take it: three capital letters (ISO 4217).
pub fn check_currency(code: &str) -> Result<(), String> {
    if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(format!(
            "{code:?} is not an ISO 4217 currency code such as EUR or USD"
        ))
    }
}

/// How to run an import.
#[derive(Debug, Clone)]
pub struct Options {
    pub profile: Profile,
    pub file_name: String,
    pub dry_run: bool,
    pub partial: bool,
    /// Custom fields per category (`[[asset_fields]]`), to type the cells
    /// that feed them.
    pub fields: Vec<crate::assets::fields::FieldSpec>,
    /// The category of a new model the file does not categorize.
    pub category_rules: Vec<category::CategoryRule>,
    /// Tags for new assets the file gives none.
    pub tag_pattern: tags::TagPattern,
}

/// What a person asked for, as the command line, the web form and the API
/// take it; [`Request::options`] checks it against the settings.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Request {
    pub profile: String,
    /// The TOML mapping of the generic profile.
    pub mapping: Option<String>,
    /// Empty: `[assets] default_currency`.
    pub currency: Option<String>,
    /// `mdy`, `dmy` or `ymd`; empty: the profile's.
    pub date_order: Option<String>,
    pub dry_run: bool,
    pub partial: bool,
    pub file_name: String,
}

impl Request {
    /// The options to run with, or what is wrong with the request.
    pub fn options(&self, assets: &super::Assets) -> Result<Options, String> {
        let currency = match self.currency.as_deref().map(str::trim) {
            None | Some("") => assets.settings.default_currency.clone(),
            Some(c) => c.to_uppercase(),
        };
        check_currency(&currency).map_err(|e| format!("currency: {e}"))?;
        let mapping = self.mapping.as_deref().filter(|m| !m.trim().is_empty());
        let mut profile = profile(&self.profile, mapping, &currency)?;
        match self.date_order.as_deref().map(str::trim) {
            None | Some("") => {}
            Some("mdy") => profile.date_order = values::DateOrder::Mdy,
            Some("dmy") => profile.date_order = values::DateOrder::Dmy,
            Some("ymd") => profile.date_order = values::DateOrder::Ymd,
            Some(other) => return Err(format!("date order is mdy, dmy or ymd, not {other:?}")),
        }
        Ok(Options {
            profile,
            file_name: self.file_name.clone(),
            dry_run: self.dry_run,
            partial: self.partial,
            fields: assets.fields.as_ref().clone(),
            category_rules: assets.settings.category_rules.clone(),
            tag_pattern: tags::TagPattern::parse(&assets.settings.import_tag_pattern)?,
        })
    }
}

/// Where a long import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Rows read so far.
    Reading,
    /// Rows planned so far, of the total.
    Applying { total: u64 },
}

/// Runs an import and keeps its report. `actor` is the person (web) or
/// `None` (the command line, run by whoever may open the database).
pub fn run(
    db: &Db,
    actor: Option<&User>,
    bytes: &[u8],
    opts: &Options,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(Stage, u64),
) -> Result<Report, ImportError> {
    if let Some(a) = actor
        && !a.role.manages_assets()
    {
        return Err(
            AppError::Forbidden("only asset managers and admins import assets".into()).into(),
        );
    }
    let table = read::read(bytes, &opts.profile, &mut |n| progress(Stage::Reading, n))?;
    let mut report = apply::apply(
        db,
        actor.map(|a| a.id.as_str()),
        &table,
        opts,
        now,
        progress,
    )?;
    if report.applied && report.created + report.updated >= ANALYZE_AFTER {
        refresh_statistics(db);
    }
    report.id = ids::new_id();
    let digest = crate::text::hex(&Sha256::digest(bytes));
    let stored =
        serde_json::to_string(&report).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    db.write(|conn| {
        diesel::insert_into(asset_imports::table)
            .values((
                asset_imports::id.eq(&report.id),
                asset_imports::actor_id.eq(actor.map(|a| a.id.clone())),
                asset_imports::profile.eq(&report.profile),
                asset_imports::file_name.eq(&report.file_name),
                asset_imports::file_sha256.eq(&digest),
                asset_imports::dry_run.eq(report.dry_run),
                asset_imports::applied.eq(report.applied),
                asset_imports::row_count.eq(report.rows as i32),
                asset_imports::created.eq(report.created as i32),
                asset_imports::updated.eq(report.updated as i32),
                asset_imports::rejected.eq(report.rejected as i32),
                asset_imports::report.eq(&stored),
                asset_imports::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok::<_, AppError>(())
    })?;
    Ok(report)
}

/// Rows written after which PostgreSQL's planner statistics are refreshed.
const ANALYZE_AFTER: usize = 1000;

/// A large import changes what the planner should expect of `assets` (an
/// empty table filled with 200,000 rows has no statistics until autovacuum
/// comes by, and list queries pick a bitmap scan and sort instead of walking
/// an index). SQLite's plans here do not depend on statistics.
fn refresh_statistics(db: &Db) {
    let done = db.with_writer(|conn| match conn {
        crate::db::DbConn::Postgres(c) => {
            diesel::sql_query("ANALYZE assets, software_installations").execute(c)
        }
        crate::db::DbConn::Sqlite(_) => Ok(0),
    });
    if let Err(e) = done
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| e.to_string()))
    {
        tracing::warn!(error = %e, "could not refresh planner statistics after an import");
    }
}

/// One stored run, briefly.
#[derive(Debug, Clone, Queryable)]
pub struct RunBrief {
    pub id: String,
    pub actor_id: Option<String>,
    pub profile: String,
    pub file_name: String,
    pub dry_run: bool,
    pub applied: bool,
    pub rows: i32,
    pub created: i32,
    pub updated: i32,
    pub rejected: i32,
    pub created_at: NaiveDateTime,
}

/// The latest runs, newest first.
pub fn recent(db: &Db, actor: &User, limit: i64) -> Result<Vec<RunBrief>, AppError> {
    if !actor.role.sees_assets() {
        return Err(AppError::Forbidden(
            "the asset register is for staff".into(),
        ));
    }
    db.read(|conn| {
        Ok(asset_imports::table
            .order((asset_imports::created_at.desc(), asset_imports::id.desc()))
            .limit(limit)
            .select((
                asset_imports::id,
                asset_imports::actor_id,
                asset_imports::profile,
                asset_imports::file_name,
                asset_imports::dry_run,
                asset_imports::applied,
                asset_imports::row_count,
                asset_imports::created,
                asset_imports::updated,
                asset_imports::rejected,
                asset_imports::created_at,
            ))
            .load(conn)?)
    })
}

/// A stored run's report.
pub fn stored_report(db: &Db, actor: &User, id: &str) -> Result<(Report, NaiveDateTime), AppError> {
    if !actor.role.sees_assets() {
        return Err(AppError::Forbidden(
            "the asset register is for staff".into(),
        ));
    }
    let row: Option<(String, NaiveDateTime)> = db.read(|conn| {
        Ok::<_, AppError>(
            asset_imports::table
                .find(id)
                .select((asset_imports::report, asset_imports::created_at))
                .first(conn)
                .optional()?,
        )
    })?;
    let (text, at) = row.ok_or_else(|| AppError::NotFound("no such import".into()))?;
    let report = serde_json::from_str(&text).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((report, at))
}
