//! One bound LDAP session: the operations provisioning and sync need, in
//! the configured flavor. Blocking (ldap3's `LdapConn` owns a small
//! runtime of its own): call it from a blocking thread, never from async
//! code, and drop it there too.

use std::sync::Arc;
use std::time::Duration;

use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::{LdapConn, LdapConnSettings, Mod, Scope, SearchEntry, ldap_escape};

use super::error::DirectoryError;
use super::settings::{Attributes, DirectorySettings, Flavor};

/// AD `userAccountControl`: a normal account, and the bit that disables it.
pub(super) const UAC_NORMAL: u32 = 0x200;
pub(super) const UAC_DISABLED: u32 = 0x2;

/// A person's entry as the directory has it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    pub dn: String,
    /// entryUUID (OpenLDAP) or objectGUID (AD, as 32 hex digits).
    pub key: String,
    pub account: String,
    pub given: String,
    pub surname: String,
    pub display_name: String,
    pub mail: String,
    pub department: String,
    pub title: String,
    pub manager_dn: String,
    pub employee_id: String,
    pub disabled: bool,
}

/// A new account, its name already free.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub account: String,
    pub given: String,
    pub surname: String,
    pub mail: String,
    pub department: String,
    pub title: String,
    pub manager_dn: String,
    pub employee_id: String,
    /// Where to create it (empty: `directory.new_users_ou`).
    pub ou: String,
}

/// A session bound as the service account.
pub struct Session {
    pub(super) conn: LdapConn,
    pub(super) settings: Arc<DirectorySettings>,
    pub(super) attrs: Attributes,
    pub(super) timeout: Duration,
}

impl Session {
    /// Connects and binds as `directory.bind_dn`.
    pub fn open(settings: Arc<DirectorySettings>) -> Result<Session, DirectoryError> {
        let secret = settings.bind_secret().map_err(DirectoryError::Config)?;
        if secret.is_empty() {
            // An empty password is an unauthenticated bind that "succeeds".
            return Err(DirectoryError::Config(
                "directory.bind_password (or bind_password_file) is empty".into(),
            ));
        }
        let mut conn = connect(&settings)?;
        let timeout = Duration::from_millis(settings.timeout_ms);
        conn.with_timeout(timeout)
            .simple_bind(&settings.bind_dn, &secret)
            .map_err(DirectoryError::from)?
            .success()
            .map_err(|e| DirectoryError::refused("bind as directory.bind_dn", e))?;
        let attrs = settings.attributes.resolved(settings.flavor);
        Ok(Session {
            conn,
            settings,
            attrs,
            timeout,
        })
    }

    pub fn flavor(&self) -> Flavor {
        self.settings.flavor
    }

    /// The person whose account name is `account`, under `people_base`.
    pub fn find_account(&mut self, account: &str) -> Result<Option<Entry>, DirectoryError> {
        let filter = format!("({}={})", self.attrs.account, ldap_escape(account));
        Ok(self.search_people(&filter)?.into_iter().next())
    }

    /// The person a login names: by mail or by account name.
    pub fn find_login(&mut self, login: &str) -> Result<Option<Entry>, DirectoryError> {
        let value = ldap_escape(login.trim());
        let filter = format!(
            "(|({}={value})({}={value}))",
            self.attrs.mail, self.attrs.account
        );
        Ok(self.search_people(&filter)?.into_iter().next())
    }

    /// The person whose stable key is `key`.
    pub fn find_key(&mut self, key: &str) -> Result<Option<Entry>, DirectoryError> {
        let filter = self.key_filter(key)?;
        Ok(self.search_people(&filter)?.into_iter().next())
    }

    /// The person whose stable key is `key` wherever in the domain the
    /// entry is (a disabled account moved out of `people_base`).
    pub fn find_key_in_domain(&mut self, key: &str) -> Result<Option<Entry>, DirectoryError> {
        let filter = self.key_filter(key)?;
        let base = domain_of(&self.settings.people_base);
        Ok(self.search_in(&base, &filter)?.into_iter().next())
    }

    fn key_filter(&self, key: &str) -> Result<String, DirectoryError> {
        Ok(match self.settings.flavor {
            Flavor::OpenLdap => format!("({}={})", self.attrs.key, ldap_escape(key)),
            // objectGUID is binary: each byte as \xx.
            Flavor::Ad => format!("({}={})", self.attrs.key, guid_filter(key)?),
        })
    }

    /// Every person under `people_base` matching `filter` (a filter whose
    /// values the caller escaped), page by page; referrals are skipped.
    pub fn search_people(&mut self, filter: &str) -> Result<Vec<Entry>, DirectoryError> {
        let base = self.settings.people_base.clone();
        self.search_in(&base, filter)
    }

    fn search_in(&mut self, base: &str, filter: &str) -> Result<Vec<Entry>, DirectoryError> {
        let class = match self.settings.flavor {
            Flavor::OpenLdap => "(objectClass=inetOrgPerson)",
            Flavor::Ad => "(&(objectCategory=person)(objectClass=user))",
        };
        let filter = format!("(&{class}{filter})");
        let attrs = self.read_attributes();
        let raw = self.paged(base, &filter, attrs, "search people_base")?;
        Ok(raw.into_iter().map(|e| self.entry(e)).collect())
    }

    /// Every entry under `base` matching `filter`, page by page (RFC 2696:
    /// AD answers at most 1,000 a page); `what` names the search in a
    /// refusal.
    pub(super) fn paged(
        &mut self,
        base: &str,
        filter: &str,
        attrs: Vec<String>,
        what: &str,
    ) -> Result<Vec<SearchEntry>, DirectoryError> {
        let adapters: Vec<Box<dyn Adapter<_, _>>> = vec![
            Box::new(EntriesOnly::new()),
            Box::new(PagedResults::new(self.settings.page_size)),
        ];
        let mut search = self
            .conn
            .with_timeout(self.timeout)
            .streaming_search_with(adapters, base, Scope::Subtree, filter, attrs)
            .map_err(DirectoryError::from)?;
        let mut raw = Vec::new();
        while let Some(entry) = search.next().map_err(DirectoryError::from)? {
            raw.push(SearchEntry::construct(entry));
        }
        search
            .result()
            .success()
            .map_err(|e| DirectoryError::refused(what, e))?;
        Ok(raw)
    }

    /// Whether an entry already has this account name: under `people_base`
    /// on OpenLDAP; anywhere in the domain on AD (`sAMAccountName` is
    /// unique domain-wide, whatever the OU).
    pub fn account_taken(&mut self, account: &str) -> Result<bool, DirectoryError> {
        if self.settings.flavor == Flavor::OpenLdap {
            return Ok(self.find_account(account)?.is_some());
        }
        let filter = format!("({}={})", self.attrs.account, ldap_escape(account));
        let base = domain_of(&self.settings.people_base);
        let adapters: Vec<Box<dyn Adapter<_, _>>> = vec![Box::new(EntriesOnly::new())];
        let mut search = self
            .conn
            .with_timeout(self.timeout)
            .streaming_search_with(adapters, &base, Scope::Subtree, &filter, vec!["1.1"])
            .map_err(DirectoryError::from)?;
        let mut taken = false;
        while search.next().map_err(DirectoryError::from)?.is_some() {
            taken = true;
        }
        search
            .result()
            .success()
            .map_err(|e| DirectoryError::refused("search the domain", e))?;
        Ok(taken)
    }

    /// Ends the session.
    pub fn close(mut self) {
        let _ = self.conn.unbind();
    }

    pub(super) fn modify<S: AsRef<[u8]> + Eq + std::hash::Hash>(
        &mut self,
        dn: &str,
        changes: Vec<Mod<S>>,
        what: &str,
    ) -> Result<(), DirectoryError> {
        self.conn
            .with_timeout(self.timeout)
            .modify(dn, changes)
            .map_err(DirectoryError::from)?
            .success()
            .map_err(|e| DirectoryError::refused(what, e))?;
        Ok(())
    }

    pub(super) fn read_one(&mut self, dn: &str, attr: &str) -> Result<String, DirectoryError> {
        let (entries, _) = self
            .conn
            .with_timeout(self.timeout)
            .search(dn, Scope::Base, "(objectClass=*)", vec![attr])
            .map_err(DirectoryError::from)?
            .success()
            .map_err(|e| DirectoryError::refused("read the entry", e))?;
        let entry = entries.into_iter().next().map(SearchEntry::construct);
        Ok(entry.map(|e| first(&e, attr)).unwrap_or_default())
    }

    fn read_attributes(&self) -> Vec<String> {
        let a = &self.attrs;
        let mut list = vec![
            a.key.clone(),
            a.account.clone(),
            a.given.clone(),
            a.surname.clone(),
            a.display_name.clone(),
            a.mail.clone(),
            a.department.clone(),
            a.title.clone(),
            a.manager.clone(),
            a.employee_id.clone(),
        ];
        match self.settings.flavor {
            Flavor::OpenLdap => list.push("pwdAccountLockedTime".into()),
            Flavor::Ad => list.push("userAccountControl".into()),
        }
        list
    }

    fn entry(&self, e: SearchEntry) -> Entry {
        let a = &self.attrs;
        let disabled = match self.settings.flavor {
            Flavor::OpenLdap => {
                let away = self.settings.disabled_ou.trim();
                first(&e, "pwdAccountLockedTime") == super::ppolicy::LOCKED_FOR_GOOD
                    || (!away.is_empty() && parent_of(&e.dn).is_some_and(|p| same_dn(p, away)))
            }
            Flavor::Ad => first(&e, "userAccountControl")
                .parse::<u32>()
                .is_ok_and(|uac| uac & UAC_DISABLED != 0),
        };
        let key = match self.settings.flavor {
            Flavor::OpenLdap => first(&e, &a.key),
            // Binary; ldap3 files a value under attrs when its bytes
            // happen to be valid UTF-8.
            Flavor::Ad => e
                .bin_attrs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&a.key))
                .and_then(|(_, v)| v.first())
                .map(|b| crate::text::hex(b))
                .unwrap_or_else(|| crate::text::hex(first(&e, &a.key).as_bytes())),
        };
        Entry {
            key,
            account: first(&e, &a.account),
            given: first(&e, &a.given),
            surname: first(&e, &a.surname),
            display_name: first(&e, &a.display_name),
            mail: first(&e, &a.mail),
            department: first(&e, &a.department),
            title: first(&e, &a.title),
            manager_dn: first(&e, &a.manager),
            employee_id: first(&e, &a.employee_id),
            disabled,
            dn: e.dn,
        }
    }
}

/// Connects (TLS per the settings) without binding.
pub fn connect(settings: &DirectorySettings) -> Result<LdapConn, DirectoryError> {
    let mut conn_settings = LdapConnSettings::new()
        .set_conn_timeout(Duration::from_millis(settings.timeout_ms))
        .set_starttls(settings.starttls);
    let url = settings.url.trim();
    if settings.starttls || url.starts_with("ldaps://") {
        conn_settings = conn_settings.set_config(Arc::new(super::tls::client_config(
            settings.ca_file.trim(),
        )?));
    }
    LdapConn::with_settings(conn_settings, url).map_err(DirectoryError::from)
}

pub(super) fn first(e: &SearchEntry, attr: &str) -> String {
    e.attrs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(attr))
        .and_then(|(_, v)| v.first().cloned())
        .unwrap_or_default()
}

/// A DN in one spelling: lowercase, no spaces around commas, so that two
/// spellings of one DN compare equal (hex escapes in either case too).
pub fn normalize_dn(dn: &str) -> String {
    dn.split(',')
        .map(|p| p.trim().to_lowercase())
        .collect::<Vec<_>>()
        .join(",")
}

/// Two DNs alike but for case and spaces after commas.
pub(super) fn same_dn(a: &str, b: &str) -> bool {
    normalize_dn(a) == normalize_dn(b)
}

/// Whether `dn` is `base` or an entry below it (spaces around `=` and
/// after commas, and case, do not count).
pub fn within(dn: &str, base: &str) -> bool {
    let tight = |d: &str| {
        normalize_dn(d)
            .split(',')
            .map(|rdn| match rdn.split_once('=') {
                Some((a, v)) => format!("{}={}", a.trim(), v.trim()),
                None => rdn.to_owned(),
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let (dn, base) = (tight(dn), tight(base));
    dn == base || dn.ends_with(&format!(",{base}"))
}

/// The first RDN of `dn` (an escaped `\,` is not a separator).
pub(super) fn rdn_of(dn: &str) -> &str {
    match parent_of(dn) {
        Some(parent) => &dn[..dn.len() - parent.len() - 1],
        None => dn,
    }
}

/// The DN above `dn` (an escaped `\,` is not a separator).
pub fn parent_of(dn: &str) -> Option<&str> {
    let bytes = dn.as_bytes();
    (0..bytes.len())
        .find(|&i| bytes[i] == b',' && (i == 0 || bytes[i - 1] != b'\\'))
        .map(|i| &dn[i + 1..])
}

/// The domain a DN is in: its trailing `DC=` components (the DN itself
/// when it has none).
pub fn domain_of(dn: &str) -> String {
    let parts: Vec<&str> = dn.split(',').map(str::trim).collect();
    let first_dc = parts
        .iter()
        .position(|p| p.len() > 3 && p[..3].eq_ignore_ascii_case("dc="))
        .unwrap_or(0);
    parts[first_dc..].join(",")
}

/// An objectGUID in hex (as [`Entry::key`] holds it, 32 digits) as a
/// filter value: each byte as `\xx`.
fn guid_filter(hex: &str) -> Result<String, DirectoryError> {
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(DirectoryError::Config(format!(
            "`{hex}` is not an objectGUID (32 hexadecimal digits)"
        )));
    }
    Ok(hex
        .as_bytes()
        .chunks(2)
        .map(|pair| format!("\\{}", String::from_utf8_lossy(pair)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_compare_without_case_or_spaces_and_escaped_commas_stay() {
        assert!(same_dn(
            "CN=Kim,OU=People, DC=example",
            "cn=kim,ou=people,dc=example"
        ));
        assert_eq!(
            parent_of(r"cn=Smith\, John,ou=people,dc=x"),
            Some("ou=people,dc=x")
        );
        assert_eq!(parent_of("dc=x"), None);
        assert_eq!(
            rdn_of(r"cn=Smith\, John,ou=people,dc=x"),
            r"cn=Smith\, John"
        );
        assert_eq!(rdn_of("dc=x"), "dc=x");
    }

    #[test]
    fn an_entry_is_within_its_base_whatever_the_spelling() {
        let base = "ou=people,dc=example,dc=org";
        assert!(within(base, base));
        assert!(within("OU=Sales, ou = People,DC=example,dc=org", base));
        assert!(within("uid=a,ou=sales,ou=people,dc=example,dc=org", base));
        assert!(!within("ou=groups,dc=example,dc=org", base));
        assert!(
            !within("ou=otherpeople,dc=example,dc=org", base),
            "not a suffix of a name"
        );
        assert!(!within("dc=example,dc=org", base), "above it");
    }

    #[test]
    fn the_domain_of_a_dn_is_its_dc_components() {
        assert_eq!(
            domain_of("OU=New hires,OU=Staff, DC=corp,DC=example"),
            "DC=corp,DC=example"
        );
        assert_eq!(domain_of("dc=example,dc=test"), "dc=example,dc=test");
    }

    #[test]
    fn object_guids_are_filtered_byte_by_byte() {
        let hex = "00112233445566778899aabbccddeeff";
        let want = r"\00\11\22\33\44\55\66\77\88\99\aa\bb\cc\dd\ee\ff";
        assert_eq!(guid_filter(hex).unwrap(), want);
        assert!(guid_filter("0a1B").is_err());
        assert!(guid_filter("zz112233445566778899aabbccddeeff").is_err());
    }
}
