//! The `generic` profile: a TOML mapping that names the file's columns
//! for our fields, its custom fields, categories, date order, decimal
//! separator, currency and delimiter.

use std::collections::HashMap;

use serde::Deserialize;

use super::profiles::{Field, Kind, Profile, UnknownPerson};
use super::values::{DateOrder, parse_category};
use crate::assets::domain::Status;
use crate::money::DecimalMark;

/// The TOML file of the `generic` profile.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Mapping {
    #[serde(default)]
    date_order: Option<DateOrder>,
    #[serde(default)]
    decimal_separator: Option<DecimalMark>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    delimiter: Option<String>,
    columns: MappedColumns,
    #[serde(default)]
    custom: HashMap<String, String>,
    #[serde(default)]
    custom_dates: HashMap<String, String>,
    #[serde(default)]
    categories: HashMap<String, String>,
    /// "reject" (default) or "keep".
    #[serde(default)]
    unknown_person: Option<String>,
}

/// `[columns]`: our field = the header in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappedColumns {
    asset_tag: Option<String>,
    serial: Option<String>,
    hostname: Option<String>,
    name: Option<String>,
    manufacturer: Option<String>,
    model: Option<String>,
    category: Option<String>,
    status: Option<String>,
    location: Option<String>,
    assignee: Option<String>,
    purchase_date: Option<String>,
    cost: Option<String>,
    supplier: Option<String>,
    po_number: Option<String>,
    warranty_end: Option<String>,
    warranty_months: Option<String>,
    notes: Option<String>,
    os_name: Option<String>,
    os_version: Option<String>,
}

/// A generic mapping read from TOML; errors name the line and key.
pub(super) fn generic(toml_text: &str, currency: &str) -> Result<Profile, String> {
    let m: Mapping = toml::from_str(toml_text).map_err(|e| e.to_string().trim().to_owned())?;
    let columns = mapped_columns(m.columns, m.custom, m.custom_dates)?;
    let mut categories = HashMap::new();
    for (theirs, ours) in m.categories {
        let c = parse_category(&ours).map_err(|e| format!("[categories] {theirs:?}: {e}"))?;
        categories.insert(theirs.trim().to_lowercase(), c);
    }
    let delimiter = delimiter(m.delimiter.as_deref())?;
    let currency = match m.currency {
        Some(c) if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()) => c,
        Some(c) => {
            return Err(format!(
                "currency must be an ISO 4217 code such as EUR, not {c:?}"
            ));
        }
        None => currency.to_owned(),
    };
    let unknown_person = match m.unknown_person.as_deref() {
        None | Some("reject") => UnknownPerson::Reject,
        Some("keep") => UnknownPerson::Keep,
        Some(other) => {
            return Err(format!(
                "unknown_person is \"reject\" or \"keep\", not {other:?}"
            ));
        }
    };
    Ok(Profile {
        name: "generic".into(),
        kind: Kind::Devices,
        columns,
        strict_headers: true,
        date_order: m.date_order.unwrap_or(DateOrder::Ymd),
        decimal: m.decimal_separator.unwrap_or(DecimalMark::Point),
        currency,
        delimiter,
        categories,
        unknown_person,
        infer_category: false,
        new_status: Status::InStock,
        needs_review: false,
    })
}

/// The fields the mapping names, then its custom fields and dates (by key).
fn mapped_columns(
    c: MappedColumns,
    custom: HashMap<String, String>,
    custom_dates: HashMap<String, String>,
) -> Result<Vec<(Field, Vec<String>)>, String> {
    let mut columns = Vec::new();
    let pairs = [
        (Field::AssetTag, c.asset_tag),
        (Field::Serial, c.serial),
        (Field::Hostname, c.hostname),
        (Field::Name, c.name),
        (Field::Manufacturer, c.manufacturer),
        (Field::Model, c.model),
        (Field::Category, c.category),
        (Field::Status, c.status),
        (Field::Location, c.location),
        (Field::Assignee, c.assignee),
        (Field::PurchaseDate, c.purchase_date),
        (Field::Cost, c.cost),
        (Field::Supplier, c.supplier),
        (Field::PoNumber, c.po_number),
        (Field::WarrantyEnd, c.warranty_end),
        (Field::WarrantyMonths, c.warranty_months),
        (Field::Notes, c.notes),
        (Field::OsName, c.os_name),
        (Field::OsVersion, c.os_version),
    ];
    for (field, header) in pairs {
        if let Some(h) = header {
            columns.push((field, vec![h]));
        }
    }
    if !columns.iter().any(|(f, _)| {
        matches!(
            f,
            Field::AssetTag | Field::Serial | Field::Hostname | Field::Name
        )
    }) {
        return Err(
            "[columns] must map at least one of asset_tag, serial, hostname or name: they say which device a row is"
                .into(),
        );
    }
    let mut custom_keys: Vec<_> = custom.into_iter().collect();
    custom_keys.sort();
    for (key, header) in custom_keys {
        columns.push((Field::Custom(key), vec![header]));
    }
    let mut date_keys: Vec<_> = custom_dates.into_iter().collect();
    date_keys.sort();
    for (key, header) in date_keys {
        columns.push((Field::CustomDate(key), vec![header]));
    }
    Ok(columns)
}

/// `delimiter`: one character, or "tab".
fn delimiter(d: Option<&str>) -> Result<Option<u8>, String> {
    match d {
        None => Ok(None),
        Some("\\t") | Some("\t") | Some("tab") => Ok(Some(b'\t')),
        Some(d) if d.len() == 1 => Ok(Some(d.as_bytes()[0])),
        Some(d) => Err(format!(
            "delimiter must be one character or \"tab\", not {d:?}"
        )),
    }
}
