//! Planning and writing an import inside one write transaction. Every check
//! is made against what the register holds (loaded once, in chunks) plus
//! what earlier rows of the same file create, so a dry run and a refused
//! all-or-nothing import report exactly what a real run would do.

mod apps;
mod devices;
mod known;
mod plan_row;
mod write;

use std::collections::HashSet;

use chrono::NaiveDateTime;

use super::profiles::{Field, Kind};
use super::read::Table;
use super::{ImportError, Options, Report, RowError, Stage};
use crate::db::Db;

use apps::apps;
use devices::devices;

pub(super) const CHUNK: usize = 500;

/// Ends the transaction without keeping anything (dry runs and refused
/// imports), carrying the report out.
pub(super) enum Outcome {
    Keep(Report),
    RollBack(Report),
}

pub(super) struct RollBack(Box<Report>);

impl From<diesel::result::Error> for RollBackOr {
    fn from(e: diesel::result::Error) -> Self {
        RollBackOr::Failed(e.into())
    }
}

impl From<crate::db::Unavailable> for RollBackOr {
    fn from(e: crate::db::Unavailable) -> Self {
        RollBackOr::Failed(e.into())
    }
}

pub(super) enum RollBackOr {
    RollBack(RollBack),
    Failed(ImportError),
}

pub(super) fn apply(
    db: &Db,
    actor_id: Option<&str>,
    table: &Table,
    opts: &Options,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(Stage, u64),
) -> Result<Report, ImportError> {
    let result = db.write(|conn| {
        let mut report = Report {
            profile: opts.profile.name.clone(),
            file_name: opts.file_name.clone(),
            dry_run: opts.dry_run,
            partial: opts.partial,
            rows: table.rows,
            errors: table.errors.clone(),
            ..Report::default()
        };
        let outcome = match opts.profile.kind {
            Kind::Devices => devices(conn, actor_id, table, opts, now, report, progress)?,
            Kind::Apps => {
                report.rejected = rejected_lines(&report.errors);
                apps(conn, actor_id, table, opts, now, report)?
            }
        };
        match outcome {
            Outcome::Keep(r) => Ok(r),
            Outcome::RollBack(r) => Err(RollBackOr::RollBack(RollBack(Box::new(r)))),
        }
    });
    match result {
        Ok(r) => Ok(r),
        Err(RollBackOr::RollBack(RollBack(r))) => {
            let mut r = *r;
            r.applied = false;
            Ok(r)
        }
        Err(RollBackOr::Failed(e)) => Err(e),
    }
}

fn rejected_lines(errors: &[RowError]) -> usize {
    errors.iter().map(|e| e.line).collect::<HashSet<_>>().len()
}

/// Whether the planned writes happen: not on dry runs, and not when a row
/// was refused unless the import is partial.
fn will_write(report: &Report, opts: &Options) -> bool {
    !opts.dry_run && (report.errors.is_empty() || opts.partial)
}

pub(super) fn at(
    table: &Table,
    line: u64,
    field: &Field,
    value: Option<&str>,
    reason: String,
) -> RowError {
    let (column, header) = table.column_of(field);
    RowError {
        line,
        column,
        header,
        value: value.map(str::to_owned),
        reason,
    }
}

pub(super) fn opt_date(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}
