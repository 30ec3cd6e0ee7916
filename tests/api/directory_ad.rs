//! The directory client, sync and login against a real Samba AD domain
//! controller (`tests/samba/start-samba.sh`, one per test run).

use itdesk::directory::login::change_own_password;
use itdesk::directory::{BindOutcome, Flavor, NewAccount, Session, check_password};
use serde_json::{Value, json};

use crate::ad_server::{self, fresh_ou, group, in_ou};
use crate::helpers::{browser, csrf_of, login, page_text, post_form, spawn_app_with};
use crate::ldap_server::{blocking, free_name};

fn session(ou: &str) -> Session {
    Session::open(ad_server::settings(&in_ou(ou))).expect("bind to the DC over StartTLS")
}

fn hire(s: &mut Session, given: &str, surname: &str, mail: &str) -> (String, String) {
    let account = free_name(s, (given, surname), Flavor::Ad);
    let dn = s
        .create(&NewAccount {
            account: account.clone(),
            given: given.into(),
            surname: surname.into(),
            mail: mail.into(),
            department: "Finance".into(),
            ..Default::default()
        })
        .expect("create the user");
    (account, dn)
}

/// The DN the server gives the entry a DN names (a base search).
fn same_entry(dn: &str) -> String {
    let (entries, _) = ad_server::admin()
        .search(dn, ldap3::Scope::Base, "(objectClass=*)", vec!["1.1"])
        .unwrap()
        .success()
        .unwrap();
    ldap3::SearchEntry::construct(entries.into_iter().next().expect("the entry")).dn
}

#[test]
fn a_new_hire_is_created_disabled_given_a_password_and_must_change_it_at_first_logon() {
    let ou = fresh_ou("hire");
    let cfg = ad_server::settings(&in_ou(&ou));
    let mut s = session(&ou);
    let (account, dn) = hire(&mut s, "Zoë", "O'Brien-Łukasiewicz", "zoe@ad.test");
    // The DC lives as long as the machine's test runs: earlier runs may
    // hold the first names, so only the shape is certain.
    assert!(account.starts_with("zoe.obrien-lukasie"), "{account}");
    assert!(account.len() <= 20, "20 characters at most: {account}");
    let entry = s
        .find_account(&account)
        .unwrap()
        .expect("found by sAMAccountName");
    assert!(entry.disabled, "created disabled (514)");
    assert_eq!(entry.key.len(), 32, "an objectGUID in hex: {}", entry.key);
    assert_eq!(entry.given, "Zoë");
    assert_eq!(entry.department, "Finance");
    assert_eq!(same_entry(&dn), entry.dn, "the DN we built names it");
    assert_eq!(
        s.find_key(&entry.key).unwrap().map(|e| e.dn),
        Some(entry.dn.clone())
    );
    // The same name again: a number, still within 20 characters.
    let (second, _) = hire(&mut s, "Zoe", "OBrien Lukasiewicz", "zoe2@ad.test");
    assert!(
        second != account && second.starts_with("zoe.obrien-lukasi"),
        "{second}"
    );
    assert!(
        second.len() <= 20 && second.ends_with(|c: char| c.is_ascii_digit()),
        "{second}"
    );

    s.set_password(&dn, "First-Login-7x").unwrap();
    s.enable(&dn, true).unwrap();
    assert!(!s.find_account(&account).unwrap().unwrap().disabled);
    assert_eq!(
        check_password(&cfg, &dn, "First-Login-7x").unwrap(),
        BindOutcome::MustChange,
        "pwdLastSet = 0: AD answers data 773"
    );
    assert_eq!(
        check_password(&cfg, &dn, "wrong").unwrap(),
        BindOutcome::Rejected
    );
    let err = change_own_password(&cfg, &dn, "not-the-old-one", "Second-Login-8y").unwrap_err();
    assert!(!err.retryable(), "{err}");
    change_own_password(&cfg, &dn, "First-Login-7x", "Second-Login-8y").unwrap();
    assert_eq!(
        check_password(&cfg, &dn, "Second-Login-8y").unwrap(),
        BindOutcome::Accepted
    );
    let moved = s.disable(&dn).unwrap();
    assert_eq!(moved.how, itdesk::directory::Disabling::AccountDisabled);
    let moved = moved.dn;
    assert!(moved.contains("OU=Disabled"), "{moved}");
    assert_eq!(
        check_password(&cfg, &moved, "Second-Login-8y").unwrap(),
        BindOutcome::Disabled,
        "AD answers data 533"
    );
    assert!(
        s.find_account(&account).unwrap().is_none(),
        "out of people_base"
    );
}

#[test]
fn nested_groups_count_for_login_and_names_full_of_syntax_work() {
    let ou = fresh_ou("groups");
    let mut s = session(&ou);
    let mut made = Vec::new();
    for (i, surname) in [
        "Smith, John",
        "a*b(c)\\d",
        "#hash",
        "+plus",
        "\"quoted\"",
        "<angle>",
        "semi;colon",
        "eq=uals",
    ]
    .iter()
    .enumerate()
    {
        let mail = format!("syntax{i}@ad.test");
        let (_, dn) = hire(&mut s, "Dee", surname, &mail);
        let found = s.find_login(&mail).unwrap().expect("found by mail");
        // AD writes `\,` back for our `\2c`: the same entry either way.
        assert_eq!(same_entry(&dn), found.dn);
        assert_eq!(found.surname, *surname);
        made.push(found.dn);
    }
    let inner = group(&ou, "Helpdesk L1", &[]);
    let outer = group(&ou, "Helpdesk", &[&inner]);
    for dn in &made {
        s.add_member(&inner, dn).unwrap();
        s.add_member(&inner, dn).unwrap(); // again: nothing to do
        assert_eq!(s.groups_of(dn).unwrap(), vec![inner.clone()], "direct only");
        let mut all = s.login_groups(dn).unwrap();
        all.sort();
        let mut want = vec![inner.clone(), outer.clone()];
        want.sort();
        assert_eq!(all, want, "nested through the in-chain rule");
        s.remove_member(&inner, dn).unwrap();
        assert!(s.login_groups(dn).unwrap().is_empty());
    }
}

#[test]
fn searches_are_paged() {
    let ou = fresh_ou("paged");
    let mut s = Session::open(ad_server::settings(
        &[in_ou(&ou), vec![("directory.page_size", json!(2))]].concat(),
    ))
    .unwrap();
    for i in 0..5 {
        hire(
            &mut s,
            "Page",
            &format!("Number {i}"),
            &format!("page{i}@ad.test"),
        );
    }
    assert_eq!(s.search_people("").unwrap().len(), 5, "three pages of two");
}

/// Sync by objectGUID, and a new hire's first login through the web: the
/// password must be changed, is changed on the page, and the groups decide
/// the role.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_hire_is_synced_and_logs_in_the_first_time_by_changing_the_password() {
    let ou = blocking(|| fresh_ou("web"));
    let helpdesk = blocking(|| group(&ou, "Helpdesk", &[]));
    let mut extra = in_ou(&ou);
    extra.push(("auth.ldap", json!(true)));
    extra.push(("directory.group_roles", json!({helpdesk.clone(): "agent"})));
    let app = spawn_app_with(ad_server::overrides(&extra)).await;
    let (account, dn) = blocking(|| {
        let mut s = session(&ou);
        let (account, dn) = hire(&mut s, "Hana", "Kato", "hana@ad.test");
        s.set_password(&dn, "Welcome-2027x").unwrap();
        s.enable(&dn, true).unwrap();
        s.add_member(&helpdesk, &dn).unwrap();
        (account, dn)
    });
    let admin = app.token("admin@ad.test", itdesk::auth::Role::Admin).await;
    let run: Value = app
        .post_json(&admin, "/api/v1/directory/sync", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(run["created"], 1, "{run}");
    let person: Value = app
        .get(&admin, "/api/v1/people/hana@ad.test")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(person["directory"]["flavor"], "ad");
    assert_eq!(person["directory"]["account_name"], account.as_str());
    assert_eq!(person["department"], "Finance");
    let key = person["directory"]["key"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 32);

    let c = browser();
    let resp = login(&app, &c, &account, "Welcome-2027x").await;
    assert_eq!(resp.status(), 303);
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        to.starts_with("/login/password?") && to.contains("must=1"),
        "{to}"
    );
    let (_, html) = page_text(&c, app.url(&to)).await;
    assert!(html.contains("must be changed"), "{html}");
    let csrf = csrf_of(&html);
    let (status, to, html) = post_form(
        &c,
        app.url("/login/password"),
        &[
            ("csrf", &csrf),
            ("login", &account),
            ("current_password", "Welcome-2027x"),
            ("new_password", "short"),
            ("repeat_password", "short"),
            ("must", "1"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{to}");
    assert!(html.contains("the directory refused it"), "{html}");
    let (status, to, _) = post_form(
        &c,
        app.url("/login/password"),
        &[
            ("csrf", &csrf),
            ("login", &account),
            ("current_password", "Welcome-2027x"),
            ("new_password", "Mine-from-now-9"),
            ("repeat_password", "Mine-from-now-9"),
            ("must", "1"),
        ],
    )
    .await;
    assert_eq!((status, to.as_str()), (303, "/"));
    let (status, _) = page_text(&c, app.url("/queue")).await;
    assert_eq!(status, 200, "an agent, through the Helpdesk group");

    // Renamed in AD (a new CN): the same person after the next sync.
    blocking(|| {
        ad_server::admin()
            .modifydn(&dn, "CN=Hana Sato", true, None)
            .unwrap()
            .success()
            .unwrap();
    });
    let run: Value = app
        .post_json(&admin, "/api/v1/directory/sync", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (run["created"].as_i64(), run["updated"].as_i64()),
        (Some(0), Some(1)),
        "{run}"
    );
    let after: Value = app
        .get(&admin, "/api/v1/people/hana@ad.test")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["id"], person["id"]);
    assert_eq!(after["directory"]["key"], key.as_str());
    assert!(
        after["directory"]["dn"]
            .as_str()
            .unwrap()
            .starts_with("CN=Hana Sato")
    );
}

/// An onboarding run on AD: the account created disabled, given its
/// password, enabled with "must change at first logon", in its group; the
/// offboarding disables it (533), empties its groups and moves it.
#[tokio::test(flavor = "multi_thread")]
async fn an_onboarding_and_an_offboarding_run_against_active_directory() {
    let ou = blocking(|| fresh_ou("runs"));
    let staff = blocking(|| group(&ou, "Staff", &[]));
    let mut extra = in_ou(&ou);
    extra.push(("directory.upn_suffix", json!("ad.test")));
    extra.push(("onboarding.calendar", json!("24x7")));
    extra.push((
        "onboarding_templates",
        json!([{"name": "finance", "department": "Finance", "groups": [staff]}]),
    ));
    let app = spawn_app_with(ad_server::overrides(&extra)).await;
    let coordinator = app
        .token("coord@ad.test", itdesk::auth::Role::Coordinator)
        .await;
    let post = |path: String, body: Value| {
        let (app, token) = (&app, coordinator.clone());
        async move {
            let resp = app.post_json(&token, &path, &body).await;
            let status = resp.status().as_u16();
            let body: Value = resp.json().await.unwrap();
            assert!(status < 300, "{path} → {status}: {body}");
            body
        }
    };
    let plan = post(
        "/api/v1/onboarding/runs".into(),
        json!({"kind": "onboard", "effective_on": "2026-04-01",
            "person": {"given_name": "Åsa", "surname": "Dahl", "department": "Finance"}}),
    )
    .await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let account = plan["plan"]["account"].as_str().unwrap().to_owned();
    assert!(
        account.starts_with("asa.dahl") && account.len() <= 20,
        "{account}"
    );
    post(format!("/api/v1/onboarding/runs/{id}/approve"), json!({})).await;
    app.run_jobs_until_idle().await;
    let done: Value = app
        .get(&coordinator, &format!("/api/v1/onboarding/runs/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["status"], "done", "{done}");
    let dn = done["steps"][1]["result"]["dn"]
        .as_str()
        .unwrap()
        .to_owned();
    let password = post(
        format!("/api/v1/onboarding/runs/{id}/reveal-password"),
        json!({}),
    )
    .await["password"]
        .as_str()
        .unwrap()
        .to_owned();
    let settings = ad_server::settings(&in_ou(&ou));
    let outcome = blocking(|| check_password(&settings, &dn, &password).unwrap());
    assert_eq!(outcome, BindOutcome::MustChange, "pwdLastSet = 0");
    let groups = blocking(|| session(&ou).groups_of(&dn).unwrap());
    assert_eq!(groups.len(), 1, "{groups:?}");

    let off = post(
        "/api/v1/onboarding/runs".into(),
        json!({"kind": "offboard", "effective_on": "2026-05-01",
            "person_id": done["person_id"]}),
    )
    .await;
    let off_id = off["id"].as_str().unwrap().to_owned();
    post(
        format!("/api/v1/onboarding/runs/{off_id}/approve"),
        json!({}),
    )
    .await;
    app.run_jobs_until_idle().await;
    let gone: Value = app
        .get(&coordinator, &format!("/api/v1/onboarding/runs/{off_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(gone["status"], "done", "{gone}");
    let moved = gone["steps"][1]["result"]["dn"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(moved.to_lowercase().contains("ou=disabled"), "{moved}");
    let outcome = blocking(|| check_password(&settings, &moved, &password).unwrap());
    assert_eq!(outcome, BindOutcome::Disabled);
    let left = blocking(|| session(&ou).groups_of(&moved).unwrap());
    assert!(left.is_empty(), "{left:?}");
    let primary = blocking(|| {
        let (found, _) = ad_server::admin()
            .search(
                &moved,
                ldap3::Scope::Base,
                "(objectClass=*)",
                vec!["primaryGroupID"],
            )
            .unwrap()
            .success()
            .unwrap();
        ldap3::SearchEntry::construct(found.into_iter().next().unwrap()).attrs["primaryGroupID"][0]
            .clone()
    });
    assert_eq!(
        primary, "513",
        "the primary group (Domain Users) is left alone"
    );
}
