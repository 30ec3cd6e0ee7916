//! The `itdesk` binary itself: help, migrate, admin, demo, serve.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use itdesk::config::Sources;
use itdesk::db::Db;
use itdesk::settings::Settings;

use crate::helpers::{TestDb, postgres_base_url};

fn itdesk() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_itdesk"));
    cmd.env_remove("ITDESK_DATABASE_URL")
        .env("RUST_LOG", "warn");
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run itdesk");
    if out.status.code().is_none() {
        use std::os::unix::process::ExitStatusExt;
        panic!(
            "itdesk was ended by signal {:?}; stderr {:?}",
            out.status.signal(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_explains_every_command() {
    let (code, out, _) = run(itdesk().arg("--help"));
    assert_eq!(code, 0);
    for word in [
        "serve",
        "migrate",
        "admin",
        "demo",
        "openapi",
        "ITDESK_DATABASE_URL",
        "--config",
    ] {
        assert!(out.contains(word), "--help lacks {word}:\n{out}");
    }
    let (code, out, _) = run(itdesk().args(["admin", "create-token", "--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("last line of standard output"), "{out}");
}

#[test]
fn unknown_database_scheme_is_a_clear_error_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(itdesk().current_dir(dir.path()).args([
        "--database-url",
        "mysql://root@localhost/x",
        "migrate",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("must start with sqlite:// or postgres://"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no stray SQLite file"
    );
    let (code, _, err) = run(itdesk()
        .current_dir(dir.path())
        .env("ITDESK_DATABASE_URL", "itdesk.db")
        .arg("migrate"));
    assert_eq!(
        code, 2,
        "a bare path is not silently taken as SQLite: {err}"
    );
}

#[test]
fn migrate_applies_once_then_reports_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let (code, out, err) = run(itdesk().env("ITDESK_DATABASE_URL", &db.url).arg("migrate"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("applied 20261125000001"), "{out}");
    let (code, out, _) = run(itdesk().env("ITDESK_DATABASE_URL", &db.url).arg("migrate"));
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "database is up to date");
}

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

#[test]
fn demo_loads_a_living_helpdesk_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let (code, out, err) =
        run(itdesk().args(["--database-url", &db.url, "demo", "--tickets", "300"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("loaded 300 tickets"), "{out}");
    assert!(out.contains("itdesk-demo"), "says how to log in: {out}");

    let settings = Settings::load(&Sources {
        database_url: Some(db.url.clone()),
        ..Sources::default()
    })
    .unwrap();
    let handle = Db::connect(&settings.database).unwrap();
    let admin = itdesk::auth::login::password_login(
        &handle,
        &settings.login,
        "admin@example.org",
        "itdesk-demo",
        "127.0.0.1",
        itdesk::ids::now(),
    )
    .expect("demo admin can log in");
    let page = itdesk::tickets::service::list_tickets(
        &handle,
        &settings.api,
        &admin,
        &itdesk::tickets::dto::ListParams {
            status: Some("open".into()),
            limit: Some(200),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(!page.items.is_empty(), "some demo tickets are open");
    let months: std::collections::BTreeSet<String> = itdesk::tickets::service::list_tickets(
        &handle,
        &settings.api,
        &admin,
        &itdesk::tickets::dto::ListParams {
            limit: Some(200),
            sort: Some("created_at".into()),
            ..Default::default()
        },
    )
    .unwrap()
    .items
    .iter()
    .map(|v| v.ticket.created_at.format("%Y-%m").to_string())
    .collect();
    assert!(months.len() >= 3, "tickets span several months: {months:?}");

    let (code, _, err) = run(itdesk().args(["--database-url", &db.url, "demo"]));
    assert_ne!(code, 0);
    assert!(err.contains("already holds 300 tickets"), "{err}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_health(port: u16) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n");
            let mut buf = String::new();
            let _ = std::io::Read::read_to_string(&mut s, &mut buf);
            if buf.starts_with("HTTP/1.0 200") || buf.starts_with("HTTP/1.1 200") {
                return Some(buf);
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

#[test]
fn serve_defaults_to_sqlite_under_data_and_reads_env_overrides() {
    if postgres_base_url().is_some() {
        // The default is SQLite by definition; the PostgreSQL run covers serve below.
        return serve_uses_postgres_from_the_environment();
    }
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = itdesk()
        .current_dir(dir.path())
        .env("ITDESK__SERVER__BIND", format!("127.0.0.1:{port}"))
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let health = wait_for_health(port);
    let _ = child.kill();
    let _ = child.wait();
    let health = health.expect("serve answers /healthz");
    assert!(health.contains("\"backend\":\"sqlite\""), "{health}");
    assert!(
        dir.path().join("data/itdesk.db").is_file(),
        "database created at ./data/itdesk.db"
    );
}

fn serve_uses_postgres_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let port = free_port();
    let mut child = itdesk()
        .current_dir(dir.path())
        .env("ITDESK_DATABASE_URL", &db.url)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let health = wait_for_health(port);
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        health
            .expect("serve answers")
            .contains("\"backend\":\"postgres\"")
    );
    assert!(
        !dir.path().join("data").exists(),
        "no SQLite file when PostgreSQL is configured"
    );
}

#[test]
fn config_file_is_read_and_a_missing_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(itdesk().args(["--config", "/nonexistent.toml", "migrate"]));
    assert_eq!(code, 2);
    assert!(err.contains("does not exist"), "{err}");
    let db_path = dir.path().join("from-file.db");
    let file = dir.path().join("site.toml");
    std::fs::write(
        &file,
        format!("[database]\nurl = \"sqlite://{}\"\n", db_path.display()),
    )
    .unwrap();
    let (code, _, err) = run(itdesk().args(["--config", file.to_str().unwrap(), "migrate"]));
    assert_eq!(code, 0, "{err}");
    assert!(db_path.is_file());
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
