//! `itdesk backup`: a consistent copy of a running SQLite database, taken
//! while tickets are being filed; a service started on the copy finds every
//! ticket acknowledged before the backup began (hardening: backups).

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestDb, spawn_app, test_settings};

fn itdesk() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_itdesk"));
    cmd.env_remove("ITDESK_DATABASE_URL")
        .env("RUST_LOG", "warn");
    cmd
}

#[tokio::test]
async fn a_backup_taken_while_tickets_are_filed_holds_every_acknowledged_one() {
    let app = spawn_app().await;
    let token = app.token("alice@example.org", Role::Requester).await;
    if app.db.is_postgres() {
        let out = itdesk()
            .args(["--database-url", &app.db.url, "backup", "--output"])
            .arg(app.dir.path().join("pg.db"))
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("pg_dump"), "points to pg_dump: {err}");
        return;
    }
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let running = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (client, url, token) = (
            app.client.clone(),
            app.url("/api/v1/tickets"),
            token.clone(),
        );
        let (acknowledged, running) = (acknowledged.clone(), running.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while running.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let resp = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(
                        &json!({"subject": format!("w{w} #{n}"), "description": "during a backup"}),
                    )
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 201);
                let t: Value = resp.json().await.unwrap();
                acknowledged
                    .lock()
                    .unwrap()
                    .push(t["id"].as_str().unwrap().to_owned());
            }
        }));
    }
    while acknowledged.lock().unwrap().len() < 40 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let copy = app.dir.path().join("backups").join("itdesk-copy.db");
    let (url, out_path) = (app.db.url.clone(), copy.clone());
    let out = tokio::task::spawn_blocking(move || {
        itdesk()
            .args(["--database-url", &url, "backup", "--output"])
            .arg(&out_path)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let during = acknowledged.lock().unwrap().len();
    running.store(false, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    let total = acknowledged.lock().unwrap().len();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("backed up the database"));
    assert!(during > before.len(), "tickets were filed while it ran");

    // A second backup to the same file is refused: nothing is overwritten.
    let again = itdesk()
        .args(["--database-url", &app.db.url, "backup", "--output"])
        .arg(&copy)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    // A service on the copy has every ticket acknowledged before it began.
    let dir = tempfile::tempdir().unwrap();
    let restored = TestDb::sqlite_file(&copy);
    let settings = test_settings(&restored, dir.path(), Vec::new());
    let state = tokio::task::spawn_blocking(move || itdesk::startup::prepare(settings).unwrap())
        .await
        .unwrap();
    let ids = before.clone();
    let (found, in_copy) = tokio::task::spawn_blocking(move || {
        let admin = itdesk::auth::tokens::create_token(
            &state.db,
            "restore-check@example.org",
            Role::Admin,
            "check",
            None,
        )
        .unwrap()
        .user;
        let found = ids
            .iter()
            .filter(|id| {
                state.tickets.with_rules(|rules| {
                    itdesk::tickets::service::get_ticket(
                        &state.db,
                        rules,
                        &admin,
                        &itdesk::tickets::service::TicketRef::Id((*id).clone()),
                        itdesk::ids::now(),
                    )
                    .is_ok()
                })
            })
            .count();
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let rows: Vec<N> = diesel::sql_query("SELECT COUNT(*) AS n FROM tickets")
            .load(&mut *state.db.reader().unwrap())
            .unwrap();
        (found, rows[0].n as usize)
    })
    .await
    .unwrap();
    assert_eq!(
        found,
        before.len(),
        "every acknowledged ticket is in the copy"
    );
    assert!(
        in_copy >= before.len() && in_copy <= total,
        "{in_copy} of {total}"
    );
}
