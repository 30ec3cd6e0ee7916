//! Real mail servers for the tests: Dovecot (IMAP) and an aiosmtpd SMTP
//! server, each started on a free loopback port in a folder of its own and
//! stopped when dropped. If a server cannot start, the test fails saying how
//! to install it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const INSTALL: &str =
    "install it with: apt-get install -y dovecot-imapd python3-aiosmtpd (tests/run.sh does this)";

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not start listening on {port}; {INSTALL}"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// An SMTP server that writes every message it accepts to a folder.
pub struct Smtp {
    child: Option<Child>,
    pub port: u16,
    pub dir: PathBuf,
    _tmp: Option<tempfile::TempDir>,
}

impl Smtp {
    pub fn start() -> Smtp {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let mut s = Smtp {
            child: None,
            port: free_port(),
            dir,
            _tmp: Some(tmp),
        };
        s.resume();
        s
    }

    /// Starts (again) on the same port and folder.
    pub fn resume(&mut self) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
        let child = Command::new("/usr/bin/python3")
            .args([
                script,
                "127.0.0.1",
                &self.port.to_string(),
                self.dir.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the SMTP server ({e}); {INSTALL}"));
        self.child = Some(child);
        wait_port(self.port, "the SMTP server (python3-aiosmtpd)");
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Every message received so far: (envelope JSON, raw bytes), in order.
    pub fn messages(&self) -> Vec<(serde_json::Value, Vec<u8>)> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        names.retain(|p| p.extension().is_some_and(|e| e == "eml"));
        names.sort();
        names
            .iter()
            .map(|eml| {
                let envelope =
                    std::fs::read_to_string(eml.with_extension("json")).unwrap_or_default();
                (
                    serde_json::from_str(&envelope).unwrap_or_default(),
                    std::fs::read(eml).unwrap(),
                )
            })
            .collect()
    }

    /// Waits until at least `n` messages arrived.
    pub fn wait_for(&self, n: usize) -> Vec<(serde_json::Value, Vec<u8>)> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let m = self.messages();
            if m.len() >= n || Instant::now() > deadline {
                return m;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A Dovecot IMAP server with one mailbox user and Maildir storage.
pub struct Dovecot {
    base: tempfile::TempDir,
    pub port: u16,
    pub user: String,
    pub password: String,
    delivered: std::cell::Cell<u64>,
}

const VUID: u32 = 65534;

impl Dovecot {
    pub fn start() -> Dovecot {
        assert!(
            Path::new("/usr/sbin/dovecot").exists(),
            "dovecot is missing; {INSTALL}"
        );
        let base = tempfile::tempdir().unwrap();
        let b = base.path();
        let port = free_port();
        for d in ["run", "Maildir/cur", "Maildir/new", "Maildir/tmp"] {
            std::fs::create_dir_all(b.join(d)).unwrap();
        }
        // Dovecot's mail processes may not run as root: the mailbox belongs to nobody.
        std::os::unix::fs::chown(b, Some(VUID), Some(VUID)).unwrap();
        for d in ["Maildir", "Maildir/cur", "Maildir/new", "Maildir/tmp"] {
            std::os::unix::fs::chown(b.join(d), Some(VUID), Some(VUID)).unwrap();
        }
        let (user, password) = ("helpdesk@example.org".to_owned(), "imap-secret".to_owned());
        std::fs::write(
            b.join("passwd"),
            format!(
                "{user}:{{PLAIN}}{password}:{VUID}:{VUID}::{}::\n",
                b.display()
            ),
        )
        .unwrap();
        let conf = format!(
            r#"base_dir = {b}/run
state_dir = {b}/run/state
instance_name = itdesk-test-{port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = {b}/run/dovecot.log
first_valid_uid = {VUID}
last_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {b}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {b}/passwd
}}
mail_location = maildir:{b}/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0600
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"#,
            b = b.display()
        );
        std::fs::write(b.join("dovecot.conf"), conf).unwrap();
        let status = Command::new("/usr/sbin/dovecot")
            .args(["-c", b.join("dovecot.conf").to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("cannot start dovecot ({e}); {INSTALL}"));
        assert!(
            status.success(),
            "dovecot refused to start; see {}/run/dovecot.log",
            b.display()
        );
        wait_port(port, "dovecot");
        Dovecot {
            base,
            port,
            user,
            password,
            delivered: std::cell::Cell::new(0),
        }
    }

    /// Delivers a message into the INBOX, as an MDA would.
    pub fn deliver(&self, raw: &[u8]) {
        let n = self.delivered.get() + 1;
        self.delivered.set(n);
        let b = self.base.path();
        let name = format!(
            "{}.M{n}P{}.itdesk-test",
            1_700_000_000 + n,
            std::process::id()
        );
        let tmp = b.join("Maildir/tmp").join(&name);
        std::fs::write(&tmp, raw).unwrap();
        std::os::unix::fs::chown(&tmp, Some(VUID), Some(VUID)).unwrap();
        std::fs::rename(&tmp, b.join("Maildir/new").join(&name)).unwrap();
    }

    fn count_in(&self, dir: &Path) -> usize {
        ["cur", "new"]
            .iter()
            .map(|d| {
                std::fs::read_dir(dir.join(d))
                    .map(|r| r.count())
                    .unwrap_or(0)
            })
            .sum()
    }

    /// Messages still in the INBOX.
    pub fn inbox(&self) -> usize {
        self.count_in(&self.base.path().join("Maildir"))
    }

    /// Messages in a folder (Maildir++ layout: `.Name`).
    pub fn folder(&self, name: &str) -> usize {
        self.count_in(&self.base.path().join("Maildir").join(format!(".{name}")))
    }

    /// Settings for the app to poll this server.
    pub fn settings(&self) -> Vec<(String, serde_json::Value)> {
        vec![
            ("mail.imap.enabled".into(), serde_json::json!(true)),
            ("mail.imap.host".into(), serde_json::json!("127.0.0.1")),
            ("mail.imap.port".into(), serde_json::json!(self.port)),
            ("mail.imap.user".into(), serde_json::json!(self.user)),
            (
                "mail.imap.password".into(),
                serde_json::json!(self.password),
            ),
            ("mail.imap.poll_seconds".into(), serde_json::json!(1)),
            ("mail.imap.batch".into(), serde_json::json!(25)),
        ]
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let pid_file = self.base.path().join("run/master.pid");
        let Ok(pid) = std::fs::read_to_string(pid_file) else {
            return;
        };
        let pid = pid.trim();
        // Only while that process is still this Dovecot: a stale pid file
        // may name a process id that now belongs to someone else.
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() == "dovecot" {
            let _ = Command::new("kill").arg(pid).status();
        }
    }
}

/// Settings for the app to send through this SMTP server.
pub fn smtp_settings(port: u16) -> Vec<(String, serde_json::Value)> {
    vec![
        ("mail.smtp.transport".into(), serde_json::json!("smtp")),
        ("mail.smtp.host".into(), serde_json::json!("127.0.0.1")),
        ("mail.smtp.port".into(), serde_json::json!(port)),
        ("mail.smtp.timeout_seconds".into(), serde_json::json!(3)),
    ]
}
