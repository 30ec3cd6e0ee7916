//! The test run's Samba AD domain controller (one per machine: AD's ports
//! are fixed). `tests/run.sh` starts it before the suite and stops it
//! after; a test binary run alone starts it (and leaves it running for the
//! next run) with `tests/samba/start-samba.sh`.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use itdesk::directory::DirectorySettings;
use ldap3::LdapConn;
use serde_json::json;

pub const BASE: &str = "DC=example,DC=test";
pub const ADMIN: &str = "CN=Administrator,CN=Users,DC=example,DC=test";

/// Where the DC lives (its CA, its admin password), started if need be.
pub fn samba() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::var("ITDESK_TEST_SAMBA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("samba"));
        let out = std::process::Command::new("tests/samba/start-samba.sh")
            .arg(&dir)
            .output()
            .expect("run tests/samba/start-samba.sh");
        assert!(
            out.status.success(),
            "the Samba AD DC did not start: {}\nInstall it with: apt-get install samba \
             samba-ad-dc samba-ad-provision ldap-utils (tests/run.sh does)",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
    .clone()
}

fn admin_password() -> String {
    std::fs::read_to_string(samba().join("admin-password"))
        .expect("the DC's admin password")
        .trim()
        .to_owned()
}

/// `[directory]` overrides for the DC (flavor ad, StartTLS on 389), with
/// `extra` ones.
pub fn overrides(extra: &[(&str, serde_json::Value)]) -> Vec<(String, serde_json::Value)> {
    let dir = samba();
    let mut all: Vec<(String, serde_json::Value)> = [
        ("directory.url", json!("ldap://127.0.0.1:389")),
        ("directory.starttls", json!(true)),
        ("directory.ca_file", json!(dir.join("tls/ca.pem"))),
        ("directory.flavor", json!("ad")),
        ("directory.bind_dn", json!(ADMIN)),
        ("directory.bind_password", json!(admin_password())),
        ("directory.people_base", json!(format!("OU=itdesk,{BASE}"))),
        ("directory.groups_base", json!(format!("OU=itdesk,{BASE}"))),
        ("directory.new_users_ou", json!(format!("OU=itdesk,{BASE}"))),
        ("directory.upn_suffix", json!("example.test")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    all.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
    all
}

pub fn settings(extra: &[(&str, serde_json::Value)]) -> Arc<DirectorySettings> {
    let sources = itdesk::config::Sources {
        overrides: overrides(extra),
        ..Default::default()
    };
    Arc::new(
        itdesk::settings::Settings::load(&sources)
            .expect("settings load")
            .directory,
    )
}

/// A connection bound as the domain's Administrator (StartTLS).
pub fn admin() -> LdapConn {
    let mut conn = itdesk::directory::client::connect(&settings(&[])).expect("connect to the DC");
    conn.simple_bind(ADMIN, &admin_password())
        .unwrap()
        .success()
        .expect("bind as Administrator");
    conn
}

/// A new OU under OU=itdesk for one test, with OUs People, Groups and
/// Disabled in it; its DN.
pub fn fresh_ou(name: &str) -> String {
    let id = itdesk::ids::new_id();
    let dn = format!("OU={name}-{},OU=itdesk,{BASE}", &id[id.len() - 12..]);
    let mut conn = admin();
    for ou in [
        dn.clone(),
        format!("OU=People,{dn}"),
        format!("OU=Groups,{dn}"),
        format!("OU=Disabled,{dn}"),
    ] {
        conn.add(&ou, vec![("objectClass", ["organizationalUnit"].into())])
            .unwrap()
            .success()
            .unwrap_or_else(|e| panic!("add {ou}: {e}"));
    }
    dn
}

/// A global security group in `ou` with `members`; its DN.
pub fn group(ou: &str, name: &str, members: &[&str]) -> String {
    let dn = format!("CN={name},OU=Groups,{ou}");
    let mut attrs = vec![
        ("objectClass", ["group"].into()),
        ("groupType", ["-2147483646"].into()),
    ];
    if !members.is_empty() {
        attrs.push(("member", members.iter().copied().collect()));
    }
    admin()
        .add(&dn, attrs)
        .unwrap()
        .success()
        .unwrap_or_else(|e| panic!("add {dn}: {e}"));
    dn
}

/// The per-OU settings: people in OU=People, groups in OU=Groups, disabled
/// accounts to OU=Disabled.
pub fn in_ou(ou: &str) -> Vec<(&'static str, serde_json::Value)> {
    vec![
        ("directory.people_base", json!(format!("OU=People,{ou}"))),
        ("directory.new_users_ou", json!(format!("OU=People,{ou}"))),
        ("directory.groups_base", json!(format!("OU=Groups,{ou}"))),
        ("directory.disabled_ou", json!(format!("OU=Disabled,{ou}"))),
    ]
}
