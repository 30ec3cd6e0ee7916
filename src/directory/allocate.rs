//! What a new account must not share: a `cn` in its OU (AD) and a POSIX
//! `uidNumber` in the domain.

use ldap3::{Scope, ldap_escape};

use super::client::{Session, domain_of, first};
use super::error::DirectoryError;

impl Session {
    /// A `cn` not yet used in `ou` (AD wants it unique there): the name,
    /// then "name 2", "name 3", …
    pub(super) fn free_cn(&mut self, ou: &str, display: &str) -> Result<String, DirectoryError> {
        for n in 1.. {
            let cn = if n == 1 {
                display.to_owned()
            } else {
                format!("{display} {n}")
            };
            let filter = format!("(cn={})", ldap_escape(&cn));
            let (found, _) = self
                .conn
                .with_timeout(self.timeout)
                .search(ou, Scope::OneLevel, &filter, vec!["1.1"])
                .map_err(DirectoryError::from)?
                .success()
                .map_err(|e| DirectoryError::refused("search new_users_ou", e))?;
            if found.is_empty() {
                return Ok(cn);
            }
        }
        unreachable!("an unbounded range ends only by returning")
    }

    /// One more than the highest uidNumber anywhere in the domain (an
    /// account outside `people_base` holds its number too), and at least
    /// `posix.first_uid_number`. The search is paged. Two allocations at
    /// once would pick the same number: callers serialize them (onboarding
    /// holds a lock across processes while it creates an account).
    pub(super) fn next_uid_number(&mut self) -> Result<u32, DirectoryError> {
        let base = domain_of(&self.settings.people_base);
        let entries = self.paged(
            &base,
            "(uidNumber=*)",
            vec!["uidNumber".to_owned()],
            "search uidNumber",
        )?;
        let highest = entries
            .into_iter()
            .filter_map(|e| first(&e, "uidNumber").parse::<u32>().ok())
            .max();
        let first_free = self.settings.posix.first_uid_number;
        Ok(highest.map_or(first_free, |h| (h + 1).max(first_free)))
    }
}
