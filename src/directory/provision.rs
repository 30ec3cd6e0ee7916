//! Provisioning on a [`Session`]: accounts, passwords, groups, disabling.

use std::collections::HashSet;

use ldap3::exop::PasswordModify;
use ldap3::{Mod, Scope, SearchEntry, dn_escape, ldap_escape};

use super::client::{NewAccount, Session, UAC_DISABLED, UAC_NORMAL, parent_of, rdn_of, same_dn};
use super::error::DirectoryError;
use super::ppolicy::{Disabled, Disabling};
use super::settings::Flavor;

/// The attributes of an entry to add; empty values are left out.
#[derive(Default)]
struct Attrs(Vec<(String, HashSet<String>)>);

impl Attrs {
    /// One more value (an attribute named twice, as `cn` may be, gets both).
    fn put(&mut self, attr: &str, value: &str) {
        if value.trim().is_empty() {
            return;
        }
        match self
            .0
            .iter_mut()
            .find(|(a, _)| a.eq_ignore_ascii_case(attr))
        {
            Some((_, values)) => {
                values.insert(value.to_owned());
            }
            None => self
                .0
                .push((attr.to_owned(), HashSet::from([value.to_owned()]))),
        }
    }

    fn classes(&mut self, classes: &[&str]) {
        let set = classes.iter().map(|c| c.to_string()).collect();
        self.0.push(("objectClass".into(), set));
    }
}

impl Session {
    /// Creates the account (disabled and without a password on AD until
    /// [`Session::set_password`] and [`Session::enable`]); answers its DN.
    pub fn create(&mut self, new: &NewAccount) -> Result<String, DirectoryError> {
        let dn = self.dn_for(new)?;
        let display = format!("{} {}", new.given, new.surname).trim().to_owned();
        let mut entry = Attrs::default();
        let a = &self.attrs;
        let surname = if new.surname.is_empty() {
            &new.account
        } else {
            &new.surname
        };
        for (attr, value) in [
            (&a.account, &new.account),
            (&a.given, &new.given),
            (&a.surname, surname),
            (&a.mail, &new.mail),
            (&a.department, &new.department),
            (&a.title, &new.title),
            (&a.manager, &new.manager_dn),
            (&a.employee_id, &new.employee_id),
        ] {
            entry.put(attr, value);
        }
        match self.settings.flavor {
            Flavor::OpenLdap => self.openldap_entry(new, &display, &mut entry)?,
            Flavor::Ad => {
                entry.put(&self.attrs.display_name, &display);
                let upn = format!("{}@{}", new.account, self.settings.upn_suffix.trim());
                entry.put("userPrincipalName", &upn);
                entry.put(
                    "userAccountControl",
                    &(UAC_NORMAL | UAC_DISABLED).to_string(),
                );
                entry.classes(&["top", "person", "organizationalPerson", "user"]);
            }
        }
        self.conn
            .with_timeout(self.timeout)
            .add(&dn, entry.0)
            .map_err(DirectoryError::from)?
            .success()
            .map_err(|e| DirectoryError::refused("create the account", e))?;
        Ok(dn)
    }

    /// The DN [`Session::create`] would give the account now (on AD the
    /// `cn` is made unique in its OU, so this reads the directory).
    pub fn dn_for(&mut self, new: &NewAccount) -> Result<String, DirectoryError> {
        let ou = if new.ou.trim().is_empty() {
            self.settings.new_users_ou.clone()
        } else {
            new.ou.clone()
        };
        let display = format!("{} {}", new.given, new.surname).trim().to_owned();
        let (rdn_attr, rdn_value) = match self.settings.flavor {
            Flavor::OpenLdap => (self.attrs.account.clone(), new.account.clone()),
            Flavor::Ad => ("cn".to_owned(), self.free_cn(&ou, &display)?),
        };
        Ok(format!("{rdn_attr}={},{ou}", dn_escape(&rdn_value)))
    }

    /// What an OpenLDAP account has besides the common facts: `cn`, its
    /// classes, and the POSIX attributes when those are on.
    fn openldap_entry(
        &mut self,
        new: &NewAccount,
        display: &str,
        entry: &mut Attrs,
    ) -> Result<(), DirectoryError> {
        entry.put(
            "cn",
            if display.is_empty() {
                &new.account
            } else {
                display
            },
        );
        if self.attrs.display_name != "cn" {
            entry.put(&self.attrs.display_name, display);
        }
        let mut classes = vec!["top", "person", "organizationalPerson", "inetOrgPerson"];
        if self.settings.posix.enabled {
            classes.push("posixAccount");
            let uid = self.next_uid_number()?.to_string();
            let posix = &self.settings.posix;
            entry.put("uidNumber", &uid);
            entry.put("gidNumber", &posix.gid_number.to_string());
            entry.put(
                "homeDirectory",
                &posix.home_directory.replace("{account}", &new.account),
            );
            entry.put("loginShell", &posix.login_shell);
        }
        entry.classes(&classes);
        Ok(())
    }

    /// Sets a password: Password Modify (RFC 3062) on OpenLDAP, `unicodePwd`
    /// (quoted, UTF-16LE) on AD.
    pub fn set_password(&mut self, dn: &str, password: &str) -> Result<(), DirectoryError> {
        if password.is_empty() {
            // OpenLDAP would make up a password of its own and we would lose it.
            return Err(DirectoryError::Config(
                "an empty password is not set".into(),
            ));
        }
        match self.settings.flavor {
            Flavor::OpenLdap => self.password_modify(dn, None, password, "set the password")?,
            Flavor::Ad => {
                let value = ad_password(password);
                let change = vec![Mod::Replace(b"unicodePwd".to_vec(), HashSet::from([value]))];
                self.conn
                    .with_timeout(self.timeout)
                    .modify(dn, change)
                    .map_err(DirectoryError::from)?
                    .success()
                    .map_err(|e| DirectoryError::refused("set the password", e))?;
            }
        }
        Ok(())
    }

    /// Password Modify (RFC 3062) for the entry `dn`; with `old`, the
    /// server checks it before it changes anything.
    pub(super) fn password_modify(
        &mut self,
        dn: &str,
        old: Option<&str>,
        new: &str,
        what: &str,
    ) -> Result<(), DirectoryError> {
        let op = PasswordModify {
            user_id: Some(dn),
            old_pass: old,
            new_pass: Some(new),
        };
        self.conn
            .with_timeout(self.timeout)
            .extended(op)
            .map_err(DirectoryError::from)?
            .success()
            .map_err(|e| DirectoryError::refused(what, e))?;
        Ok(())
    }

    /// AD: turns a created account on; `must_change` makes its owner change
    /// the password at first logon (`pwdLastSet = 0`). OpenLDAP accounts are
    /// usable once they have a password.
    pub fn enable(&mut self, dn: &str, must_change: bool) -> Result<(), DirectoryError> {
        if self.settings.flavor != Flavor::Ad {
            return Ok(());
        }
        let mut changes = vec![Mod::Replace(
            "userAccountControl".to_owned(),
            HashSet::from([UAC_NORMAL.to_string()]),
        )];
        if must_change {
            changes.push(Mod::Replace(
                "pwdLastSet".to_owned(),
                HashSet::from(["0".to_owned()]),
            ));
        }
        self.modify(dn, changes, "enable the account")
    }

    /// Adds `member` to the group (already a member: nothing to do). On
    /// OpenLDAP the placeholder `empty_group_member` leaves the group.
    pub fn add_member(&mut self, group: &str, member: &str) -> Result<(), DirectoryError> {
        if self.is_member(group, member)? {
            return Ok(());
        }
        let mut changes = vec![Mod::Add(
            "member".to_owned(),
            HashSet::from([member.to_owned()]),
        )];
        let holder = self.settings.empty_group_member.trim().to_owned();
        if self.settings.flavor == Flavor::OpenLdap
            && !holder.is_empty()
            && self.is_member(group, &holder)?
        {
            changes.push(Mod::Delete("member".to_owned(), HashSet::from([holder])));
        }
        self.modify(group, changes, "add to the group")
    }

    /// Removes `member` from the group (not a member: nothing to do). A
    /// `groupOfNames` must keep one member (RFC 4519): removing the last one
    /// puts `empty_group_member` in its place.
    pub fn remove_member(&mut self, group: &str, member: &str) -> Result<(), DirectoryError> {
        if !self.is_member(group, member)? {
            return Ok(());
        }
        // The server matches the value by DN equality, whatever the
        // escaping or case it stores.
        let mut changes = vec![Mod::Delete(
            "member".to_owned(),
            HashSet::from([member.to_owned()]),
        )];
        if self.settings.flavor == Flavor::OpenLdap && self.members(group)?.len() == 1 {
            let holder = self.settings.empty_group_member.trim().to_owned();
            changes.insert(0, Mod::Add("member".to_owned(), HashSet::from([holder])));
        }
        self.modify(group, changes, "remove from the group")
    }

    /// Whether the group names `member`, as the server compares DNs.
    fn is_member(&mut self, group: &str, member: &str) -> Result<bool, DirectoryError> {
        let filter = format!("(member={})", ldap_escape(member));
        let (entries, _) = self
            .conn
            .with_timeout(self.timeout)
            .search(group, Scope::Base, &filter, vec!["1.1"])
            .map_err(DirectoryError::from)?
            .success()
            .map_err(|e| DirectoryError::refused("read the group", e))?;
        Ok(!entries.is_empty())
    }

    /// The groups under `groups_base` that name `member` directly.
    pub fn groups_of(&mut self, member: &str) -> Result<Vec<String>, DirectoryError> {
        self.group_dns(&format!("(member={})", ldap_escape(member)))
    }

    /// The DNs of the groups under `groups_base` matching `filter` (its
    /// values escaped by the caller).
    pub(super) fn group_dns(&mut self, filter: &str) -> Result<Vec<String>, DirectoryError> {
        let base = self.settings.groups_base.clone();
        let (entries, _) = self
            .conn
            .with_timeout(self.timeout)
            .search(&base, Scope::Subtree, filter, vec!["1.1"])
            .map_err(DirectoryError::from)?
            .success()
            .map_err(|e| DirectoryError::refused("search groups_base", e))?;
        Ok(entries
            .into_iter()
            .map(|e| SearchEntry::construct(e).dn)
            .collect())
    }

    /// Disables the account: AD sets ACCOUNTDISABLE; OpenLDAP locks it
    /// (`pwdAccountLockedTime`) where the ppolicy overlay is present and the
    /// lock holds, else removes the password (so no bind succeeds). Either way it moves
    /// to `disabled_ou` when that is set; answers where it ends and how.
    pub fn disable(&mut self, dn: &str) -> Result<Disabled, DirectoryError> {
        let flavor = self.settings.flavor;
        let how = match flavor {
            Flavor::Ad => {
                let uac = self.read_one(dn, "userAccountControl")?;
                let uac = uac.parse::<u32>().unwrap_or(UAC_NORMAL) | UAC_DISABLED;
                let changes = vec![Mod::Replace(
                    "userAccountControl".to_owned(),
                    HashSet::from([uac.to_string()]),
                )];
                self.modify(dn, changes, "disable the account")?;
                Disabling::AccountDisabled
            }
            Flavor::OpenLdap if self.lock_if_policed(dn)? => Disabling::Locked,
            Flavor::OpenLdap => {
                // Sent blind: the service account need not be able to read
                // the password; none there (16) is as good as removed.
                let changes = vec![Mod::Delete("userPassword".to_owned(), HashSet::new())];
                match self.modify(dn, changes, "remove the password") {
                    Err(e) if e.code() == Some(16) => {}
                    other => other?,
                }
                Disabling::PasswordRemoved
            }
        };
        let target = self.settings.disabled_ou.trim().to_owned();
        let dn = if target.is_empty() {
            dn.to_owned()
        } else {
            self.move_to(dn, &target)?
        };
        Ok(Disabled { dn, how })
    }

    /// Writes a person's department and title on their entry (a move), so
    /// that the next sync reads them back unchanged; `None` leaves one as
    /// it is.
    pub fn set_job(
        &mut self,
        dn: &str,
        department: Option<&str>,
        title: Option<&str>,
    ) -> Result<(), DirectoryError> {
        let mut changes = Vec::new();
        for (attr, value) in [
            (&self.attrs.department, department),
            (&self.attrs.title, title),
        ] {
            match value.map(str::trim) {
                None => {}
                Some("") => changes.push(Mod::Replace(attr.clone(), HashSet::new())),
                Some(v) => changes.push(Mod::Replace(attr.clone(), HashSet::from([v.to_owned()]))),
            }
        }
        if changes.is_empty() {
            return Ok(());
        }
        self.modify(dn, changes, "change the department and title")
    }

    /// Moves an entry under `ou` (already there: nothing to do); answers
    /// its DN there.
    pub fn move_to(&mut self, dn: &str, ou: &str) -> Result<String, DirectoryError> {
        if parent_of(dn).is_some_and(|p| same_dn(p, ou)) {
            return Ok(dn.to_owned());
        }
        let rdn = rdn_of(dn).to_owned();
        self.conn
            .with_timeout(self.timeout)
            .modifydn(dn, &rdn, true, Some(ou))
            .map_err(DirectoryError::from)?
            .success()
            .map_err(|e| DirectoryError::refused("move the entry", e))?;
        Ok(format!("{rdn},{ou}"))
    }

    fn members(&mut self, group: &str) -> Result<Vec<String>, DirectoryError> {
        let (entries, _) = self
            .conn
            .with_timeout(self.timeout)
            .search(group, Scope::Base, "(objectClass=*)", vec!["member"])
            .map_err(DirectoryError::from)?
            .success()
            .map_err(|e| DirectoryError::refused("read the group", e))?;
        let entry = entries.into_iter().next().map(SearchEntry::construct);
        Ok(entry
            .and_then(|mut e| e.attrs.remove("member"))
            .unwrap_or_default())
    }
}

/// `"password"` as AD wants it in `unicodePwd`: quoted, UTF-16LE.
pub(super) fn ad_password(password: &str) -> Vec<u8> {
    format!("\"{password}\"")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ad_password;

    #[test]
    fn ad_passwords_are_quoted_utf16_little_endian() {
        assert_eq!(ad_password("Ab1"), b"\"\0A\0b\x001\0\"\0".to_vec());
    }
}
