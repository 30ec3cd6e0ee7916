//! Writing the rows of a license import in one write transaction, each row
//! in its own savepoint: a rejected row leaves nothing behind, and a dry
//! run or a refused import rolls the whole transaction back, so what it
//! reports is exactly what a real run would do.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::Connection;

use super::read::{Row, Table};
use super::rows::{allocate, changed_fields, existing, input_of, product_of, rejected};
use super::{Change, Options, Report};
use crate::assets::import::{ImportError, RowError};
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::licenses::model::{Entitlement, Product};
use crate::licenses::repo;
use crate::licenses::service::{allocations, entitlements, record_by};

enum Abort {
    RollBack(Box<Report>),
    Failed(ImportError),
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Self {
        Abort::Failed(e.into())
    }
}

impl From<crate::db::Unavailable> for Abort {
    fn from(e: crate::db::Unavailable) -> Self {
        Abort::Failed(e.into())
    }
}

/// A row refused: its faults, or a failure of the database.
pub(super) enum RowFault {
    Rejected(Vec<RowError>),
    Failed(AppError),
}

impl From<diesel::result::Error> for RowFault {
    fn from(e: diesel::result::Error) -> Self {
        RowFault::Failed(e.into())
    }
}

impl From<AppError> for RowFault {
    fn from(e: AppError) -> Self {
        RowFault::Failed(e)
    }
}

/// The products by (publisher, name, edition) without case.
pub(super) type Catalog = HashMap<(String, String, String), Product>;

pub(super) fn key(publisher: &str, name: &str, edition: Option<&str>) -> (String, String, String) {
    (
        publisher.trim().to_lowercase(),
        name.trim().to_lowercase(),
        edition.unwrap_or("").trim().to_lowercase(),
    )
}

pub(super) fn apply(
    db: &Db,
    actor_id: Option<&str>,
    table: &Table,
    opts: &Options,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, ImportError> {
    let result = db.write(|conn| {
        allocations::take_turn(conn).map_err(|e| Abort::Failed(e.into()))?;
        let mut report = Report {
            profile: opts.profile.name.clone(),
            file_name: opts.file_name.clone(),
            dry_run: opts.dry_run,
            partial: opts.partial,
            rows: table.seen,
            errors: table.errors.clone(),
            warnings: table.warnings.clone(),
            ..Report::default()
        };
        let mut catalog: Catalog = repo::products(conn)?
            .into_iter()
            .map(|p| (key(&p.publisher, &p.name, p.edition.as_deref()), p))
            .collect();
        for (n, row) in table.rows.iter().enumerate() {
            let mut new_product = None;
            let done = conn.transaction(|c| {
                one_row(c, actor_id, table, row, &mut catalog, &mut new_product, now)
            });
            match done {
                Ok(change) => {
                    if let Some(p) = new_product {
                        report.new_products.push(p);
                    }
                    report.allocated += change.allocated;
                    match change.action.as_str() {
                        "created" => report.created += 1,
                        "updated" => report.updated += 1,
                        _ => report.unchanged += 1,
                    }
                    report.changes.push(change);
                }
                Err(RowFault::Rejected(faults)) => {
                    if let Some(p) = new_product {
                        catalog.retain(|_, known| known.id != p);
                    }
                    report.errors.extend(faults);
                }
                Err(RowFault::Failed(e)) => return Err(Abort::Failed(e.into())),
            }
            if n % 100 == 99 {
                progress(n as u64 + 1);
            }
        }
        finish(&mut report, &catalog);
        if opts.dry_run || (report.rejected > 0 && !opts.partial) {
            return Err(Abort::RollBack(Box::new(report)));
        }
        report.applied = true;
        Ok(report)
    });
    match result {
        Ok(r) => Ok(r),
        Err(Abort::RollBack(r)) => Ok(*r),
        Err(Abort::Failed(e)) => Err(e),
    }
}

/// Sorts the faults, counts the rejected rows and names the new products.
fn finish(report: &mut Report, catalog: &Catalog) {
    report.errors.sort_by_key(|e| (e.line, e.column));
    report.rejected = report
        .errors
        .iter()
        .map(|e| e.line)
        .collect::<std::collections::HashSet<_>>()
        .len();
    let names: HashMap<&str, String> = catalog
        .values()
        .map(|p| (p.id.as_str(), crate::licenses::service::label(p)))
        .collect();
    report.new_products = report
        .new_products
        .iter()
        .filter_map(|id| names.get(id.as_str()).cloned())
        .collect();
}

fn one_row(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    table: &Table,
    row: &Row,
    catalog: &mut Catalog,
    new_product: &mut Option<String>,
    now: NaiveDateTime,
) -> Result<Change, RowFault> {
    let product = product_of(conn, actor_id, row, catalog, new_product, now)?;
    let product_id = product.id.clone();
    let mut input = input_of(row, &product_id);
    let mut errors = Vec::new();
    let before = existing(conn, row, &product_id)?;
    let mut e = match &before {
        Some(b) => b.clone(),
        None => {
            let metric = input.metric.get_or_insert_with(|| table.metric.clone());
            if row.quantity.is_none() && metric != "site" {
                errors.push(FieldError::new("quantity", "a number of units above 0"));
            }
            let mut e = entitlements::blank(now);
            e.source_ref = row.reference.clone();
            e
        }
    };
    entitlements::apply(&mut e, &input, &mut errors);
    seat_rules(conn, before.as_ref(), &e, &mut errors)?;
    match entitlements::check(conn, &e, errors) {
        Ok(()) => {}
        Err(AppError::Validation(errs)) => return Err(rejected(table, row.line, errs)),
        Err(other) => return Err(other.into()),
    }
    let (action, fields) = write(conn, actor_id, before.as_ref(), &mut e, now)?;
    let allocated = allocate(conn, actor_id, table, row, &e, now)?;
    let action = if action == "unchanged" && allocated > 0 {
        "updated"
    } else {
        action
    };
    Ok(Change {
        line: row.line,
        product: crate::licenses::service::label(&product),
        entitlement_id: e.id.clone(),
        action: action.to_owned(),
        fields,
        allocated,
    })
}

/// What given seats forbid, as the API says it: fewer units than seats,
/// another metric or another product.
fn seat_rules(
    conn: &mut DbConn,
    before: Option<&Entitlement>,
    e: &Entitlement,
    errors: &mut Vec<FieldError>,
) -> Result<(), RowFault> {
    let Some(b) = before else { return Ok(()) };
    let seats = repo::allocations(conn, Some(&e.id))?.len() as i64;
    if seats == 0 {
        return Ok(());
    }
    if seats > e.quantity {
        let m = format!("{seats} seats are given: take some back first");
        errors.push(FieldError::new("quantity", m));
    }
    for (field, changed) in [
        ("metric", e.metric != b.metric),
        ("product_id", e.product_id != b.product_id),
    ] {
        if changed {
            errors.push(FieldError::new(
                field,
                "its seats are given: take them back first",
            ));
        }
    }
    Ok(())
}

/// Adds or saves the entitlement: (`created`, `updated` or `unchanged`,
/// the fields changed).
fn write(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    before: Option<&Entitlement>,
    e: &mut Entitlement,
    now: NaiveDateTime,
) -> Result<(&'static str, Vec<String>), RowFault> {
    let what = ("license_entitlement", e.id.as_str());
    let Some(b) = before else {
        repo::insert_entitlement(conn, e)?;
        record_by(
            conn,
            actor_id,
            what,
            "created",
            entitlements::changes(e),
            now,
        )?;
        return Ok(("created", Vec::new()));
    };
    let fields = changed_fields(b, e);
    if fields.is_empty() {
        return Ok(("unchanged", fields));
    }
    e.updated_at = now;
    repo::save_entitlement(conn, e)?;
    let what = ("license_entitlement", e.id.as_str());
    record_by(
        conn,
        actor_id,
        what,
        "updated",
        entitlements::changes(e),
        now,
    )?;
    Ok(("updated", fields))
}
