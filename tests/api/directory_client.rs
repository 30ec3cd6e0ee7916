//! The directory client against a real OpenLDAP server (`slapd`, one per
//! test binary, started by `tests/ldap/start-slapd.sh`).

use itdesk::directory::{BindOutcome, Flavor, NewAccount, Session, check_password};
use serde_json::json;

use crate::ldap_server::{SUFFIX, free_name, settings, slapd};

/// Values with LDAP filter or DN syntax in them.
const SYNTAX: [&str; 8] = [
    "Smith, John",
    "a*b(c)\\d",
    "#hash",
    "+plus",
    "\"quoted\"",
    "<angle>",
    "semi;colon",
    "eq=uals",
];

fn account(name: &str, given: &str, surname: &str, mail: &str) -> NewAccount {
    NewAccount {
        account: name.into(),
        given: given.into(),
        surname: surname.into(),
        mail: mail.into(),
        ..Default::default()
    }
}

#[test]
fn an_account_is_created_found_by_name_and_key_and_disabled_for_good() {
    let cfg = settings(&[]);
    let mut s = Session::open(cfg.clone()).expect("bind over StartTLS");
    let name = free_name(&mut s, ("Zoë", "O'Brien-Łukasiewicz"), Flavor::OpenLdap);
    assert_eq!(name, "zoe.obrien-lukasiewicz");
    let dn = s
        .create(&account(
            &name,
            "Zoë",
            "O'Brien-Łukasiewicz",
            "zoe@example.test",
        ))
        .unwrap();
    s.set_password(&dn, "First-login-7").unwrap();
    assert_eq!(
        check_password(&cfg, &dn, "First-login-7").unwrap(),
        BindOutcome::Accepted
    );
    assert_eq!(
        check_password(&cfg, &dn, "wrong").unwrap(),
        BindOutcome::Rejected
    );
    let empty = check_password(&cfg, &dn, "").unwrap();
    assert_eq!(
        empty,
        BindOutcome::Rejected,
        "empty is refused before a bind"
    );
    // The same name again is taken: the next one counts up.
    assert_eq!(
        free_name(&mut s, ("Zoe", "OBrien Lukasiewicz"), Flavor::OpenLdap),
        format!("{name}2")
    );

    let found = s
        .find_account(&name)
        .unwrap()
        .expect("found by account name");
    assert_eq!(found.dn, dn);
    assert_eq!(found.given, "Zoë");
    assert_eq!(found.surname, "O'Brien-Łukasiewicz");
    assert_eq!(found.key.len(), 36, "an entryUUID: {}", found.key);
    assert!(!found.disabled);
    let by_key = s.find_key(&found.key).unwrap().expect("found by key");
    assert_eq!(by_key.dn, dn);
    assert_eq!(
        s.find_login("zoe@example.test").unwrap().map(|e| e.dn),
        Some(dn.clone())
    );

    let moved = s.disable(&dn).unwrap();
    assert_eq!(
        moved.how,
        itdesk::directory::Disabling::PasswordRemoved,
        "no password policy here"
    );
    let moved = moved.dn;
    assert_eq!(moved, format!("uid={name},ou=disabled,{SUFFIX}"));
    assert_eq!(
        check_password(&cfg, &moved, "First-login-7").unwrap(),
        BindOutcome::Rejected
    );
    // Out of people_base: a search there no longer finds it; by key under
    // the whole suffix it is the same entry, disabled.
    assert!(s.find_account(&name).unwrap().is_none());
    let whole = settings(&[("directory.people_base", json!(SUFFIX))]);
    let mut wide = Session::open(whole).unwrap();
    let after = wide
        .find_key(&found.key)
        .unwrap()
        .expect("same key after the move");
    assert_eq!(after.dn, moved);
    assert!(after.disabled);
    // Disabling again changes nothing and fails nothing.
    assert_eq!(wide.disable(&moved).unwrap().dn, moved);
}

#[test]
fn values_with_ldap_syntax_in_them_are_escaped_in_every_filter() {
    let cfg = settings(&[]);
    let mut s = Session::open(cfg).unwrap();
    let hostile: Vec<&str> = SYNTAX.iter().copied().chain(["*"]).collect();
    let tag = std::process::id();
    let mut made = Vec::new();
    for (i, value) in hostile.iter().enumerate() {
        let name = format!("esc{tag}-{i}");
        let mail = format!("{value}@esc{tag}.test");
        let dn = s.create(&account(&name, value, value, &mail)).unwrap();
        made.push((dn, mail, value));
    }
    for (dn, mail, value) in &made {
        let hit = s.find_login(mail).unwrap().expect("found by mail");
        assert_eq!(&hit.dn, dn, "{value}");
        assert_eq!(&hit.surname, *value);
        assert_eq!(&hit.given, *value);
    }
    // A value that is all wildcard finds itself only, not everyone.
    for (dn, mail, _) in &made {
        let filter = format!("(mail={})", ldap3::ldap_escape(mail));
        let hits = s.search_people(&filter).unwrap();
        assert_eq!(hits.iter().map(|e| &e.dn).collect::<Vec<_>>(), vec![dn]);
    }
    assert!(
        s.find_account("*").unwrap().is_none(),
        "no account is named *"
    );
    assert!(s.groups_of("*").unwrap().is_empty());
}

/// With the account in the RDN (`attributes.account = "cn"`), names full of
/// DN syntax make entries that are found, and moved, intact.
#[test]
fn names_with_dn_syntax_make_entries_that_are_found_and_moved_intact() {
    let cfg = settings(&[("directory.attributes.account", json!("cn"))]);
    let mut s = Session::open(cfg).unwrap();
    let whole = settings(&[("directory.people_base", json!(SUFFIX))]);
    let mut wide = Session::open(whole).unwrap();
    let group = format!("cn=staff,ou=groups,{SUFFIX}");
    let tag = std::process::id();
    let extra = [" leading and trailing ", "back\\slash"];
    let names: Vec<&str> = SYNTAX.iter().copied().chain(extra).collect();
    for (i, value) in names.iter().enumerate() {
        let name = format!("{value} {tag}-{i}");
        let dn = s.create(&account(&name, "Dee", "En", "")).unwrap();
        let found = s.find_account(&name).unwrap().expect("found by its cn");
        // The server writes hex escapes in upper case (\2C for our \2c).
        assert!(found.dn.eq_ignore_ascii_case(&dn), "{} ≠ {dn}", found.dn);
        let moved = s.disable(&found.dn).unwrap().dn;
        assert!(
            moved.ends_with(&format!(",ou=disabled,{SUFFIX}")),
            "{moved}"
        );
        let after = wide
            .find_key(&found.key)
            .unwrap()
            .expect("same entry after the move");
        assert!(after.disabled, "{} → {moved}", found.dn);
        s.add_member(&group, &moved).unwrap();
        assert_eq!(s.groups_of(&moved).unwrap(), vec![group.clone()]);
        s.remove_member(&group, &moved).unwrap();
        assert!(s.groups_of(&moved).unwrap().is_empty());
    }
}

#[test]
fn a_group_of_names_keeps_a_member_when_the_last_one_leaves() {
    let cfg = settings(&[]);
    let mut s = Session::open(cfg).unwrap();
    let group = format!("cn=vpn,ou=groups,{SUFFIX}");
    let nobody = format!("cn=nobody,{SUFFIX}");
    let tag = std::process::id();
    let a = s
        .create(&account(&format!("grp{tag}-a"), "Ann", "Ash", ""))
        .unwrap();
    let b = s
        .create(&account(&format!("grp{tag}-b"), "Bo", "Birch", ""))
        .unwrap();
    s.add_member(&group, &a).unwrap();
    s.add_member(&group, &a).unwrap(); // twice: nothing more to do
    s.add_member(&group, &b).unwrap();
    assert_eq!(s.groups_of(&a).unwrap(), vec![group.clone()]);
    let holds = |s: &mut Session| s.groups_of(&nobody).unwrap().contains(&group);
    assert!(!holds(&mut s), "the placeholder left");
    s.remove_member(&group, &a).unwrap();
    s.remove_member(&group, &a).unwrap(); // not a member any more: nothing to do
    assert!(s.groups_of(&a).unwrap().is_empty());
    s.remove_member(&group, &b).unwrap();
    assert!(s.groups_of(&b).unwrap().is_empty());
    assert!(holds(&mut s), "the placeholder is back");
}

#[test]
fn a_server_that_is_not_there_or_refuses_says_so() {
    let cfg = settings(&[("directory.url", json!("ldap://127.0.0.1:1"))]);
    let err = Session::open(cfg).err().expect("nobody listens on port 1");
    assert!(err.retryable(), "{err}");
    let cfg = settings(&[("directory.bind_password", json!("not-it"))]);
    let err = Session::open(cfg).err().expect("a wrong service password");
    assert_eq!(err.code(), Some(49), "{err}");
    assert!(!err.retryable());
    assert!(err.to_string().contains("bind"), "{err}");
    // StartTLS against CAs that did not sign the server's certificate.
    let (_, dir) = slapd();
    let other = format!("{dir}/tls/other-ca.pem");
    let cfg = settings(&[("directory.ca_file", json!(other))]);
    let err = Session::open(cfg).err().expect("an untrusted certificate");
    assert!(err.to_string().contains("certificate"), "{err}");
    assert!(!err.retryable(), "a person must fix it: {err}");
    assert!(err.to_string().contains("directory.ca_file"), "{err}");
}

/// The next uidNumber is one above the highest in the whole domain (an
/// account moved out of `people_base` keeps its number), read page by page.
#[test]
fn posix_accounts_take_the_next_free_uid_number() {
    let cfg = settings(&[
        ("directory.posix.enabled", json!(true)),
        ("directory.posix.first_uid_number", json!(70000)),
        ("directory.page_size", json!(1)),
    ]);
    let tag = std::process::id();
    let (port, _) = slapd();
    let mut admin = ldap3::LdapConn::new(&format!("ldap://127.0.0.1:{port}")).unwrap();
    admin
        .simple_bind(&format!("cn=admin,{SUFFIX}"), "adminpw")
        .unwrap()
        .success()
        .unwrap();
    let away = format!("uid=px{tag}-away,ou=disabled,{SUFFIX}");
    let uid = format!("px{tag}-away");
    admin
        .add(
            &away,
            vec![
                ("objectClass", ["inetOrgPerson", "posixAccount"].into()),
                ("uid", [uid.as_str()].into()),
                ("cn", ["Away"].into()),
                ("sn", ["Away"].into()),
                ("uidNumber", ["70500"].into()),
                ("gidNumber", ["100"].into()),
                ("homeDirectory", ["/home/away"].into()),
            ],
        )
        .unwrap()
        .success()
        .unwrap();
    let mut s = Session::open(cfg.clone()).unwrap();
    let a = s
        .create(&account(&format!("px{tag}-a"), "Pat", "Ash", ""))
        .unwrap();
    let b = s
        .create(&account(&format!("px{tag}-b"), "Pim", "Oak", ""))
        .unwrap();
    let read = |admin: &mut ldap3::LdapConn, dn: &str| {
        let (found, _) = admin
            .search(
                dn,
                ldap3::Scope::Base,
                "(objectClass=posixAccount)",
                vec!["uidNumber", "homeDirectory"],
            )
            .unwrap()
            .success()
            .unwrap();
        let e = ldap3::SearchEntry::construct(found.into_iter().next().expect("a posixAccount"));
        (
            e.attrs["uidNumber"][0].clone(),
            e.attrs["homeDirectory"][0].clone(),
        )
    };
    assert_eq!(
        read(&mut admin, &a),
        ("70501".into(), format!("/home/px{tag}-a")),
        "above the one outside people_base"
    );
    assert_eq!(read(&mut admin, &b).0, "70502");
}
