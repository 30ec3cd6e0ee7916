//! What a directory sync changes, as a pure function of the directory's
//! entries and the people itdesk knows: each entry is matched by its stable
//! key, else by employee id, else by address (so renames and OU moves
//! update the same person), and people linked to keys the complete search
//! no longer found are deactivated.

use std::collections::{HashMap, HashSet};

use super::domain::full_name;
use crate::directory::Entry;
use crate::directory::client::normalize_dn;

/// A person (or a contact account that may become one) as itdesk has them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Known {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub is_active: bool,
    /// Whether the account has a `people` row (else it is a contact).
    pub is_person: bool,
    pub given: String,
    pub surname: String,
    pub employee_id: Option<String>,
    pub department: Option<String>,
    pub title: Option<String>,
    pub manager_id: Option<String>,
    pub dn: Option<String>,
    pub key: Option<String>,
    pub account_name: Option<String>,
    pub flavor: Option<String>,
}

/// A manager: an account itdesk has, or one this sync creates (by key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManagerRef {
    Known(String),
    New(String),
}

/// What an entry says a person is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Wanted {
    pub key: String,
    pub dn: String,
    pub account_name: Option<String>,
    pub email: String,
    pub display_name: String,
    pub given: String,
    pub surname: String,
    pub employee_id: Option<String>,
    pub department: Option<String>,
    pub title: Option<String>,
    /// `None`: leave the manager as it is (the entry names none that this
    /// sync can find); `Some(None)`: no manager.
    pub manager: Option<Option<ManagerRef>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A new person: on the account `user_id` when one has the address,
    /// else on a new account.
    Create {
        user_id: Option<String>,
        wanted: Wanted,
    },
    /// A person whose entry changed: the fields that differ.
    Update {
        user_id: String,
        wanted: Wanted,
        changed: Vec<&'static str>,
    },
    /// A person whose entry is disabled or gone.
    Deactivate {
        user_id: String,
        name: String,
        reason: String,
    },
    /// An entry left alone, and why.
    Skip { dn: String, reason: String },
}

/// Every action, and how many people were already right.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub actions: Vec<Action>,
    pub unchanged: usize,
    /// Things the sync could not apply as the directory has them (an
    /// address or employee id another person holds), by DN.
    pub notes: Vec<(String, String)>,
}

/// The plan for `entries` (a complete search of `people_base`) against
/// `known`, for a directory of `flavor` (`openldap` or `ad`).
pub fn plan(entries: &[Entry], known: &[Known], flavor: &str) -> Plan {
    let by_key: HashMap<&str, &Known> = known
        .iter()
        .filter_map(|k| k.key.as_deref().map(|key| (key, k)))
        .collect();
    let by_employee: HashMap<&str, &Known> = known
        .iter()
        .filter(|k| k.key.is_none())
        .filter_map(|k| k.employee_id.as_deref().map(|e| (e, k)))
        .collect();
    let by_email: HashMap<&str, &Known> = known.iter().map(|k| (k.email.as_str(), k)).collect();
    let entry_keys: HashSet<&str> = entries.iter().map(|e| e.key.as_str()).collect();
    let mut out = Plan::default();
    // Each entry's person, when there is one.
    let mut matched: Vec<Option<&Known>> = Vec::with_capacity(entries.len());
    let mut taken: HashSet<&str> = HashSet::new();
    for e in entries {
        let m = by_key
            .get(e.key.as_str())
            .or_else(|| by_employee.get(e.employee_id.trim()))
            .or_else(|| {
                by_email
                    .get(e.mail.trim().to_lowercase().as_str())
                    // Linked to another entry that still exists: not this one.
                    .filter(|k| k.key.as_deref().is_none_or(|key| !entry_keys.contains(key)))
            })
            .copied()
            .filter(|k| taken.insert(k.user_id.as_str()));
        matched.push(m);
    }
    let refs = manager_refs(entries, &matched);
    let owners = Owners::of(known);
    // Addresses and employee ids new people claim in this plan.
    let mut claimed: HashSet<String> = HashSet::new();
    for (e, m) in entries.iter().zip(&matched) {
        let mut wanted = wanted_of(e, &refs);
        if let Some(id) = &wanted.employee_id
            && m.is_none_or(|k| k.employee_id.as_ref() != Some(id))
            && !claimed.insert(format!("id:{id}"))
        {
            out.notes.push((
                e.dn.clone(),
                format!("employee id {id} is on another entry too"),
            ));
            wanted.employee_id = None;
        }
        owners.settle(
            &mut wanted,
            m.map(|k| k.user_id.as_str()),
            e,
            &mut out.notes,
        );
        match m {
            Some(k) => compare(k, wanted, e, &mut out),
            None => out
                .actions
                .push(unknown_entry(e, wanted, &owners, &mut claimed)),
        }
    }
    for k in known {
        let gone = k.flavor.as_deref() == Some(flavor)
            && k.key
                .as_deref()
                .is_some_and(|key| !entry_keys.contains(key));
        if gone && k.is_active && !taken.contains(k.user_id.as_str()) {
            out.actions.push(Action::Deactivate {
                user_id: k.user_id.clone(),
                name: k.display_name.clone(),
                reason: "no longer found under people_base".into(),
            });
        }
    }
    out
}

/// What to do with an entry nobody here matches: a new person, or left
/// out and why.
fn unknown_entry(
    e: &Entry,
    wanted: Wanted,
    owners: &Owners<'_>,
    claimed: &mut HashSet<String>,
) -> Action {
    let skip = |reason: String| Action::Skip {
        dn: e.dn.clone(),
        reason,
    };
    if e.disabled {
        skip("disabled in the directory; not imported".into())
    } else if wanted.email.is_empty() {
        skip("no mail address".into())
    } else if crate::auth::domain::normalize_email(&wanted.email).is_err() {
        skip(format!("`{}` is not a mail address", wanted.email))
    } else if !claimed.insert(format!("mail:{}", wanted.email)) {
        skip(format!("{} is on another entry too", wanted.email))
    } else if owners.emails.contains_key(wanted.email.as_str()) {
        skip(format!(
            "{} belongs to another person's entry",
            wanted.email
        ))
    } else {
        Action::Create {
            user_id: None,
            wanted,
        }
    }
}

/// Each entry's normalized DN → who it is (for managers).
fn manager_refs(entries: &[Entry], matched: &[Option<&Known>]) -> HashMap<String, ManagerRef> {
    entries
        .iter()
        .zip(matched)
        .map(|(e, m)| {
            let r = match m {
                Some(k) => ManagerRef::Known(k.user_id.clone()),
                None => ManagerRef::New(e.key.clone()),
            };
            (normalize_dn(&e.dn), r)
        })
        .collect()
}

fn some(v: &str) -> Option<String> {
    Some(v.trim()).filter(|v| !v.is_empty()).map(str::to_owned)
}

fn wanted_of(e: &Entry, refs: &HashMap<String, ManagerRef>) -> Wanted {
    let manager = if e.manager_dn.trim().is_empty() {
        Some(None)
    } else {
        refs.get(&normalize_dn(&e.manager_dn)).cloned().map(Some)
    };
    let given = e.given.trim().to_owned();
    let surname = e.surname.trim().to_owned();
    let display_name = some(&e.display_name).unwrap_or_else(|| full_name(&given, &surname));
    Wanted {
        key: e.key.clone(),
        dn: e.dn.clone(),
        account_name: some(&e.account),
        email: e.mail.trim().to_lowercase(),
        display_name,
        given,
        surname,
        employee_id: some(&e.employee_id),
        department: some(&e.department),
        title: some(&e.title),
        manager,
    }
}

/// Who holds each address and employee id now.
struct Owners<'a> {
    emails: HashMap<&'a str, &'a str>,
    employee_ids: HashMap<&'a str, &'a str>,
}

impl<'a> Owners<'a> {
    fn of(known: &'a [Known]) -> Owners<'a> {
        Owners {
            emails: known
                .iter()
                .map(|k| (k.email.as_str(), k.user_id.as_str()))
                .collect(),
            employee_ids: known
                .iter()
                .filter(|k| k.is_person)
                .filter_map(|k| k.employee_id.as_deref().map(|e| (e, k.user_id.as_str())))
                .collect(),
        }
    }

    /// Drops from `wanted` what another person holds (noted), keeping the
    /// person's own values instead.
    fn settle(
        &self,
        wanted: &mut Wanted,
        me: Option<&str>,
        e: &Entry,
        notes: &mut Vec<(String, String)>,
    ) {
        let other = |owner: Option<&&str>| owner.is_some_and(|o| Some(*o) != me);
        if let Some(id) = &wanted.employee_id
            && other(self.employee_ids.get(id.as_str()))
        {
            notes.push((
                e.dn.clone(),
                format!("employee id {id} belongs to another person"),
            ));
            wanted.employee_id = None;
        }
        if me.is_some() && other(self.emails.get(wanted.email.as_str())) {
            notes.push((
                e.dn.clone(),
                format!("{} belongs to another account", wanted.email),
            ));
            wanted.email.clear();
        }
    }
}

/// An update when the entry differs from the person, a deactivation when
/// the entry is disabled; else one more unchanged.
fn compare(k: &Known, wanted: Wanted, e: &Entry, out: &mut Plan) {
    if !k.is_person {
        out.actions.push(Action::Create {
            user_id: Some(k.user_id.clone()),
            wanted,
        });
        return;
    }
    let mut changed = Vec::new();
    let mut differs = |field: &'static str, a: bool| {
        if a {
            changed.push(field);
        }
    };
    differs("given_name", k.given != wanted.given);
    differs("surname", k.surname != wanted.surname);
    differs("email", !wanted.email.is_empty() && k.email != wanted.email);
    differs("name", k.display_name != wanted.display_name);
    differs(
        "employee_id",
        wanted.employee_id.is_some() && k.employee_id != wanted.employee_id,
    );
    differs("department", k.department != wanted.department);
    differs("title", k.title != wanted.title);
    differs(
        "manager",
        match &wanted.manager {
            None => false,
            Some(None) => k.manager_id.is_some(),
            Some(Some(ManagerRef::Known(id))) => k.manager_id.as_ref() != Some(id),
            Some(Some(ManagerRef::New(_))) => true,
        },
    );
    differs(
        "directory",
        k.key.as_deref() != Some(wanted.key.as_str())
            || k.dn.as_deref() != Some(wanted.dn.as_str())
            || k.account_name != wanted.account_name,
    );
    let deactivate = e.disabled && k.is_active;
    if changed.is_empty() && !deactivate {
        out.unchanged += 1;
        return;
    }
    if !changed.is_empty() {
        out.actions.push(Action::Update {
            user_id: k.user_id.clone(),
            wanted,
            changed,
        });
    }
    if deactivate {
        out.actions.push(Action::Deactivate {
            user_id: k.user_id.clone(),
            name: k.display_name.clone(),
            reason: "disabled in the directory".into(),
        });
    }
}

#[cfg(test)]
#[path = "sync_plan_tests.rs"]
mod tests;
