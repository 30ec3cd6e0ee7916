//! Reading what agents send: the body (zlib, gzip or plain, bounded
//! however well it compresses) and the OCS/FusionInventory XML in it.

use std::collections::HashSet;
use std::io::Read;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the inventory is larger than {0} bytes once decompressed")]
    TooLarge(usize),
    #[error("the body could not be decompressed: {0}")]
    Corrupt(String),
}

/// The XML of a body: zlib (`78 ..`) or gzip (`1f 8b`) compressed, or plain;
/// at most `max` bytes of it, however well it compresses.
pub fn decode_body(body: &[u8], max: usize) -> Result<Vec<u8>, DecodeError> {
    fn read_capped(r: impl Read, max: usize) -> Result<Vec<u8>, DecodeError> {
        let mut out = Vec::new();
        r.take(max as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
        if out.len() > max {
            return Err(DecodeError::TooLarge(max));
        }
        Ok(out)
    }
    match body {
        [0x78, ..] => read_capped(flate2::read::ZlibDecoder::new(body), max),
        [0x1f, 0x8b, ..] => read_capped(flate2::read::GzDecoder::new(body), max),
        _ if body.len() > max => Err(DecodeError::TooLarge(max)),
        _ => Ok(body.to_vec()),
    }
}

/// One installed package.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Software {
    pub name: String,
    pub version: String,
    pub publisher: Option<String>,
}

/// What an agent says about a device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub device_id: String,
    pub hostname: Option<String>,
    pub serial: Option<String>,
    pub asset_tag: Option<String>,
    pub os_name: Option<String>,
    pub os_version: Option<String>,
    pub cpu_name: Option<String>,
    pub cpu_cores: Option<i32>,
    /// Processors (sockets): the `CPUS` entries the agent reports.
    pub cpu_sockets: Option<i32>,
    pub cpu_threads: Option<i32>,
    pub memory_mb: Option<i64>,
    pub software: Vec<Software>,
}

/// A request from an agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Prolog {
        device_id: String,
    },
    Inventory(Box<Report>),
    /// A query this server does not handle (answered politely).
    Other(String),
}

fn text(node: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    node.children()
        .find(|c| c.has_tag_name(name))
        .and_then(|c| c.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// Serials that vendors ship as placeholders, not identities.
pub(crate) fn real_serial(s: Option<String>) -> Option<String> {
    s.filter(|s| {
        let l = s.to_ascii_lowercase();
        !(l.contains("to be filled")
            || l.contains("default string")
            || l == "none"
            || l == "0"
            || l.chars().all(|c| c == '0' || c == ' '))
    })
}

/// Reads an agent's XML.
pub fn parse(xml: &[u8]) -> Result<Request, String> {
    let text_of_body = std::str::from_utf8(xml)
        .map_err(|e| format!("the inventory is not UTF-8 (byte {})", e.valid_up_to()))?;
    let doc = roxmltree::Document::parse(text_of_body)
        .map_err(|e| format!("the inventory is not well-formed XML: {e}"))?;
    let root = doc.root_element();
    if !root.has_tag_name("REQUEST") {
        return Err(format!(
            "expected a <REQUEST> document, found <{}>",
            root.tag_name().name()
        ));
    }
    let query = text(root, "QUERY").ok_or("the request has no <QUERY>")?;
    let device_id = text(root, "DEVICEID").unwrap_or_default();
    match query.to_ascii_uppercase().as_str() {
        "PROLOG" => Ok(Request::Prolog { device_id }),
        "INVENTORY" => {
            if device_id.is_empty() {
                return Err("the inventory has no <DEVICEID>".into());
            }
            let content = root
                .children()
                .find(|c| c.has_tag_name("CONTENT"))
                .ok_or("the inventory has no <CONTENT>")?;
            Ok(Request::Inventory(Box::new(report(content, device_id))))
        }
        other => Ok(Request::Other(other.to_owned())),
    }
}

/// What the `<CONTENT>` of an inventory says: the device's names, OS,
/// processors, memory and software (each package and version once).
fn report(content: roxmltree::Node<'_, '_>, device_id: String) -> Report {
    let section = |name: &str| content.children().find(|c| c.has_tag_name(name));
    let hardware = section("HARDWARE");
    let bios = section("BIOS");
    let os = section("OPERATINGSYSTEM");
    let mut r = Report {
        device_id,
        hostname: hardware
            .and_then(|h| text(h, "NAME"))
            .map(|h| h.to_lowercase()),
        serial: real_serial(bios.and_then(|b| text(b, "SSN"))),
        asset_tag: bios.and_then(|b| text(b, "ASSETTAG")),
        os_name: os
            .and_then(|o| text(o, "FULL_NAME"))
            .or_else(|| hardware.and_then(|h| text(h, "OSNAME"))),
        os_version: os
            .and_then(|o| text(o, "VERSION"))
            .or_else(|| hardware.and_then(|h| text(h, "OSVERSION"))),
        ..Report::default()
    };
    let (mut sockets, mut cores, mut threads, mut memories) = (0, 0, 0, 0i64);
    let mut seen = HashSet::new();
    let number = |node, name| text(node, name).and_then(|c| c.parse::<i64>().ok());
    for node in content.children().filter(|c| c.is_element()) {
        match node.tag_name().name() {
            "CPUS" => {
                if r.cpu_name.is_none() {
                    r.cpu_name = text(node, "NAME");
                }
                sockets += 1;
                cores += number(node, "CORE").unwrap_or(0) as i32;
                threads += number(node, "THREAD").unwrap_or(0) as i32;
            }
            "MEMORIES" => memories += number(node, "CAPACITY").unwrap_or(0),
            "SOFTWARES" => {
                let Some(name) = text(node, "NAME") else {
                    continue;
                };
                let s = Software {
                    name,
                    version: text(node, "VERSION").unwrap_or_default(),
                    publisher: text(node, "PUBLISHER"),
                };
                if seen.insert((s.name.clone(), s.version.clone())) {
                    r.software.push(s);
                }
            }
            _ => {}
        }
    }
    r.cpu_sockets = (sockets > 0).then_some(sockets);
    r.cpu_cores = (cores > 0).then_some(cores);
    r.cpu_threads = (threads > 0).then_some(threads);
    r.memory_mb = if memories > 0 {
        Some(memories)
    } else {
        hardware
            .and_then(|h| text(h, "MEMORY"))
            .and_then(|m| m.parse().ok())
    };
    r
}
