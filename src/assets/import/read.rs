//! From the bytes of an export to typed rows: encoding, delimiter, header,
//! then each cell read by its field, every problem kept with its line and
//! column.

use chrono::NaiveDate;

use super::profiles::{Field, Kind, Profile, resolve};
use super::text::open;
use super::values::{parse_category, parse_date, parse_datetime, parse_months, parse_status};
use super::{ImportError, RowError};
use crate::assets::domain::{Category, Status, Substate};
use crate::money::{Currency, Money};

/// One device row, every cell read.
#[derive(Debug, Clone, Default)]
pub struct DeviceRow {
    pub line: u64,
    pub asset_tag: Option<String>,
    pub serial: Option<String>,
    pub hostname: Option<String>,
    pub device_id: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub category: Option<Category>,
    pub status: Option<(Status, Option<Substate>)>,
    pub location: Option<String>,
    pub assignee: Option<String>,
    pub purchase_date: Option<NaiveDate>,
    pub cost: Option<Money>,
    pub supplier: Option<String>,
    pub po_number: Option<String>,
    pub warranty_end: Option<NaiveDate>,
    pub notes: Option<String>,
    pub os_name: Option<String>,
    pub os_version: Option<String>,
    pub custom: Vec<(String, String)>,
}

/// One row of a discovered-apps export.
#[derive(Debug, Clone)]
pub struct AppRow {
    pub line: u64,
    pub device: String,
    pub name: String,
    pub version: String,
    pub publisher: Option<String>,
}

/// A file read: its header, how columns map, and its rows.
#[derive(Debug)]
pub struct Table {
    pub headers: Vec<String>,
    pub columns: Vec<(Field, usize)>,
    pub devices: Vec<DeviceRow>,
    pub apps: Vec<AppRow>,
    /// Data rows seen (blank lines not counted).
    pub rows: usize,
    pub errors: Vec<RowError>,
}

impl Table {
    /// The column (1-based) and header that feed `field`, for reports.
    pub fn column_of(&self, field: &Field) -> (Option<usize>, Option<String>) {
        match self.columns.iter().find(|(f, _)| f == field) {
            Some((_, i)) => (Some(i + 1), self.headers.get(*i).cloned()),
            None => (None, None),
        }
    }
}

/// Reads the whole file. A file-level problem (encoding, header, a broken
/// quote) is an `Err`; row problems are kept in `Table::errors`.
pub fn read(
    bytes: &[u8],
    profile: &Profile,
    progress: &mut dyn FnMut(u64),
) -> Result<Table, ImportError> {
    let (mut reader, headers, delimiter) = open(bytes, profile.delimiter)?;
    let columns = resolve(profile, &headers).map_err(ImportError::File)?;
    let mut table = Table {
        headers,
        columns,
        devices: Vec::new(),
        apps: Vec::new(),
        rows: 0,
        errors: Vec::new(),
    };
    let mut record = csv::StringRecord::new();
    loop {
        let more = match reader.read_record(&mut record) {
            Ok(more) => more,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(ImportError::File(format!("line {line}: {e}")));
            }
        };
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        table.rows += 1;
        table.take_row(profile, &record, line, delimiter);
        if table.rows.is_multiple_of(1000) {
            progress(table.rows as u64);
        }
    }
    progress(table.rows as u64);
    Ok(table)
}

impl Table {
    /// Reads one record as a row of the profile's kind, or notes what is
    /// wrong with it.
    fn take_row(
        &mut self,
        profile: &Profile,
        record: &csv::StringRecord,
        line: u64,
        delimiter: u8,
    ) {
        if record.len() != self.headers.len() {
            self.errors.push(RowError {
                line,
                column: None,
                header: None,
                value: None,
                reason: format!(
                    "the row has {} cells and the header {}: a missing or extra {:?}, or a quote left open?",
                    record.len(),
                    self.headers.len(),
                    delimiter as char
                ),
            });
            return;
        }
        match profile.kind {
            Kind::Devices => match device_row(self, profile, record, line) {
                Ok(row) => self.devices.push(row),
                Err(errs) => self.errors.extend(errs),
            },
            Kind::Apps => match app_row(self, record, line) {
                Ok(row) => self.apps.push(row),
                Err(errs) => self.errors.extend(errs),
            },
        }
    }
}

fn cell(record: &csv::StringRecord, i: usize) -> Option<&str> {
    record.get(i).map(str::trim).filter(|s| !s.is_empty())
}

fn is_hostname(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
}

fn device_row(
    table: &Table,
    profile: &Profile,
    record: &csv::StringRecord,
    line: u64,
) -> Result<DeviceRow, Vec<RowError>> {
    let mut row = DeviceRow {
        line,
        ..DeviceRow::default()
    };
    let mut errors = Vec::new();
    let mut warranty_months = None;
    let mut bad_purchase_date = false;
    for (field, i) in &table.columns {
        let Some(value) = cell(record, *i) else {
            continue;
        };
        let fail = |reason: String| RowError {
            line,
            column: Some(i + 1),
            header: Some(table.headers[*i].clone()),
            value: Some(value.to_owned()),
            reason,
        };
        match read_cell(&mut row, profile, field, value) {
            Ok(Some(months)) => warranty_months = Some((months, fail(String::new()))),
            Ok(None) => {}
            Err(reason) => {
                bad_purchase_date |= *field == Field::PurchaseDate;
                errors.push(fail(reason));
            }
        }
    }
    if let Some((months, mut at)) = warranty_months
        && row.warranty_end.is_none()
    {
        match row.purchase_date {
            Some(bought) => row.warranty_end = Some(super::values::add_months(bought, months)),
            None if months > 0 && !bad_purchase_date => {
                at.reason =
                    "warranty months count from the purchase date, and this row has none".into();
                errors.push(at);
            }
            None => {}
        }
    }
    if row.asset_tag.is_none()
        && row.serial.is_none()
        && row.hostname.is_none()
        && row.device_id.is_none()
    {
        errors.push(RowError {
            line,
            column: None,
            header: None,
            value: None,
            reason:
                "the row names no device: it needs an asset tag, a serial number, a host name or a device id"
                    .into(),
        });
    }
    if errors.is_empty() {
        Ok(row)
    } else {
        Err(errors)
    }
}

/// Reads one cell into the row; `Err` says why the cell is wrong. Warranty
/// months are returned, to count from the purchase date once the whole
/// row is read.
fn read_cell(
    row: &mut DeviceRow,
    profile: &Profile,
    field: &Field,
    value: &str,
) -> Result<Option<u32>, String> {
    let text = || Some(value.to_owned());
    match field {
        Field::AssetTag => {
            row.asset_tag = text();
            if value.chars().count() > 64 {
                return Err("an asset tag has at most 64 characters".into());
            }
        }
        // Vendors' placeholders ("To be filled by O.E.M.") are not
        // identities.
        Field::Serial => row.serial = crate::assets::inventory::real_serial(text()),
        Field::Hostname if is_hostname(value) => row.hostname = Some(value.to_lowercase()),
        Field::Hostname => {
            return Err("a host name has only letters, digits, '-', '_' and '.'".into());
        }
        Field::Name if is_hostname(value) => {
            row.hostname.get_or_insert_with(|| value.to_lowercase());
        }
        Field::Name => row.custom.push(("name".into(), value.to_owned())),
        Field::DeviceId => row.device_id = text(),
        Field::Manufacturer => row.manufacturer = text(),
        Field::Model => row.model = text(),
        Field::Category => {
            let known = profile.categories.get(&value.to_lowercase()).copied();
            row.category = Some(known.map(Ok).unwrap_or_else(|| parse_category(value))?);
        }
        Field::Status => {
            let status = parse_status(value)?;
            if status.0 == Status::Disposed {
                return Err("an import cannot dispose of an asset: disposal needs a method, a date and evidence; use a transition".into());
            }
            row.status = Some(status);
        }
        Field::Location => row.location = text(),
        Field::Assignee => row.assignee = Some(value.to_lowercase()),
        Field::PurchaseDate => row.purchase_date = Some(parse_date(value, profile.date_order)?),
        Field::Cost => {
            let money = Currency::parse(&profile.currency)
                .and_then(|c| Money::parse(value, profile.decimal, &c))
                .map_err(|e| e.to_string())?;
            if money.amount_minor < 0 {
                return Err(format!(
                    "{:?} is negative: a purchase cost is 0 or more",
                    value.trim()
                ));
            }
            row.cost = Some(money);
        }
        Field::Supplier => row.supplier = text(),
        Field::PoNumber => row.po_number = text(),
        Field::WarrantyEnd => row.warranty_end = Some(parse_date(value, profile.date_order)?),
        Field::WarrantyMonths => return parse_months(value).map(Some),
        Field::Notes => row.notes = text(),
        Field::OsName => row.os_name = text(),
        Field::OsVersion => row.os_version = text(),
        Field::Custom(key) => row.custom.push((key.clone(), value.to_owned())),
        Field::CustomDate(key) => {
            let t = parse_datetime(value, profile.date_order)?;
            row.custom.push((key.clone(), t.date().to_string()));
        }
        Field::DeviceName
        | Field::AppName
        | Field::AppVersion
        | Field::AppShortVersion
        | Field::AppPublisher => {}
    }
    Ok(None)
}

fn app_row(table: &Table, record: &csv::StringRecord, line: u64) -> Result<AppRow, Vec<RowError>> {
    let get = |f: &Field| {
        table
            .columns
            .iter()
            .find(|(g, _)| g == f)
            .and_then(|(_, i)| cell(record, *i))
    };
    let mut errors = Vec::new();
    let mut missing = |f: &Field, what: &str| {
        let (column, header) = table.column_of(f);
        errors.push(RowError {
            line,
            column,
            header,
            value: None,
            reason: format!("{what} is empty"),
        });
    };
    let device = get(&Field::DeviceName);
    let name = get(&Field::AppName);
    if device.is_none() {
        missing(&Field::DeviceName, "the device name");
    }
    if name.is_none() {
        missing(&Field::AppName, "the application name");
    }
    match (device, name) {
        (Some(device), Some(name)) => Ok(AppRow {
            line,
            device: device.to_lowercase(),
            name: name.to_owned(),
            version: get(&Field::AppVersion)
                .or_else(|| get(&Field::AppShortVersion))
                .unwrap_or("")
                .to_owned(),
            publisher: get(&Field::AppPublisher).map(str::to_owned),
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::import::profiles::profile;

    fn read_str(p: &str, text: &[u8]) -> Result<Table, ImportError> {
        read(text, &profile(p, None, "USD").unwrap(), &mut |_| {})
    }

    #[test]
    fn semicolons_bom_and_quoted_cells_are_read() {
        let t = read_str(
            "snipeit",
            "\u{feff}Asset Tag;Serial Number;Notes;Purchase Cost\nIT-1;SN1;\"a; b\";\"$1,299.00\"\n\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(t.rows, 1);
        assert!(t.errors.is_empty(), "{:?}", t.errors);
        let r = &t.devices[0];
        assert_eq!(r.asset_tag.as_deref(), Some("IT-1"));
        assert_eq!(r.notes.as_deref(), Some("a; b"));
        assert_eq!(r.cost.as_ref().unwrap().amount_minor, 129_900);
    }

    #[test]
    fn each_bad_cell_is_reported_with_line_column_and_header() {
        let t = read_str(
            "snipeit",
            b"Asset Tag,Purchase Date,Purchase Cost\nIT-1,2024-02-30,12\nIT-2,2024-01-01,abc\n,,\n,2024-01-01,\n",
        )
        .unwrap();
        let found: Vec<(u64, Option<usize>)> =
            t.errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(found, vec![(2, Some(2)), (3, Some(3)), (5, None)]);
        assert_eq!(t.errors[0].header.as_deref(), Some("Purchase Date"));
        assert_eq!(t.rows, 3);
    }

    #[test]
    fn files_that_are_not_utf8_or_lack_the_columns_are_refused_whole() {
        let e = read_str("snipeit", b"Asset Tag\nIT-\xE91\n").unwrap_err();
        assert!(e.to_string().contains("line 2, column 4"), "{e}");
        let e = read_str("intune-apps", b"Asset Tag\nIT-1\n").unwrap_err();
        assert!(e.to_string().contains("DeviceName"), "{e}");
        let e = read_str("snipeit", b"").unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
    }

    #[test]
    fn a_stray_inch_mark_is_a_character_and_placeholder_serials_no_identity() {
        let t = read_str(
            "snipeit",
            b"Asset Tag,Serial Number,Notes\nIT-1,To be filled by O.E.M.,Dell 24\" Monitor\nIT-2,S2,\"quoted \"\"x\"\"\"\n",
        )
        .unwrap();
        assert!(t.errors.is_empty(), "{:?}", t.errors);
        assert_eq!(t.devices[0].notes.as_deref(), Some("Dell 24\" Monitor"));
        assert_eq!(t.devices[0].serial, None);
        assert_eq!(t.devices[1].notes.as_deref(), Some("quoted \"x\""));
    }

    #[test]
    fn utf16_exports_are_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Asset Tag\tSerial Number\nIT-9\tS9\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let t = read_str("snipeit", &bytes).unwrap();
        assert_eq!(t.devices[0].serial.as_deref(), Some("S9"));
    }

    #[test]
    fn a_row_with_too_many_cells_is_rejected_not_guessed() {
        let t = read_str(
            "snipeit",
            b"Asset Tag,Serial Number\nIT-1,S1,extra\nIT-2,S2\n",
        )
        .unwrap();
        assert_eq!(t.errors.len(), 1);
        assert_eq!(t.errors[0].line, 2);
        assert!(
            t.errors[0].reason.contains("3 cells"),
            "{}",
            t.errors[0].reason
        );
        assert_eq!(t.devices.len(), 1);
    }

    #[test]
    fn control_characters_in_cells_are_removed() {
        let t = read_str("snipeit", b"Asset Tag,Serial Number\nIT-\x001,S\x071\n").unwrap();
        assert!(t.errors.is_empty(), "{:?}", t.errors);
        assert_eq!(t.devices[0].serial.as_deref(), Some("S1"));
    }
}
