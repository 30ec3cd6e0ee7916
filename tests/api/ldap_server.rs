//! The test binary's OpenLDAP server (`slapd`, started once by
//! `tests/ldap/start-slapd.sh`), the settings that reach it, and an admin
//! connection for changing entries behind itdesk's back.

use std::sync::{Arc, OnceLock};

use itdesk::directory::DirectorySettings;
use ldap3::{LdapConn, Mod};
use serde_json::json;

pub const SUFFIX: &str = "dc=example,dc=test";

/// The test binary's slapd: its ldap:// port (ldaps:// is the next one).
pub fn slapd() -> (u16, String) {
    static SERVER: OnceLock<(u16, String)> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            let port = free_port_pair();
            let dir = format!(
                "{}/slapd-{}",
                env!("CARGO_TARGET_TMPDIR"),
                std::process::id()
            );
            let out = std::process::Command::new("tests/ldap/start-slapd.sh")
                .args([&dir, &port.to_string()])
                .output()
                .expect("run tests/ldap/start-slapd.sh");
            assert!(
                out.status.success(),
                "slapd did not start: {}\nInstall it with: apt-get install slapd ldap-utils \
                 (tests/run.sh does)",
                String::from_utf8_lossy(&out.stderr)
            );
            (port, dir)
        })
        .clone()
}

/// Two free consecutive ports (ldap:// and ldaps://).
fn free_port_pair() -> u16 {
    loop {
        let a = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = a.local_addr().unwrap().port();
        if port < 65535 && std::net::TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
}

/// The `[directory]` overrides for the test server, with `extra` ones.
pub fn overrides(extra: &[(&str, serde_json::Value)]) -> Vec<(String, serde_json::Value)> {
    let (port, dir) = slapd();
    overrides_for(port, &dir, extra)
}

/// A slapd of one test's own, to stop and start again; stopped when
/// dropped.
pub struct OwnSlapd {
    pub port: u16,
    pub dir: String,
}

impl OwnSlapd {
    pub fn start(name: &str) -> OwnSlapd {
        OwnSlapd::start_with(name, &[])
    }

    /// With the password policy overlay (see `tests/ldap/start-slapd.sh`).
    pub fn start_with_ppolicy(name: &str) -> OwnSlapd {
        OwnSlapd::start_with(name, &["ppolicy"])
    }

    fn start_with(name: &str, extra: &[&str]) -> OwnSlapd {
        let port = free_port_pair();
        let dir = format!(
            "{}/slapd-{name}-{}",
            env!("CARGO_TARGET_TMPDIR"),
            std::process::id()
        );
        let own = OwnSlapd { port, dir };
        own.run_script(extra);
        own
    }

    fn run_script(&self, extra: &[&str]) {
        let out = std::process::Command::new("tests/ldap/start-slapd.sh")
            .args([self.dir.as_str(), &self.port.to_string()])
            .args(extra)
            .output()
            .expect("run tests/ldap/start-slapd.sh");
        assert!(
            out.status.success(),
            "slapd did not start: {}\nInstall it with: apt-get install slapd ldap-utils",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Stops it and waits until the port is closed.
    pub fn stop(&self) {
        if let Ok(pid) = std::fs::read_to_string(format!("{}/slapd.pid", self.dir)) {
            let _ = std::process::Command::new("kill").arg(pid.trim()).status();
        }
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("slapd on {} did not stop", self.port);
    }

    /// Starts it again with its data.
    pub fn start_again(&self) {
        self.run_script(&["again"]);
    }

    pub fn overrides(
        &self,
        extra: &[(&str, serde_json::Value)],
    ) -> Vec<(String, serde_json::Value)> {
        overrides_for(self.port, &self.dir, extra)
    }

    /// `[directory]` for this server, with `extra` overrides.
    pub fn settings(&self, extra: &[(&str, serde_json::Value)]) -> Arc<DirectorySettings> {
        settings_of(self.overrides(extra))
    }

    /// A connection bound as its admin.
    pub fn admin(&self) -> LdapConn {
        admin_of(self.port)
    }
}

impl Drop for OwnSlapd {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(format!("{}/slapd.pid", self.dir)) {
            let _ = std::process::Command::new("kill").arg(pid.trim()).status();
        }
    }
}

fn overrides_for(
    port: u16,
    dir: &str,
    extra: &[(&str, serde_json::Value)],
) -> Vec<(String, serde_json::Value)> {
    let mut overrides: Vec<(String, serde_json::Value)> = vec![
        (
            "directory.url".into(),
            json!(format!("ldap://127.0.0.1:{port}")),
        ),
        ("directory.starttls".into(), json!(true)),
        (
            "directory.ca_file".into(),
            json!(format!("{dir}/tls/ca.pem")),
        ),
        (
            "directory.bind_dn".into(),
            json!(format!("cn=admin,{SUFFIX}")),
        ),
        ("directory.bind_password".into(), json!("adminpw")),
        (
            "directory.people_base".into(),
            json!(format!("ou=people,{SUFFIX}")),
        ),
        (
            "directory.groups_base".into(),
            json!(format!("ou=groups,{SUFFIX}")),
        ),
        (
            "directory.new_users_ou".into(),
            json!(format!("ou=people,{SUFFIX}")),
        ),
        (
            "directory.disabled_ou".into(),
            json!(format!("ou=disabled,{SUFFIX}")),
        ),
        (
            "directory.empty_group_member".into(),
            json!(format!("cn=nobody,{SUFFIX}")),
        ),
    ];
    overrides.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
    overrides
}

/// `[directory]` for the test server, with `extra` overrides.
pub fn settings(extra: &[(&str, serde_json::Value)]) -> Arc<DirectorySettings> {
    settings_of(overrides(extra))
}

fn settings_of(overrides: Vec<(String, serde_json::Value)>) -> Arc<DirectorySettings> {
    let sources = itdesk::config::Sources {
        overrides,
        ..Default::default()
    };
    let settings = itdesk::settings::Settings::load(&sources).expect("settings load");
    Arc::new(settings.directory)
}

/// ldap3's blocking connection runs a runtime of its own: not on a thread
/// that drives async tasks.
pub fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// A free account name for `given surname`, as provisioning picks it.
pub fn free_name(
    s: &mut itdesk::directory::Session,
    (given, surname): (&str, &str),
    flavor: itdesk::directory::Flavor,
) -> String {
    use itdesk::directory::names::{self, NameParts};
    let parts = NameParts {
        given,
        surname,
        employee_id: "",
    };
    let base = names::base_name("{given}.{surname}", parts, flavor).unwrap();
    names::first_free(&base, flavor, |n| s.account_taken(n).unwrap())
}

/// A connection bound as the server's admin.
pub fn admin() -> LdapConn {
    admin_of(slapd().0)
}

fn admin_of(port: u16) -> LdapConn {
    let mut conn = LdapConn::new(&format!("ldap://127.0.0.1:{port}")).expect("connect to slapd");
    conn.simple_bind(&format!("cn=admin,{SUFFIX}"), "adminpw")
        .unwrap()
        .success()
        .expect("bind as admin");
    conn
}

/// A new, empty OU under ou=people for one test; its DN.
pub fn fresh_ou(name: &str) -> String {
    let dn = format!("ou={name}-{},ou=people,{SUFFIX}", itdesk::ids::new_id());
    let mut conn = admin();
    conn.add(
        &dn,
        vec![
            ("objectClass", ["organizationalUnit"].into()),
            ("ou", [name].into()),
        ],
    )
    .unwrap()
    .success()
    .expect("add the test's OU");
    dn
}

/// Replaces attributes of an entry.
pub fn replace(dn: &str, changes: &[(&str, &str)]) {
    let mods = changes
        .iter()
        .map(|(a, v)| {
            if v.is_empty() {
                Mod::Delete(*a, Default::default())
            } else {
                Mod::Replace(*a, [*v].into())
            }
        })
        .collect();
    admin().modify(dn, mods).unwrap().success().expect("modify");
}

/// Renames or moves an entry; its new DN.
pub fn rename(dn: &str, rdn: &str, new_parent: Option<&str>) -> String {
    admin()
        .modifydn(dn, rdn, true, new_parent)
        .unwrap()
        .success()
        .expect("modrdn");
    let parent = new_parent
        .map(str::to_owned)
        .unwrap_or_else(|| dn.split_once(',').map(|(_, p)| p.to_owned()).unwrap());
    format!("{rdn},{parent}")
}

/// Deletes an entry.
pub fn delete(dn: &str) {
    admin().delete(dn).unwrap().success().expect("delete");
}

/// A new group under ou=groups for one test (holding the placeholder
/// member); its DN.
pub fn fresh_group(name: &str) -> String {
    let dn = format!("cn={name}-{},ou=groups,{SUFFIX}", itdesk::ids::new_id());
    let nobody = format!("cn=nobody,{SUFFIX}");
    admin()
        .add(
            &dn,
            vec![
                ("objectClass", ["groupOfNames"].into()),
                ("member", [nobody.as_str()].into()),
            ],
        )
        .unwrap()
        .success()
        .expect("add the test's group");
    dn
}
