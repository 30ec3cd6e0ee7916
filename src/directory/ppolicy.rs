//! OpenLDAP's password policy overlay (ppolicy,
//! draft-behera-ldap-password-policy): what a bind's response control says
//! (the password expired, must be changed after a reset, the account is
//! locked), and disabling an account by locking it where a policy applies.

use std::collections::HashSet;

use ldap3::controls::{Control, RawControl};
use ldap3::{Mod, Scope, SearchEntry};

use super::client::Session;
use super::error::DirectoryError;

/// The password policy request control; the response control has the
/// same OID.
pub const CONTROL: &str = "1.3.6.1.4.1.42.2.27.8.5.1";

/// The account usability control (OpenLDAP's ppolicy answers it).
const USABILITY: &str = "1.3.6.1.4.1.42.2.27.9.5.8";

/// `pwdAccountLockedTime` at this value locks the account until an
/// administrator removes it (any other value is a lockout after failed
/// logins, which ends by itself or when the password is reset).
pub(super) const LOCKED_FOR_GOOD: &str = "000001010000Z";

/// The request control to send with a bind (not critical: a server
/// without the overlay ignores it).
pub fn request() -> RawControl {
    RawControl {
        ctype: CONTROL.to_owned(),
        crit: false,
        val: None,
    }
}

/// What the policy said about a bind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyError {
    PasswordExpired,
    AccountLocked,
    ChangeAfterReset,
    /// Another of the draft's errors (quality, history, …).
    Other(u8),
}

/// The error in a password policy response control, if the server sent one:
/// ```text
/// PasswordPolicyResponseValue ::= SEQUENCE {
///    warning [0] CHOICE { timeBeforeExpiration [0] INTEGER,
///                         graceAuthNsRemaining [1] INTEGER } OPTIONAL,
///    error   [1] ENUMERATED { passwordExpired (0), accountLocked (1),
///                             changeAfterReset (2), … } OPTIONAL }
/// ```
pub fn error_in(ctrls: &[Control]) -> Option<PolicyError> {
    let value = ctrls
        .iter()
        .find(|c| c.1.ctype == CONTROL)
        .and_then(|c| c.1.val.as_deref())?;
    let code = error_of(value)?;
    Some(match code {
        0 => PolicyError::PasswordExpired,
        1 => PolicyError::AccountLocked,
        2 => PolicyError::ChangeAfterReset,
        n => PolicyError::Other(n),
    })
}

/// The `error [1]` element of the BER value (short and long length forms).
fn error_of(ber: &[u8]) -> Option<u8> {
    let (tag, body, _) = element(ber)?;
    if tag != 0x30 {
        return None;
    }
    let mut rest = body;
    while !rest.is_empty() {
        let (tag, value, next) = element(rest)?;
        if tag == 0x81 {
            return value.last().copied();
        }
        rest = next;
    }
    None
}

/// One BER element: its tag, its contents, and what follows it.
fn element(ber: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = ber.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| acc << 8 | *b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// How an account was disabled, to enable it again the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disabling {
    /// AD: the ACCOUNTDISABLE bit.
    AccountDisabled,
    /// OpenLDAP with a password policy: `pwdAccountLockedTime`; the
    /// password stays and works again once the lock is gone.
    Locked,
    /// OpenLDAP without one: the password is gone; a new one is needed.
    PasswordRemoved,
}

impl Disabling {
    pub fn as_str(self) -> &'static str {
        match self {
            Disabling::AccountDisabled => "account_disabled",
            Disabling::Locked => "locked",
            Disabling::PasswordRemoved => "password_removed",
        }
    }

    pub fn parse(s: &str) -> Option<Disabling> {
        [
            Disabling::AccountDisabled,
            Disabling::Locked,
            Disabling::PasswordRemoved,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// A disabled account: where it ends and how it was disabled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disabled {
    pub dn: String,
    pub how: Disabling,
}

impl Session {
    /// Locks the account where a password policy governs it; answers
    /// whether the lock holds. The overlay honours `pwdAccountLockedTime`
    /// only where a policy with `pwdLockout` applies, so the account
    /// usability control is asked before and after writing it; a lock that
    /// cannot be seen to hold is taken away again (and the caller removes
    /// the password instead).
    pub(super) fn lock_if_policed(&mut self, dn: &str) -> Result<bool, DirectoryError> {
        if !self.offers_control(CONTROL)? {
            return Ok(false);
        }
        // Usable before and not after: the lock did it (an expired or
        // already locked account says "not available" either way).
        let before = self.usable(dn)?;
        self.lock(dn)?;
        if before == Some(true) && self.usable(dn)? == Some(false) {
            return Ok(true);
        }
        self.unlock(dn)?;
        Ok(false)
    }

    /// Whether the root DSE lists `oid` among its supported controls.
    fn offers_control(&mut self, oid: &str) -> Result<bool, DirectoryError> {
        let (entries, _) = self
            .conn
            .with_timeout(self.timeout)
            .search("", Scope::Base, "(objectClass=*)", vec!["supportedControl"])
            .map_err(DirectoryError::from)?
            .success()
            .map_err(|e| DirectoryError::refused("read the root DSE", e))?;
        Ok(entries.into_iter().any(|e| {
            SearchEntry::construct(e)
                .attrs
                .get("supportedControl")
                .is_some_and(|v| v.iter().any(|c| c == oid))
        }))
    }

    /// What the account usability control says of the entry: `None` when
    /// the server says nothing (no policy applies, or the service account
    /// may not ask).
    fn usable(&mut self, dn: &str) -> Result<Option<bool>, DirectoryError> {
        let ask = RawControl {
            ctype: USABILITY.to_owned(),
            crit: false,
            val: None,
        };
        let (entries, _) = self
            .conn
            .with_timeout(self.timeout)
            .with_controls(ask)
            .search(dn, Scope::Base, "(objectClass=*)", vec!["1.1"])
            .map_err(DirectoryError::from)?
            .success()
            .map_err(|e| DirectoryError::refused("ask whether the account is usable", e))?;
        let value = entries.into_iter().next().and_then(|e| {
            e.1.into_iter()
                .find(|c| c.1.ctype == USABILITY)
                .and_then(|c| c.1.val)
        });
        // CHOICE { is_available [0] INTEGER, is_not_available [1] MoreInfo }
        Ok(value.and_then(|v| v.first().map(|tag| *tag == 0x80)))
    }

    /// Locks the account until an administrator unlocks it.
    fn lock(&mut self, dn: &str) -> Result<(), DirectoryError> {
        let changes = vec![Mod::Replace(
            "pwdAccountLockedTime".to_owned(),
            HashSet::from([LOCKED_FOR_GOOD.to_owned()]),
        )];
        self.modify(dn, changes, "lock the account")
    }

    /// Takes a lock away (none there: nothing to do).
    pub fn unlock(&mut self, dn: &str) -> Result<(), DirectoryError> {
        let changes = vec![Mod::Delete(
            "pwdAccountLockedTime".to_owned(),
            HashSet::<String>::new(),
        )];
        match self.modify(dn, changes, "unlock the account") {
            Err(e) if e.code() == Some(16) => Ok(()),
            other => other,
        }
    }

    /// After the service account changed a person's password for them
    /// (their own bind was refused as expired), the overlay marks it as
    /// reset by an administrator; the person chose it, so the mark goes.
    /// Best effort: a server that refuses leaves the person to change it
    /// once more.
    pub(super) fn clear_reset(&mut self, dn: &str) {
        let changes = vec![Mod::Delete("pwdReset".to_owned(), HashSet::<String>::new())];
        if let Err(e) = self.modify(dn, changes, "clear pwdReset")
            && e.code() != Some(16)
        {
            tracing::warn!(dn, error = %e, "pwdReset stays on the entry");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn control(val: &[u8]) -> Vec<Control> {
        vec![Control(
            None,
            RawControl {
                ctype: CONTROL.into(),
                crit: false,
                val: Some(val.to_vec()),
            },
        )]
    }

    #[test]
    fn the_policy_error_is_read_from_the_response_control() {
        // error: passwordExpired
        assert_eq!(
            error_in(&control(&[0x30, 0x03, 0x81, 0x01, 0x00])),
            Some(PolicyError::PasswordExpired)
        );
        // a warning (timeBeforeExpiration 300) and error changeAfterReset
        let both = [
            0x30, 0x09, 0xa0, 0x04, 0x80, 0x02, 0x01, 0x2c, 0x81, 0x01, 0x02,
        ];
        assert_eq!(
            error_in(&control(&both)),
            Some(PolicyError::ChangeAfterReset)
        );
        // long-form length
        assert_eq!(
            error_in(&control(&[0x30, 0x81, 0x03, 0x81, 0x01, 0x01])),
            Some(PolicyError::AccountLocked)
        );
        // a warning only, an empty sequence, garbage, no control at all
        assert_eq!(
            error_in(&control(&[0x30, 0x05, 0xa0, 0x03, 0x81, 0x01, 0x02])),
            None
        );
        assert_eq!(error_in(&control(&[0x30, 0x00])), None);
        assert_eq!(error_in(&control(&[0x30, 0x05, 0x81])), None);
        assert_eq!(error_in(&[]), None);
    }

    #[test]
    fn the_way_of_disabling_reads_back() {
        for d in [
            Disabling::AccountDisabled,
            Disabling::Locked,
            Disabling::PasswordRemoved,
        ] {
            assert_eq!(Disabling::parse(d.as_str()), Some(d));
        }
        assert_eq!(Disabling::parse("gone"), None);
    }
}
