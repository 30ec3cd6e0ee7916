//! Who may do what. Roles are fixed; permissions are plain functions of the
//! role and, for tickets, of the person's relation to the ticket.

use crate::text_enum;

text_enum! {
    /// What a person does in itdesk.
    pub enum Role {
        /// Files tickets and follows their own.
        Requester = "requester",
        /// Works tickets in the queues.
        Agent = "agent",
        /// Triages and assigns the queues; an agent with oversight.
        Coordinator = "coordinator",
        /// Runs the asset and license books; sees the queues.
        AssetManager = "asset_manager",
        /// Everything, including users and tokens.
        Admin = "admin",
        /// Reads everything, changes nothing (auditors, leadership).
        Viewer = "viewer",
    }
}

impl Role {
    /// Staff see every ticket in the queues; requesters see their own.
    pub fn sees_all_tickets(self) -> bool {
        !matches!(self, Role::Requester)
    }

    /// Who may work tickets: comment internally, change status, assign.
    pub fn works_tickets(self) -> bool {
        matches!(
            self,
            Role::Agent | Role::Coordinator | Role::Admin | Role::AssetManager
        )
    }

    /// Who may be named as a ticket's assignee.
    pub fn assignable(self) -> bool {
        matches!(self, Role::Agent | Role::Coordinator | Role::Admin)
    }

    /// Who may file a ticket on behalf of another requester.
    pub fn files_for_others(self) -> bool {
        self.works_tickets()
    }

    /// Who may change the asset register.
    pub fn manages_assets(self) -> bool {
        matches!(self, Role::AssetManager | Role::Admin)
    }

    /// Who may change vendors and contracts.
    pub fn manages_contracts(self) -> bool {
        matches!(self, Role::Coordinator | Role::AssetManager | Role::Admin)
    }

    /// Who may read the asset register.
    pub fn sees_assets(self) -> bool {
        !matches!(self, Role::Requester)
    }

    /// Who may manage users and tokens.
    pub fn administers(self) -> bool {
        matches!(self, Role::Admin)
    }
}

/// A person's relation to one ticket, as far as access goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketRelation {
    pub is_requester: bool,
    pub is_watcher: bool,
}

/// Whether a person may see a ticket (and its public conversation).
pub fn may_view_ticket(role: Role, rel: TicketRelation) -> bool {
    role.sees_all_tickets() || rel.is_requester || rel.is_watcher
}

/// Whether a person may add a public comment or an attachment.
pub fn may_comment(role: Role, rel: TicketRelation) -> bool {
    role.works_tickets() || (role == Role::Requester && (rel.is_requester || rel.is_watcher))
}

/// Whether a person may read internal notes.
pub fn may_see_internal(role: Role) -> bool {
    role.sees_all_tickets()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: TicketRelation = TicketRelation {
        is_requester: true,
        is_watcher: false,
    };
    const WATCHED: TicketRelation = TicketRelation {
        is_requester: false,
        is_watcher: true,
    };
    const OTHER: TicketRelation = TicketRelation {
        is_requester: false,
        is_watcher: false,
    };

    #[test]
    fn requester_sees_own_and_watched_tickets_only() {
        assert!(may_view_ticket(Role::Requester, OWN));
        assert!(may_view_ticket(Role::Requester, WATCHED));
        assert!(!may_view_ticket(Role::Requester, OTHER));
        assert!(!may_see_internal(Role::Requester));
    }

    #[test]
    fn staff_see_every_ticket_but_viewers_cannot_comment() {
        for role in [Role::Agent, Role::Coordinator, Role::Admin, Role::Viewer] {
            assert!(may_view_ticket(role, OTHER), "{role}");
        }
        assert!(may_comment(Role::Agent, OTHER));
        assert!(!may_comment(Role::Viewer, OTHER));
        assert!(!may_comment(Role::Requester, OTHER));
        assert!(may_comment(Role::Requester, WATCHED));
    }

    #[test]
    fn only_ticket_workers_are_assignable() {
        assert!(Role::Agent.assignable());
        assert!(!Role::Requester.assignable());
        assert!(!Role::Viewer.assignable());
    }
}

/// Lower-cases and checks an email address: one `@`, a non-empty local
/// part, a domain with no spaces. Returns the stored form.
pub fn normalize_email(raw: &str) -> Result<String, &'static str> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err("must not be empty");
    }
    if email.len() > 254 {
        return Err("must be at most 254 characters");
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err("must be an email address like name@example.org");
    };
    let bad_char = |c: char| c.is_whitespace() || c.is_control() || "<>,;:\"()[]\\@".contains(c);
    if local.is_empty()
        || domain.is_empty()
        || domain.starts_with('.')
        || domain.ends_with('.')
        || local.chars().any(bad_char)
        || domain.chars().any(bad_char)
    {
        return Err("must be an email address like name@example.org");
    }
    Ok(email)
}

/// A readable name from an address: `jane.doe@x` → "Jane Doe".
pub fn name_from_email(email: &str) -> String {
    let local = email.split('@').next().unwrap_or(email);
    local
        .split(['.', '_', '-', '+'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut chars = p.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod email_tests {
    use super::*;

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            normalize_email("  Jane.Doe@Example.ORG ").unwrap(),
            "jane.doe@example.org"
        );
        for bad in [
            "",
            "jane",
            "@example.org",
            "jane@",
            "ja ne@example.org",
            "a@b@c",
            "x@.org",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn names_come_from_the_local_part() {
        assert_eq!(name_from_email("jane.doe@example.org"), "Jane Doe");
        assert_eq!(name_from_email("ops_team-2@x"), "Ops Team 2");
    }
}

/// How long a login to an account waits before its password is checked,
/// after `failures` recent failures: nothing for the first `free` ones,
/// then 1 s, 2 s, 4 s … up to `max_secs`. An account under attack slows
/// down instead of locking, so nobody can lock a colleague out; the hard
/// limit is per client address.
pub fn account_delay_secs(failures: i64, free: i64, max_secs: u64) -> u64 {
    if failures < free.max(0) {
        return 0;
    }
    let doublings = (failures - free.max(0)).min(32) as u32;
    (1u64 << doublings).min(max_secs)
}

#[cfg(test)]
mod delay_tests {
    use super::account_delay_secs;

    #[test]
    fn the_delay_grows_after_the_free_failures_and_stops_at_the_cap() {
        let delays: Vec<u64> = (0..10).map(|n| account_delay_secs(n, 5, 30)).collect();
        assert_eq!(delays, vec![0, 0, 0, 0, 0, 1, 2, 4, 8, 16]);
        assert_eq!(account_delay_secs(11, 5, 30), 30);
        assert_eq!(account_delay_secs(1_000, 5, 30), 30);
        assert_eq!(account_delay_secs(0, 0, 30), 1);
    }
}
