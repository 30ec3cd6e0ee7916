//! Which header of an export feeds which entitlement field: Snipe-IT's
//! license export built in, any other file through a TOML mapping
//! (`generic`).

use serde::Deserialize;

use crate::assets::import::values::DateOrder;
use crate::money::DecimalMark;

/// An entitlement field a column can feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The source's own id of the licence: importing the same export again
    /// updates what the first import created.
    Reference,
    Publisher,
    Product,
    Edition,
    Metric,
    Quantity,
    StartsOn,
    EndsOn,
    /// Snipe-IT's termination date: `ends_on` when it is earlier.
    TerminatesOn,
    /// The cost of the whole licence, divided by the quantity.
    TotalCost,
    UnitCost,
    Currency,
    LicenseKey,
    Vendor,
    PoNumber,
    /// Snipe-IT's order number: the PO number when there is none.
    OrderNumber,
    ContractRef,
    Notes,
    /// Named seats: emails (user metric) or asset tags (device metric),
    /// separated by `;` or `,`.
    Allocations,
    /// A row whose cell here is not empty is skipped (Snipe-IT's
    /// "Deleted at").
    Deleted,
}

impl Field {
    /// The field's name in reports and in generic mappings.
    pub fn label(self) -> &'static str {
        match self {
            Field::Reference => "reference",
            Field::Publisher => "publisher",
            Field::Product => "product",
            Field::Edition => "edition",
            Field::Metric => "metric",
            Field::Quantity => "quantity",
            Field::StartsOn => "starts_on",
            Field::EndsOn => "ends_on",
            Field::TerminatesOn => "terminates_on",
            Field::TotalCost => "total_cost",
            Field::UnitCost => "unit_cost",
            Field::Currency => "currency",
            Field::LicenseKey => "license_key",
            Field::Vendor => "vendor",
            Field::PoNumber => "po_number",
            Field::OrderNumber => "order_number",
            Field::ContractRef => "contract_ref",
            Field::Notes => "notes",
            Field::Allocations => "allocations",
            Field::Deleted => "deleted",
        }
    }
}

/// How to read one kind of export.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    /// Each field with the headers that may feed it, first found wins.
    pub columns: Vec<(Field, Vec<String>)>,
    pub date_order: DateOrder,
    pub decimal: DecimalMark,
    /// Of costs written without a currency.
    pub currency: String,
    /// Of rows without a metric column.
    pub metric: String,
    /// `None`: sniffed from the header line.
    pub delimiter: Option<u8>,
    /// Prefix of `Reference` values (`snipeit:`).
    pub reference_prefix: String,
}

/// The built-in profiles, for `--help` and the import page.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("snipeit", "Snipe-IT: Licenses › Export (CSV)"),
    ("generic", "Generic: your columns, mapped in TOML"),
];

/// The profile called `name`; `generic` reads `mapping`.
pub fn profile(
    name: &str,
    mapping: Option<&str>,
    currency: &str,
    metric: &str,
) -> Result<Profile, String> {
    match name {
        "snipeit" => Ok(snipeit(currency, metric)),
        "generic" => match mapping {
            Some(m) => generic(m, currency, metric),
            None => Err(
                "the generic profile needs a mapping (--mapping FILE.toml): see the README".into(),
            ),
        },
        other => Err(format!("unknown profile {other:?}: use snipeit or generic")),
    }
}

/// Snipe-IT's license export (`LicensesController@getExportLicensesCsv`),
/// and the column names its own importer takes.
fn snipeit(currency: &str, metric: &str) -> Profile {
    let h = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    Profile {
        name: "snipeit".into(),
        columns: vec![
            (Field::Reference, h(&["id", "ID"])),
            (Field::Product, h(&["Name", "License Name"])),
            (Field::Publisher, h(&["Manufacturer"])),
            (
                Field::LicenseKey,
                h(&[
                    "Serial Number",
                    "Product Key",
                    "Serial",
                    "Serial No.",
                    "Key",
                    "License Key",
                ]),
            ),
            (Field::StartsOn, h(&["Purchase Date"])),
            (Field::TotalCost, h(&["Purchase Cost"])),
            (Field::Quantity, h(&["Seats"])),
            (Field::Vendor, h(&["Supplier"])),
            (Field::EndsOn, h(&["Expiration Date"])),
            (Field::TerminatesOn, h(&["Termination Date"])),
            (
                Field::PoNumber,
                h(&["Purchase Order Number", "Purchase Order"]),
            ),
            (Field::OrderNumber, h(&["Order Number"])),
            (Field::Notes, h(&["Notes"])),
            (Field::Deleted, h(&["Deleted at", "Deleted At"])),
        ],
        date_order: DateOrder::Ymd,
        decimal: DecimalMark::Point,
        currency: currency.to_owned(),
        metric: metric.to_owned(),
        delimiter: Some(b','),
        reference_prefix: "snipeit:".into(),
    }
}

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
    /// The metric of rows the file gives none.
    #[serde(default)]
    metric: Option<String>,
    #[serde(default)]
    delimiter: Option<String>,
    /// Prefix of the reference column's values (default `generic:`).
    #[serde(default)]
    source: Option<String>,
    columns: Columns,
}

/// `[columns]`: our field = the header in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Columns {
    reference: Option<String>,
    publisher: Option<String>,
    product: Option<String>,
    edition: Option<String>,
    metric: Option<String>,
    quantity: Option<String>,
    starts_on: Option<String>,
    ends_on: Option<String>,
    total_cost: Option<String>,
    unit_cost: Option<String>,
    currency: Option<String>,
    license_key: Option<String>,
    vendor: Option<String>,
    po_number: Option<String>,
    contract_ref: Option<String>,
    notes: Option<String>,
    allocations: Option<String>,
}

fn generic(toml_text: &str, currency: &str, metric: &str) -> Result<Profile, String> {
    let m: Mapping = toml::from_str(toml_text).map_err(|e| e.to_string().trim().to_owned())?;
    let c = m.columns;
    let pairs = [
        (Field::Reference, c.reference),
        (Field::Publisher, c.publisher),
        (Field::Product, c.product),
        (Field::Edition, c.edition),
        (Field::Metric, c.metric),
        (Field::Quantity, c.quantity),
        (Field::StartsOn, c.starts_on),
        (Field::EndsOn, c.ends_on),
        (Field::TotalCost, c.total_cost),
        (Field::UnitCost, c.unit_cost),
        (Field::Currency, c.currency),
        (Field::LicenseKey, c.license_key),
        (Field::Vendor, c.vendor),
        (Field::PoNumber, c.po_number),
        (Field::ContractRef, c.contract_ref),
        (Field::Notes, c.notes),
        (Field::Allocations, c.allocations),
    ];
    let columns: Vec<(Field, Vec<String>)> = pairs
        .into_iter()
        .filter_map(|(f, h)| h.map(|h| (f, vec![h])))
        .collect();
    for needed in [Field::Publisher, Field::Product] {
        if !columns.iter().any(|(f, _)| *f == needed) {
            return Err(format!(
                "[columns] must map {}: it says which product a row licenses",
                needed.label()
            ));
        }
    }
    if columns.iter().any(|(f, _)| *f == Field::TotalCost)
        && columns.iter().any(|(f, _)| *f == Field::UnitCost)
    {
        return Err("[columns] maps total_cost or unit_cost, not both".into());
    }
    let delimiter = match m.delimiter.as_deref() {
        None => None,
        Some("\\t") | Some("\t") | Some("tab") => Some(b'\t'),
        Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
        Some(d) => {
            return Err(format!(
                "delimiter must be one character or \"tab\", not {d:?}"
            ));
        }
    };
    let currency = m.currency.unwrap_or_else(|| currency.to_owned());
    crate::assets::import::check_currency(&currency).map_err(|e| format!("currency: {e}"))?;
    Ok(Profile {
        name: "generic".into(),
        columns,
        date_order: m.date_order.unwrap_or(DateOrder::Ymd),
        decimal: m.decimal_separator.unwrap_or(DecimalMark::Point),
        currency,
        metric: m.metric.unwrap_or_else(|| metric.to_owned()),
        delimiter,
        reference_prefix: format!("{}:", m.source.as_deref().unwrap_or("generic")),
    })
}

/// Which column (0-based) feeds each field, from the file's headers.
/// Headers compare without case and surrounding spaces.
pub fn resolve(profile: &Profile, headers: &[String]) -> Result<Vec<(Field, usize)>, String> {
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
    };
    let mut columns = Vec::new();
    for (field, names) in &profile.columns {
        if let Some(i) = names.iter().find_map(|n| find(n)) {
            columns.push((*field, i));
        } else if profile.name == "generic" {
            return Err(format!(
                "line 1: the mapping names the column {:?} for {}, but the header has no such column (it has {})",
                names[0],
                field.label(),
                headers.join(", ")
            ));
        }
    }
    for needed in [Field::Product, Field::Publisher] {
        if !columns.iter().any(|(f, _)| *f == needed) {
            let names = profile
                .columns
                .iter()
                .find(|(f, _)| *f == needed)
                .map(|(_, n)| n.join(" or "))
                .unwrap_or_default();
            return Err(format!(
                "line 1: no {names} column; is this a {} export? (the header has {})",
                profile.name,
                headers.join(", ")
            ));
        }
    }
    Ok(columns)
}
