//! What a receipt must be before anything is received: its own shape
//! (counts, serials scanned once, no day in the future), then the order's
//! lines and the register (no more than is still to come, serials and
//! tags nobody holds). Every fault names its field or line.

use std::collections::HashSet;

use crate::assets::service::receiving::{location_exists, serials_taken, tags_taken};
use crate::db::DbConn;
use crate::error::{AppError, FieldError};
use crate::licenses::service::purchased::product_labels;
use crate::purchasing::domain::LineKind;
use crate::purchasing::dto::{ReceiptInput, ReceiptLineInput};
use crate::purchasing::model::{Line, Order};

/// Longest serial number or tag.
const MAX_CODE: usize = 100;

fn clean_codes(
    i: usize,
    what: &str,
    codes: &Option<Vec<String>>,
    quantity: i64,
    errors: &mut Vec<FieldError>,
) -> Option<Vec<String>> {
    let codes = codes.as_ref()?;
    let cleaned: Vec<String> = codes.iter().map(|s| s.trim().to_owned()).collect();
    if cleaned.len() as i64 != quantity {
        errors.push(FieldError::new(
            format!("lines[{i}].{what}"),
            format!("one per unit: {quantity} expected, {} given", cleaned.len()),
        ));
    }
    for (j, s) in cleaned.iter().enumerate() {
        if s.is_empty() || s.chars().count() > MAX_CODE || s.chars().any(char::is_control) {
            errors.push(FieldError::new(
                format!("lines[{i}].{what}[{j}]"),
                format!("1 to {MAX_CODE} characters"),
            ));
        }
    }
    Some(cleaned)
}

/// Checks what can be checked without the database: every fault, each
/// naming its field.
pub(super) fn check_shape(input: &ReceiptInput, today: chrono::NaiveDate) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if input.lines.is_empty() {
        errors.push(FieldError::new("lines", "what arrived: at least one line"));
    }
    if input.received_on.is_some_and(|d| d > today) {
        errors.push(FieldError::new("received_on", "not in the future"));
    }
    let mut seen_lines = HashSet::new();
    let mut seen_serials: HashSet<String> = HashSet::new();
    let mut seen_tags: HashSet<String> = HashSet::new();
    for (i, l) in input.lines.iter().enumerate() {
        if !seen_lines.insert(l.line) {
            errors.push(FieldError::new(
                format!("lines[{i}].line"),
                format!("line {} is named twice in this receipt", l.line),
            ));
        }
        if !(1..=100_000).contains(&l.quantity) {
            errors.push(FieldError::new(
                format!("lines[{i}].quantity"),
                "a whole number of units from 1",
            ));
            continue;
        }
        if let Some(serials) = clean_codes(i, "serials", &l.serials, l.quantity, &mut errors) {
            for (j, s) in serials.iter().enumerate() {
                if !s.is_empty() && !seen_serials.insert(s.to_lowercase()) {
                    errors.push(FieldError::new(
                        format!("lines[{i}].serials[{j}]"),
                        format!("serial {s} is scanned twice in this receipt"),
                    ));
                }
            }
        }
        if let Some(tags) = clean_codes(i, "tags", &l.tags, l.quantity, &mut errors) {
            for (j, t) in tags.iter().enumerate() {
                if !t.is_empty() && !seen_tags.insert(t.clone()) {
                    errors.push(FieldError::new(
                        format!("lines[{i}].tags[{j}]"),
                        format!("tag {t} is given twice in this receipt"),
                    ));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

pub(super) fn codes(l: &ReceiptLineInput, serials: bool) -> Option<Vec<String>> {
    let c = if serials { &l.serials } else { &l.tags };
    c.as_ref()
        .map(|v| v.iter().map(|s| s.trim().to_owned()).collect())
}

/// Checks the receipt against the order and the registers: lines that
/// exist, no more than is still to come, serials and tags nobody has.
pub(super) fn check_against(
    conn: &mut DbConn,
    o: &Order,
    lines: &[Line],
    input: &ReceiptInput,
) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if let Some(loc) = &input.location_id
        && !location_exists(conn, loc)?
    {
        errors.push(FieldError::new("location_id", "no such location"));
    }
    let product_ids: Vec<String> = lines.iter().filter_map(|l| l.product_id.clone()).collect();
    let products = product_labels(conn, &product_ids)?;
    for (i, l) in input.lines.iter().enumerate() {
        let Some(line) = lines.iter().find(|x| x.number == l.line) else {
            errors.push(FieldError::new(
                format!("lines[{i}].line"),
                format!(
                    "{} has no line {} (its lines are 1 to {})",
                    o.number,
                    l.line,
                    lines.len()
                ),
            ));
            continue;
        };
        if line
            .product_id
            .as_ref()
            .is_some_and(|p| !products.contains_key(p))
        {
            errors.push(FieldError::new(
                format!("lines[{i}].line"),
                format!(
                    "the product of line {} ({}) is no longer in the license register: add it again, or close the order short",
                    line.number, line.description
                ),
            ));
        }
        if line.kind != LineKind::Asset && (l.serials.is_some() || l.tags.is_some()) {
            errors.push(FieldError::new(
                format!("lines[{i}].serials"),
                "serials and tags are for lines of asset models",
            ));
        }
        let left = line.quantity - line.received;
        if l.quantity > left {
            return Err(AppError::conflict(
                "over_receipt",
                format!(
                    "line {} ({}) has {left} of {} still to come; {} cannot be received",
                    line.number, line.description, line.quantity, l.quantity
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    for l in &input.lines {
        codes_free(conn, l)?;
    }
    Ok(())
}

/// Refuses serials and tags of a receipt line that an asset holds.
fn codes_free(conn: &mut DbConn, l: &ReceiptLineInput) -> Result<(), AppError> {
    for (serials, what, code) in [
        (true, "serial", "duplicate_serial"),
        (false, "tag", "duplicate_tag"),
    ] {
        let Some(list) = codes(l, serials) else {
            continue;
        };
        let mut dup: Vec<&str> = if serials {
            let taken = serials_taken(conn, &list)?;
            list.iter()
                .filter(|s| taken.contains(&s.to_lowercase()))
                .map(String::as_str)
                .collect()
        } else {
            let taken = tags_taken(conn, &list)?;
            list.iter()
                .filter(|s| taken.contains(*s))
                .map(String::as_str)
                .collect()
        };
        if !dup.is_empty() {
            dup.sort_unstable();
            return Err(AppError::conflict(
                code,
                format!(
                    "line {}: the register already holds an asset with {what} {}; nothing was received",
                    l.line,
                    dup.join(", ")
                ),
            ));
        }
    }
    Ok(())
}
