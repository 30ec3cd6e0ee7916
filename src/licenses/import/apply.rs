//! Writing the rows of a license import in one write transaction, each row
//! in its own savepoint: a rejected row leaves nothing behind, and a dry
//! run or a refused import rolls the whole transaction back, so what it
//! reports is exactly what a real run would do.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::Connection;
use serde_json::json;

use super::profiles::Field;
use super::read::{Row, Table};
use super::{Change, Options, Report};
use crate::assets::import::{ImportError, RowError};
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::ids;
use crate::licenses::dto::{EntitlementInput, NewAllocation};
use crate::licenses::model::{Entitlement, Product};
use crate::licenses::repo;
use crate::licenses::service::{allocations, entitlements, record_by};
use crate::licenses::terms::Metric;

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
enum RowFault {
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
type Catalog = HashMap<(String, String, String), Product>;

fn key(publisher: &str, name: &str, edition: Option<&str>) -> (String, String, String) {
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
        report.errors.sort_by_key(|e| (e.line, e.column));
        report.rejected = report
            .errors
            .iter()
            .map(|e| e.line)
            .collect::<std::collections::HashSet<_>>()
            .len();
        let names: HashMap<String, String> = catalog
            .values()
            .map(|p| (p.id.clone(), crate::licenses::service::label(p)))
            .collect();
        report.new_products = report
            .new_products
            .iter()
            .filter_map(|id| names.get(id).cloned())
            .collect();
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

/// The entitlement input a row gives: only the fields the file has.
fn input_of(table: &Table, row: &Row, product_id: &str) -> EntitlementInput {
    let has = |f: Field| table.columns.iter().any(|(c, _)| *c == f);
    let some_if = |f: bool, v: Option<String>| if f { Some(v) } else { None };
    EntitlementInput {
        product_id: Some(product_id.to_owned()),
        metric: row.metric.clone(),
        quantity: row.quantity,
        starts_on: has(Field::StartsOn).then_some(row.starts_on),
        ends_on: (has(Field::EndsOn) || has(Field::TerminatesOn)).then_some(row.ends_on),
        unit_cost_minor: (has(Field::UnitCost) || has(Field::TotalCost))
            .then_some(row.unit_cost_minor),
        currency: some_if(
            has(Field::Currency) || has(Field::UnitCost) || has(Field::TotalCost),
            row.currency.clone(),
        ),
        license_key: some_if(has(Field::LicenseKey), row.license_key.clone()),
        vendor: some_if(has(Field::Vendor), row.vendor.clone()),
        po_number: some_if(
            has(Field::PoNumber) || has(Field::OrderNumber),
            row.po_number.clone(),
        ),
        contract_ref: some_if(has(Field::ContractRef), row.contract_ref.clone()),
        notes: has(Field::Notes).then(|| row.notes.clone().unwrap_or_default()),
        ..EntitlementInput::default()
    }
}

/// The column of an entitlement field named in a validation error.
fn field_of(name: &str) -> Option<Field> {
    Some(match name {
        "product_id" => Field::Product,
        "metric" => Field::Metric,
        "quantity" => Field::Quantity,
        "starts_on" => Field::StartsOn,
        "ends_on" => Field::EndsOn,
        "unit_cost_minor" => Field::UnitCost,
        "currency" => Field::Currency,
        "license_key" => Field::LicenseKey,
        _ => return None,
    })
}

fn rejected(table: &Table, line: u64, errors: Vec<FieldError>) -> RowFault {
    RowFault::Rejected(
        errors
            .into_iter()
            .map(|e| {
                let field = field_of(&e.field);
                let field = match field {
                    Some(Field::UnitCost)
                        if table.columns.iter().any(|(c, _)| *c == Field::TotalCost) =>
                    {
                        Some(Field::TotalCost)
                    }
                    other => other,
                };
                table.fault(line, field, None, format!("{}: {}", e.field, e.message))
            })
            .collect(),
    )
}

/// The product a row licenses, added to the catalog when new.
fn product_of(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    row: &Row,
    catalog: &mut Catalog,
    new_product: &mut Option<String>,
    now: NaiveDateTime,
) -> Result<Product, RowFault> {
    let k = key(&row.publisher, &row.product, row.edition.as_deref());
    if let Some(p) = catalog.get(&k) {
        return Ok(p.clone());
    }
    let p = Product {
        id: ids::new_id(),
        publisher: row.publisher.trim().to_owned(),
        name: row.product.trim().to_owned(),
        edition: row.edition.clone(),
        family: None,
        version: None,
        created_at: now,
        updated_at: now,
    };
    repo::insert_product(conn, &p)?;
    let changes =
        json!({"publisher": p.publisher, "name": p.name, "edition": p.edition, "source": "import"});
    record_by(
        conn,
        actor_id,
        ("license_product", &p.id),
        "created",
        changes,
        now,
    )?;
    *new_product = Some(p.id.clone());
    catalog.insert(k, p.clone());
    Ok(p)
}

/// What a row changes on an existing entitlement, by field name.
fn changed_fields(before: &Entitlement, after: &Entitlement) -> Vec<String> {
    let pairs = [
        ("metric", before.metric != after.metric),
        ("quantity", before.quantity != after.quantity),
        ("starts_on", before.starts_on != after.starts_on),
        ("ends_on", before.ends_on != after.ends_on),
        (
            "unit_cost_minor",
            before.unit_cost_minor != after.unit_cost_minor,
        ),
        ("currency", before.currency != after.currency),
        ("license_key", before.license_key != after.license_key),
        ("vendor", before.vendor != after.vendor),
        ("po_number", before.po_number != after.po_number),
        ("contract_ref", before.contract_ref != after.contract_ref),
        ("notes", before.notes != after.notes),
    ];
    pairs
        .into_iter()
        .filter(|(_, c)| *c)
        .map(|(n, _)| n.to_owned())
        .collect()
}

/// The entitlement this row updates: the one imported from the same source
/// row, else the product's one with the same licence key.
fn existing(
    conn: &mut DbConn,
    row: &Row,
    product_id: &str,
) -> Result<Option<Entitlement>, RowFault> {
    if let Some(r) = &row.reference
        && let Some(e) = repo::entitlement_from(conn, r)?
    {
        return Ok(Some(e));
    }
    let Some(k) = row.license_key.as_deref() else {
        return Ok(None);
    };
    Ok(repo::entitlements(conn, Some(product_id))?
        .into_iter()
        .find(|e| e.license_key.as_deref() == Some(k)))
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
    let input = input_of(table, row, &product_id);
    let mut errors = Vec::new();
    let before = existing(conn, row, &product_id)?;
    let mut e = match &before {
        Some(b) => b.clone(),
        None => {
            if row.quantity.is_none() && row.metric.as_deref() != Some("site") {
                errors.push(FieldError::new("quantity", "a number of units above 0"));
            }
            let mut e = entitlements::blank(now);
            e.source_ref = row.reference.clone();
            e
        }
    };
    entitlements::apply(&mut e, &input, &mut errors);
    let seats = repo::allocations(conn, Some(&e.id))?.len() as i64;
    if seats > e.quantity {
        errors.push(FieldError::new(
            "quantity",
            format!("{seats} seats are given: take some back first"),
        ));
    }
    match entitlements::check(conn, &e, errors) {
        Ok(()) => {}
        Err(AppError::Validation(errs)) => return Err(rejected(table, row.line, errs)),
        Err(other) => return Err(other.into()),
    }
    let (action, fields) = match &before {
        None => {
            repo::insert_entitlement(conn, &e)?;
            record_by(
                conn,
                actor_id,
                ("license_entitlement", &e.id),
                "created",
                entitlements::changes(&e),
                now,
            )?;
            ("created", Vec::new())
        }
        Some(b) => {
            let fields = changed_fields(b, &e);
            if fields.is_empty() {
                ("unchanged", fields)
            } else {
                e.updated_at = now;
                repo::save_entitlement(conn, &e)?;
                record_by(
                    conn,
                    actor_id,
                    ("license_entitlement", &e.id),
                    "updated",
                    entitlements::changes(&e),
                    now,
                )?;
                ("updated", fields)
            }
        }
    };
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

/// Gives the row's named seats that are not given yet; every refusal
/// (`no_seats_left`, an unknown person) rejects the row.
fn allocate(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    table: &Table,
    row: &Row,
    e: &Entitlement,
    now: NaiveDateTime,
) -> Result<usize, RowFault> {
    let mut given = 0;
    let mut faults = Vec::new();
    for holder in &row.allocations {
        let input = match e.metric {
            Metric::User => NewAllocation {
                person: Some(holder.clone()),
                asset: None,
            },
            _ => NewAllocation {
                person: None,
                asset: Some(holder.clone()),
            },
        };
        let reason = match allocations::allocate_in(conn, actor_id, e, &input, now) {
            Ok(_) => {
                given += 1;
                continue;
            }
            Err(AppError::Conflict {
                code: "already_allocated",
                ..
            }) => continue,
            Err(AppError::Conflict { code, detail, .. }) => format!("{code}: {detail}"),
            Err(AppError::Validation(errs)) => errs
                .into_iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
            Err(other) => return Err(other.into()),
        };
        faults.push(table.fault(
            row.line,
            Some(Field::Allocations),
            Some(holder.clone()),
            reason,
        ));
    }
    if faults.is_empty() {
        Ok(given)
    } else {
        Err(RowFault::Rejected(faults))
    }
}
