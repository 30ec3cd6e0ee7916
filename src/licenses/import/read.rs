//! From the bytes of a license export to typed rows, every bad cell kept
//! with its line and column.

use chrono::NaiveDate;

use super::profiles::{Field, Profile, resolve};
use crate::assets::import::text::open;
use crate::assets::import::values::parse_date;
use crate::assets::import::{ImportError, RowError};
use crate::money::{Currency, Money};

/// One entitlement row, every cell read.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub line: u64,
    /// With the profile's prefix (`snipeit:42`).
    pub reference: Option<String>,
    pub publisher: String,
    pub product: String,
    pub edition: Option<String>,
    pub metric: Option<String>,
    pub quantity: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub unit_cost_minor: Option<i64>,
    pub currency: Option<String>,
    pub license_key: Option<String>,
    pub vendor: Option<String>,
    pub po_number: Option<String>,
    pub contract_ref: Option<String>,
    pub notes: Option<String>,
    pub allocations: Vec<String>,
}

/// A file read.
#[derive(Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub columns: Vec<(Field, usize)>,
    pub rows: Vec<Row>,
    /// Data rows seen (blank lines and repeated headers not counted).
    pub seen: usize,
    pub errors: Vec<RowError>,
    pub warnings: Vec<RowError>,
    /// The metric of new entitlements whose row names none.
    pub metric: String,
}

impl Table {
    /// The column (1-based) and header that feed `field`.
    pub fn column_of(&self, field: Field) -> (Option<usize>, Option<String>) {
        match self.columns.iter().find(|(f, _)| *f == field) {
            Some((_, i)) => (Some(i + 1), self.headers.get(*i).cloned()),
            None => (None, None),
        }
    }

    /// A problem with `field`'s cell on `line`.
    pub fn fault(
        &self,
        line: u64,
        field: Option<Field>,
        value: Option<String>,
        reason: String,
    ) -> RowError {
        let (column, header) = field.map_or((None, None), |f| self.column_of(f));
        RowError {
            line,
            column,
            header,
            value,
            reason,
        }
    }
}

/// Reads the whole file: a file-level problem is an `Err`, row problems
/// are in `Table::errors`.
pub fn read(bytes: &[u8], profile: &Profile) -> Result<Table, ImportError> {
    let (mut reader, headers, _) = open(bytes, profile.delimiter)?;
    let columns = resolve(profile, &headers).map_err(ImportError::File)?;
    let mut table = Table {
        headers,
        columns,
        metric: profile.metric.clone(),
        ..Table::default()
    };
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(ImportError::File(format!("line {line}: {e}")));
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // Snipe-IT repeats its header every 500 rows.
        if record.len() == table.headers.len()
            && record
                .iter()
                .zip(&table.headers)
                .all(|(c, h)| c.trim() == h)
        {
            continue;
        }
        table.seen += 1;
        table.take(profile, &record, line);
    }
    Ok(table)
}

impl Table {
    fn take(&mut self, profile: &Profile, record: &csv::StringRecord, line: u64) {
        if record.len() != self.headers.len() {
            self.errors.push(RowError {
                line,
                column: None,
                header: None,
                value: None,
                reason: format!(
                    "{} cells where the header has {}: a separator or quote is missing or extra",
                    record.len(),
                    self.headers.len()
                ),
            });
            return;
        }
        let cell = |f: Field| {
            self.columns
                .iter()
                .find(|(c, _)| *c == f)
                .and_then(|(_, i)| record.get(*i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        if let Some(deleted) = cell(Field::Deleted) {
            let w = self.fault(
                line,
                Some(Field::Deleted),
                Some(deleted.to_owned()),
                "skipped: the licence was deleted in the source".into(),
            );
            self.warnings.push(w);
            return;
        }
        let mut row = Row {
            line,
            ..Row::default()
        };
        let mut faults = Vec::new();
        let mut total_cost: Option<Money> = None;
        let mut terminates: Option<NaiveDate> = None;
        let mut order_number: Option<String> = None;
        // The row's currency first: the amounts are read in it.
        let mut fields: Vec<Field> = self.columns.iter().map(|(f, _)| *f).collect();
        fields.sort_by_key(|f| *f != Field::Currency);
        for field in fields {
            let Some(value) = cell(field) else { continue };
            let read = read_cell(profile, field, value, &mut row);
            match read {
                Ok(Cell::Done) => {}
                Ok(Cell::Total(m)) => total_cost = Some(m),
                Ok(Cell::Terminates(d)) => terminates = Some(d),
                Ok(Cell::Order(o)) => order_number = Some(o),
                Err(reason) => {
                    faults.push(self.fault(line, Some(field), Some(value.into()), reason))
                }
            }
        }
        let extra = Extra {
            total_cost,
            terminates,
            order_number,
        };
        self.complete(&mut row, extra, &mut faults);
        if faults.is_empty() {
            self.rows.push(row);
        } else {
            self.errors.extend(faults);
        }
    }

    /// What the row's cells give together: the names it needs, the end of
    /// its term, its PO and its unit cost.
    fn complete(&mut self, row: &mut Row, extra: Extra, faults: &mut Vec<RowError>) {
        let Extra {
            total_cost,
            terminates,
            order_number,
        } = extra;
        let line = row.line;
        if row.product.is_empty() {
            faults.push(self.fault(
                line,
                Some(Field::Product),
                None,
                "the product's name is empty".into(),
            ));
        }
        if row.publisher.is_empty() {
            faults.push(self.fault(
                line,
                Some(Field::Publisher),
                None,
                "the publisher (manufacturer) is empty: the catalog names products by publisher and name".into(),
            ));
        }
        if let Some(t) = terminates
            && row.ends_on.is_none_or(|e| t < e)
        {
            row.ends_on = Some(t);
        }
        if row.po_number.is_none() {
            row.po_number = order_number;
        }
        if let Some(total) = total_cost {
            match row.quantity.filter(|q| *q > 0) {
                Some(q) => {
                    let (unit, exact) = divide(total.amount_minor, q);
                    if !exact {
                        let w = self.fault(
                            line,
                            Some(Field::TotalCost),
                            Some(total.plain()),
                            format!("{} over {q} seats is not a whole cent each: the unit cost is rounded", total.plain()),
                        );
                        self.warnings.push(w);
                    }
                    row.unit_cost_minor = Some(unit);
                    row.currency.get_or_insert_with(|| total.currency.code().to_owned());
                }
                None => faults.push(self.fault(
                    line,
                    Some(Field::TotalCost),
                    Some(total.plain()),
                    "the cost is for the whole licence and is divided by its seats, but the row has no seats".into(),
                )),
            }
        }
    }
}

/// Cells read beside the row's own fields.
struct Extra {
    total_cost: Option<Money>,
    terminates: Option<NaiveDate>,
    order_number: Option<String>,
}

/// What a cell gave beyond the row's own fields.
enum Cell {
    Done,
    Total(Money),
    Terminates(NaiveDate),
    Order(String),
}

/// `total` ÷ `seats`, rounded half away from zero, and whether it is exact.
fn divide(total: i64, seats: i64) -> (i64, bool) {
    let q = total / seats;
    let r = total % seats;
    let up = (r.abs() * 2 >= seats) as i64 * total.signum();
    (q + up, r == 0)
}

fn read_cell(profile: &Profile, field: Field, value: &str, row: &mut Row) -> Result<Cell, String> {
    let text = || Some(value.to_owned());
    let date = || parse_date(value, profile.date_order);
    let money = || -> Result<Money, String> {
        let currency = Currency::parse(row.currency.as_deref().unwrap_or(&profile.currency))
            .map_err(|e| e.to_string())?;
        let m = Money::parse(value, profile.decimal, &currency).map_err(|e| e.to_string())?;
        if m.amount_minor < 0 {
            return Err(format!("{value:?} is negative: a cost is 0 or more"));
        }
        Ok(m)
    };
    match field {
        Field::Reference => row.reference = Some(format!("{}{value}", profile.reference_prefix)),
        Field::Publisher => row.publisher = value.to_owned(),
        Field::Product => row.product = value.to_owned(),
        Field::Edition => row.edition = text(),
        Field::Metric => row.metric = Some(value.to_lowercase()),
        Field::Quantity => {
            let q = value
                .parse::<f64>()
                .ok()
                .filter(|q| q.fract() == 0.0 && *q >= 0.0 && *q < 1e12)
                .ok_or_else(|| format!("{value:?} is not a whole number of units"))?;
            row.quantity = Some(q as i64);
        }
        Field::StartsOn => row.starts_on = Some(date()?),
        Field::EndsOn => row.ends_on = Some(date()?),
        Field::TerminatesOn => return Ok(Cell::Terminates(date()?)),
        Field::TotalCost => return Ok(Cell::Total(money()?)),
        Field::UnitCost => {
            let m = money()?;
            row.unit_cost_minor = Some(m.amount_minor);
            row.currency
                .get_or_insert_with(|| m.currency.code().to_owned());
        }
        Field::Currency => {
            let c = value.to_uppercase();
            crate::assets::import::check_currency(&c)?;
            row.currency = Some(c);
        }
        Field::LicenseKey => row.license_key = text(),
        Field::Vendor => row.vendor = text(),
        Field::PoNumber => row.po_number = text(),
        Field::OrderNumber => return Ok(Cell::Order(value.to_owned())),
        Field::ContractRef => row.contract_ref = text(),
        Field::Notes => row.notes = text(),
        Field::Allocations => {
            row.allocations = value
                .split([';', ','])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
        }
        Field::Deleted => {}
    }
    Ok(Cell::Done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::licenses::import::profiles::profile;

    const SNIPE: &str = "id,Company,Name,Serial Number,Purchase Date,Purchase Cost,Order Number,Licenses available,Seats,Created By,Depreciation,Updated at,Deleted at,Email,Fully Depreciated,Supplier,Expiration Date,Purchase Order Number,Termination Date,Maintained,Manufacturer,Category,Min. QTY,Reassignable,Notes,Created At\n";

    fn snipe(rows: &str) -> Table {
        let p = profile("snipeit", None, "EUR", "device").unwrap();
        read(format!("{SNIPE}{rows}").as_bytes(), &p).unwrap()
    }

    #[test]
    fn snipeit_rows_give_unit_cost_and_the_earlier_end() {
        let t = snipe(
            "7,,Office 2021,AAA-BBB,2024-03-15 00:00:00,1000.00,ON-1,2,10,admin,,,,,,Contoso,2027-03-14 00:00:00,,2026-12-31,1,Microsoft,Office,,1,first batch,\n",
        );
        assert!(t.errors.is_empty(), "{:?}", t.errors);
        let r = &t.rows[0];
        assert_eq!(r.reference.as_deref(), Some("snipeit:7"));
        assert_eq!(
            (r.publisher.as_str(), r.product.as_str()),
            ("Microsoft", "Office 2021")
        );
        assert_eq!(r.quantity, Some(10));
        assert_eq!(r.unit_cost_minor, Some(10000));
        assert_eq!(r.currency.as_deref(), Some("EUR"));
        assert_eq!(r.starts_on, NaiveDate::from_ymd_opt(2024, 3, 15));
        assert_eq!(r.ends_on, NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(r.po_number.as_deref(), Some("ON-1"));
        assert_eq!(r.license_key.as_deref(), Some("AAA-BBB"));
        assert_eq!(r.vendor.as_deref(), Some("Contoso"));
    }

    #[test]
    fn repeated_headers_are_skipped_and_bad_cells_named() {
        let header = SNIPE.trim_end();
        let t = snipe(&format!(
            "1,,Visio,,2024-13-40,12,,,3,,,,,,,,,,,,Microsoft,,,,,\n{header}\n2,,Project,,,100,,,0,,,,,,,,,,,,Microsoft,,,,,\n3,,Gone,,,,,,1,,,,2024-01-01,,,,,,,,Microsoft,,,,,\n"
        ));
        assert_eq!(t.seen, 3);
        assert!(t.rows.is_empty());
        assert_eq!(t.errors.len(), 2, "{:?}", t.errors);
        assert_eq!((t.errors[0].line, t.errors[0].column), (2, Some(5)));
        assert_eq!(t.errors[0].header.as_deref(), Some("Purchase Date"));
        assert_eq!((t.errors[1].line, t.errors[1].column), (4, Some(6)));
        assert!(
            t.errors[1].reason.contains("no seats"),
            "{}",
            t.errors[1].reason
        );
        assert_eq!(t.warnings.len(), 1);
        assert!(t.warnings[0].reason.contains("deleted"));
    }

    #[test]
    fn a_cost_that_does_not_divide_is_rounded_and_said() {
        assert_eq!(divide(10000, 3), (3333, false));
        assert_eq!(divide(10001, 2), (5001, false));
        assert_eq!(divide(900, 3), (300, true));
    }
}
