//! Just enough of ZIP to read one member of an XLSX file in tests: the
//! central directory names each member, its offset and size; members are
//! stored or deflated.

use std::io::Read;

fn u16_at(b: &[u8], i: usize) -> usize {
    u16::from_le_bytes([b[i], b[i + 1]]) as usize
}

fn u32_at(b: &[u8], i: usize) -> usize {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize
}

/// The text of member `name`, or None when the archive has no such member.
pub fn member(zip: &[u8], name: &str) -> Option<String> {
    let eocd = (0..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| zip[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])?;
    let (count, mut at) = (u16_at(zip, eocd + 10), u32_at(zip, eocd + 16));
    for _ in 0..count {
        let method = u16_at(zip, at + 10);
        let size = u32_at(zip, at + 20);
        let (name_len, extra, comment) = (
            u16_at(zip, at + 28),
            u16_at(zip, at + 30),
            u16_at(zip, at + 32),
        );
        let offset = u32_at(zip, at + 42);
        let this = std::str::from_utf8(&zip[at + 46..at + 46 + name_len]).ok()?;
        if this == name {
            let data = offset + 30 + u16_at(zip, offset + 26) + u16_at(zip, offset + 28);
            let raw = &zip[data..data + size];
            let mut out = String::new();
            match method {
                0 => out = String::from_utf8_lossy(raw).into_owned(),
                _ => {
                    flate2::read::DeflateDecoder::new(raw)
                        .read_to_string(&mut out)
                        .ok()?;
                }
            }
            return Some(out);
        }
        at += 46 + name_len + extra + comment;
    }
    None
}
