//! Import profiles: which header of an export feeds which asset field, and
//! how that export writes dates and money. Three are built in (Intune's
//! device list and discovered apps, Snipe-IT's asset CSV); `generic` reads
//! its mapping from a small TOML file.

use std::collections::HashMap;

use super::values::DateOrder;
use crate::assets::domain::{Category, Status};
use crate::money::DecimalMark;

/// An asset field a column can feed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field {
    AssetTag,
    Serial,
    Hostname,
    /// A management system's id of the device (Intune's "Device ID"),
    /// kept in `assets.device_id` and matched on.
    DeviceId,
    /// A device name that becomes the host name when it is one, or the
    /// custom field `name` otherwise (Snipe-IT's "Asset Name").
    Name,
    Manufacturer,
    Model,
    Category,
    Status,
    Location,
    Assignee,
    PurchaseDate,
    Cost,
    Supplier,
    PoNumber,
    WarrantyEnd,
    WarrantyMonths,
    Notes,
    OsName,
    OsVersion,
    /// Kept in the asset's custom fields under this key.
    Custom(String),
    /// Like `Custom`, read as a date and kept as `YYYY-MM-DD`.
    CustomDate(String),
    // Discovered apps (one row per device and app).
    DeviceName,
    AppName,
    AppVersion,
    AppShortVersion,
    AppPublisher,
}

impl Field {
    /// The name of the field in reports and in generic mappings.
    pub fn label(&self) -> String {
        match self {
            Field::AssetTag => "asset_tag".into(),
            Field::Serial => "serial".into(),
            Field::Hostname => "hostname".into(),
            Field::DeviceId => "device_id".into(),
            Field::Name => "name".into(),
            Field::Manufacturer => "manufacturer".into(),
            Field::Model => "model".into(),
            Field::Category => "category".into(),
            Field::Status => "status".into(),
            Field::Location => "location".into(),
            Field::Assignee => "assignee".into(),
            Field::PurchaseDate => "purchase_date".into(),
            Field::Cost => "cost".into(),
            Field::Supplier => "supplier".into(),
            Field::PoNumber => "po_number".into(),
            Field::WarrantyEnd => "warranty_end".into(),
            Field::WarrantyMonths => "warranty_months".into(),
            Field::Notes => "notes".into(),
            Field::OsName => "os_name".into(),
            Field::OsVersion => "os_version".into(),
            Field::Custom(k) | Field::CustomDate(k) => format!("custom_fields.{k}"),
            Field::DeviceName => "device_name".into(),
            Field::AppName => "application_name".into(),
            Field::AppVersion => "application_version".into(),
            Field::AppShortVersion => "application_short_version".into(),
            Field::AppPublisher => "application_publisher".into(),
        }
    }
}

/// Devices (one row per asset) or apps (one row per device and package).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Devices,
    Apps,
}

/// What to do with a person the register does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownPerson {
    /// The row is rejected.
    Reject,
    /// The name is kept in the custom field `primary_user`, with a warning
    /// (Intune lists every directory user, not only our people).
    Keep,
}

/// A resolved way of reading one export.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub kind: Kind,
    /// Each field with the headers that may carry it, preferred first.
    pub columns: Vec<(Field, Vec<String>)>,
    /// Whether every header named in `columns` must be present (generic
    /// mappings) or only those the file has are used (built-in profiles).
    pub strict_headers: bool,
    pub date_order: DateOrder,
    pub decimal: DecimalMark,
    pub currency: String,
    pub delimiter: Option<u8>,
    /// The export's own category names (lower case) to ours.
    pub categories: HashMap<String, Category>,
    pub unknown_person: UnknownPerson,
    /// Guess a new model's category from its OS and model name (Intune has
    /// no category column) with `[[assets.category_rules]]`.
    pub infer_category: bool,
    /// The status of a new asset whose row names none: `deployed` when it
    /// names a person.
    pub new_status: Status,
    /// New assets found this way wait for a person to look at them.
    pub needs_review: bool,
}

fn cols(list: &[(Field, &[&str])]) -> Vec<(Field, Vec<String>)> {
    list.iter()
        .map(|(f, names)| (f.clone(), names.iter().map(|n| (*n).to_owned()).collect()))
        .collect()
}

fn custom(key: &str) -> Field {
    Field::Custom(key.into())
}

fn custom_date(key: &str) -> Field {
    Field::CustomDate(key.into())
}

/// The built-in profile names, for `--help` and error messages.
pub const BUILT_IN: &[&str] = &["intune", "intune-apps", "snipeit", "generic"];

/// Microsoft Intune, Devices › All devices › Export.
fn intune(currency: &str) -> Profile {
    Profile {
        name: "intune".into(),
        kind: Kind::Devices,
        columns: cols(&[
            // Computers' names are host names; phones' ("Kim's iPhone")
            // are kept as the custom field `name`.
            (Field::Name, &["Device name"]),
            (Field::Serial, &["Serial number"]),
            (Field::Manufacturer, &["Manufacturer"]),
            (Field::Model, &["Model"]),
            (
                Field::Assignee,
                &["Primary user email address", "Primary user UPN"],
            ),
            (Field::OsName, &["OS"]),
            (Field::OsVersion, &["OS version"]),
            (Field::DeviceId, &["Device ID"]),
            (custom("intune_category"), &["Category"]),
            (custom("ownership"), &["Ownership"]),
            (custom("compliance"), &["Compliance"]),
            (custom("managed_by"), &["Managed by"]),
            (custom("join_type"), &["JoinType"]),
            (custom("imei"), &["IMEI"]),
            (custom("phone_number"), &["Phone number", "Phone Number"]),
            (custom_date("intune_enrolled_on"), &["Enrollment date"]),
            (custom_date("intune_last_check_in"), &["Last check-in"]),
        ]),
        strict_headers: false,
        date_order: DateOrder::Mdy,
        decimal: DecimalMark::Point,
        currency: currency.to_owned(),
        delimiter: None,
        categories: HashMap::new(),
        unknown_person: UnknownPerson::Keep,
        infer_category: true,
        new_status: Status::Deployed,
        needs_review: true,
    }
}

/// Microsoft Intune, Apps › Monitor › Discovered apps › Export (raw data,
/// one row per device): the `DiscoveredAppsRawData` report.
fn intune_apps(currency: &str) -> Profile {
    Profile {
        name: "intune-apps".into(),
        kind: Kind::Apps,
        columns: cols(&[
            (Field::DeviceName, &["DeviceName", "Device name"]),
            (Field::AppName, &["ApplicationName", "Application name"]),
            (
                Field::AppVersion,
                &["ApplicationVersion", "Application version"],
            ),
            (
                Field::AppShortVersion,
                &["ApplicationShortVersion", "Application short version"],
            ),
            (
                Field::AppPublisher,
                &["ApplicationPublisher", "Application publisher", "Publisher"],
            ),
        ]),
        ..intune(currency)
    }
}

/// Snipe-IT's asset import columns (its documented sample file and the
/// headers of its own export), matched without regard to case.
fn snipeit(currency: &str) -> Profile {
    Profile {
        name: "snipeit".into(),
        kind: Kind::Devices,
        columns: cols(&[
            (Field::AssetTag, &["Asset Tag", "Tag", "Asset Tag Number"]),
            // Snipe-IT's asset name: a host name when it is one
            // ("nb-kim-01"), else the name the asset is shown by ("Kim's
            // MacBook", kept as the custom field `name`).
            (Field::Name, &["Asset Name", "Item Name", "Name"]),
            (
                Field::Serial,
                &["Serial Number", "Serial", "Serial No", "Serial No."],
            ),
            (Field::Model, &["Model Name", "Model"]),
            (custom("model_number"), &["Model Number", "Model No."]),
            (Field::Category, &["Category"]),
            (Field::Manufacturer, &["Manufacturer"]),
            (custom("company"), &["Company"]),
            (Field::Location, &["Location"]),
            (Field::PurchaseDate, &["Purchase Date", "Purchased"]),
            (Field::Cost, &["Purchase Cost", "Cost", "Purchase Price"]),
            (Field::PoNumber, &["Order Number"]),
            (Field::Supplier, &["Supplier"]),
            (
                Field::WarrantyMonths,
                &["Warranty Months", "Warranty", "Warranty (months)"],
            ),
            (Field::WarrantyEnd, &["Warranty Expires"]),
            (Field::Notes, &["Notes"]),
            (Field::Status, &["Status"]),
            (Field::Assignee, &["Email", "Checked Out To Email"]),
            (custom("username"), &["Username"]),
            (custom_date("eol_date"), &["EOL Date", "EOL"]),
        ]),
        strict_headers: false,
        date_order: DateOrder::Ymd,
        decimal: DecimalMark::Point,
        currency: currency.to_owned(),
        delimiter: None,
        categories: HashMap::new(),
        unknown_person: UnknownPerson::Reject,
        infer_category: false,
        new_status: Status::InStock,
        needs_review: false,
    }
}

/// Finds a profile by name; `generic` needs its mapping.
pub fn profile(name: &str, mapping: Option<&str>, currency: &str) -> Result<Profile, String> {
    match (name, mapping) {
        ("intune", _) => Ok(intune(currency)),
        ("intune-apps", _) => Ok(intune_apps(currency)),
        ("snipeit", _) => Ok(snipeit(currency)),
        ("generic", Some(text)) => super::mapping::generic(text, currency).map_err(|e| format!("mapping: {e}")),
        ("generic", None) => Err(
            "the generic profile needs a mapping file (--mapping FILE.toml) that names your columns"
                .into(),
        ),
        (other, _) => Err(format!(
            "unknown profile {other:?}: use {}",
            BUILT_IN.join(", ")
        )),
    }
}

/// A header as compared: trimmed, lower case, inner spaces collapsed.
pub fn normalise(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Which column feeds which field. Built-in profiles use the first alias
/// present; generic mappings must find every header they name.
pub fn resolve(profile: &Profile, headers: &[String]) -> Result<Vec<(Field, usize)>, String> {
    let normal: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for (field, names) in &profile.columns {
        let hit = names
            .iter()
            .find_map(|n| normal.iter().position(|h| *h == normalise(n)));
        match hit {
            Some(i) => out.push((field.clone(), i)),
            None if profile.strict_headers => {
                missing.push(format!("{:?} (for {})", names[0], field.label()))
            }
            None => {}
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "line 1: the header has no column {}; it has {}",
            missing.join(", "),
            headers
                .iter()
                .map(|h| format!("{h:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let has = |f: &Field| out.iter().any(|(g, _)| g == f);
    match profile.kind {
        Kind::Devices => {
            if ![
                Field::AssetTag,
                Field::Serial,
                Field::Hostname,
                Field::Name,
                Field::DeviceId,
            ]
            .iter()
            .any(has)
            {
                return Err(format!(
                    "line 1: this is not a {} file: no column names the device ({})",
                    profile.name,
                    device_headers(profile)
                ));
            }
        }
        Kind::Apps => {
            if !has(&Field::DeviceName) || !has(&Field::AppName) {
                return Err(format!(
                    "line 1: this is not an {} file: it needs the columns DeviceName and ApplicationName",
                    profile.name
                ));
            }
        }
    }
    Ok(out)
}

fn device_headers(p: &Profile) -> String {
    p.columns
        .iter()
        .filter(|(f, _)| {
            matches!(
                f,
                Field::AssetTag | Field::Serial | Field::Hostname | Field::Name
            )
        })
        .flat_map(|(_, names)| names.iter().map(|n| format!("{n:?}")))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_headers_match_without_regard_to_case_or_spacing() {
        let p = profile("snipeit", None, "USD").unwrap();
        let headers: Vec<String> = [
            "ASSET TAG",
            "serial number",
            " Model  Name ",
            "Purchase cost",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let cols = resolve(&p, &headers).unwrap();
        assert!(cols.contains(&(Field::AssetTag, 0)));
        assert!(cols.contains(&(Field::Serial, 1)));
        assert!(cols.contains(&(Field::Model, 2)));
        assert!(cols.contains(&(Field::Cost, 3)));
    }

    #[test]
    fn a_generic_mapping_names_its_columns_and_must_find_them() {
        let p = profile(
            "generic",
            Some(
                "date_order = \"dmy\"\ndecimal_separator = \",\"\ncurrency = \"EUR\"\n[columns]\nhostname = \"AssetName\"\ncost = \"Price\"\n[custom]\nip = \"IPAddress\"\n[categories]\nWorkstation = \"desktop\"\n",
            ),
            "USD",
        )
        .unwrap();
        assert_eq!(p.date_order, DateOrder::Dmy);
        assert_eq!(p.decimal, DecimalMark::Comma);
        assert_eq!(p.categories["workstation"], Category::Desktop);
        let err = resolve(&p, &["assetname".into(), "Price".into()]).unwrap_err();
        assert!(
            err.contains("\"IPAddress\" (for custom_fields.ip)"),
            "{err}"
        );
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn broken_mappings_say_where() {
        let e = profile("generic", Some("[columns]\nserail = \"Serial\"\n"), "USD").unwrap_err();
        assert!(e.contains("serail") && e.contains("line 2"), "{e}");
        let e = profile("generic", Some("[columns]\nnotes = \"Notes\"\n"), "USD").unwrap_err();
        assert!(e.contains("at least one of asset_tag"), "{e}");
        let e = profile("generic", None, "USD").unwrap_err();
        assert!(e.contains("--mapping"), "{e}");
        let e = profile("lansweeper", None, "USD").unwrap_err();
        assert!(e.contains("intune, intune-apps, snipeit, generic"), "{e}");
    }
}
