//! Verified API tokens remembered for a short while, keyed by their digest
//! (never the token itself), so a busy integration does not pay a database
//! lookup on every request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::model::User;

/// Most tokens remembered; beyond that the cache starts over.
const CAPACITY: usize = 10_000;

/// A verified token: its owner and when it expires.
#[derive(Debug, Clone)]
pub struct Verified {
    pub user: User,
    pub expires_at: Option<chrono::NaiveDateTime>,
}

/// A small time-limited map from token digest to its user. A revocation in
/// this process forgets the token at once; another process sharing the
/// database notices within `ttl` (`api.token_cache_seconds`).
#[derive(Debug)]
pub struct TokenCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Verified, Instant)>>,
}

impl TokenCache {
    pub fn new(ttl: Duration) -> TokenCache {
        TokenCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The user of a digest verified less than `ttl` ago.
    pub fn get(&self, digest: &str, now: Instant) -> Option<Verified> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(digest)
            .filter(|(_, at)| now.duration_since(*at) < self.ttl)
            .map(|(v, _)| v.clone())
    }

    /// Forgets revoked tokens.
    pub fn forget(&self, digests: &[String]) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        for d in digests {
            entries.remove(d);
        }
    }

    /// Forgets every token of a person (deactivated, or their role changed).
    pub fn forget_user(&self, user_id: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, (v, _)| v.user.id != user_id);
    }

    pub fn put(&self, digest: String, verified: Verified, now: Instant) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= CAPACITY {
            entries.retain(|_, (_, at)| now.duration_since(*at) < self.ttl);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(digest, (verified, now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    fn user() -> User {
        let t = chrono::NaiveDateTime::default();
        User {
            id: "u".into(),
            email: "a@b.c".into(),
            display_name: "A".into(),
            role: Role::Agent,
            password_hash: None,
            is_active: true,
            organization: None,
            created_at: t,
            updated_at: t,
            is_vip: false,
        }
    }

    fn verified() -> Verified {
        Verified {
            user: user(),
            expires_at: None,
        }
    }

    #[test]
    fn entries_expire_after_the_ttl_and_revoked_ones_are_forgotten() {
        let cache = TokenCache::new(Duration::from_secs(30));
        let t0 = Instant::now();
        cache.put("d".into(), verified(), t0);
        assert!(cache.get("d", t0 + Duration::from_secs(29)).is_some());
        assert!(cache.get("d", t0 + Duration::from_secs(30)).is_none());
        assert!(cache.get("other", t0).is_none());
        cache.forget(&["d".into()]);
        assert!(cache.get("d", t0).is_none());
        cache.put("e".into(), verified(), t0);
        cache.forget_user("u");
        assert!(cache.get("e", t0).is_none());
    }

    #[test]
    fn zero_ttl_disables_the_cache() {
        let cache = TokenCache::new(Duration::ZERO);
        let t0 = Instant::now();
        cache.put("d".into(), verified(), t0);
        assert!(cache.get("d", t0).is_none());
    }
}
