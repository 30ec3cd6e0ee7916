//! An order's lines from what was sent: each an asset model, a license
//! product or free text, checked against the registers that own them.

use crate::assets::service::receiving::model_facts;
use crate::db::DbConn;
use crate::error::{AppError, FieldError};
use crate::licenses::service::purchased::{PURCHASABLE, product_labels};
use crate::licenses::terms::Metric;
use crate::purchasing::domain::LineKind;
use crate::purchasing::dto::LineInput;
use crate::purchasing::model::Line;

/// Most units on one line.
pub const MAX_QUANTITY: i64 = 100_000;
/// Largest unit cost, in minor units.
pub const MAX_UNIT_COST: i64 = 10_000_000_000;
/// Most lines on one order.
pub const MAX_LINES: usize = 500;

/// The lines `input` describes, numbered from 1, or every fault, each
/// naming its field (`lines[2].quantity`).
pub fn read_lines(
    conn: &mut DbConn,
    order_id: &str,
    input: &[LineInput],
    errors: &mut Vec<FieldError>,
) -> Result<Vec<Line>, AppError> {
    if input.len() > MAX_LINES {
        errors.push(FieldError::new(
            "lines",
            format!("at most {MAX_LINES} lines"),
        ));
        return Ok(Vec::new());
    }
    let model_ids: Vec<String> = input.iter().filter_map(|l| l.model_id.clone()).collect();
    let product_ids: Vec<String> = input.iter().filter_map(|l| l.product_id.clone()).collect();
    let models = model_facts(conn, &model_ids)?;
    let products = product_labels(conn, &product_ids)?;
    let known = Known { models, products };
    Ok(input
        .iter()
        .enumerate()
        .map(|(i, l)| read_line(order_id, i, l, &known, errors))
        .collect())
}

/// The models and products the lines name that exist.
struct Known {
    models: std::collections::HashMap<String, crate::assets::service::receiving::ModelFacts>,
    products: std::collections::HashMap<String, String>,
}

/// What a line buys, and the name of the model or product.
fn kind_of(
    l: &LineInput,
    described: bool,
    known: &Known,
    fault: &mut impl FnMut(&str, String),
) -> (LineKind, Option<String>) {
    match (&l.model_id, &l.product_id) {
        (Some(_), Some(_)) => {
            fault(
                "product_id",
                "a line buys a model or a product, not both".into(),
            );
            (LineKind::Other, None)
        }
        (Some(m), None) => match known.models.get(m) {
            Some(f) => (LineKind::Asset, Some(f.name.clone())),
            None => {
                fault("model_id", "no such asset model".into());
                (LineKind::Asset, None)
            }
        },
        (None, Some(p)) => match known.products.get(p) {
            Some(label) => (LineKind::License, Some(label.clone())),
            None => {
                fault("product_id", "no such license product".into());
                (LineKind::License, None)
            }
        },
        (None, None) => {
            if !described {
                fault(
                    "description",
                    "what the line buys: a device model, a licence product or a description".into(),
                );
            }
            (LineKind::Other, None)
        }
    }
}

/// The license metric of a line.
fn metric_of(
    kind: LineKind,
    given: Option<&str>,
    fault: &mut impl FnMut(&str, String),
) -> Option<String> {
    match (kind, given.map(str::trim)) {
        (LineKind::License, None) => Some(Metric::Device.as_str().to_owned()),
        (LineKind::License, Some(m)) => match m.parse::<Metric>() {
            Ok(m) if PURCHASABLE.contains(&m) => Some(m.as_str().to_owned()),
            _ => {
                fault(
                    "metric",
                    "device, user, processor or site (core licenses are added in the license register)".into(),
                );
                None
            }
        },
        (_, Some(_)) => {
            fault("metric", "only for a license product".into());
            None
        }
        (_, None) => None,
    }
}

/// Line `i` (numbered `i + 1`); its faults go to `errors`.
fn read_line(
    order_id: &str,
    i: usize,
    l: &LineInput,
    known: &Known,
    errors: &mut Vec<FieldError>,
) -> Line {
    let mut fault = |field: &str, message: String| {
        errors.push(FieldError::new(format!("lines[{i}].{field}"), message))
    };
    let description = l
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    if description.is_some_and(|d| d.chars().count() > 500) {
        fault("description", "at most 500 characters".into());
    }
    let (kind, name) = kind_of(l, description.is_some(), known, &mut fault);
    let metric = metric_of(kind, l.metric.as_deref(), &mut fault);
    if !(1..=MAX_QUANTITY).contains(&l.quantity) {
        fault(
            "quantity",
            format!("a whole number from 1 to {MAX_QUANTITY}"),
        );
    }
    if !(0..=MAX_UNIT_COST).contains(&l.unit_cost_minor) {
        fault("unit_cost_minor", "0 or more".into());
    }
    Line {
        order_id: order_id.to_owned(),
        number: i as i32 + 1,
        kind,
        model_id: l.model_id.clone().filter(|_| kind == LineKind::Asset),
        product_id: l.product_id.clone().filter(|_| kind == LineKind::License),
        metric,
        description: description.map(str::to_owned).or(name).unwrap_or_default(),
        quantity: l.quantity,
        unit_cost_minor: l.unit_cost_minor,
        received: 0,
    }
}

/// quantity × unit cost over the lines.
pub fn subtotal(lines: &[Line]) -> i64 {
    lines.iter().map(|l| l.quantity * l.unit_cost_minor).sum()
}

/// received × unit cost over the lines.
pub fn received_subtotal(lines: &[Line]) -> i64 {
    lines.iter().map(|l| l.received * l.unit_cost_minor).sum()
}
