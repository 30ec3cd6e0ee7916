//! A file's text: its encoding (UTF-8 or UTF-16 with a byte-order mark),
//! the separator its header uses, and a quote left open.

use super::ImportError;

/// Text from the file's bytes: UTF-8 (a byte-order mark is dropped) or
/// UTF-16 with its mark, as Excel's "Unicode text" writes.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest);
    }
    let utf16 = |le: bool, rest: &[u8]| {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units)
            .map_err(|_| ImportError::File("the file says UTF-16 but is not valid UTF-16".into()))
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(true, rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(false, rest);
    }
    utf8(bytes)
}

fn utf8(bytes: &[u8]) -> Result<String, ImportError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            let column = at
                - bytes[..at]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |p| p + 1)
                + 1;
            Err(ImportError::File(format!(
                "line {line}, column {column}: the file is not UTF-8 text (byte 0x{:02X}); save it as \"CSV UTF-8\"",
                bytes[at]
            )))
        }
    }
}

/// The separator the header line uses most: comma, semicolon or tab.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let mut in_quotes = false;
    let mut counts = [0usize; 3];
    for c in first.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => counts[0] += 1,
            ';' if !in_quotes => counts[1] += 1,
            '\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|i| (counts[*i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// The line of a quoted cell left open to the end of the file. Quotes
/// count only where the csv reader honours them: at the start of a cell,
/// and inside a quoted cell (where `""` is one quote); a stray `"` inside
/// an unquoted cell (`Dell 24" Monitor`) is just a character.
pub(crate) fn unclosed_quote(text: &str, delimiter: u8) -> Option<usize> {
    let delimiter = delimiter as char;
    let mut line = 1;
    let mut opened_at = None;
    let mut cell_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (opened_at, c) {
            (Some(_), '"') if chars.peek() == Some(&'"') => {
                chars.next();
            }
            (Some(_), '"') => {
                opened_at = None;
                cell_start = false;
            }
            (Some(_), '\n') => line += 1,
            (Some(_), _) => {}
            (None, '"') if cell_start => {
                opened_at = Some(line);
                cell_start = false;
            }
            (None, '\n') => {
                line += 1;
                cell_start = true;
            }
            (None, c) if c == delimiter => cell_start = true,
            (None, '\r') => {}
            (None, _) => cell_start = false,
        }
    }
    opened_at
}

/// A reader over a whole file's text.
pub(crate) type Csv = csv::Reader<std::io::Cursor<Vec<u8>>>;

/// A CSV reader over the file's text, its trimmed headers and its
/// separator (`delimiter`, or the one the header line uses most): the
/// file-level checks every import makes first (encoding, control
/// characters, empty file, a quote left open, the header line).
pub(crate) fn open(
    bytes: &[u8],
    delimiter: Option<u8>,
) -> Result<(Csv, Vec<String>, u8), ImportError> {
    // Control characters other than tab and newlines go (crate::text).
    let text = crate::text::strip_controls_owned(decode(bytes)?);
    if text.trim().is_empty() {
        return Err(ImportError::File("the file is empty".into()));
    }
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&text));
    if let Some(line) = unclosed_quote(&text, delimiter) {
        return Err(ImportError::File(format!(
            "line {line}: a quote opened here is never closed, so the rest of the file would be one cell"
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(std::io::Cursor::new(text.into_bytes()));
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::File(format!("line 1: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
        .collect();
    Ok((reader, headers, delimiter))
}
