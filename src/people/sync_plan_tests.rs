use super::*;

fn entry(key: &str, account: &str, given: &str, surname: &str) -> Entry {
    Entry {
        dn: format!("uid={account},ou=people,dc=x"),
        key: key.into(),
        account: account.into(),
        given: given.into(),
        surname: surname.into(),
        display_name: format!("{given} {surname}"),
        mail: format!("{account}@example.test"),
        ..Entry::default()
    }
}

/// The person `e` would be after a sync, linked to it.
fn known_as(e: &Entry, user_id: &str) -> Known {
    Known {
        user_id: user_id.into(),
        email: e.mail.clone(),
        display_name: e.display_name.clone(),
        is_active: true,
        is_person: true,
        given: e.given.clone(),
        surname: e.surname.clone(),
        dn: Some(e.dn.clone()),
        key: Some(e.key.clone()),
        account_name: Some(e.account.clone()),
        flavor: Some("openldap".into()),
        manager_id: None,
        ..Known::default()
    }
}

fn kinds(p: &Plan) -> Vec<&'static str> {
    p.actions
        .iter()
        .map(|a| match a {
            Action::Create { .. } => "create",
            Action::Update { .. } => "update",
            Action::Deactivate { .. } => "deactivate",
            Action::Skip { .. } => "skip",
        })
        .collect()
}

#[test]
fn a_new_entry_is_created_and_a_linked_one_left_alone() {
    let ada = entry("k1", "ada", "Ada", "Lovelace");
    let bob = entry("k2", "bob", "Bob", "Byte");
    let p = plan(&[ada.clone(), bob], &[known_as(&ada, "u1")], "openldap");
    assert_eq!(kinds(&p), ["create"]);
    assert_eq!(p.unchanged, 1);
    let Action::Create { user_id, wanted } = &p.actions[0] else {
        unreachable!()
    };
    assert_eq!(*user_id, None);
    assert_eq!(wanted.email, "bob@example.test");
    assert_eq!(wanted.account_name.as_deref(), Some("bob"));
}

#[test]
fn a_rename_and_an_ou_move_update_the_same_person() {
    let before = entry("k1", "ada", "Ada", "Lovelace");
    let mut after = before.clone();
    after.surname = "King".into();
    after.display_name = "Ada King".into();
    after.dn = "uid=ada,ou=engineering,ou=people,dc=x".into();
    let p = plan(&[after], &[known_as(&before, "u1")], "openldap");
    let Action::Update {
        user_id, changed, ..
    } = &p.actions[0]
    else {
        panic!("{p:?}")
    };
    assert_eq!(user_id, "u1");
    assert_eq!(*changed, ["surname", "name", "directory"]);
}

#[test]
fn disabled_and_vanished_entries_deactivate_their_people() {
    let ada = entry("k1", "ada", "Ada", "Lovelace");
    let bob = entry("k2", "bob", "Bob", "Byte");
    let mut ada_off = ada.clone();
    ada_off.disabled = true;
    let mut elsewhere = known_as(&entry("k9", "ivy", "Ivy", "Ad"), "u9");
    elsewhere.flavor = Some("ad".into());
    let known = [known_as(&ada, "u1"), known_as(&bob, "u2"), elsewhere];
    let p = plan(&[ada_off], &known, "openldap");
    assert_eq!(kinds(&p), ["deactivate", "deactivate"]);
    let reasons: Vec<_> = p
        .actions
        .iter()
        .map(|a| match a {
            Action::Deactivate {
                user_id, reason, ..
            } => (user_id.as_str(), reason.as_str()),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        reasons,
        [
            ("u1", "disabled in the directory"),
            ("u2", "no longer found under people_base")
        ],
        "a key of the other flavor is not judged by this directory"
    );
    let mut inactive = known_as(&bob, "u2");
    inactive.is_active = false;
    assert!(plan(&[], &[inactive], "openldap").actions.is_empty());
}

#[test]
fn unlinked_people_are_found_by_employee_id_then_by_address() {
    let mut ada = entry("k1", "ada", "Ada", "Lovelace");
    ada.employee_id = "E1".into();
    let mut by_id = known_as(&ada, "u1");
    by_id.key = None;
    by_id.email = "old@example.test".into();
    by_id.employee_id = Some("E1".into());
    let bob = entry("k2", "bob", "Bob", "Byte");
    let mut contact = known_as(&bob, "u2");
    contact.is_person = false;
    contact.key = None;
    let p = plan(&[ada, bob], &[by_id, contact], "openldap");
    assert_eq!(kinds(&p), ["update", "create"]);
    let Action::Update { changed, .. } = &p.actions[0] else {
        unreachable!()
    };
    assert_eq!(*changed, ["email", "directory"]);
    let Action::Create { user_id, .. } = &p.actions[1] else {
        unreachable!()
    };
    assert_eq!(
        user_id.as_deref(),
        Some("u2"),
        "the contact becomes a person"
    );
}

#[test]
fn managers_are_found_among_the_entries_new_or_known() {
    let boss = entry("k1", "boss", "Big", "Boss");
    let mut new_boss = entry("k3", "nb", "New", "Boss");
    new_boss.dn = "UID=nb, OU=People,DC=x".into();
    let mut ada = entry("k2", "ada", "Ada", "Lovelace");
    ada.manager_dn = boss.dn.to_uppercase();
    let mut bob = entry("k4", "bob", "Bob", "Byte");
    bob.manager_dn = "uid=nb,ou=people,dc=x".into();
    let mut ivy = entry("k5", "ivy", "Ivy", "Ad");
    ivy.manager_dn = "uid=outside,dc=elsewhere".into();
    let p = plan(
        &[boss.clone(), new_boss, ada, bob, ivy],
        &[known_as(&boss, "u1")],
        "openldap",
    );
    let managers: Vec<_> = p
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Create { wanted, .. } => Some((wanted.key.as_str(), wanted.manager.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        managers,
        [
            ("k3", Some(None)),
            ("k2", Some(Some(ManagerRef::Known("u1".into())))),
            ("k4", Some(Some(ManagerRef::New("k3".into())))),
            ("k5", None),
        ]
    );
}

#[test]
fn what_another_person_holds_is_not_taken_and_is_said() {
    let ada = entry("k1", "ada", "Ada", "Lovelace");
    let mut ada_now = ada.clone();
    ada_now.mail = "bob@example.test".into();
    ada_now.employee_id = "E2".into();
    let bob = entry("k2", "bob", "Bob", "Byte");
    let mut bob_known = known_as(&bob, "u2");
    bob_known.employee_id = Some("E2".into());
    let mut no_mail = entry("k3", "nomail", "No", "Mail");
    no_mail.mail.clear();
    let mut twin = entry("k4", "twin", "Twin", "Bob");
    twin.mail = "bob@example.test".into();
    let p = plan(
        &[ada_now, bob, no_mail, twin],
        &[known_as(&ada, "u1"), bob_known],
        "openldap",
    );
    assert_eq!(kinds(&p), ["skip", "skip"], "{p:?}");
    assert_eq!(
        p.unchanged, 2,
        "ada keeps her address and has no id to take"
    );
    assert_eq!(p.notes.len(), 2);
    assert!(p.notes.iter().any(|(_, n)| n.contains("employee id E2")));
}

#[test]
fn two_new_entries_never_claim_one_address_or_employee_id() {
    let mut a = entry("k1", "a", "Ann", "A");
    a.employee_id = "E7".into();
    let mut b = entry("k2", "b", "Ben", "B");
    b.employee_id = "E7".into();
    b.mail = a.mail.clone();
    let mut c = entry("k3", "c", "Cy", "C");
    c.mail = "not an address".into();
    let p = plan(&[a, b, c], &[], "openldap");
    assert_eq!(kinds(&p), ["create", "skip", "skip"], "{p:?}");
    assert!(
        p.notes
            .iter()
            .any(|(_, n)| n.contains("E7 is on another entry"))
    );
    let Action::Skip { reason, .. } = &p.actions[2] else {
        unreachable!()
    };
    assert!(reason.contains("not a mail address"), "{reason}");
}
