//! What a bind as a person says: the password is right, wrong, or right
//! but the account may not log in as it stands (Active Directory tells
//! which in the `data` code of its diagnostic text).

use std::time::Duration;

use ldap3::LdapError;

use super::client::connect;
use super::error::DirectoryError;
use super::ppolicy::{self, PolicyError};
use super::settings::{DirectorySettings, Flavor};

/// The outcome of a person's bind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindOutcome {
    /// Bound: the password is theirs.
    Accepted,
    /// Wrong password, unknown entry, or an empty password (refused
    /// before any bind: LDAP reads it as an anonymous bind that "succeeds").
    Rejected,
    /// The password is right but must be changed first (AD `data 773`:
    /// reset by an administrator, `pwdLastSet = 0`; OpenLDAP's password
    /// policy: `changeAfterReset`).
    MustChange,
    /// The password has expired (AD `data 532`; OpenLDAP's password
    /// policy: `passwordExpired`).
    Expired,
    /// The account is disabled (AD `data 533`) or has expired (`data 701`).
    Disabled,
    /// Locked out after too many failures (AD `data 775`), or locked by an
    /// administrator (OpenLDAP's password policy: `accountLocked`).
    Locked,
    /// Not allowed at this time or from this workstation (AD `data 530`,
    /// `531`).
    NotNow,
}

/// Binds as `dn` with `password` on a connection of its own.
pub fn check_password(
    settings: &DirectorySettings,
    dn: &str,
    password: &str,
) -> Result<BindOutcome, DirectoryError> {
    if password.is_empty() || dn.trim().is_empty() {
        return Ok(BindOutcome::Rejected);
    }
    let mut conn = connect(settings)?;
    conn.with_timeout(Duration::from_millis(settings.timeout_ms));
    if settings.flavor == Flavor::OpenLdap {
        // Asks the password policy overlay, if there is one, to say why.
        conn.with_controls(ppolicy::request());
    }
    let result = conn
        .simple_bind(dn, password)
        .map_err(DirectoryError::from)?;
    let _ = conn.unbind();
    let policy = ppolicy::error_in(&result.ctrls);
    match (result.rc, policy) {
        // Bound, but only to change the password (reset by an administrator).
        (0, Some(PolicyError::ChangeAfterReset)) => Ok(BindOutcome::MustChange),
        (0, _) => Ok(BindOutcome::Accepted),
        (49, Some(PolicyError::PasswordExpired)) => Ok(BindOutcome::Expired),
        (49, Some(PolicyError::AccountLocked)) => Ok(BindOutcome::Locked),
        (49, Some(PolicyError::ChangeAfterReset)) => Ok(BindOutcome::MustChange),
        (49, _) => Ok(outcome_of_49(&result.text)), // invalidCredentials
        _ => Err(DirectoryError::refused("bind", LdapError::from(result))),
    }
}

/// What an invalidCredentials answer means, from AD's diagnostic text
/// (`80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext
/// error, data 773, v4563`); OpenLDAP gives none: a wrong password.
fn outcome_of_49(text: &str) -> BindOutcome {
    let data = text
        .split(',')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("data "))
        .map(|code| code.trim().to_ascii_lowercase());
    match data.as_deref() {
        Some("773") => BindOutcome::MustChange,
        Some("532") => BindOutcome::Expired,
        Some("533") | Some("701") => BindOutcome::Disabled,
        Some("775") => BindOutcome::Locked,
        Some("530") | Some("531") => BindOutcome::NotNow,
        _ => BindOutcome::Rejected, // 525 no such user, 52e wrong password
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ad_says_why_a_right_password_is_not_enough() {
        let ad = |data: &str| {
            format!(
                "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data {data}, v4563"
            )
        };
        assert_eq!(outcome_of_49(&ad("773")), BindOutcome::MustChange);
        assert_eq!(outcome_of_49(&ad("532")), BindOutcome::Expired);
        assert_eq!(outcome_of_49(&ad("533")), BindOutcome::Disabled);
        assert_eq!(outcome_of_49(&ad("701")), BindOutcome::Disabled);
        assert_eq!(outcome_of_49(&ad("775")), BindOutcome::Locked);
        assert_eq!(outcome_of_49(&ad("530")), BindOutcome::NotNow);
        assert_eq!(outcome_of_49(&ad("52e")), BindOutcome::Rejected);
        assert_eq!(outcome_of_49(&ad("525")), BindOutcome::Rejected);
        // OpenLDAP says nothing more than invalidCredentials.
        assert_eq!(outcome_of_49(""), BindOutcome::Rejected);
    }
}
