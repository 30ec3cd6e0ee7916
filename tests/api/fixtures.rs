//! Small builders for the fixtures most tests need — people, tickets,
//! assets with an agent's inventory — so that a test says what it is about
//! instead of spelling out request JSON.

use std::io::Write;

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;

impl TestApp {
    /// An API token for a requester with this address (created if missing).
    pub async fn requester(&self, email: &str) -> String {
        self.token(email, Role::Requester).await
    }

    /// An API token for an agent with this address.
    pub async fn agent(&self, email: &str) -> String {
        self.token(email, Role::Agent).await
    }

    /// Files a ticket (asserting 201) and returns it.
    pub async fn file_ticket(&self, token: &str, ticket: NewTicket) -> Value {
        ticket.file(self, token).await
    }

    /// A browser logged in as a new user with this role.
    pub async fn logged_in(&self, email: &str, role: Role) -> reqwest::Client {
        self.user_with_password(email, role, "long password").await;
        let client = crate::helpers::browser();
        let resp = crate::helpers::login(self, &client, email, "long password").await;
        assert_eq!(resp.status(), 303, "login of {email}");
        client
    }
}

/// A ticket to file: a subject, and whatever else the test cares about.
#[derive(Debug, Clone)]
pub struct NewTicket(Value);

impl NewTicket {
    pub fn about(subject: &str) -> NewTicket {
        NewTicket(json!({"subject": subject, "description": format!("About: {subject}")}))
    }

    fn set(mut self, key: &str, value: Value) -> NewTicket {
        self.0[key] = value;
        self
    }

    pub fn description(self, text: &str) -> NewTicket {
        self.set("description", json!(text))
    }

    pub fn queue(self, slug: &str) -> NewTicket {
        self.set("queue", json!(slug))
    }

    pub fn category(self, slug: &str) -> NewTicket {
        self.set("category", json!(slug))
    }

    pub fn impact(self, level: &str) -> NewTicket {
        self.set("impact", json!(level))
    }

    pub fn urgency(self, level: &str) -> NewTicket {
        self.set("urgency", json!(level))
    }

    /// `incident` or `service_request`.
    pub fn kind(self, kind: &str) -> NewTicket {
        self.set("type", json!(kind))
    }

    /// Filed by `token` for someone else.
    pub fn for_requester(self, email: &str) -> NewTicket {
        self.set("requester_email", json!(email))
    }

    /// People to keep informed.
    pub fn watchers(self, emails: &[&str]) -> NewTicket {
        self.set("watchers", json!(emails))
    }

    /// Files it as the token's owner; returns the ticket (asserting 201).
    pub async fn file(self, app: &TestApp, token: &str) -> Value {
        app.create_ticket(token, self.0).await
    }
}

/// An asset to register.
#[derive(Debug, Clone)]
pub struct NewAsset(Value);

impl NewAsset {
    pub fn tagged(tag: &str) -> NewAsset {
        NewAsset(json!({"asset_tag": tag}))
    }

    fn set(mut self, key: &str, value: Value) -> NewAsset {
        self.0[key] = value;
        self
    }

    pub fn hostname(self, host: &str) -> NewAsset {
        self.set("hostname", json!(host))
    }

    pub fn serial(self, serial: &str) -> NewAsset {
        self.set("serial", json!(serial))
    }

    pub fn status(self, status: &str) -> NewAsset {
        self.set("status", json!(status))
    }

    pub fn cost(self, amount_minor: i64, currency: &str) -> NewAsset {
        self.set(
            "cost",
            json!({"amount_minor": amount_minor, "currency": currency}),
        )
    }

    /// Registers it (asserting 201); returns the asset.
    pub async fn register(self, app: &TestApp, token: &str) -> Value {
        let resp = app.post_json(token, "/api/v1/assets", &self.0).await;
        let status = resp.status();
        let body: Value = resp.json().await.unwrap();
        assert_eq!(status, 201, "{body}");
        body
    }
}

/// Settings that open the inventory door to the agent `agent`/`s3cret`.
pub fn inventory_credentials() -> Vec<(String, Value)> {
    vec![
        ("inventory.username".into(), json!("agent")),
        ("inventory.password".into(), json!("s3cret")),
        ("inventory.max_xml_bytes".into(), json!(10_000_000)),
    ]
}

/// An agent's inventory of a machine: host name, BIOS serial, packages
/// (name, version).
pub fn inventory_xml(host: &str, serial: &str, packages: &[(&str, &str)]) -> String {
    let soft: String = packages
        .iter()
        .map(|(n, v)| {
            format!("<SOFTWARES><NAME>{n}</NAME><PUBLISHER>Debian</PUBLISHER><VERSION>{v}</VERSION></SOFTWARES>")
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<REQUEST><CONTENT><BIOS><SSN>{serial}</SSN></BIOS>
<CPUS><CORE>4</CORE><NAME>Intel(R) Core(TM) i5</NAME><THREAD>8</THREAD></CPUS>
<HARDWARE><MEMORY>15800</MEMORY><NAME>{host}</NAME><OSNAME>Debian</OSNAME><OSVERSION>6.1</OSVERSION></HARDWARE>
{soft}</CONTENT><DEVICEID>{host}-2026-11-25-10-00-00</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>"#
    )
}

/// zlib, as agents send their bodies.
pub fn zlib(xml: &str) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(xml.as_bytes()).unwrap();
    z.finish().unwrap()
}

/// Posts a body to the inventory door as an agent would.
pub async fn post_inventory(
    app: &TestApp,
    body: Vec<u8>,
    auth: Option<(&str, &str)>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/api/v1/inventory/ocs"))
        .header("content-type", "application/x-compress-zlib")
        .body(body);
    if let Some((u, p)) = auth {
        req = req.basic_auth(u, Some(p));
    }
    req.send().await.unwrap()
}

/// A machine as its agent reports it: the discovered (or matched) asset
/// with these packages installed. Needs [`inventory_credentials`].
pub async fn agent_reports(
    app: &TestApp,
    host: &str,
    serial: &str,
    packages: &[(&str, &str)],
) -> Value {
    let resp = post_inventory(
        app,
        zlib(&inventory_xml(host, serial, packages)),
        Some(("agent", "s3cret")),
    )
    .await;
    assert_eq!(resp.status(), 200, "inventory of {host} taken");
    let admin = app.token("inventory-reader@example.org", Role::Admin).await;
    let found: Value = app
        .get(&admin, &format!("/api/v1/assets?q={host}"))
        .await
        .json()
        .await
        .unwrap();
    found["items"][0].clone()
}
