//! Any bytes through the inventory door's pure stages: decompression with
//! its caps (a zlib bomb must stop at the cap, never exhaust memory) and
//! the OCS / FusionInventory XML reader. Neither may panic; the reader is
//! deterministic; what it reports is within what it was given.
#![no_main]

use itdesk::assets::inventory::{Request, decode_body, parse};
use libfuzzer_sys::fuzz_target;

const CAP: usize = 1 << 20;

fuzz_target!(|body: &[u8]| {
    let xml = match decode_body(body, CAP) {
        Ok(xml) => {
            assert!(xml.len() <= CAP, "the cap holds");
            xml
        }
        Err(_) => return,
    };
    let Ok(first) = parse(&xml) else {
        return;
    };
    let again = parse(&xml).expect("parses the second time too");
    assert_eq!(first, again, "the same bytes read one way");
    if let Request::Inventory(report) = &first {
        // Every package comes from an element of the document.
        assert!(report.software.len() <= xml.len() / 10);
    }
});
