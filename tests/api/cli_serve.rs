//! `itdesk serve` from the command line: SQLite under data/ by default,
//! PostgreSQL and overrides from the environment, and the configuration
//! file.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::cli::{itdesk, run};
use crate::helpers::{TestDb, postgres_base_url};

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
