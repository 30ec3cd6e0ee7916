//! Reply keys: the proof that a reply comes from the person a message was
//! sent to. DKIM and DMARC prove a domain, not a mailbox, and in an internal
//! helpdesk requesters and agents share the domain; so every message we
//! send carries a key made for its one recipient — an HMAC, with the
//! application's secret, over the ticket, the recipient's address and the
//! key's version — in its Message-ID (which comes back in `In-Reply-To` and
//! `References`) and, with `mail.reply_keys = "plus"`, in the reply address
//! (`helpdesk+KEY@…`). A key proves the recipient it was made for, whatever
//! `From` says. Pure: no database, no clock.

use hmac::{KeyInit, Mac};
use sha2::Sha256;

/// The version of keys made now; the version is part of what is signed, so
/// a new secret can come with a new version while old keys still verify.
pub const VERSION: u8 = 1;

/// Bytes of the MAC a key keeps (80 bits: guessing is hopeless, and the
/// key stays short enough for a local part).
const KEPT: usize = 10;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(ALPHABET[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The key of `recipient` for `ticket_id`: `k1` and 16 base32 letters.
pub fn key(secret: &[u8], ticket_id: &str, recipient: &str) -> String {
    key_version(secret, VERSION, ticket_id, recipient)
}

fn key_version(secret: &[u8], version: u8, ticket_id: &str, recipient: &str) -> String {
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .expect("HMAC takes keys of any length");
    mac.update(format!("itdesk-reply-key\nv{version}\n{ticket_id}\n").as_bytes());
    mac.update(recipient.trim().to_lowercase().as_bytes());
    let tag = mac.finalize().into_bytes();
    format!("k{version}{}", base32(&tag[..KEPT]))
}

/// Whether `candidate` is `recipient`'s key for `ticket_id` (constant time).
pub fn proves(secret: &[u8], ticket_id: &str, recipient: &str, candidate: &str) -> bool {
    let candidate = candidate.to_ascii_lowercase();
    let Some(version) = candidate
        .strip_prefix('k')
        .and_then(|rest| rest.chars().next())
        .and_then(|c| c.to_digit(10))
    else {
        return false;
    };
    if version == 0 || version > u32::from(VERSION) {
        return false;
    }
    let expected = key_version(secret, version as u8, ticket_id, recipient);
    let (a, b) = (
        expected.as_bytes(),
        candidate.to_ascii_lowercase().into_bytes(),
    );
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A Message-ID of ours carrying a recipient's key (without brackets).
pub fn keyed_message_id(unique: &str, key: &str, id_domain: &str) -> String {
    format!("{unique}.{key}@{id_domain}")
}

/// The reply address carrying a key: `helpdesk+KEY@example.org`.
pub fn plus_address(address: &str, key: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => format!("{local}+{key}@{domain}"),
        None => address.to_owned(),
    }
}

fn looks_like_key(s: &str) -> bool {
    s.len() == 2 + 16
        && s.starts_with('k')
        && s.as_bytes()[1].is_ascii_digit()
        && s[2..]
            .bytes()
            .all(|b| ALPHABET.contains(&b.to_ascii_lowercase()))
}

/// The keys a message carries back: in Message-IDs of ours it answers
/// (`In-Reply-To`, `References`), and in plus-addresses of ours it was
/// delivered to (`To`, `Cc`, `Delivered-To`, `Envelope-To`, …).
pub fn carried_keys<'a>(
    referenced_ids: impl IntoIterator<Item = &'a str>,
    delivered_to: impl IntoIterator<Item = &'a str>,
    our_address: &str,
    id_domain: &str,
) -> Vec<String> {
    let mut keys = Vec::new();
    let suffix = format!("@{}", id_domain.to_lowercase());
    for id in referenced_ids {
        let id = id.trim().to_lowercase();
        if let Some(local) = id.strip_suffix(&suffix)
            && let Some((_, key)) = local.rsplit_once('.')
            && looks_like_key(key)
        {
            keys.push(key.to_owned());
        }
    }
    let (our_local, our_domain) = our_address
        .trim()
        .to_lowercase()
        .split_once('@')
        .map(|(l, d)| (l.to_owned(), d.to_owned()))
        .unwrap_or_default();
    for addr in delivered_to {
        let addr = addr.trim().trim_matches(['<', '>']).to_lowercase();
        if let Some((local, domain)) = addr.split_once('@')
            && domain == our_domain
            && let Some(key) = local
                .strip_prefix(&our_local)
                .and_then(|rest| rest.strip_prefix('+'))
            && looks_like_key(key)
        {
            keys.push(key.to_owned());
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_key_proves_its_recipient_and_nobody_else() {
        let k = key(SECRET, "t-1", "Alice@Example.org");
        assert!(k.starts_with("k1") && k.len() == 18, "{k}");
        assert!(looks_like_key(&k));
        assert!(proves(SECRET, "t-1", "alice@example.org", &k));
        assert!(proves(
            SECRET,
            "t-1",
            "alice@example.org",
            &k.to_uppercase()
        ));
        assert!(
            !proves(SECRET, "t-1", "agent@example.org", &k),
            "another person"
        );
        assert!(
            !proves(SECRET, "t-2", "alice@example.org", &k),
            "another ticket"
        );
        assert!(!proves(b"other secret", "t-1", "alice@example.org", &k));
        assert!(!proves(
            SECRET,
            "t-1",
            "alice@example.org",
            "k2aaaaaaaaaaaaaaaa"
        ));
        assert!(!proves(SECRET, "t-1", "alice@example.org", "nonsense"));
    }

    #[test]
    fn keys_come_back_in_our_message_ids_and_plus_addresses() {
        let k = key(SECRET, "t-1", "alice@example.org");
        let id = keyed_message_id("0190aa", &k, "itdesk.example.org");
        let plus = plus_address("helpdesk@example.org", &k);
        assert_eq!(plus, format!("helpdesk+{k}@example.org"));
        let found = carried_keys(
            [
                id.as_str(),
                "CAF123@mail.gmail.com",
                "0190bb.k1short@itdesk.example.org",
            ],
            [
                "<HELPDESK+K1XXXXXXXXXXXXXXXX@example.org>",
                "helpdesk@example.org",
            ],
            "helpdesk@example.org",
            "itdesk.example.org",
        );
        assert_eq!(found, vec![k.clone(), "k1xxxxxxxxxxxxxxxx".to_owned()]);
        let plus_only = carried_keys(
            [],
            [plus.as_str(), "other+k1aaaaaaaaaaaaaaaa@example.org"],
            "helpdesk@example.org",
            "itdesk.example.org",
        );
        assert_eq!(plus_only, vec![k]);
    }

    #[test]
    fn base32_is_rfc4648_in_lower_case() {
        assert_eq!(base32(b"foobar"), "mzxw6ytboi");
        assert_eq!(base32(b""), "");
    }
}
