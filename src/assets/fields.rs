//! Custom fields per category (`[[asset_fields]]`): what assets of one
//! category record besides the standard fields, with a type each. Fields
//! not defined for a category are kept as given (free custom fields).

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::domain::Category;
use super::import::values::{DateOrder, parse_date};
use crate::error::FieldError;
use crate::money::DecimalMark;

/// The type of a custom field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    Number,
    /// Stored as `YYYY-MM-DD`.
    Date,
    Bool,
}

/// One defined field.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub category: Category,
    /// The key in `custom_fields` (lower case, digits, `_`).
    pub name: String,
    /// What pages call it.
    pub label: String,
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// Registering an asset of the category over the API needs it.
    #[serde(default)]
    pub required: bool,
}

/// Checks a spec list as configuration: names well formed and unique per
/// category.
pub fn check_specs(specs: &[FieldSpec]) -> Result<(), String> {
    for (i, s) in specs.iter().enumerate() {
        if s.name.is_empty()
            || !s
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(format!(
                "asset_fields[{i}].name {:?} must be lower-case letters, digits and _",
                s.name
            ));
        }
        if specs[..i]
            .iter()
            .any(|o| o.category == s.category && o.name == s.name)
        {
            return Err(format!(
                "asset_fields[{i}]: {} is defined twice for {}",
                s.name, s.category
            ));
        }
    }
    Ok(())
}

fn type_error(spec: &FieldSpec) -> String {
    match spec.kind {
        FieldKind::Text => format!("{} is text", spec.label),
        FieldKind::Number => format!("{} is a number", spec.label),
        FieldKind::Date => format!("{} is a date (YYYY-MM-DD)", spec.label),
        FieldKind::Bool => format!("{} is true or false", spec.label),
    }
}

/// Checks the custom fields of an asset of `category` against the fields
/// defined for it; `require` also asks for the required ones.
pub fn check(
    category: Option<Category>,
    specs: &[FieldSpec],
    fields: &Map<String, Value>,
    require: bool,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let Some(category) = category else {
        return errors;
    };
    for spec in specs.iter().filter(|s| s.category == category) {
        let path = format!("custom_fields.{}", spec.name);
        match fields.get(&spec.name) {
            None | Some(Value::Null) => {
                if require && spec.required {
                    errors.push(FieldError::new(
                        path,
                        format!("{} is required for a {category}", spec.label),
                    ));
                }
            }
            Some(v) => {
                let ok = match spec.kind {
                    FieldKind::Text => v.is_string(),
                    FieldKind::Number => v.is_number(),
                    FieldKind::Bool => v.is_boolean(),
                    FieldKind::Date => v
                        .as_str()
                        .is_some_and(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()),
                };
                if !ok {
                    errors.push(FieldError::new(path, type_error(spec)));
                }
            }
        }
    }
    errors
}

/// Reads an imported cell as the field's type.
pub fn coerce(
    spec: &FieldSpec,
    raw: &str,
    order: DateOrder,
    decimal: DecimalMark,
) -> Result<Value, String> {
    let s = raw.trim();
    match spec.kind {
        FieldKind::Text => Ok(Value::from(s)),
        FieldKind::Number => plain_number(s, decimal)
            .and_then(|n| n.parse::<f64>().ok())
            .filter(|n| n.is_finite())
            .map(|n| {
                if n.fract() == 0.0 && n.abs() < 9.0e15 {
                    Value::from(n as i64)
                } else {
                    Value::from(n)
                }
            })
            .ok_or_else(|| format!("{s:?} is not a number ({})", spec.label)),
        FieldKind::Date => parse_date(s, order).map(|d| Value::from(d.to_string())),
        FieldKind::Bool => match s.to_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "ja" | "oui" => Ok(Value::from(true)),
            "false" | "no" | "n" | "0" | "nein" | "non" => Ok(Value::from(false)),
            _ => Err(format!("{s:?} is not yes or no ({})", spec.label)),
        },
    }
}

/// A number as Rust reads it: the file's decimal separator made a point,
/// thousands groups (of three) dropped; `None` if it is not one.
fn plain_number(s: &str, decimal: DecimalMark) -> Option<String> {
    let (dec, group) = match decimal {
        DecimalMark::Point => ('.', ','),
        DecimalMark::Comma => (',', '.'),
    };
    let (sign, body) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s),
    };
    let (whole, frac) = body.split_once(dec).unwrap_or((body, ""));
    let groups: Vec<&str> = whole.split(group).collect();
    let grouped_ok = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !grouped_ok || !groups.iter().all(|g| digits(g)) || !digits(frac) {
        return None;
    }
    let whole = groups.concat();
    Some(if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    })
}

/// The spec of `name` for `category`, if one is defined.
pub fn spec_for<'a>(
    specs: &'a [FieldSpec],
    category: Option<Category>,
    name: &str,
) -> Option<&'a FieldSpec> {
    let category = category?;
    specs
        .iter()
        .find(|s| s.category == category && s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn specs() -> Vec<FieldSpec> {
        vec![
            FieldSpec {
                category: Category::Phone,
                name: "imei".into(),
                label: "IMEI".into(),
                kind: FieldKind::Text,
                required: true,
            },
            FieldSpec {
                category: Category::Laptop,
                name: "ram_gb".into(),
                label: "Memory (GB)".into(),
                kind: FieldKind::Number,
                required: false,
            },
        ]
    }

    #[test]
    fn defined_fields_are_typed_and_required_ones_asked_for() {
        let s = specs();
        let m = |v: serde_json::Value| v.as_object().unwrap().clone();
        assert!(
            check(
                Some(Category::Laptop),
                &s,
                &m(json!({"ram_gb": 16, "x": [1]})),
                true
            )
            .is_empty()
        );
        let e = check(
            Some(Category::Laptop),
            &s,
            &m(json!({"ram_gb": "16"})),
            true,
        );
        assert_eq!(e[0].field, "custom_fields.ram_gb");
        assert!(e[0].message.contains("is a number"));
        let e = check(Some(Category::Phone), &s, &m(json!({})), true);
        assert!(
            e[0].message.contains("IMEI is required for a phone"),
            "{:?}",
            e
        );
        assert!(check(Some(Category::Phone), &s, &m(json!({})), false).is_empty());
        assert!(check(None, &s, &m(json!({"ram_gb": "x"})), true).is_empty());
    }

    #[test]
    fn imported_cells_become_the_fields_type() {
        let s = specs();
        let (mdy, point, comma) = (DateOrder::Mdy, DecimalMark::Point, DecimalMark::Comma);
        assert_eq!(coerce(&s[1], "16", mdy, point), Ok(json!(16)));
        assert_eq!(coerce(&s[1], "15,6", mdy, comma), Ok(json!(15.6)));
        assert_eq!(coerce(&s[1], "1,024", mdy, point), Ok(json!(1024)));
        assert_eq!(coerce(&s[1], "1.024", mdy, comma), Ok(json!(1024)));
        assert!(
            coerce(&s[1], "15,6", mdy, point).is_err(),
            "a comma groups thousands here"
        );
        assert!(
            coerce(&s[1], "lots", mdy, point)
                .unwrap_err()
                .contains("Memory (GB)")
        );
    }

    #[test]
    fn specs_are_checked_as_configuration() {
        let mut s = specs();
        assert!(check_specs(&s).is_ok());
        s.push(s[0].clone());
        assert!(check_specs(&s).unwrap_err().contains("defined twice"));
        s.pop();
        s[0].name = "IMEI".into();
        assert!(check_specs(&s).unwrap_err().contains("lower-case"));
    }
}
