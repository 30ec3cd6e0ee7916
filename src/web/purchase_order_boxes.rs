//! The boxes of the purchase order form: read from an order, from what
//! was posted, and into the order the service takes.

use super::form::{Problems, Reader};
use crate::http::multipart::form_field;
use crate::money::Money;
use crate::purchasing::domain::LineKind;
use crate::purchasing::dto::{LineInput, OrderDto, OrderInput};

/// Empty rows offered for more lines.
pub(super) const SPARE_ROWS: usize = 3;

/// One line's boxes as typed, and what is wrong with them.
#[derive(Debug, Clone, Default)]
pub(super) struct LineBoxes {
    /// `m:<model id>`, `p:<product id>` or empty (free text).
    pub item: String,
    pub description: String,
    pub metric: String,
    pub quantity: String,
    pub cost: String,
    /// (box, message): the box is `item`, `description`, `metric`,
    /// `quantity` or `cost`.
    pub errors: Vec<(String, String)>,
}

impl LineBoxes {
    /// The message beside one of its boxes.
    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(b, _)| b == name)
            .map(|(_, m)| m.as_str())
    }

    pub(super) fn is_empty(&self) -> bool {
        self.item.is_empty()
            && self.description.is_empty()
            && self.quantity.is_empty()
            && self.cost.is_empty()
    }
}

/// The form's boxes as typed.
#[derive(Debug, Clone, Default)]
pub(super) struct Boxes {
    pub vendor_id: String,
    pub requested_by: String,
    pub cost_centre: String,
    pub currency: String,
    pub conversion_rate: String,
    pub tax_percent: String,
    pub discount_percent: String,
    pub shipping: String,
    pub expected_on: String,
    pub notes: String,
    pub lines: Vec<LineBoxes>,
    /// The order's status in words when its terms no longer change (past
    /// `submitted`): the form then offers the expected day and notes only.
    pub locked: String,
}

fn money_text(minor: i64, currency: &str) -> String {
    Money::from_parts(Some(minor), Some(currency)).map_or(String::new(), |m| m.plain())
}

pub(super) fn boxes_of(o: &OrderDto) -> Boxes {
    Boxes {
        vendor_id: o.vendor_id.clone(),
        requested_by: o.requested_by_email.clone().unwrap_or_default(),
        cost_centre: o.cost_centre.clone().unwrap_or_default(),
        currency: o.currency.clone(),
        conversion_rate: o.conversion_rate.map_or(String::new(), |r| r.to_string()),
        tax_percent: o.tax_percent.to_string(),
        discount_percent: o.discount_percent.to_string(),
        shipping: money_text(o.shipping_minor, &o.currency),
        expected_on: o.expected_on.map_or(String::new(), |d| d.to_string()),
        notes: o.notes.clone(),
        locked: if o.status.editable() {
            String::new()
        } else {
            o.status.as_str().replace('_', " ")
        },
        lines: o
            .lines
            .iter()
            .map(|l| LineBoxes {
                item: match l.kind {
                    LineKind::Asset => format!("m:{}", l.model_id.clone().unwrap_or_default()),
                    LineKind::License => format!("p:{}", l.product_id.clone().unwrap_or_default()),
                    LineKind::Other => String::new(),
                },
                description: l.description.clone(),
                metric: l.metric.clone().unwrap_or_default(),
                quantity: l.quantity.to_string(),
                cost: money_text(l.unit_cost_minor, &o.currency),
                errors: Vec::new(),
            })
            .collect(),
    }
}

pub(super) fn boxes_from(form: &[(String, String)]) -> Boxes {
    let f = |n: &str| form_field(form, n).trim().to_owned();
    // Every row a box was posted for, even when one of its boxes (or a
    // row before it) is missing.
    let rows = form
        .iter()
        .filter_map(|(k, _)| {
            k.strip_prefix('l')?
                .split_once('_')?
                .0
                .parse::<usize>()
                .ok()
        })
        .filter(|i| *i < 1000)
        .max()
        .map_or(0, |m| m + 1);
    let mut lines = Vec::new();
    for i in 0..rows {
        let g = |n: &str| f(&format!("l{i}_{n}"));
        lines.push(LineBoxes {
            item: g("item"),
            description: g("description"),
            metric: g("metric"),
            quantity: g("quantity"),
            cost: g("cost"),
            errors: Vec::new(),
        });
    }
    Boxes {
        vendor_id: f("vendor_id"),
        requested_by: f("requested_by"),
        cost_centre: f("cost_centre"),
        currency: f("currency").to_uppercase(),
        conversion_rate: f("conversion_rate"),
        tax_percent: f("tax_percent"),
        discount_percent: f("discount_percent"),
        shipping: f("shipping"),
        expected_on: f("expected_on"),
        notes: form_field(form, "notes"),
        locked: f("locked"),
        lines,
    }
}

fn decimal(r: &mut Reader, field: &str, v: &str) -> Option<f64> {
    if v.is_empty() {
        return Some(0.0);
    }
    match v.replace(',', ".").parse::<f64>() {
        Ok(x) if x.is_finite() => Some(x),
        _ => {
            r.problems.push(field, "a number such as 19 or 8.25");
            None
        }
    }
}

/// The lines the rows describe (empty rows left out), the row each came
/// from, and whether some row does not read (its faults put on it).
fn read_lines(rows_in: &mut [LineBoxes], currency: &str) -> (Vec<LineInput>, Vec<usize>, bool) {
    let (mut lines, mut rows) = (Vec::new(), Vec::new());
    let mut bad_line = false;
    for (i, l) in rows_in
        .iter_mut()
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
    {
        let mut lr = Reader::default();
        let item = match l.item.split_once(':') {
            _ if l.item.is_empty() => Some((None, None)),
            Some(("m", id)) if !id.is_empty() => Some((Some(id.to_owned()), None)),
            Some(("p", id)) if !id.is_empty() => Some((None, Some(id.to_owned()))),
            _ => {
                lr.problems
                    .push("item", "choose a model, a license product or free text");
                None
            }
        };
        let quantity = lr.number("quantity", &l.quantity).flatten().unwrap_or(0);
        let cost = lr.money("cost", &l.cost, currency).flatten().unwrap_or(0);
        if !lr.problems.is_empty() {
            bad_line = true;
            l.errors = lr
                .problems
                .fields
                .iter()
                .map(|e| (box_of(&e.field).to_owned(), e.message.clone()))
                .collect();
            continue;
        }
        let (model_id, product_id) = item.unwrap_or_default();
        lines.push(LineInput {
            metric: product_id
                .as_ref()
                .and(Some(l.metric.clone()).filter(|m| !m.is_empty())),
            model_id,
            product_id,
            description: Some(l.description.clone()).filter(|d| !d.is_empty()),
            quantity,
            unit_cost_minor: cost,
        });
        rows.push(i);
    }
    (lines, rows, bad_line)
}

/// The order the boxes describe, and the row each line came from; or what
/// does not read.
pub(super) fn input_of(b: &mut Boxes, base: &str) -> Result<(OrderInput, Vec<usize>), Problems> {
    if !b.locked.is_empty() {
        let mut r = Reader::default();
        let expected = r.date("expected_on", &b.expected_on);
        if !r.problems.is_empty() {
            return Err(r.problems);
        }
        let only = OrderInput {
            expected_on: expected,
            notes: Some(b.notes.clone()),
            ..OrderInput::default()
        };
        return Ok((only, Vec::new()));
    }
    let currency = if b.currency.is_empty() {
        base.to_owned()
    } else {
        b.currency.clone()
    };
    let mut r = Reader::default();
    let tax = decimal(&mut r, "tax_percent", &b.tax_percent);
    let discount = decimal(&mut r, "discount_percent", &b.discount_percent);
    let rate = if b.conversion_rate.is_empty() {
        Some(None)
    } else {
        decimal(&mut r, "conversion_rate", &b.conversion_rate).map(Some)
    };
    let shipping = r.money("shipping", &b.shipping, &currency);
    let expected = r.date("expected_on", &b.expected_on);
    let (lines, rows, bad_line) = read_lines(&mut b.lines, &currency);
    if !r.problems.is_empty() || bad_line {
        if bad_line && r.problems.is_empty() {
            r.problems.general = Some("Some lines do not read: see below each.".into());
        }
        return Err(r.problems);
    }
    let text = |v: &str| Some(Some(v.to_owned()).filter(|v| !v.is_empty()));
    Ok((
        OrderInput {
            vendor_id: Some(b.vendor_id.clone()),
            // Empty: the person raising it (a change leaves it as it was).
            requested_by: Some(b.requested_by.clone())
                .filter(|v| !v.is_empty())
                .map(Some),
            cost_centre: text(&b.cost_centre),
            currency: Some(currency),
            conversion_rate: rate,
            tax_percent: tax,
            discount_percent: discount,
            shipping_minor: shipping.map(|s| s.unwrap_or(0)),
            expected_on: expected,
            notes: Some(b.notes.clone()),
            lines: Some(lines),
        },
        rows,
    ))
}

/// The box of a line a field's fault belongs to.
pub(super) fn box_of(field: &str) -> &str {
    match field {
        "model_id" | "product_id" => "item",
        "unit_cost_minor" => "cost",
        other => other,
    }
}
