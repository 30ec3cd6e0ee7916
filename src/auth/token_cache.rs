//! Verified API tokens remembered for a short while, keyed by their digest
//! (never the token itself), so a busy integration does not pay a database
//! lookup on every request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::model::User;

/// Most tokens remembered; beyond that the cache starts over.
const CAPACITY: usize = 10_000;

/// A small time-limited map from token digest to its user.
#[derive(Debug)]
pub struct TokenCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (User, Instant)>>,
}

impl TokenCache {
    pub fn new(ttl: Duration) -> TokenCache {
        TokenCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The user of a digest verified less than `ttl` ago.
    pub fn get(&self, digest: &str, now: Instant) -> Option<User> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(digest)
            .filter(|(_, at)| now.duration_since(*at) < self.ttl)
            .map(|(user, _)| user.clone())
    }

    pub fn put(&self, digest: String, user: User, now: Instant) {
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
        entries.insert(digest, (user, now));
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

    #[test]
    fn entries_expire_after_the_ttl() {
        let cache = TokenCache::new(Duration::from_secs(30));
        let t0 = Instant::now();
        cache.put("d".into(), user(), t0);
        assert!(cache.get("d", t0 + Duration::from_secs(29)).is_some());
        assert!(cache.get("d", t0 + Duration::from_secs(30)).is_none());
        assert!(cache.get("other", t0).is_none());
    }

    #[test]
    fn zero_ttl_disables_the_cache() {
        let cache = TokenCache::new(Duration::ZERO);
        let t0 = Instant::now();
        cache.put("d".into(), user(), t0);
        assert!(cache.get("d", t0).is_none());
    }
}
