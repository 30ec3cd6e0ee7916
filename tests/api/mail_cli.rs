//! `itdesk mailgate`, as an MTA's pipe transport runs it: one process per
//! message, one JSON line, and exit codes the MTA acts on.

use std::io::Write;
use std::process::{Command, Stdio};

use diesel::RunQueryDsl;
use itdesk::config::Sources;
use itdesk::db::Db;
use itdesk::settings::Settings;
use serde_json::Value;

use crate::helpers::TestDb;
use crate::mail::mail;

/// Runs `itdesk mailgate` with `raw` on stdin: (exit code, stdout, stderr).
pub fn mailgate(url: &str, env: &[(&str, &str)], raw: &[u8]) -> (i32, String, String) {
    itdesk(&["--database-url", url, "mailgate"], env, raw)
}

/// Runs `itdesk ARGS…` with `raw` on standard input and no database in the
/// environment: (exit code, stdout, stderr).
pub fn itdesk(args: &[&str], env: &[(&str, &str)], raw: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_itdesk"))
        .env_remove("ITDESK_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run itdesk mailgate");
    child.stdin.take().unwrap().write_all(raw).unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.code().is_none() {
        use std::os::unix::process::ExitStatusExt;
        panic!(
            "mailgate was ended by signal {:?}; stdout {:?}, stderr {:?}",
            out.status.signal(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn line(stdout: &str) -> Value {
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line: {stdout:?}");
    let v: Value = serde_json::from_str(lines[0]).expect("a JSON line");
    assert_eq!(v.as_object().unwrap().len(), 3, "{v}");
    let at = |k: &str| lines[0].find(&format!("\"{k}\":")).expect(k);
    assert!(
        at("action") < at("ticket") && at("ticket") < at("reason"),
        "action, ticket, reason in that order: {}",
        lines[0]
    );
    v
}

fn count(db: &TestDb, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let settings = Settings::load(&Sources {
        database_url: Some(db.url.clone()),
        ..Sources::default()
    })
    .unwrap();
    let db = Db::connect(&settings.database).unwrap();
    let mut conn = db.reader().unwrap();
    let rows: Vec<N> = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {sql}"))
        .load(&mut *conn)
        .unwrap();
    rows[0].n
}

#[test]
fn mailgate_creates_appends_and_ignores_with_one_json_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let first = mail(
        "Kim Lee <kim@example.com>",
        "Docking station dead",
        "gate-1@example.com",
        "",
        "No power on the dock.",
    );
    let (code, out, err) = mailgate(&db.url, &[], first.as_bytes());
    assert_eq!(code, 0, "{err}");
    let v = line(&out);
    assert_eq!(v["action"], "created");
    assert_eq!(v["ticket"], 1);
    assert_eq!(v["reason"], "new ticket from kim@example.com");

    let reply = mail(
        "kim@example.com",
        "Re: [#1] Docking station dead",
        "gate-2@example.com",
        "",
        "It works with another cable.\r\n\r\n> No power on the dock.",
    );
    let (code, out, err) = mailgate(&db.url, &[], reply.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert_eq!(line(&out)["action"], "appended");

    // The MTA delivering the same message again (after a lost exit status).
    let (code, out, err) = mailgate(&db.url, &[], reply.as_bytes());
    assert_eq!(code, 0, "{err}");
    let v = line(&out);
    assert_eq!(v["action"], "ignored");
    assert_eq!(v["ticket"], 1);
    assert_eq!(count(&db, "comments"), 1);

    // Configuration comes from ITDESK__ variables as for serve.
    let list = mail(
        "news@example.com",
        "Weekly digest",
        "gate-3@example.com",
        "List-Id: <digest.example.com>\r\n",
        "x",
    );
    let (code, out, err) = mailgate(
        &db.url,
        &[("ITDESK__MAIL__ADDRESS", "support@example.com")],
        list.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    let v = line(&out);
    assert_eq!(
        (v["action"].as_str(), v["ticket"].as_i64()),
        (Some("ignored"), None)
    );
    let own = mail("support@example.com", "loop", "gate-4@example.com", "", "x");
    let (_, out, _) = mailgate(
        &db.url,
        &[("ITDESK__MAIL__ADDRESS", "support@example.com")],
        own.as_bytes(),
    );
    assert_eq!(line(&out)["reason"], "our own mail");
    assert_eq!(count(&db, "tickets"), 1);
}

#[test]
fn input_that_is_not_a_message_exits_65_and_is_kept_as_a_dead_letter() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let garbage = b"\x89PNG\r\n\x1a\n definitely not a message";
    let (code, out, err) = mailgate(&db.url, &[], garbage);
    assert_eq!(code, 65, "EX_DATAERR: {err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("kept as a dead letter"), "{err}");
    assert_eq!(count(&db, "mail_dead_letters WHERE source = 'mailgate'"), 1);
    // Too large for the configuration: refused, but its bytes are kept too.
    let big = mail(
        "kim@example.com",
        "big",
        "big@example.com",
        "",
        &"x".repeat(5000),
    );
    let (code, _, err) = mailgate(
        &db.url,
        &[("ITDESK__MAIL__MAX_MESSAGE_BYTES", "1000")],
        big.as_bytes(),
    );
    assert_eq!(code, 65, "{err}");
    assert!(err.contains("larger than mail.max_message_bytes"), "{err}");
    assert_eq!(count(&db, "mail_dead_letters"), 2);
    // MIME the parser library panics on (found by fuzzing): 65, not a crash.
    let broken = include_bytes!("../fuzz/seeds/inbound/broken_nested_multipart.eml");
    let (code, _, err) = mailgate(&db.url, &[], broken);
    assert_eq!(code, 65, "{err}");
    assert!(err.contains("MIME structure"), "{err}");
    assert_eq!(count(&db, "mail_dead_letters"), 3);
    assert_eq!(count(&db, "tickets"), 0);
}

#[test]
fn an_unreachable_database_exits_75_so_the_mta_retries() {
    let raw = mail("kim@example.com", "x", "gate-9@example.com", "", "x");
    // Nothing listens on port 1.
    let (code, out, err) = mailgate("postgres://itdesk@127.0.0.1:1/itdesk", &[], raw.as_bytes());
    assert_eq!(code, 75, "EX_TEMPFAIL: {err}");
    assert!(out.is_empty());
    assert!(err.contains("try again later"), "{err}");
    // A SQLite file that cannot be opened.
    let (code, _, err) = mailgate("sqlite:///proc/itdesk/cannot.db", &[], raw.as_bytes());
    assert_eq!(code, 75, "{err}");
    // A broken configuration is also worth a retry, not a bounce.
    let (code, _, err) = mailgate(
        &format!(
            "sqlite://{}/x.db",
            tempfile::tempdir().unwrap().path().display()
        ),
        &[("ITDESK__MAIL__UNKNOWN_DOMAIN", "maybe")],
        raw.as_bytes(),
    );
    assert_eq!(code, 75, "{err}");
}

/// mailgate exits without closing SQLite (closing would checkpoint the whole
/// WAL per message); once a message has grown the WAL past its limit, it
/// folds it into the database before it goes. Nothing is lost either way.
#[test]
fn mailgate_keeps_the_sqlite_wal_small_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let wal = || std::fs::metadata(dir.path().join("itdesk.db-wal")).map_or(0, |m| m.len());
    let small = mail(
        "ana@example.com",
        "VPN drops",
        "wal-1@example.com",
        "",
        "Every hour.",
    );
    let (code, out, err) = mailgate(&db.url, &[], small.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert_eq!(line(&out)["action"], "created");
    // (The first process also migrated the database: a WAL that size is
    // folded in at once.)
    let second = mail(
        "ana@example.com",
        "VPN drops again",
        "wal-1b@example.com",
        "",
        "Every hour, still.",
    );
    let (code, _, err) = mailgate(&db.url, &[], second.as_bytes());
    assert_eq!(code, 0, "{err}");
    if !db.is_postgres() {
        assert!(wal() > 0, "a small message stays in the WAL");
    }
    // A 3 MB message (the original is stored whole).
    let big_body = "All the logs of the last week, pasted inline. ".repeat(65_000);
    let big = mail(
        "ana@example.com",
        "VPN logs",
        "wal-2@example.com",
        "",
        &big_body,
    );
    let (code, out, err) = mailgate(&db.url, &[], big.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert_eq!(line(&out)["action"], "created");
    if !db.is_postgres() {
        assert_eq!(wal(), 0, "the WAL was folded into the database");
    }
    let (code, out, err) = mailgate(&db.url, &[], small.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        line(&out)["action"],
        "ignored",
        "the first message is still known"
    );
    assert_eq!(count(&db, "tickets"), 3);
    assert_eq!(count(&db, "mail_messages WHERE direction = 'in'"), 3);
}
