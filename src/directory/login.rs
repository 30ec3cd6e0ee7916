//! What LDAP login needs beyond a bind: the groups that decide a person's
//! role (nested ones on AD), the role they give, and a person changing
//! their own password with the old one (a new hire's first login).

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use ldap3::exop::PasswordModify;
use ldap3::{Mod, ldap_escape};

use super::client::{Session, connect, normalize_dn};
use super::error::DirectoryError;
use super::ppolicy::{self, PolicyError};
use super::provision::ad_password;
use super::settings::{DirectorySettings, Flavor};
use crate::auth::Role;

/// AD's LDAP_MATCHING_RULE_IN_CHAIN: membership through nested groups.
const IN_CHAIN: &str = "1.2.840.113556.1.4.1941";

impl Session {
    /// The groups under `groups_base` that count for `member`'s role:
    /// nested ones too on AD (the in-chain matching rule), direct
    /// membership on OpenLDAP.
    pub fn login_groups(&mut self, member: &str) -> Result<Vec<String>, DirectoryError> {
        let filter = match self.settings.flavor {
            Flavor::OpenLdap => return self.groups_of(member),
            Flavor::Ad => format!("(member:{IN_CHAIN}:={})", ldap_escape(member)),
        };
        self.group_dns(&filter)
    }
}

/// How much a role may do, to pick the most of several groups.
fn rank(role: Role) -> u8 {
    match role {
        Role::Requester => 0,
        Role::Viewer => 1,
        Role::Agent => 2,
        Role::AssetManager => 3,
        Role::Coordinator => 4,
        Role::Admin => 5,
    }
}

/// The role `groups` give under `directory.group_roles` (the one that may
/// do most); `None` when no mapping is configured (roles are kept as they
/// are in itdesk), requester when none of the groups is mapped.
pub fn role_of(group_roles: &BTreeMap<String, Role>, groups: &[String]) -> Option<Role> {
    if group_roles.is_empty() {
        return None;
    }
    let mine: HashSet<String> = groups.iter().map(|g| normalize_dn(g)).collect();
    Some(
        group_roles
            .iter()
            .filter(|(dn, _)| mine.contains(&normalize_dn(dn)))
            .map(|(_, role)| *role)
            .max_by_key(|r| rank(*r))
            .unwrap_or(Role::Requester),
    )
}

/// A person changes their own password, proving the old one: on AD the
/// service account deletes the old `unicodePwd` and adds the new one in
/// one modify (a change, not a reset, so AD checks the old value and the
/// history; it works when the password must be changed and a bind as the
/// person is refused); on OpenLDAP the person binds and asks for Password
/// Modify with the old password (an expired one: see `change_expired`).
pub fn change_own_password(
    settings: &std::sync::Arc<DirectorySettings>,
    dn: &str,
    old: &str,
    new: &str,
) -> Result<(), DirectoryError> {
    if old.is_empty() || new.is_empty() {
        return Err(DirectoryError::Config("passwords may not be empty".into()));
    }
    match settings.flavor {
        Flavor::Ad => {
            let mut s = Session::open(settings.clone())?;
            let change = vec![
                Mod::Delete(b"unicodePwd".to_vec(), HashSet::from([ad_password(old)])),
                Mod::Add(b"unicodePwd".to_vec(), HashSet::from([ad_password(new)])),
            ];
            let done = s.modify(dn, change, "change the password");
            s.close();
            done
        }
        Flavor::OpenLdap => {
            let mut conn = connect(settings)?;
            let timeout = Duration::from_millis(settings.timeout_ms);
            conn.with_timeout(timeout).with_controls(ppolicy::request());
            let bound = conn.simple_bind(dn, old).map_err(DirectoryError::from)?;
            if bound.rc == 49
                && ppolicy::error_in(&bound.ctrls) == Some(PolicyError::PasswordExpired)
            {
                let _ = conn.unbind();
                return change_expired(settings, dn, old, new);
            }
            bound
                .success()
                .map_err(|e| DirectoryError::refused("bind with the old password", e))?;
            let op = PasswordModify {
                user_id: None,
                old_pass: Some(old),
                new_pass: Some(new),
            };
            let done = conn
                .with_timeout(timeout)
                .extended(op)
                .map_err(DirectoryError::from)
                .and_then(|r| {
                    r.success()
                        .map_err(|e| DirectoryError::refused("change the password", e))
                });
            let _ = conn.unbind();
            done.map(|_| ())
        }
    }
}

/// The shortest new password [`change_expired`] sets.
pub const ASSISTED_MIN_LENGTH: usize = 12;

/// OpenLDAP refuses the person's own bind once their password has expired
/// (no grace logins left): the service account asks for the change,
/// giving the old password, which slapd checks before it changes anything.
/// Made by the service account, the change escapes the policy's quality
/// rules where that account is a password administrator, so itdesk asks
/// for [`ASSISTED_MIN_LENGTH`] characters itself.
fn change_expired(
    settings: &std::sync::Arc<DirectorySettings>,
    dn: &str,
    old: &str,
    new: &str,
) -> Result<(), DirectoryError> {
    if new.chars().count() < ASSISTED_MIN_LENGTH {
        // A password administrator's change skips the policy's quality
        // rules; this one is the person's own choice, so ask for length.
        return Err(DirectoryError::Refused {
            what: "change the password".into(),
            code: 19,
            text: format!("at least {ASSISTED_MIN_LENGTH} characters"),
        });
    }
    let mut s = Session::open(settings.clone())?;
    let done = s.password_modify(dn, Some(old), new, "change the password");
    if done.is_ok() {
        s.clear_reset(dn);
    }
    s.close();
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_group_that_may_do_most_decides_and_unmapped_people_request() {
        let mut roles = BTreeMap::new();
        assert_eq!(
            role_of(&roles, &["cn=x".into()]),
            None,
            "no mapping: keep roles"
        );
        roles.insert("CN=Helpdesk,OU=Groups,DC=x".to_owned(), Role::Agent);
        roles.insert("cn=leads,ou=groups,dc=x".to_owned(), Role::Coordinator);
        let groups = [
            "cn=helpdesk, ou=groups, dc=x".to_owned(),
            "CN=Leads,OU=Groups,DC=X".to_owned(),
        ];
        assert_eq!(role_of(&roles, &groups), Some(Role::Coordinator));
        assert_eq!(role_of(&roles, &groups[..1]), Some(Role::Agent));
        assert_eq!(role_of(&roles, &[]), Some(Role::Requester));
    }
}
