//! Row by row: the entitlement input a row gives, its product, the
//! entitlement it updates, and its named seats.

use chrono::NaiveDateTime;
use serde_json::json;

use super::apply::{Catalog, RowFault, key};
use super::profiles::Field;
use super::read::{Row, Table};
use crate::db::DbConn;
use crate::error::{AppError, FieldError};
use crate::ids;
use crate::licenses::dto::{EntitlementInput, NewAllocation};
use crate::licenses::model::{Entitlement, Product};
use crate::licenses::repo;
use crate::licenses::service::{allocations, record_by};
use crate::licenses::terms::Metric;

/// The entitlement input a row gives: the cells it fills (an empty cell
/// changes nothing, as in the asset import). A new entitlement without a
/// metric cell takes the import's metric; an existing one keeps its own.
pub(super) fn input_of(row: &Row, product_id: &str) -> EntitlementInput {
    let some = |v: &Option<String>| v.clone().map(Some);
    EntitlementInput {
        product_id: Some(product_id.to_owned()),
        metric: row.metric.clone(),
        quantity: row.quantity,
        starts_on: row.starts_on.map(Some),
        ends_on: row.ends_on.map(Some),
        unit_cost_minor: row.unit_cost_minor.map(Some),
        currency: some(&row.currency),
        license_key: some(&row.license_key),
        vendor: some(&row.vendor),
        po_number: some(&row.po_number),
        contract_ref: some(&row.contract_ref),
        notes: row.notes.clone(),
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

pub(super) fn rejected(table: &Table, line: u64, errors: Vec<FieldError>) -> RowFault {
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
pub(super) fn product_of(
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
pub(super) fn changed_fields(before: &Entitlement, after: &Entitlement) -> Vec<String> {
    let pairs = [
        ("product_id", before.product_id != after.product_id),
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
pub(super) fn existing(
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

/// Gives the row's named seats that are not given yet; every refusal
/// (`no_seats_left`, an unknown person) rejects the row.
pub(super) fn allocate(
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
