//! The `itdesk` binary itself: help, a bad database URL, migrate and demo
//! (admin and serve have their own files).

use std::process::Command;

use itdesk::config::Sources;
use itdesk::db::Db;
use itdesk::settings::Settings;

use crate::helpers::TestDb;

pub(crate) fn itdesk() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_itdesk"));
    cmd.env_remove("ITDESK_DATABASE_URL")
        .env("RUST_LOG", "warn");
    cmd
}

pub(crate) fn run(cmd: &mut Command) -> (i32, String, String) {
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

    // People with departments and managers; a new hire onboarded and a
    // leaver offboarded.
    assert!(
        out.contains("people with departments and managers"),
        "{out}"
    );
    let (people, total) = itdesk::people::service::list_people(
        &handle,
        &admin,
        &itdesk::people::service::PeopleFilter::default(),
        (200, 0),
    )
    .unwrap();
    assert!(total >= 60, "{total}");
    assert!(people.iter().filter(|p| p.manager_id.is_some()).count() > total as usize / 2);
    assert!(people.iter().all(|p| p.department.is_some()));
    let nora = people
        .iter()
        .find(|p| p.email == "nora.newman@example.org")
        .expect("onboarded");
    assert_eq!(nora.department.as_deref(), Some("Engineering"));
    assert!(
        people
            .iter()
            .any(|p| p.employment_status.as_str() == "departed" && !p.is_active),
        "one offboarded"
    );

    let (code, _, err) = run(itdesk().args(["--database-url", &db.url, "demo"]));
    assert_ne!(code, 0);
    assert!(
        err.contains("already holds") && err.contains("demo data is meant for an empty database"),
        "{err}"
    );
}
