//! Entitlement imports: Snipe-IT's license export, or any CSV with a TOML
//! header mapping (`generic`). Like the asset import: the whole file is
//! read first (every bad cell reported with its line, column and reason),
//! then every row is written in one transaction; by default all or
//! nothing, `dry_run` writes nothing, `partial` keeps the good rows. A
//! row updates the entitlement an earlier import made from the same source
//! row (Snipe-IT's id), or the product's one with the same licence key;
//! otherwise it adds one, and the product too when the catalog lacks it.
//! Named seats go through the same check as the API (`no_seats_left`).
//! Every run is kept with its report.

mod apply;
pub mod profiles;
pub mod read;
mod rows;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use crate::assets::import::{ImportError, RowError};
pub use profiles::{BUILT_IN, Profile};

use super::Licenses;
use super::repo::{self, ImportRun};
use crate::auth::User;
use crate::error::AppError;
use crate::ids;

/// What a row did (or would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub line: u64,
    pub product: String,
    pub entitlement_id: String,
    /// `created`, `updated` or `unchanged`.
    pub action: String,
    /// The fields that change (updates).
    pub fields: Vec<String>,
    /// Named seats given.
    pub allocated: usize,
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub id: String,
    pub profile: String,
    pub file_name: String,
    pub dry_run: bool,
    pub partial: bool,
    /// Whether anything was written.
    pub applied: bool,
    /// Data rows (blank lines and repeated headers not counted).
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows with at least one error.
    pub rejected: usize,
    /// Products added to the catalog.
    pub new_products: Vec<String>,
    /// Named seats given.
    pub allocated: usize,
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
        if !self.new_products.is_empty() {
            s.push_str(&format!(
                "; {} new products {verb}added to the catalog",
                self.new_products.len()
            ));
        }
        if self.allocated > 0 {
            s.push_str(&format!("; {} seats {verb}given", self.allocated));
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

/// What a person asked for, as the command line and the import page take it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `snipeit` or `generic`.
    pub profile: String,
    /// The TOML mapping of the generic profile.
    pub mapping: Option<String>,
    /// Of costs written without one; empty: `[assets] default_currency`.
    pub currency: Option<String>,
    /// Of rows without a metric; empty: `device`.
    pub metric: Option<String>,
    pub dry_run: bool,
    pub partial: bool,
    pub file_name: String,
}

/// How to run an import.
#[derive(Debug, Clone)]
pub struct Options {
    pub profile: Profile,
    pub file_name: String,
    pub dry_run: bool,
    pub partial: bool,
}

impl Request {
    /// The options to run with, or what is wrong with the request.
    /// `default_currency`: `[assets] default_currency`.
    pub fn options(&self, default_currency: &str) -> Result<Options, String> {
        let currency = match self.currency.as_deref().map(str::trim) {
            None | Some("") => default_currency.to_owned(),
            Some(c) => c.to_uppercase(),
        };
        crate::assets::import::check_currency(&currency).map_err(|e| format!("currency: {e}"))?;
        let metric = match self.metric.as_deref().map(str::trim) {
            None | Some("") => "device".to_owned(),
            Some(m) => {
                m.parse::<super::terms::Metric>()
                    .map_err(|e| format!("metric: {e}"))?;
                m.to_lowercase()
            }
        };
        let mapping = self.mapping.as_deref().filter(|m| !m.trim().is_empty());
        let profile = profiles::profile(&self.profile, mapping, &currency, &metric)?;
        Ok(Options {
            profile,
            file_name: self.file_name.clone(),
            dry_run: self.dry_run,
            partial: self.partial,
        })
    }
}

fn may_import(actor: Option<&User>) -> Result<(), AppError> {
    match actor {
        Some(a) if !a.role.manages_assets() => Err(AppError::Forbidden(
            "only asset managers and admins import entitlements".into(),
        )),
        _ => Ok(()),
    }
}

/// Runs an import and keeps its report. `actor` is the person (web) or
/// `None` (the command line). `progress` hears rows written so far.
pub fn run(
    lic: &Licenses,
    actor: Option<&User>,
    bytes: &[u8],
    opts: &Options,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, ImportError> {
    may_import(actor)?;
    let table = read::read(bytes, &opts.profile)?;
    let actor_id = actor.map(|a| a.id.as_str());
    let mut report = apply::apply(&lic.db, actor_id, &table, opts, now, progress)?;
    report.id = ids::new_id();
    let stored =
        serde_json::to_string(&report).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let run = ImportRun {
        id: report.id.clone(),
        actor_id: actor_id.map(str::to_owned),
        profile: report.profile.clone(),
        file_name: report.file_name.clone(),
        file_sha256: crate::text::hex(&Sha256::digest(bytes)),
        dry_run: report.dry_run,
        applied: report.applied,
        row_count: report.rows as i32,
        created: report.created as i32,
        updated: report.updated as i32,
        rejected: report.rejected as i32,
        report: stored,
        created_at: now,
    };
    lic.db
        .write(|conn| Ok::<_, AppError>(repo::insert_import(conn, &run)?))?;
    Ok(report)
}

/// The latest runs, newest first.
pub fn recent(lic: &Licenses, actor: &User, limit: i64) -> Result<Vec<ImportRun>, AppError> {
    may_import(Some(actor))?;
    lic.db.read(|conn| Ok(repo::imports(conn, limit)?))
}

/// A stored run's report and when it ran.
pub fn stored(lic: &Licenses, actor: &User, id: &str) -> Result<(Report, NaiveDateTime), AppError> {
    may_import(Some(actor))?;
    let run = lic
        .db
        .read(|conn| Ok::<_, AppError>(repo::import_run(conn, id)?))?
        .ok_or_else(|| AppError::NotFound("no such import".into()))?;
    let report =
        serde_json::from_str(&run.report).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((report, run.created_at))
}
