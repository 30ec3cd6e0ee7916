//! The initial password between its making and its one reveal: sealed with
//! ChaCha20-Poly1305 (ring) under a key kept in the database, bound to its
//! run (the run's id is the additional data, so a sealed value copied to
//! another run does not open), wiped once revealed.

use base64::Engine;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

use crate::error::AppError;

/// The sealing key: 32 bytes (longer secrets are cut).
#[derive(Clone)]
pub struct SealKey(Vec<u8>);

impl SealKey {
    pub fn new(secret: &[u8]) -> Result<SealKey, AppError> {
        if secret.len() < 32 {
            return Err(AppError::Internal(anyhow::anyhow!(
                "the onboarding sealing secret has {} bytes; 32 are needed",
                secret.len()
            )));
        }
        Ok(SealKey(secret[..32].to_vec()))
    }

    fn key(&self) -> LessSafeKey {
        LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &self.0).expect("32 bytes"))
    }

    /// `plain` sealed for `run_id`: base64 of a fresh random nonce, the
    /// ciphertext and its tag.
    pub fn seal(&self, run_id: &str, plain: &str) -> String {
        let nonce_bytes: [u8; NONCE_LEN] = rand::random();
        let mut buf = plain.as_bytes().to_vec();
        self.key()
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce_bytes),
                Aad::from(run_id.as_bytes()),
                &mut buf,
            )
            .expect("sealing cannot fail for these sizes");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&buf);
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    /// The password sealed for `run_id`; `None` when it does not open
    /// (another key, another run, or altered).
    pub fn open(&self, run_id: &str, sealed: &str) -> Option<String> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buf = rest.to_vec();
        let plain = self
            .key()
            .open_in_place(nonce, Aad::from(run_id.as_bytes()), &mut buf)
            .ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_password_opens_only_for_its_run_and_key() {
        let key = SealKey::new(&[7u8; 64]).unwrap();
        let sealed = key.seal("run-1", "Xy7#pass-Word9");
        assert!(!sealed.contains("pass"), "not readable");
        assert_eq!(
            key.open("run-1", &sealed).as_deref(),
            Some("Xy7#pass-Word9")
        );
        assert_ne!(
            key.seal("run-1", "Xy7#pass-Word9"),
            sealed,
            "a fresh nonce each time"
        );
        assert_eq!(key.open("run-2", &sealed), None, "bound to its run");
        let other = SealKey::new(&[8u8; 32]).unwrap();
        assert_eq!(other.open("run-1", &sealed), None, "another key");
        let mut bytes = base64::engine::general_purpose::STANDARD
            .decode(&sealed)
            .unwrap();
        bytes[NONCE_LEN] ^= 1;
        let altered = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert_eq!(key.open("run-1", &altered), None, "altered");
        assert_eq!(key.open("run-1", "not base64!"), None);
        assert!(SealKey::new(&[1u8; 16]).is_err());
    }
}
