//! One tabular writer for every export: CSV (RFC 4180, safe to open in a
//! spreadsheet), JSON (an array of objects keyed by column) or an XLSX
//! sheet (every cell written as a value, never as a formula). Rows are
//! streamed in; [`Output`] writes a file atomically (beside the target,
//! renamed into place only when complete) and shows progress on standard
//! error while it does.

mod output;

use std::io::Write;

pub use output::{Output, Progress};

crate::text_enum! {
    /// The file formats an export can be written in.
    pub enum Format { Csv = "csv", Json = "json", Xlsx = "xlsx" }
}

impl Format {
    /// The HTTP content type of a file in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// A file in this format to download, saved as `name.format`.
    pub fn download(self, name: &str, body: Vec<u8>) -> actix_web::HttpResponse {
        actix_web::HttpResponse::Ok()
            .content_type(self.content_type())
            .insert_header((
                actix_web::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{self}\""),
            ))
            .body(body)
    }

    /// Reads a format name, with the error people see for a wrong one.
    pub fn parse_name(name: &str) -> Result<Format, String> {
        name.parse()
            .map_err(|_| format!("unknown format {name:?}: use csv, json or xlsx"))
    }
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing: an empty CSV field, `null` in JSON, a blank cell.
    Empty,
    Text(String),
    Int(i64),
    /// A decimal written as text so that no digit is lost (`1299.00`),
    /// a number in JSON and XLSX.
    Decimal(String),
}

impl Cell {
    /// Text, or [`Cell::Empty`] when there is none.
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    pub fn opt(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, Cell::text)
    }

    fn as_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) | Cell::Decimal(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
        }
    }
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing the spreadsheet: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("a row has {got} cells for {expected} columns")]
    Shape { got: usize, expected: usize },
}

impl From<ExportError> for crate::error::AppError {
    fn from(e: ExportError) -> crate::error::AppError {
        crate::error::AppError::Internal(anyhow::anyhow!(e))
    }
}

/// Writes rows of one table in one format. Call [`TableWriter::finish`]
/// at the end: JSON closes its array and XLSX is only written then.
pub struct TableWriter<'o> {
    format: Format,
    columns: Vec<String>,
    out: &'o mut dyn Write,
    workbook: Option<rust_xlsxwriter::Workbook>,
    /// The XLSX worksheet rows go to.
    sheet: usize,
    rows: u64,
}

impl<'o> TableWriter<'o> {
    /// Starts a table: writes the CSV header or the JSON opening bracket.
    /// `sheet` names the XLSX worksheet.
    pub fn new(
        format: Format,
        sheet: &str,
        columns: &[&str],
        out: &'o mut dyn Write,
    ) -> Result<TableWriter<'o>, ExportError> {
        let mut w = TableWriter {
            format,
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            out,
            workbook: None,
            sheet: 0,
            rows: 0,
        };
        match format {
            Format::Csv => {
                let header: Vec<String> = columns.iter().map(|c| csv_field(c)).collect();
                write!(w.out, "{}\r\n", header.join(","))?;
            }
            Format::Json => write!(w.out, "[")?,
            Format::Xlsx => {
                let mut book = rust_xlsxwriter::Workbook::new();
                start_sheet(&mut book, sheet, columns)?;
                w.workbook = Some(book);
            }
        }
        Ok(w)
    }

    /// XLSX only: ends the current sheet and starts another in the same
    /// workbook; rows go there from now on.
    pub fn next_sheet(&mut self, sheet: &str, columns: &[&str]) -> Result<(), ExportError> {
        self.close_sheet()?;
        if let Some(book) = self.workbook.as_mut() {
            start_sheet(book, sheet, columns)?;
            self.sheet += 1;
        }
        self.columns = columns.iter().map(|c| (*c).to_owned()).collect();
        self.rows = 0;
        Ok(())
    }

    /// Filters and a frozen header on the current XLSX sheet.
    fn close_sheet(&mut self) -> Result<(), ExportError> {
        let (rows, last_col) = (
            self.rows as u32,
            self.columns.len().saturating_sub(1) as u16,
        );
        if let Some(ws) = self
            .workbook
            .as_mut()
            .and_then(|b| b.worksheets_mut().get_mut(self.sheet))
        {
            ws.autofilter(0, 0, rows, last_col)?;
            ws.set_freeze_panes(1, 0)?;
        }
        Ok(())
    }

    /// Adds one row; it must have one cell per column.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        if cells.len() != self.columns.len() {
            return Err(ExportError::Shape {
                got: cells.len(),
                expected: self.columns.len(),
            });
        }
        match self.format {
            Format::Csv => {
                let line: Vec<String> = cells.iter().map(|c| csv_field(&c.as_text())).collect();
                write!(self.out, "{}\r\n", line.join(","))?;
            }
            Format::Json => {
                let obj: serde_json::Map<String, serde_json::Value> = self
                    .columns
                    .iter()
                    .zip(cells)
                    .map(|(k, c)| (k.clone(), json_value(c)))
                    .collect();
                let sep = if self.rows > 0 { "," } else { "" };
                write!(self.out, "{sep}\n{}", serde_json::Value::Object(obj))?;
            }
            Format::Xlsx => {
                let row = self.rows as u32 + 1;
                if let Some(ws) = self
                    .workbook
                    .as_mut()
                    .and_then(|b| b.worksheets_mut().get_mut(self.sheet))
                {
                    for (c, cell) in cells.iter().enumerate() {
                        let col = c as u16;
                        match cell {
                            Cell::Empty => {}
                            Cell::Text(s) => {
                                ws.write_string(row, col, s)?;
                            }
                            Cell::Int(n) => {
                                ws.write_number(row, col, *n as f64)?;
                            }
                            Cell::Decimal(s) => match s.parse::<f64>() {
                                Ok(n) => {
                                    ws.write_number(row, col, n)?;
                                }
                                Err(_) => {
                                    ws.write_string(row, col, s)?;
                                }
                            },
                        }
                    }
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// How many rows were written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Ends the table; returns how many rows it has.
    pub fn finish(mut self) -> Result<u64, ExportError> {
        match self.format {
            Format::Csv => {}
            Format::Json => writeln!(self.out, "\n]")?,
            Format::Xlsx => {
                self.close_sheet()?;
                if let Some(mut book) = self.workbook.take() {
                    self.out.write_all(&book.save_to_buffer()?)?;
                }
            }
        }
        self.out.flush()?;
        Ok(self.rows)
    }
}

/// Adds a worksheet (rows streamed to a temporary file, so a large sheet
/// does not sit in memory) with its header row.
fn start_sheet(
    book: &mut rust_xlsxwriter::Workbook,
    name: &str,
    columns: &[&str],
) -> Result<(), ExportError> {
    let ws = book.add_worksheet_with_constant_memory();
    ws.set_name(name)?;
    for (c, col) in columns.iter().enumerate() {
        ws.write_string(0, c as u16, *col)?;
    }
    Ok(())
}

fn json_value(c: &Cell) -> serde_json::Value {
    match c {
        Cell::Empty => serde_json::Value::Null,
        Cell::Text(s) => serde_json::Value::String(s.clone()),
        Cell::Int(n) => serde_json::Value::from(*n),
        Cell::Decimal(s) => s
            .parse::<serde_json::Number>()
            .map(serde_json::Value::Number)
            .unwrap_or_else(|_| serde_json::Value::String(s.clone())),
    }
}

/// One field of a CSV line: quoted when it must be, and a leading `=`, `+`,
/// `-`, `@`, tab or carriage return neutralised so that a spreadsheet shows
/// the text instead of running it as a formula.
pub fn csv_field(value: &str) -> String {
    let value = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if value.parse::<f64>().is_err() => {
            format!("'{value}")
        }
        _ => value.to_owned(),
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(format: Format, rows: &[Vec<Cell>]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w =
            TableWriter::new(format, "Things", &["name", "count", "cost"], &mut out).unwrap();
        for r in rows {
            w.row(r).unwrap();
        }
        assert_eq!(w.finish().unwrap(), rows.len() as u64);
        out
    }

    fn sample() -> Vec<Vec<Cell>> {
        vec![
            vec![
                Cell::text("a,b"),
                Cell::Int(3),
                Cell::Decimal("-1.50".into()),
            ],
            vec![
                Cell::text("=cmd()"),
                Cell::Empty,
                Cell::Decimal("150000".into()),
            ],
        ]
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-12.5"), "-12.5", "numbers stay numbers");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
    }

    #[test]
    fn csv_has_a_header_and_crlf_lines() {
        let out = String::from_utf8(write(Format::Csv, &sample())).unwrap();
        assert_eq!(
            out,
            "name,count,cost\r\n\"a,b\",3,-1.50\r\n'=cmd(),,150000\r\n"
        );
    }

    #[test]
    fn json_is_an_array_of_objects_with_nulls_and_numbers() {
        let out = write(Format::Json, &sample());
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            v,
            serde_json::json!([
                {"name": "a,b", "count": 3, "cost": -1.50},
                {"name": "=cmd()", "count": null, "cost": 150000}
            ])
        );
        let empty: serde_json::Value = serde_json::from_slice(&write(Format::Json, &[])).unwrap();
        assert_eq!(empty, serde_json::json!([]));
    }

    #[test]
    fn xlsx_is_a_zip_and_rows_must_fit_the_columns() {
        let out = write(Format::Xlsx, &sample());
        assert_eq!(&out[..2], b"PK");
        let mut sink = Vec::new();
        let mut w = TableWriter::new(Format::Csv, "x", &["a", "b"], &mut sink).unwrap();
        assert!(matches!(
            w.row(&[Cell::Empty]),
            Err(ExportError::Shape {
                got: 1,
                expected: 2
            })
        ));
    }
}
