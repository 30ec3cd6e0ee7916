//! `itdesk directory sync`, its API and its job against the real slapd:
//! people created, updated through renames and moves, and deactivated
//! when their entry is disabled or gone; dry runs change nothing; a
//! directory that does not answer fails the run and keeps it.

use itdesk::auth::Role;
use itdesk::directory::{NewAccount, Session};
use serde_json::{Value, json};

use crate::cli::{itdesk, run};
use crate::helpers::{
    TestApp, assert_problem, browser, csrf_of, login, page_text, post_form, spawn_app_with,
};
use crate::ldap_server::{self, SUFFIX, blocking, fresh_ou, rename, replace};

/// An app whose people_base is a fresh OU of its own; and that OU.
async fn app_on_fresh_ou() -> (TestApp, String) {
    let ou = blocking(|| fresh_ou("sync"));
    let extra = [
        ("directory.people_base", json!(ou)),
        ("directory.new_users_ou", json!(ou)),
    ];
    (spawn_app_with(ldap_server::overrides(&extra)).await, ou)
}

fn session(ou: &str) -> Session {
    Session::open(ldap_server::settings(&[
        ("directory.people_base", json!(ou)),
        ("directory.new_users_ou", json!(ou)),
    ]))
    .expect("bind to slapd")
}

fn hire(s: &mut Session, account: &str, (given, surname): (&str, &str), manager: &str) -> String {
    s.create(&NewAccount {
        account: account.into(),
        given: given.into(),
        surname: surname.into(),
        mail: format!("{account}@sync.test"),
        department: "Engineering".into(),
        title: "Engineer".into(),
        manager_dn: manager.into(),
        employee_id: format!("E-{account}"),
        ..Default::default()
    })
    .expect("create the entry")
}

async fn sync(app: &TestApp, token: &str, dry_run: bool) -> Value {
    let resp = app
        .post_json(
            token,
            "/api/v1/directory/sync",
            &json!({"dry_run": dry_run}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

fn counts(run: &Value) -> [i64; 5] {
    ["created", "updated", "deactivated", "unchanged", "skipped"].map(|k| run[k].as_i64().unwrap())
}

async fn person(app: &TestApp, token: &str, email: &str) -> Value {
    let resp = app.get(token, &format!("/api/v1/people/{email}")).await;
    assert_eq!(resp.status(), 200, "{email}");
    resp.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn people_are_created_kept_through_renames_and_moves_and_deactivated_when_gone() {
    let (app, ou) = app_on_fresh_ou().await;
    let admin = app.token("admin@sync.test", Role::Admin).await;
    let (boss, ada, bob) = blocking(|| {
        let mut s = session(&ou);
        let boss = hire(&mut s, "boss", ("Bea", "Boss"), "");
        let ada = hire(&mut s, "ada", ("Ada", "Lovelace"), &boss);
        let bob = hire(&mut s, "bob", ("Bob", "Byte"), &boss);
        (boss, ada, bob)
    });

    let dry = sync(&app, &admin, true).await;
    assert_eq!(counts(&dry), [3, 0, 0, 0, 0]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(app.count("people").await, 0, "a dry run changes nothing");

    let first = sync(&app, &admin, false).await;
    assert_eq!(counts(&first), [3, 0, 0, 0, 0], "{first}");
    let a = person(&app, &admin, "ada@sync.test").await;
    assert_eq!(a["name"], "Ada Lovelace");
    assert_eq!(a["department"], "Engineering");
    assert_eq!(a["title"], "Engineer");
    assert_eq!(a["employee_id"], "E-ada");
    assert_eq!(
        a["manager_name"], "Bea Boss",
        "a manager created in the same run"
    );
    assert_eq!(a["directory"]["flavor"], "openldap");
    assert_eq!(a["directory"]["account_name"], "ada");
    assert_eq!(a["directory"]["dn"], ada.as_str());
    let key = a["directory"]["key"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 36, "an entryUUID");
    assert_eq!(counts(&sync(&app, &admin, false).await), [0, 0, 0, 3, 0]);

    // Married, renamed and moved to a sub-OU: the same person.
    let sub = format!("ou=research,{ou}");
    let bob_token = app.token("bob@sync.test", Role::Agent).await;
    let moved = blocking(|| {
        ldap_server::admin()
            .add(
                &sub,
                vec![
                    ("objectClass", ["organizationalUnit"].into()),
                    ("ou", ["research"].into()),
                ],
            )
            .unwrap()
            .success()
            .unwrap();
        replace(
            &ada,
            &[
                ("sn", "King"),
                ("cn", "Ada King"),
                ("mail", "ada.king@sync.test"),
            ],
        );
        // Out of people_base: moved to ou=disabled.
        session(&ou).disable(&bob).expect("disable bob");
        rename(&ada, "uid=ada.king", Some(&sub))
    });
    let run = sync(&app, &admin, false).await;
    assert_eq!(counts(&run), [0, 1, 1, 1, 0], "{run}");
    let a2 = person(&app, &admin, "ada.king@sync.test").await;
    assert_eq!(a2["id"], a["id"], "the same person");
    assert_eq!(a2["surname"], "King");
    assert_eq!(a2["directory"]["key"], key.as_str());
    assert_eq!(a2["directory"]["dn"], moved.as_str());
    assert_eq!(a2["directory"]["account_name"], "ada.king");
    let b = person(&app, &admin, "bob@sync.test").await;
    assert_eq!(b["is_active"], false);
    let line = run["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["action"] == "deactivated")
        .unwrap();
    assert_eq!(line["email"], "bob@sync.test");
    assert_eq!(line["detail"], "no longer found under people_base");
    let resp = app.get(&bob_token, "/api/v1/tickets").await;
    assert_eq!(
        resp.status(),
        401,
        "a deactivated person's tokens stop at once"
    );

    // The history says the sync did it.
    let runs: Value = app
        .get(&admin, "/api/v1/directory/syncs")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 4);
    assert_eq!(runs[0]["id"], run["id"], "newest first");
    let one: Value = app
        .get(
            &admin,
            &format!("/api/v1/directory/syncs/{}", run["id"].as_str().unwrap()),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["lines"], run["lines"]);

    // Deleted outright: deactivated too; who named them as manager keeps them.
    blocking(|| ldap_server::delete(&boss));
    let run = sync(&app, &admin, false).await;
    assert_eq!(counts(&run), [0, 0, 1, 1, 0], "{run}");
    assert_eq!(
        person(&app, &admin, "boss@sync.test").await["is_active"],
        false
    );
    let a3 = person(&app, &admin, "ada.king@sync.test").await;
    assert_eq!(a3["manager_name"], "Bea Boss");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_account_known_by_mail_becomes_the_person_and_clashes_are_said() {
    let (app, ou) = app_on_fresh_ou().await;
    let admin = app.token("admin@sync.test", Role::Admin).await;
    // Someone who filed tickets by mail before the directory was connected.
    app.create_ticket(
        &admin,
        json!({"subject": "Printer", "description": "jammed",
        "priority": "P3", "requester_email": "kim@sync.test"}),
    )
    .await;
    blocking(|| {
        let mut s = session(&ou);
        hire(&mut s, "kim", ("Kim", "Park"), "");
        let twin = hire(&mut s, "twin", ("Tw", "In"), "");
        replace(&twin, &[("mail", "kim@sync.test")]);
        let nomail = hire(&mut s, "nomail", ("No", "Mail"), "");
        replace(&nomail, &[("mail", "")]);
    });
    let run = sync(&app, &admin, false).await;
    assert_eq!(counts(&run), [1, 0, 0, 0, 2], "{run}");
    let kim = person(&app, &admin, "kim@sync.test").await;
    assert_eq!(kim["name"], "Kim Park");
    let reasons: Vec<&str> = run["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["action"] == "skipped")
        .map(|l| l["detail"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"no mail address"), "{reasons:?}");
    assert!(
        reasons.iter().any(|r| r.contains("kim@sync.test")),
        "{reasons:?}"
    );
    let tickets: Value = app
        .get(&admin, "/api/v1/tickets?requester=kim@sync.test")
        .await
        .json()
        .await
        .unwrap();
    let items = tickets["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{tickets}");
    assert_eq!(items[0]["requester"]["id"], kim["id"], "the same account");
    assert_eq!(
        items[0]["requester"]["name"], "Kim Park",
        "named as the directory has it"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_directory_that_does_not_answer_fails_the_run_and_keeps_it() {
    let extra = [("directory.url", json!("ldap://127.0.0.1:1"))];
    let app = spawn_app_with(ldap_server::overrides(&extra)).await;
    let admin = app.token("admin@sync.test", Role::Admin).await;
    let resp = app
        .post_json(&admin, "/api/v1/directory/sync", &json!({}))
        .await;
    let problem = assert_problem(resp, 502, "upstream_unavailable").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("not reachable"),
        "{problem}"
    );
    let runs: Value = app
        .get(&admin, "/api/v1/directory/syncs")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(runs[0]["status"], "failed");
    assert!(runs[0]["error"].as_str().unwrap().contains("not reachable"));
    let agent = app.token("agent@sync.test", Role::Coordinator).await;
    let resp = app
        .post_json(&agent, "/api/v1/directory/sync", &json!({}))
        .await;
    assert_problem(resp, 403, "forbidden").await;
    // Without a directory at all.
    let plain = crate::helpers::spawn_app().await;
    let admin = plain.token("admin@sync.test", Role::Admin).await;
    let resp = plain
        .post_json(&admin, "/api/v1/directory/sync", &json!({"dry_run": true}))
        .await;
    assert_problem(resp, 409, "directory_not_configured").await;
}

/// The command line, configured from the environment only.
#[tokio::test(flavor = "multi_thread")]
async fn the_command_syncs_from_settings_in_the_environment() {
    let (app, ou) = app_on_fresh_ou().await;
    blocking(|| hire(&mut session(&ou), "cli", ("Cee", "Ell"), ""));
    let (port, dir) = ldap_server::slapd();
    let command = |url: &str, args: &[&str]| {
        let mut cmd = itdesk();
        cmd.args(["--database-url", &app.db.url, "directory", "sync"])
            .args(args);
        for (k, v) in [
            ("URL", url.to_owned()),
            ("STARTTLS", "true".into()),
            ("CA_FILE", format!("{dir}/tls/ca.pem")),
            ("BIND_DN", format!("cn=admin,{SUFFIX}")),
            ("BIND_PASSWORD", "adminpw".into()),
            ("PEOPLE_BASE", ou.clone()),
            ("NEW_USERS_OU", ou.clone()),
            ("GROUPS_BASE", format!("ou=groups,{SUFFIX}")),
            ("EMPTY_GROUP_MEMBER", format!("cn=nobody,{SUFFIX}")),
        ] {
            cmd.env(format!("ITDESK__DIRECTORY__{k}"), v);
        }
        run(&mut cmd)
    };
    let url = format!("ldap://127.0.0.1:{port}");
    let (code, out, err) = command(&url, &["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("dry run, nothing changed: 1 created, 0 updated"),
        "{out}"
    );
    let (code, out, err) = command(&url, &["--json"]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["created"], 1, "{out}");
    assert_eq!(report["dry_run"], false);
    assert_eq!(report["started_by"], "cli");
    let (code, out, _) = command(&url, &[]);
    assert!(
        out.contains("0 created, 0 updated, 0 deactivated, 1 unchanged"),
        "{out}"
    );
    assert_eq!(code, 0);
    let (code, _, err) = command("ldap://127.0.0.1:1", &[]);
    assert_eq!(code, 69, "unreachable: {err}");
    assert!(err.contains("not reachable"), "{err}");
}

/// The admin page: where from, a preview that changes nothing, a sync, and
/// each run's people in words.
#[tokio::test(flavor = "multi_thread")]
async fn admins_preview_and_sync_from_the_page() {
    let (app, ou) = app_on_fresh_ou().await;
    blocking(|| hire(&mut session(&ou), "page", ("Pia", "Gee"), ""));
    app.user_with_password("root@sync.test", Role::Admin, "a good long password")
        .await;
    let c = browser();
    login(&app, &c, "root@sync.test", "a good long password").await;
    let (status, html) = page_text(&c, app.url("/admin/directory")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&ou), "names where people come from");
    assert!(html.contains("No sync has run yet."));
    let csrf = csrf_of(&html);
    let (status, location, _) = post_form(
        &c,
        app.url("/admin/directory/sync"),
        &[("csrf", &csrf), ("action", "preview")],
    )
    .await;
    assert_eq!(status, 303);
    let (_, run) = page_text(&c, app.url(&location)).await;
    assert!(
        run.contains("This is a preview: nothing was changed."),
        "{run}"
    );
    assert!(run.contains("Added") && run.contains("Pia Gee"), "{run}");
    assert_eq!(app.count("people").await, 0);
    let (_, location, _) = post_form(
        &c,
        app.url("/admin/directory/sync"),
        &[("csrf", &csrf), ("action", "sync")],
    )
    .await;
    let (_, run) = page_text(&c, app.url(&location)).await;
    assert!(run.contains("The sync is done"), "{run}");
    assert!(run.contains("1 added, 0 changed"), "{run}");
    assert_eq!(app.count("people").await, 1);
    let (_, list) = page_text(&c, app.url("/admin/directory")).await;
    assert!(
        list.contains("Preview") && list.contains("this page"),
        "{list}"
    );
}
