//! OpenLDAP with the password policy overlay (a slapd of the test's own,
//! `start-slapd.sh DIR PORT ppolicy`): a password the service account set
//! must be changed at the first login, an expired one is changed with the
//! old one, and disabling locks the account (`pwdAccountLockedTime`)
//! instead of removing its password, so a revert only unlocks it.

use itdesk::auth::Role;
use itdesk::directory::login::change_own_password;
use itdesk::directory::{BindOutcome, Disabling, NewAccount, Session, check_password};
use serde_json::{Value, json};

use crate::helpers::{
    assert_problem, browser, csrf_of, login, page_text, post_form, spawn_app_with,
};
use crate::ldap_server::{OwnSlapd, blocking};
use crate::onboarding_support::{approve_and_run, plan_run, post, run_of, step};

/// An account with a password the service account set; its DN.
fn account(s: &mut Session, account: &str, password: &str) -> String {
    let dn = s
        .create(&NewAccount {
            account: account.into(),
            given: "Pia".into(),
            surname: account.into(),
            mail: format!("{account}@pp.test"),
            ..Default::default()
        })
        .unwrap();
    s.set_password(&dn, password).unwrap();
    dn
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_hire_changes_the_password_at_first_login_and_disabling_locks_the_account() {
    let slapd = blocking(|| OwnSlapd::start_with_ppolicy("pp-login"));
    let app = spawn_app_with(slapd.overrides(&[("auth.ldap", json!(true))])).await;
    let cfg = slapd.settings(&[]);
    let dn = blocking(|| {
        account(
            &mut Session::open(cfg.clone()).unwrap(),
            "pia",
            "Set-by-admin-1",
        )
    });
    let outcome = |password: &'static str, dn: String| {
        let cfg = cfg.clone();
        blocking(move || check_password(&cfg, &dn, password).unwrap())
    };
    assert_eq!(
        outcome("Set-by-admin-1", dn.clone()),
        BindOutcome::MustChange,
        "the overlay marks a password the service account set as reset"
    );
    assert_eq!(outcome("not-it", dn.clone()), BindOutcome::Rejected);

    let c = browser();
    let resp = login(&app, &c, "pia", "Set-by-admin-1").await;
    assert_eq!(resp.status(), 303);
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        to.starts_with("/login/password?") && to.contains("must=1"),
        "{to}"
    );
    let (_, html) = page_text(&c, app.url(&to)).await;
    assert!(html.contains("must be changed"), "{html}");
    let (status, to, _) = post_form(
        &c,
        app.url("/login/password"),
        &[
            ("csrf", &csrf_of(&html)),
            ("login", "pia"),
            ("current_password", "Set-by-admin-1"),
            ("new_password", "Chosen-by-pia-2"),
            ("repeat_password", "Chosen-by-pia-2"),
            ("must", "1"),
        ],
    )
    .await;
    assert_eq!((status, to.as_str()), (303, "/"));
    assert_eq!(
        outcome("Chosen-by-pia-2", dn.clone()),
        BindOutcome::Accepted
    );

    // Disabled: locked where it stands (and moved), the password kept.
    let (disabled, entry) = blocking(|| {
        let mut s = Session::open(cfg.clone()).unwrap();
        let key = s.find_account("pia").unwrap().unwrap().key;
        let disabled = s.disable(&dn).unwrap();
        (disabled, s.find_key_in_domain(&key).unwrap().unwrap())
    });
    assert_eq!(disabled.how, Disabling::Locked);
    assert!(disabled.dn.contains(",ou=disabled,"), "{}", disabled.dn);
    assert!(entry.disabled, "a sync reads the lock");
    assert_eq!(
        outcome("Chosen-by-pia-2", disabled.dn.clone()),
        BindOutcome::Locked
    );
    let resp = login(&app, &browser(), "pia@pp.test", "Chosen-by-pia-2").await;
    assert_eq!(resp.status(), 401, "no login while locked");
    blocking(|| {
        Session::open(cfg.clone())
            .unwrap()
            .unlock(&disabled.dn)
            .unwrap()
    });
    assert_eq!(
        outcome("Chosen-by-pia-2", disabled.dn.clone()),
        BindOutcome::Accepted,
        "the same password once unlocked"
    );

    // Under a policy without pwdLockout the overlay ignores the lock: the
    // password is removed instead.
    let (other, dn) = blocking(|| {
        let mut s = Session::open(cfg.clone()).unwrap();
        let dn = account(&mut s, "nol", "Set-by-admin-3");
        policy(&slapd, &dn, "no-lockout");
        (s.disable(&dn).unwrap(), dn)
    });
    assert_eq!(other.how, Disabling::PasswordRemoved, "{dn}");
    assert_eq!(
        outcome("Set-by-admin-3", other.dn.clone()),
        BindOutcome::Rejected
    );
}

/// Puts the entry under the policy `cn=NAME,ou=policies`.
fn policy(slapd: &OwnSlapd, dn: &str, name: &str) {
    let policy = format!("cn={name},ou=policies,dc=example,dc=test");
    slapd
        .admin()
        .modify(
            dn,
            vec![ldap3::Mod::Replace(
                "pwdPolicySubentry",
                [policy.as_str()].into(),
            )],
        )
        .unwrap()
        .success()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_password_leads_to_the_change_form_and_is_changed_with_the_old_one() {
    let slapd = blocking(|| OwnSlapd::start_with_ppolicy("pp-expired"));
    let app = spawn_app_with(slapd.overrides(&[("auth.ldap", json!(true))])).await;
    let cfg = slapd.settings(&[]);
    let dn = blocking(|| {
        let mut s = Session::open(cfg.clone()).unwrap();
        let dn = s
            .create(&NewAccount {
                account: "eve".into(),
                given: "Eve".into(),
                surname: "Expiring".into(),
                mail: "eve@pp.test".into(),
                ..Default::default()
            })
            .unwrap();
        // Under the policy whose passwords last 2 s, without grace logins.
        policy(&slapd, &dn, "short-lived");
        s.set_password(&dn, "Old-expiring-1").unwrap();
        dn
    });
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let cfg2 = cfg.clone();
    let dn2 = dn.clone();
    let expired = blocking(move || check_password(&cfg2, &dn2, "Old-expiring-1").unwrap());
    assert_eq!(expired, BindOutcome::Expired);

    let c = browser();
    let resp = login(&app, &c, "eve", "Old-expiring-1").await;
    assert_eq!(resp.status(), 303);
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        to.starts_with("/login/password?") && to.contains("must=1"),
        "{to}"
    );

    let changed = blocking(|| {
        let short = change_own_password(&cfg, &dn, "Old-expiring-1", "Short-2");
        assert!(
            short
                .unwrap_err()
                .to_string()
                .contains("at least 12 characters"),
            "a change made for the person still asks for length"
        );
        let wrong = change_own_password(&cfg, &dn, "Not-the-old-one", "Renewed-pass-2");
        let right = change_own_password(&cfg, &dn, "Old-expiring-1", "Renewed-pass-2");
        let now = check_password(&cfg, &dn, "Renewed-pass-2").unwrap();
        (wrong, right, now)
    });
    assert!(changed.0.is_err(), "the old password is checked");
    changed.1.expect("changed with the old password");
    assert_eq!(changed.2, BindOutcome::Accepted, "the new one logs in");
}

/// An offboarding on OpenLDAP with a password policy locks the account; the
/// revert unlocks it, so the password the person had works again and no
/// new one is made.
#[tokio::test(flavor = "multi_thread")]
async fn an_offboarding_locks_and_its_revert_unlocks_the_same_password() {
    let slapd = blocking(|| OwnSlapd::start_with_ppolicy("pp-offboard"));
    let app = spawn_app_with(slapd.overrides(&[
        ("directory.upn_suffix", json!("pp.test")),
        ("onboarding.calendar", json!("24x7")),
    ]))
    .await;
    let coordinator = app.token("coord@pp.test", Role::Coordinator).await;
    let (_, onboard) = plan_run(
        &app,
        &coordinator,
        json!({"kind": "onboard", "effective_on": "2026-02-02",
            "person": {"given_name": "Lou", "surname": "Locked", "email": "lou@pp.test"}}),
    )
    .await;
    let done = approve_and_run(&app, &coordinator, &onboard).await;
    assert_eq!(done["status"], "done", "{done}");
    let reveal = format!("/api/v1/onboarding/runs/{onboard}/reveal-password");
    let revealed: Value = post(&app, &coordinator, &reveal)
        .await
        .json()
        .await
        .unwrap();
    let password = revealed["password"].as_str().unwrap().to_owned();

    let (_, id) = plan_run(
        &app,
        &coordinator,
        json!({"kind": "offboard", "person_id": "lou@pp.test", "effective_on": "2026-06-30"}),
    )
    .await;
    let done = approve_and_run(&app, &coordinator, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    let disabled = step(&done, "disable_account");
    assert_eq!(disabled["result"]["how"], "locked", "{disabled}");
    let locked_dn = disabled["result"]["dn"].as_str().unwrap().to_owned();
    let cfg = slapd.settings(&[]);
    let (cfg2, dn2, pw2) = (cfg.clone(), locked_dn.clone(), password.clone());
    let outcome = blocking(move || check_password(&cfg2, &dn2, &pw2).unwrap());
    assert_eq!(outcome, BindOutcome::Locked);

    let reverted: Value = post(
        &app,
        &coordinator,
        &format!("/api/v1/onboarding/runs/{id}/revert"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(reverted["status"], "reverted", "{reverted}");
    assert_problem(
        post(
            &app,
            &coordinator,
            &format!("/api/v1/onboarding/runs/{id}/reveal-password"),
        )
        .await,
        409,
        "password_not_set",
    )
    .await;
    let back = blocking(move || {
        let mut s = Session::open(cfg.clone()).unwrap();
        let entry = s
            .find_account("lou.locked")
            .unwrap()
            .expect("back in people_base");
        let outcome = check_password(&cfg, &entry.dn, &password).unwrap();
        (entry, outcome)
    });
    assert!(!back.0.disabled, "{:?}", back.0);
    assert_eq!(
        back.1,
        BindOutcome::MustChange,
        "the onboarding's password again (never changed, so still to be changed)"
    );
}

/// A password the directory's policy refuses is dropped: the step fails
/// saying so, there is nothing to reveal, and once the policy allows it a
/// retry sets a new password that works.
#[tokio::test(flavor = "multi_thread")]
async fn a_password_the_policy_refuses_is_dropped_and_a_retry_makes_a_new_one() {
    let slapd = blocking(|| OwnSlapd::start_with_ppolicy("pp-refused"));
    let app = spawn_app_with(slapd.overrides(&[
        // Not the root DN: the policy's 14 characters apply to it.
        ("directory.bind_dn", json!("cn=svc,dc=example,dc=test")),
        ("directory.bind_password", json!("svcpw")),
        ("directory.upn_suffix", json!("pp.test")),
        ("onboarding.calendar", json!("24x7")),
        ("onboarding.password_length", json!(12)),
    ]))
    .await;
    let coordinator = app.token("coord@pp.test", Role::Coordinator).await;
    let (_, id) = plan_run(
        &app,
        &coordinator,
        json!({"kind": "onboard", "effective_on": "2026-02-02",
            "person": {"given_name": "Rae", "surname": "Refused", "email": "rae@pp.test"}}),
    )
    .await;
    let failed = approve_and_run(&app, &coordinator, &id).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(step(&failed, "create_account")["status"], "done");
    let refused = step(&failed, "set_password");
    assert_eq!(refused["status"], "failed", "{refused}");
    let error = refused["error"].as_str().unwrap();
    assert!(
        error.contains("refused the password") && error.contains("a retry makes a new one"),
        "{error}"
    );
    let reveal = format!("/api/v1/onboarding/runs/{id}/reveal-password");
    assert_problem(
        post(&app, &coordinator, &reveal).await,
        409,
        "password_not_set",
    )
    .await;

    // The directory's administrators allow 12 characters; the retry goes on.
    blocking(|| {
        slapd
            .admin()
            .modify(
                "cn=default,ou=policies,dc=example,dc=test",
                vec![ldap3::Mod::Replace("pwdMinLength", ["12"].into())],
            )
            .unwrap()
            .success()
            .unwrap();
    });
    post(
        &app,
        &coordinator,
        &format!("/api/v1/onboarding/runs/{id}/retry"),
    )
    .await;
    app.run_jobs_until_idle().await;
    let done = run_of(&app, &coordinator, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    let revealed: Value = post(&app, &coordinator, &reveal)
        .await
        .json()
        .await
        .unwrap();
    let password = revealed["password"].as_str().unwrap().to_owned();
    assert_eq!(password.len(), 12);
    let dn = step(&done, "create_account")["result"]["dn"]
        .as_str()
        .unwrap()
        .to_owned();
    let cfg = slapd.settings(&[]);
    let outcome = blocking(move || check_password(&cfg, &dn, &password).unwrap());
    assert_eq!(
        outcome,
        BindOutcome::Accepted,
        "the new password is the one set"
    );
}
