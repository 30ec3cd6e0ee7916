//! `itdesk admin` from the command line: tokens printed once and stored as
//! digests, passwords read from standard input, and tokens listed and
//! revoked and people deactivated.

use std::io::Write;
use std::process::Stdio;

use diesel::RunQueryDsl;
use itdesk::config::Sources;
use itdesk::db::Db;
use itdesk::settings::Settings;

use crate::cli::{itdesk, run};
use crate::helpers::TestDb;

#[test]
fn create_token_prints_a_working_token_last_and_stores_only_its_digest() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let (code, out, err) = run(itdesk().args([
        "--database-url",
        &db.url,
        "admin",
        "create-token",
        "--email",
        "Ops@Example.org",
        "--role",
        "admin",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("created user ops@example.org with role admin"),
        "{err}"
    );
    let token = out.lines().last().unwrap().trim().to_owned();
    assert!(token.starts_with("itd_"), "{out}");

    let settings = Settings::load(&Sources {
        database_url: Some(db.url.clone()),
        ..Sources::default()
    })
    .unwrap();
    let handle = Db::connect(&settings.database).unwrap();
    let (user, expires) =
        itdesk::auth::tokens::authenticate_token(&handle, &token, itdesk::ids::now())
            .unwrap()
            .expect("token works");
    assert_eq!(expires, None);
    assert_eq!(user.email, "ops@example.org");
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        digest: String,
    }
    let rows: Vec<Row> = diesel::sql_query("SELECT digest FROM api_tokens")
        .load(&mut *handle.reader().unwrap())
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].digest, itdesk::auth::token::digest(&token));
    assert!(!rows[0].digest.contains(&token[4..]));

    let (code, _, err) = run(itdesk().args([
        "--database-url",
        &db.url,
        "admin",
        "create-token",
        "--email",
        "ops@example.org",
        "--role",
        "agent",
    ]));
    assert_eq!(code, 0);
    assert!(
        err.contains("changed the role of ops@example.org from admin to agent"),
        "{err}"
    );
    let (code, _, err) = run(itdesk().args([
        "admin",
        "create-token",
        "--email",
        "x@y.z",
        "--role",
        "boss",
    ]));
    assert_ne!(code, 0);
    assert!(err.contains("boss"), "{err}");
}

#[test]
fn create_user_reads_the_password_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let mut child = itdesk()
        .args([
            "--database-url",
            &db.url,
            "admin",
            "create-user",
            "--email",
            "jane@example.org",
            "--role",
            "coordinator",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long passphrase\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created user jane@example.org"));

    let settings = Settings::load(&Sources {
        database_url: Some(db.url.clone()),
        ..Sources::default()
    })
    .unwrap();
    let handle = Db::connect(&settings.database).unwrap();
    let now = itdesk::ids::now();
    let user = itdesk::auth::login::password_login(
        &handle,
        &settings.login,
        "jane@example.org",
        "a long passphrase",
        "127.0.0.1",
        now,
    )
    .expect("login with the stdin password");
    assert_eq!(user.role, itdesk::auth::Role::Coordinator);

    let mut child = itdesk()
        .args([
            "--database-url",
            &db.url,
            "admin",
            "create-user",
            "--email",
            "short@example.org",
            "--role",
            "agent",
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 8 characters"));
}

/// Hardening item 9 from the command line: tokens listed and revoked,
/// people deactivated, passwords set.
#[test]
fn admins_list_and_revoke_tokens_and_deactivate_people_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let url = db.url.as_str();
    let (code, out, err) = run(itdesk().args([
        "--database-url",
        url,
        "admin",
        "create-token",
        "--email",
        "ops@example.org",
        "--role",
        "agent",
        "--label",
        "nightly import",
        "--expires-in-days",
        "30",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("until"), "{err}");
    let token = out.lines().last().unwrap().trim().to_owned();

    let (code, out, _) = run(itdesk().args(["--database-url", url, "admin", "list-tokens"]));
    assert_eq!(code, 0);
    let line = out
        .lines()
        .find(|l| l.contains("nightly import"))
        .expect(&out);
    assert!(
        line.contains("ops@example.org") && line.contains("valid until"),
        "{line}"
    );
    let id = line.split_whitespace().next().unwrap().to_owned();

    let handle = Db::connect(
        &Settings::load(&Sources {
            database_url: Some(db.url.clone()),
            ..Sources::default()
        })
        .unwrap()
        .database,
    )
    .unwrap();
    let works = |t: &str| {
        itdesk::auth::tokens::authenticate_token(&handle, t, itdesk::ids::now())
            .unwrap()
            .is_some()
    };
    assert!(works(&token));
    let (code, out, _) = run(itdesk().args(["--database-url", url, "admin", "revoke-token", &id]));
    assert_eq!(code, 0);
    assert!(out.contains("revoked token"), "{out}");
    assert!(!works(&token));
    let (_, out, _) = run(itdesk().args([
        "--database-url",
        url,
        "admin",
        "list-tokens",
        "--email",
        "ops@example.org",
    ]));
    assert!(out.contains("revoked"), "{out}");

    let (code, _, err) = run(itdesk().args([
        "--database-url",
        url,
        "admin",
        "create-token",
        "--email",
        "ops@example.org",
        "--role",
        "agent",
    ]));
    assert_eq!(code, 0, "{err}");
    let mut child = itdesk()
        .args([
            "--database-url",
            url,
            "admin",
            "set-password",
            "--email",
            "ops@example.org",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long passphrase\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let (code, out, err) = run(itdesk().args([
        "--database-url",
        url,
        "admin",
        "deactivate-user",
        "--email",
        "ops@example.org",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("revoked 1 token"), "{out}");
    let settings = Settings::load(&Sources {
        database_url: Some(db.url.clone()),
        ..Sources::default()
    })
    .unwrap();
    let refused = itdesk::auth::login::password_login(
        &handle,
        &settings.login,
        "ops@example.org",
        "a long passphrase",
        "127.0.0.1",
        itdesk::ids::now(),
    );
    assert!(refused.is_err(), "a deactivated person cannot log in");
    let (code, _, err) = run(itdesk().args([
        "--database-url",
        url,
        "admin",
        "deactivate-user",
        "--email",
        "nobody@example.org",
    ]));
    assert_ne!(code, 0);
    assert!(err.contains("nobody@example.org"), "{err}");
}
