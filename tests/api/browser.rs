//! End to end in a real headless Chromium, driven over WebDriver: a requester
//! files a ticket through the form and sees it; an agent finds it in the
//! queue and replies; the requester sees the reply.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use itdesk::auth::Role;
use serde_json::json;

use crate::helpers::spawn_app;

const INSTALL: &str =
    "install them with: apt-get install -y chromium chromium-driver (tests/run.sh does this)";

pub(crate) struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start_chromedriver() -> Driver {
    for bin in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
        assert!(
            std::path::Path::new(bin).exists(),
            "{bin} is missing; {INSTALL}"
        );
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start chromedriver ({e}); {INSTALL}"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not start listening; {INSTALL}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver { child, port }
}

pub(crate) async fn browser(driver: &Driver, profile: &std::path::Path) -> Client {
    let caps = json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    ClientBuilder::native()
        .capabilities(caps.as_object().unwrap().clone())
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .unwrap_or_else(|e| panic!("cannot open a Chromium session ({e}); {INSTALL}"))
}

pub(crate) async fn log_in(c: &Client, base: &str, email: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    c.find(Locator::Id("login-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("logout")).await.unwrap();
}

pub(crate) async fn text_of(c: &Client, css: &str) -> String {
    // A page being replaced may hand out an element that is gone a moment
    // later: look again.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"));
        match found.text().await {
            Ok(text) => return text,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("reading {css}: {e}"),
        }
    }
}

/// Waits until the element's text is `expected` (after a submit, the old
/// page may still be showing); returns what it last read.
pub(crate) async fn text_becomes(c: &Client, css: &str, expected: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = text_of(c, css).await;
        if text == expected || Instant::now() > deadline {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) async fn screenshot(c: &Client, name: &str) {
    if let Ok(png) = c.screenshot().await {
        let path = format!("{}/{name}.png", env!("CARGO_TARGET_TMPDIR"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
}

pub(crate) async fn script_value(c: &Client, js: &str) -> serde_json::Value {
    c.execute(js, vec![]).await.unwrap()
}

/// Visits `path` at phone and desktop sizes: keeps a screenshot of each and
/// fails when the page is wider than a 390 px screen.
pub(crate) async fn check_widths(c: &Client, base: &str, path: &str, name: &str) {
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{base}{path}")).await.unwrap();
    let wide = script_value(c, "return document.documentElement.scrollWidth").await;
    let inner = script_value(c, "return window.innerWidth").await;
    screenshot(c, &format!("{name}-390")).await;
    assert!(
        wide.as_i64().unwrap() <= inner.as_i64().unwrap(),
        "{path} is {wide} px wide on a {inner} px phone screen"
    );
    c.set_window_size(1366, 900).await.unwrap();
    c.goto(&format!("{base}{path}")).await.unwrap();
    screenshot(c, &format!("{name}-1366")).await;
}

/// Clicks the element with this id.
pub(crate) async fn click(c: &Client, id: &str) {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("no element #{id}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking #{id}: {e}"));
}

/// Types `text` into the (emptied) box with this id.
pub(crate) async fn fill(c: &Client, id: &str, text: &str) {
    let e = c
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("no box #{id}: {e}"));
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

#[tokio::test]
async fn requester_files_agent_replies_requester_reads_the_reply() {
    let app = spawn_app().await;
    app.seed_catalog().await;
    app.user_with_password("alice@example.org", Role::Requester, "alice password")
        .await;
    app.user_with_password("agent@example.org", Role::Agent, "agent password")
        .await;
    let driver = start_chromedriver();
    let profiles = tempfile::tempdir().unwrap();
    let base = app.address.clone();

    // The requester files a ticket through the form, with a file attached.
    let requester = browser(&driver, &profiles.path().join("requester")).await;
    log_in(&requester, &base, "alice@example.org", "alice password").await;
    requester
        .goto(&format!("{base}/tickets/new"))
        .await
        .unwrap();
    requester
        .find(Locator::Id("subject"))
        .await
        .unwrap()
        .send_keys("Monitor flickers after lunch")
        .await
        .unwrap();
    requester
        .find(Locator::Id("description"))
        .await
        .unwrap()
        .send_keys("The left monitor flickers every few seconds.")
        .await
        .unwrap();
    requester
        .find(Locator::Css("#urgency option[value=high]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let log = app.dir.path().join("flicker-log.txt");
    std::fs::write(&log, "flicker at 13:02, 13:05").unwrap();
    requester
        .find(Locator::Id("files"))
        .await
        .unwrap()
        .send_keys(log.to_str().unwrap())
        .await
        .unwrap();
    requester
        .find(Locator::Id("submit-ticket"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        text_of(&requester, "#ticket-subject").await,
        "Monitor flickers after lunch"
    );
    assert_eq!(text_of(&requester, "#ticket-status").await, "New");
    assert!(
        requester
            .source()
            .await
            .unwrap()
            .contains("flicker-log.txt")
    );
    requester.goto(&format!("{base}/my/tickets")).await.unwrap();
    assert_eq!(text_of(&requester, "#tickets a.ticket-link").await, "#1");

    // The agent finds it in the queue by searching, and replies.
    let agent = browser(&driver, &profiles.path().join("agent")).await;
    log_in(&agent, &base, "agent@example.org", "agent password").await;
    assert!(
        agent
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/dashboard")
    );
    if let Ok(png) = agent.screenshot().await {
        let _ = std::fs::write(
            concat!(env!("CARGO_TARGET_TMPDIR"), "/browser-dashboard.png"),
            png,
        );
    }
    agent
        .find(Locator::Css("header.top nav a[href='/queue']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    agent.wait().for_element(Locator::Id("f-q")).await.unwrap();
    if let Ok(png) = agent.screenshot().await {
        let _ = std::fs::write(
            concat!(env!("CARGO_TARGET_TMPDIR"), "/browser-queue.png"),
            png,
        );
    }
    agent
        .find(Locator::Id("f-q"))
        .await
        .unwrap()
        .send_keys("flickers")
        .await
        .unwrap();
    agent
        .find(Locator::Id("filter-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !agent
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("q=flickers")
    {
        assert!(Instant::now() < deadline, "the filter form did not submit");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    agent
        .find(Locator::Css("#tickets a.ticket-link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        text_of(&agent, "#ticket-subject").await,
        "Monitor flickers after lunch"
    );
    agent
        .find(Locator::Id("reply-body"))
        .await
        .unwrap()
        .send_keys("Swapping the cable this afternoon.")
        .await
        .unwrap();
    agent
        .find(Locator::Id("reply-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        text_of(&agent, ".comment .comment-body").await,
        "Swapping the cable this afternoon."
    );
    // Staff see the SLA clocks; the first response is met by that reply.
    assert!(
        agent
            .find(Locator::Css("#sla .sla-clock[data-state=met]"))
            .await
            .is_ok()
    );
    if let Ok(png) = agent.screenshot().await {
        let _ = std::fs::write(
            concat!(env!("CARGO_TARGET_TMPDIR"), "/browser-agent-ticket.png"),
            png,
        );
    }

    // The requester sees the reply on their ticket.
    requester.goto(&format!("{base}/tickets/1")).await.unwrap();
    assert_eq!(
        text_of(&requester, ".comment .comment-body").await,
        "Swapping the cable this afternoon."
    );
    if let Ok(png) = requester.screenshot().await {
        let _ = std::fs::write(
            concat!(env!("CARGO_TARGET_TMPDIR"), "/browser-ticket.png"),
            png,
        );
    }
    requester.close().await.unwrap();
    agent.close().await.unwrap();
}
