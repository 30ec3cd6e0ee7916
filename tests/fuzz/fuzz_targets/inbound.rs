//! Any bytes through the inbound mail pipeline's pure stages: parsing,
//! classification, threading by subject, quote trimming and HTML
//! sanitising. None may panic, and each keeps the promise it makes.
#![no_main]

use itdesk::mail::{classify, html, parse, quote, thread};
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // libfuzzer-sys aborts on every panic, even one the code catches on
        // purpose (`mail::parse` contains the parser library's panics). A
        // panic that escapes still aborts: libfuzzer-sys catches it and
        // aborts itself.
        std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}")));
    },
    |raw: &[u8]| check(raw)
);

fn check(raw: &[u8]) {
    let Ok(m) = parse::parse(raw) else {
        return;
    };
    // The dedupe key of a message is stable: the same bytes, the same hash.
    let again = parse::parse(raw).expect("parses the second time too");
    assert_eq!(m.content_hash, again.content_hash);
    assert_eq!(m.message_id, again.message_id);

    let _ = classify::classify(&m, "support@example.org", "example.org");
    let _ = thread::subject_tag(&m.subject, "#");
    let _ = thread::clean_subject(&m.subject, "#");

    // Trimming only ever removes text.
    let trimmed = quote::trim_reply(&m.text);
    assert!(trimmed.len() <= m.text.len());

    if let Some(body) = &m.html {
        let safe = html::sanitize(body).to_ascii_lowercase();
        for tag in ["<script", "<iframe", "<object", "<embed", "<form"] {
            assert!(!safe.contains(tag), "{tag} survived sanitising");
        }
        let _ = html::to_text(html::without_quote(body));
    }
}
