//! Any bytes through the asset import's reader, under every profile and a
//! mapping: it never panics, every rejected row names a line of the file,
//! and the rows it reads plus the rows it rejects never exceed the rows it
//! saw. The first byte picks the profile; with `generic`, the bytes up to
//! the first NUL are the mapping (TOML), the rest the CSV.
#![no_main]

use itdesk::assets::import::{profiles, read};
use libfuzzer_sys::fuzz_target;

const MAPPING: &str = "date_order = \"dmy\"\ndecimal_separator = \",\"\ncurrency = \"EUR\"\n\
[columns]\nhostname = \"AssetName\"\nserial = \"Serial\"\npurchase_date = \"Bought\"\ncost = \"Price\"\n";

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (name, mapping, csv) = match pick % 5 {
        0 => ("snipeit", None, rest),
        1 => ("intune", None, rest),
        2 => ("intune-apps", None, rest),
        3 => ("generic", Some(MAPPING.to_owned()), rest),
        _ => match rest.iter().position(|&b| b == 0) {
            Some(cut) => (
                "generic",
                Some(String::from_utf8_lossy(&rest[..cut]).into_owned()),
                &rest[cut + 1..],
            ),
            None => return,
        },
    };
    let Ok(profile) = profiles::profile(name, mapping.as_deref(), "USD") else {
        return; // a broken mapping is refused with a message, not read
    };
    let mut seen = 0u64;
    let Ok(table) = read::read(csv, &profile, &mut |n| seen = seen.max(n)) else {
        return; // an unreadable file is refused whole
    };
    let lines = csv.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    for e in &table.errors {
        assert!(e.line >= 1 && e.line <= lines + 1, "line {} of {lines}", e.line);
        assert!(!e.reason.is_empty());
    }
    assert!(table.devices.len() + table.apps.len() <= table.rows);
    assert!(seen as usize <= table.rows);
});
