//! The IMAP door against a real Dovecot on loopback: polling, moving, and a
//! service killed in the middle of a batch.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use itdesk::config::Sources;
use itdesk::db::Db;
use itdesk::mail::imap::{PollStats, poll};
use itdesk::settings::Settings;
use itdesk::state::AppState;

use crate::helpers::{TestDb, spawn_app_with};
use crate::mail::mail;
use crate::mail_servers::{Dovecot, free_port};

async fn poll_once(state: &AppState) -> PollStats {
    let state = state.clone();
    tokio::task::spawn_blocking(move || poll(&state.mail))
        .await
        .unwrap()
        .expect("poll")
}

#[tokio::test]
async fn polling_takes_mail_in_then_moves_it_to_processed() {
    let dovecot = Dovecot::start();
    let app = spawn_app_with(dovecot.settings()).await;
    let first = mail(
        "lena@example.com",
        "Badge does not open the door",
        "imap-1@example.com",
        "",
        "Since this morning.",
    );
    dovecot.deliver(first.as_bytes());
    dovecot.deliver(
        mail(
            "lena@example.com",
            "Re: [#1] Badge does not open the door",
            "imap-2@example.com",
            "",
            "Any news?\r\n\r\nOn Tue, Lena wrote:\r\n> Since this morning.",
        )
        .as_bytes(),
    );
    dovecot.deliver(b"Subject: no sender at all\r\n\r\njunk");
    assert_eq!(dovecot.inbox(), 3);

    let stats = poll_once(&app.state).await;
    assert_eq!(
        stats,
        PollStats {
            fetched: 3,
            taken_in: 2,
            dead_letters: 1,
            deferred: 0
        }
    );
    assert_eq!(dovecot.inbox(), 0, "the INBOX is empty");
    assert_eq!(dovecot.folder("Processed"), 3, "moved, not deleted");
    assert_eq!(app.count("tickets").await, 1);
    assert_eq!(app.count("comments").await, 1);
    assert_eq!(
        app.count("mail_dead_letters WHERE source = 'imap'").await,
        1
    );
    assert_eq!(
        app.count("mail_messages WHERE source = 'imap' AND direction = 'in'")
            .await,
        2
    );

    // The same message again (a crash left a copy behind): taken in once.
    dovecot.deliver(first.as_bytes());
    let stats = poll_once(&app.state).await;
    assert_eq!((stats.fetched, stats.taken_in), (1, 1));
    assert_eq!(app.count("tickets").await, 1);
    assert_eq!(dovecot.folder("Processed"), 4);
    assert_eq!(poll_once(&app.state).await, PollStats::default());
}

#[tokio::test]
async fn wrong_imap_credentials_are_a_clear_error_and_lose_nothing() {
    let dovecot = Dovecot::start();
    let mut settings = dovecot.settings();
    settings.retain(|(k, _)| k != "mail.imap.password");
    settings.push(("mail.imap.password".into(), serde_json::json!("wrong")));
    let app = spawn_app_with(settings).await;
    dovecot.deliver(mail("x@example.com", "s", "cred-1@example.com", "", "b").as_bytes());
    let state = app.state.clone();
    let err = tokio::task::spawn_blocking(move || poll(&state.mail))
        .await
        .unwrap()
        .unwrap_err();
    assert!(err.to_string().contains("IMAP login"), "{err}");
    assert_eq!(dovecot.inbox(), 1);
    assert_eq!(app.count("tickets").await, 0);
}

fn count(db: &Db, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let Ok(mut conn) = db.reader() else { return -1 };
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {sql}"))
        .load::<N>(&mut *conn)
        .map(|r| r[0].n)
        .unwrap_or(-1)
}

/// `itdesk serve`, killed with SIGKILL when dropped.
struct Serve(std::process::Child);

impl Serve {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        self.kill();
    }
}

fn serve(db: &TestDb, dovecot: &Dovecot, dir: &std::path::Path) -> Serve {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_itdesk"))
        .current_dir(dir)
        .env_remove("ITDESK_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .env("ITDESK_DATABASE_URL", &db.url)
        .env("ITDESK__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("ITDESK__JOBS__POLL_MS", "100")
        .env("ITDESK__MAIL__IMAP__ENABLED", "true")
        .env("ITDESK__MAIL__IMAP__HOST", "127.0.0.1")
        .env("ITDESK__MAIL__IMAP__PORT", dovecot.port.to_string())
        .env("ITDESK__MAIL__IMAP__USER", &dovecot.user)
        .env("ITDESK__MAIL__IMAP__PASSWORD", &dovecot.password)
        .env("ITDESK__MAIL__IMAP__POLL_SECONDS", "1")
        .env("ITDESK__MAIL__IMAP__BATCH", "25")
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start itdesk serve");
    Serve(child)
}

#[test]
fn killing_serve_in_the_middle_of_a_batch_loses_and_doubles_nothing() {
    const N: usize = 1000;
    let dovecot = Dovecot::start();
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    for i in 0..N {
        let raw = mail(
            &format!("user{}@example.com", i % 37),
            &format!("Batch message {i:04}"),
            &format!("batch-{i}@example.com"),
            "",
            &format!(
                "Message number {i}.\r\n{}",
                "Some text of a typical length. ".repeat(40)
            ),
        );
        dovecot.deliver(raw.as_bytes());
    }
    let settings = Settings::load(&Sources {
        database_url: Some(db.url.clone()),
        ..Sources::default()
    })
    .unwrap();

    let mut child = serve(&db, &dovecot, dir.path());
    let taken = "mail_messages WHERE direction = 'in'";
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut reader = None;
    let at_kill = loop {
        assert!(
            Instant::now() < deadline,
            "serve took nothing in within a minute"
        );
        if reader.is_none() {
            reader = Db::connect(&settings.database).ok();
        }
        let n = reader.as_ref().map(|d| count(d, taken)).unwrap_or(-1);
        if n >= 40 {
            child.kill(); // SIGKILL: no chance to finish anything
            break n;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let reader = reader.unwrap();
    let after_kill = count(&reader, taken);
    assert!(
        (after_kill as usize) < N,
        "killed in the middle: {after_kill} of {N} taken in (at kill {at_kill})"
    );
    assert_eq!(
        dovecot.inbox() + dovecot.folder("Processed"),
        N,
        "the mailbox lost nothing"
    );

    let mut child = serve(&db, &dovecot, dir.path());
    let deadline = Instant::now() + Duration::from_secs(120);
    while dovecot.inbox() > 0 || count(&reader, taken) < N as i64 {
        if Instant::now() > deadline {
            child.kill();
            panic!(
                "after the restart: {} still in the INBOX, {} taken in",
                dovecot.inbox(),
                count(&reader, taken)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill();
    assert_eq!(count(&reader, taken), N as i64, "each message exactly once");
    assert_eq!(count(&reader, "tickets"), N as i64);
    #[derive(diesel::QueryableByName)]
    struct N2 {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let distinct: Vec<N2> = diesel::sql_query("SELECT COUNT(DISTINCT subject) AS n FROM tickets")
        .load(&mut *reader.reader().unwrap())
        .unwrap();
    assert_eq!(distinct[0].n, N as i64, "no message became two tickets");
    assert_eq!(dovecot.folder("Processed"), N);
    eprintln!("killed with {after_kill} of {N} taken in; all {N} exactly once after the restart");
}

#[test]
fn mail_poll_command_polls_once_and_prints_what_it_did() {
    let dovecot = Dovecot::start();
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    for i in 0..3 {
        let raw = mail(
            "omar@example.com",
            &format!("Printer {i} jams"),
            &format!("cli-poll-{i}@example.com"),
            "",
            "Paper jam on tray 2.",
        );
        dovecot.deliver(raw.as_bytes());
    }
    let run = |user: &str| {
        Command::new(env!("CARGO_BIN_EXE_itdesk"))
            .current_dir(dir.path())
            .env_remove("ITDESK_DATABASE_URL")
            .env("RUST_LOG", "warn")
            .env("ITDESK__MAIL__IMAP__HOST", "127.0.0.1")
            .env("ITDESK__MAIL__IMAP__PORT", dovecot.port.to_string())
            .env("ITDESK__MAIL__IMAP__USER", user)
            .env("ITDESK__MAIL__IMAP__PASSWORD", &dovecot.password)
            .args(["--database-url", &db.url, "mail", "poll"])
            .output()
            .expect("run itdesk mail poll")
    };
    let out = run(&dovecot.user);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON line: {stdout:?}");
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(
        (
            &v["fetched"],
            &v["taken_in"],
            &v["dead_letters"],
            &v["deferred"]
        ),
        (
            &serde_json::json!(3),
            &serde_json::json!(3),
            &serde_json::json!(0),
            &serde_json::json!(0)
        ),
        "{v}"
    );
    assert!(v["seconds"].as_f64().is_some_and(|s| s >= 0.0), "{v}");
    assert_eq!(dovecot.inbox(), 0);
    assert_eq!(dovecot.folder("Processed"), 3);

    // Nothing configured: a clear error, not a silent no-op.
    let out = run("");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("mail.imap.user is empty"), "{stderr}");
}
