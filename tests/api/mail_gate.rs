//! `itdesk mailgate` hands messages to a running service over its local
//! socket, and takes them in itself when no service answers.

use std::io::Read;
use std::os::unix::net::UnixListener;

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::spawn_app_with;
use crate::mail::mail;
use crate::mail_cli::{itdesk, line, mailgate};

/// A database mailgate itself cannot reach: only the service can take a
/// message in.
fn unreachable() -> &'static str {
    "sqlite:///nonexistent-folder/never/itdesk.db"
}

/// Starts the service's mailgate listener at `socket` and waits for it.
async fn listen(app: &crate::helpers::TestApp, socket: &std::path::Path) {
    tokio::spawn(itdesk::mail::gate::listen(
        app.state.mail.clone(),
        socket.to_path_buf(),
    ));
    for _ in 0..100 {
        if socket.exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn mailgate_hands_messages_to_the_running_service_and_answers_as_it_does() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("mg.sock");
    let path = socket.display().to_string();
    let app = spawn_app_with(vec![("mail.mailgate_socket".into(), json!(path))]).await;
    listen(&app, &socket).await;
    let gate_through = move |raw: Vec<u8>| {
        let path = path.clone();
        tokio::task::spawn_blocking(move || {
            mailgate(
                unreachable(),
                &[("ITDESK__MAIL__MAILGATE_SOCKET", path.as_str())],
                &raw,
            )
        })
    };
    let first = mail(
        "Kim Lee <kim@example.com>",
        "Dock dead",
        "sock-1@example.com",
        "",
        "No power.",
    );
    let (code, out, err) = gate_through(first.clone().into_bytes()).await.unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(line(&out)["action"], "created");
    let gate = app.token("mta@example.org", Role::Agent).await;
    let t: Value = app
        .get(&gate, "/api/v1/tickets/1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["subject"], "Dock dead");
    assert_eq!(t["channel"], "email");

    // The same message again: recognised, exit 0; bytes that are no message: 65.
    let (code, out, _) = gate_through(first.into_bytes()).await.unwrap();
    assert_eq!(code, 0);
    assert_eq!(line(&out)["action"], "ignored");
    let (code, out, err) = gate_through(b"\x00 not a message".to_vec()).await.unwrap();
    assert_eq!(code, 65, "{out} {err}");
    assert!(err.contains("dead letter"), "{err}");
}

#[test]
fn a_service_that_never_answers_leaves_mailgate_to_take_the_message_in_itself() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::helpers::TestDb::new(dir.path());
    let socket = dir.path().join("silent.sock");
    let listener = UnixListener::bind(&socket).unwrap();
    // A "service" that reads the message and hangs up without a word.
    let silent = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut sink = Vec::new();
        let _ = conn.read_to_end(&mut sink);
        sink.len()
    });
    let path = socket.display().to_string();
    let env = [("ITDESK__MAIL__MAILGATE_SOCKET", path.as_str())];
    let m = mail(
        "ana@example.com",
        "Printer",
        "lost-1@example.com",
        "",
        "Jammed.",
    );
    let (code, out, err) = mailgate(&db.url, &env, m.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("did not answer"), "{err}");
    assert_eq!(line(&out)["action"], "created");
    assert!(silent.join().unwrap() > 0, "the message was offered first");
}

/// mailgate reads only the keys that find the service, through every layer:
/// a `--config` file names the socket here, given before or after the
/// command, as `--config F` or `--config=F`; anything else on the command
/// line goes to the full parser.
#[tokio::test]
async fn mailgate_finds_the_service_through_the_configuration_file_in_any_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("cfg.sock");
    let app = spawn_app_with(vec![]).await;
    listen(&app, &socket).await;
    let config = dir.path().join("itdesk.toml");
    let toml = format!(
        "[mail]\nmailgate_socket = {:?}\n",
        socket.display().to_string()
    );
    std::fs::write(&config, toml).unwrap();
    let config = config.display().to_string();
    let inline = format!("--config={config}");
    let spellings: [Vec<&str>; 3] = [
        vec!["--config", &config, "mailgate"],
        vec!["mailgate", &inline],
        vec![
            "--database-url",
            unreachable(),
            "mailgate",
            "--config",
            &config,
        ],
    ];
    for (n, args) in spellings.into_iter().enumerate() {
        let m = mail(
            "kim@example.com",
            "Dock",
            &format!("cfg-{n}@example.com"),
            "",
            "x",
        );
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let (code, out, err) = tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            itdesk(&args, &[], m.as_bytes())
        })
        .await
        .unwrap();
        assert_eq!(code, 0, "spelling {n}: {err}");
        assert_eq!(line(&out)["action"], "created", "spelling {n}");
    }
    let (code, out, _) = itdesk(&["mailgate", "--help"], &[], b"");
    assert_eq!(code, 0);
    assert!(out.contains("EX_TEMPFAIL"), "clap's help: {out}");
    let (code, _, err) = itdesk(&["mailgate", "--config"], &[], b"");
    assert_eq!(code, 2, "clap's error: {err}");
    assert!(err.contains("--config"), "{err}");
}
