//! LDAP login against the real slapd: the directory's password, found by
//! mail or account name; groups decide the role; local passwords remain
//! for break-glass admins (also when the directory is down); people change
//! their directory password on a page and are logged in with it.

use itdesk::auth::Role;
use itdesk::directory::{BindOutcome, NewAccount, Session, check_password};
use serde_json::json;

use crate::helpers::{TestApp, browser, csrf_of, login, page_text, post_form, spawn_app_with};
use crate::ldap_server::{self, blocking, fresh_group, fresh_ou};

struct Directory {
    ou: String,
    helpdesk: String,
    leads: String,
}

/// An app logging in through the directory, people in a fresh OU, and two
/// mapped groups (helpdesk → agent, leads → coordinator).
async fn app() -> (TestApp, Directory) {
    let d = blocking(|| Directory {
        ou: fresh_ou("login"),
        helpdesk: fresh_group("helpdesk"),
        leads: fresh_group("leads"),
    });
    let extra = [
        ("auth.ldap", json!(true)),
        ("directory.people_base", json!(d.ou)),
        ("directory.new_users_ou", json!(d.ou)),
        (
            "directory.group_roles",
            json!({d.helpdesk.clone(): "agent", d.leads.clone(): "coordinator"}),
        ),
    ];
    (spawn_app_with(ldap_server::overrides(&extra)).await, d)
}

fn session(ou: &str) -> Session {
    Session::open(ldap_server::settings(&[
        ("directory.people_base", json!(ou)),
        ("directory.new_users_ou", json!(ou)),
    ]))
    .unwrap()
}

/// An entry with a password; its DN.
fn person(ou: &str, account: &str, password: &str, groups: &[&str]) -> String {
    let mut s = session(ou);
    let dn = s
        .create(&NewAccount {
            account: account.into(),
            given: "Lin".into(),
            surname: "Ong".into(),
            mail: format!("{account}@login.test"),
            ..Default::default()
        })
        .unwrap();
    s.set_password(&dn, password).unwrap();
    for g in groups {
        s.add_member(g, &dn).unwrap();
    }
    dn
}

async fn role_of(app: &TestApp, email: &str) -> Option<(Role, bool)> {
    let db = app.state.db.clone();
    let email = email.to_owned();
    tokio::task::spawn_blocking(move || {
        db.read(|conn| {
            itdesk::auth::people::find_user_by_email(conn, &email)
                .map_err(itdesk::error::AppError::from)
        })
        .unwrap()
        .map(|u| (u.role, u.is_active))
    })
    .await
    .unwrap()
}

/// Logs in as a browser; the status and where it sends you.
async fn log_in(app: &TestApp, name: &str, password: &str) -> (u16, String, String) {
    let c = browser();
    let resp = login(app, &c, name, password).await;
    let status = resp.status().as_u16();
    let to = resp
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, to, resp.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_directory_password_logs_in_and_groups_decide_the_role() {
    let (app, d) = app().await;
    let dn = blocking(|| person(&d.ou, "lin", "Directory-pass-1", &[&d.helpdesk]));
    let (status, to, _) = log_in(&app, "lin", "Directory-pass-1").await;
    assert_eq!((status, to.as_str()), (303, "/"), "by account name");
    assert_eq!(
        role_of(&app, "lin@login.test").await,
        Some((Role::Agent, true))
    );
    for (password, why) in [("wrong", "a wrong password"), ("", "an empty one")] {
        let (status, _, html) = log_in(&app, "lin@login.test", password).await;
        assert_eq!(status, 401, "{why}");
        assert!(html.contains("wrong email or password"), "{why}");
    }
    // Promoted in the directory: the next login says so.
    blocking(|| session(&d.ou).add_member(&d.leads, &dn).unwrap());
    let (status, _, _) = log_in(&app, "LIN@login.test", "Directory-pass-1").await;
    assert_eq!(status, 303, "by mail, any case");
    assert_eq!(
        role_of(&app, "lin@login.test").await,
        Some((Role::Coordinator, true))
    );
    // Out of every mapped group: a requester.
    blocking(|| {
        let mut s = session(&d.ou);
        s.remove_member(&d.leads, &dn).unwrap();
        s.remove_member(&d.helpdesk, &dn).unwrap();
    });
    log_in(&app, "lin", "Directory-pass-1").await;
    assert_eq!(
        role_of(&app, "lin@login.test").await,
        Some((Role::Requester, true))
    );
    // Disabled in the directory (moved out of people_base, password gone).
    blocking(|| session(&d.ou).disable(&dn).unwrap());
    let (status, _, _) = log_in(&app, "lin", "Directory-pass-1").await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn local_passwords_remain_for_break_glass_admins_even_when_the_directory_is_down() {
    let (app, _) = app().await;
    app.user_with_password("root@login.test", Role::Admin, "break the glass now")
        .await;
    let (status, _, _) = log_in(&app, "root@login.test", "break the glass now").await;
    assert_eq!(status, 303, "not in the directory: the local password");

    let extra = [
        ("auth.ldap", json!(true)),
        ("directory.url", json!("ldap://127.0.0.1:1")),
    ];
    let down = spawn_app_with(ldap_server::overrides(&extra)).await;
    down.user_with_password("root@login.test", Role::Admin, "break the glass now")
        .await;
    let (status, _, _) = log_in(&down, "root@login.test", "break the glass now").await;
    assert_eq!(
        status, 303,
        "the directory does not answer: the local password"
    );
    let (status, _, _) = log_in(&down, "root@login.test", "not it").await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn people_change_their_directory_password_and_are_logged_in_with_it() {
    let (app, d) = app().await;
    let dn = blocking(|| person(&d.ou, "neo", "Old-password-1", &[]));
    let c = browser();
    let (status, html) = page_text(&c, app.url("/login/password?login=neo&next=/my/tickets")).await;
    assert_eq!(status, 200);
    assert!(html.contains("value=\"neo\""), "the login is filled in");
    let csrf = csrf_of(&html);
    let form = |current: &'static str, new: &'static str, repeat: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("login", "neo".to_owned()),
            ("current_password", current.to_owned()),
            ("new_password", new.to_owned()),
            ("repeat_password", repeat.to_owned()),
            ("next", "/my/tickets".to_owned()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let c = c.clone();
        let url = app.url("/login/password");
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post_form(&c, url, &f).await
        }
    };
    let (status, _, html) = post(form("Old-password-1", "New-password-2", "New-password-3")).await;
    assert_eq!(status, 422);
    assert!(html.contains("not the same as the new password"), "{html}");
    assert!(html.contains("value=\"neo\""), "the login is kept");
    assert!(
        !html.contains("New-password-2"),
        "passwords are never echoed"
    );
    let (status, _, html) = post(form("Not-the-old-one", "New-password-2", "New-password-2")).await;
    assert_eq!(status, 422);
    assert!(html.contains("this is not your current password"), "{html}");
    let (status, to, _) = post(form("Old-password-1", "New-password-2", "New-password-2")).await;
    assert_eq!((status, to.as_str()), (303, "/my/tickets"));
    let (status, _) = page_text(&c, app.url("/my/tickets")).await;
    assert_eq!(status, 200, "logged in with the new password");
    let settings = ldap_server::settings(&[]);
    let (old, new) = blocking(|| {
        (
            check_password(&settings, &dn, "Old-password-1").unwrap(),
            check_password(&settings, &dn, "New-password-2").unwrap(),
        )
    });
    assert_eq!((old, new), (BindOutcome::Rejected, BindOutcome::Accepted));
    // Without LDAP login there is no such page.
    let plain = crate::helpers::spawn_app().await;
    let (status, _) = page_text(&browser(), plain.url("/login/password")).await;
    assert_eq!(status, 404);
}

/// Directory logins count against the same limits as local ones: five
/// failures from one address, then 429 whatever the password.
#[tokio::test(flavor = "multi_thread")]
async fn directory_logins_are_limited_like_local_ones() {
    let ou = blocking(|| fresh_ou("limit"));
    let app = spawn_app_with(ldap_server::overrides(&[
        ("auth.ldap", json!(true)),
        ("directory.people_base", json!(ou)),
        ("directory.new_users_ou", json!(ou)),
        ("login.account_delay_after", json!(100)),
    ]))
    .await;
    blocking(|| person(&ou, "rita", "Right-password-1", &[]));
    for n in 0..5 {
        let (status, _, _) = log_in(&app, "rita", "guess").await;
        assert_eq!(status, 401, "failure {n}");
    }
    let c = browser();
    let resp = login(&app, &c, "rita", "Right-password-1").await;
    assert_eq!(resp.status(), 429, "limited before the directory is asked");
    assert!(resp.headers().contains_key("retry-after"));
}
