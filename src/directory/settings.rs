//! `[directory]`: where the LDAP or Active Directory server is and how its
//! entries are laid out. The directory is in use when `url` is set.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::auth::Role;

/// Which kind of server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Flavor {
    /// OpenLDAP (`inetOrgPerson`, Password Modify, `groupOfNames`).
    #[serde(rename = "openldap")]
    OpenLdap,
    /// Active Directory or Samba AD (`user`, `unicodePwd`, `group`).
    #[serde(rename = "ad")]
    Ad,
}

impl Flavor {
    /// As written in the configuration (and kept on linked people).
    pub fn as_str(self) -> &'static str {
        match self {
            Flavor::OpenLdap => "openldap",
            Flavor::Ad => "ad",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectorySettings {
    pub url: String,
    pub starttls: bool,
    pub ca_file: String,
    pub bind_dn: String,
    pub bind_password: String,
    pub bind_password_file: String,
    pub flavor: Flavor,
    pub people_base: String,
    pub groups_base: String,
    pub new_users_ou: String,
    pub disabled_ou: String,
    pub username_pattern: String,
    pub upn_suffix: String,
    pub empty_group_member: String,
    pub timeout_ms: u64,
    pub page_size: i32,
    /// Minutes between periodic syncs of people (0: only on demand).
    pub sync_interval_minutes: u32,
    pub posix: PosixSettings,
    pub attributes: Attributes,
    pub group_roles: BTreeMap<String, Role>,
}

/// `[directory.posix]`: OpenLDAP accounts that are also `posixAccount`s.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PosixSettings {
    pub enabled: bool,
    pub first_uid_number: u32,
    pub gid_number: u32,
    pub home_directory: String,
    pub login_shell: String,
}

/// `[directory.attributes]`: the attribute each fact is read from and
/// written to; empty means the flavor's usual one ([`Attributes::resolved`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attributes {
    pub account: String,
    pub given: String,
    pub surname: String,
    pub display_name: String,
    pub mail: String,
    pub department: String,
    pub title: String,
    pub manager: String,
    pub employee_id: String,
    pub key: String,
}

impl Attributes {
    /// Every attribute named, the flavor's defaults where the setting is empty.
    pub fn resolved(&self, flavor: Flavor) -> Attributes {
        let (account, display, department, employee, key) = match flavor {
            Flavor::OpenLdap => (
                "uid",
                "cn",
                "departmentNumber",
                "employeeNumber",
                "entryUUID",
            ),
            Flavor::Ad => (
                "sAMAccountName",
                "displayName",
                "department",
                "employeeID",
                "objectGUID",
            ),
        };
        let pick = |set: &str, default: &str| {
            if set.trim().is_empty() {
                default.to_owned()
            } else {
                set.trim().to_owned()
            }
        };
        Attributes {
            account: pick(&self.account, account),
            given: pick(&self.given, "givenName"),
            surname: pick(&self.surname, "sn"),
            display_name: pick(&self.display_name, display),
            mail: pick(&self.mail, "mail"),
            department: pick(&self.department, department),
            title: pick(&self.title, "title"),
            manager: pick(&self.manager, "manager"),
            employee_id: pick(&self.employee_id, employee),
            key: pick(&self.key, key),
        }
    }
}

impl DirectorySettings {
    /// Whether a directory is configured at all.
    pub fn in_use(&self) -> bool {
        !self.url.trim().is_empty()
    }

    /// The bind password: `bind_password`, or the first line of
    /// `bind_password_file` when that is set.
    pub fn bind_secret(&self) -> Result<String, String> {
        let file = self.bind_password_file.trim();
        if file.is_empty() {
            return Ok(self.bind_password.clone());
        }
        std::fs::read_to_string(file)
            .map(|s| s.lines().next().unwrap_or("").to_owned())
            .map_err(|e| format!("directory.bind_password_file {file}: {e}"))
    }

    pub fn validate(&self) -> Result<(), String> {
        if !self.in_use() {
            return Ok(());
        }
        let url = self.url.trim();
        let tls = url.starts_with("ldaps://");
        if !(tls || url.starts_with("ldap://")) {
            return Err(format!(
                "directory.url `{url}` must start with ldap:// or ldaps://"
            ));
        }
        if self.flavor == Flavor::Ad && !tls && !self.starttls {
            return Err(
                "directory.flavor = \"ad\" needs ldaps:// or starttls = true: \
                 Active Directory and Samba refuse password writes (and, by default, \
                 simple binds) over a connection in the clear"
                    .into(),
            );
        }
        if tls && self.starttls {
            return Err(
                "directory.starttls applies to ldap:// URLs; ldaps:// is TLS already".into(),
            );
        }
        for (key, value) in [
            ("bind_dn", &self.bind_dn),
            ("people_base", &self.people_base),
            ("groups_base", &self.groups_base),
            ("new_users_ou", &self.new_users_ou),
        ] {
            if value.trim().is_empty() {
                return Err(format!("directory.{key} must be set when directory.url is"));
            }
        }
        if self.flavor == Flavor::OpenLdap && self.empty_group_member.trim().is_empty() {
            return Err(
                "directory.empty_group_member must be set for OpenLDAP: a groupOfNames \
                 keeps at least one member (RFC 4519)"
                    .into(),
            );
        }
        if self.flavor == Flavor::Ad && self.upn_suffix.trim().is_empty() {
            return Err("directory.upn_suffix (e.g. \"example.org\") must be set for AD".into());
        }
        if !self.new_users_ou.trim().is_empty()
            && !super::client::within(&self.new_users_ou, &self.people_base)
        {
            return Err(format!(
                "directory.new_users_ou ({}) must lie inside directory.people_base ({}): \
                 accounts made elsewhere are found by neither login nor sync",
                self.new_users_ou.trim(),
                self.people_base.trim()
            ));
        }
        if !(1..=1000).contains(&self.page_size) {
            return Err("directory.page_size must be 1–1000 (AD answers at most 1,000)".into());
        }
        if self.timeout_ms == 0 {
            return Err("directory.timeout_ms must be at least 1".into());
        }
        // ca_file and bind_password_file are read when a session opens,
        // with errors that name them.
        super::names::check_pattern(&self.username_pattern)
    }
}
