//! The login limits, counted atomically: per address hard, per account
//! slowing down and never locking its owner out (hardening item 4).

use std::time::{Duration, Instant};

use itdesk::auth::Role;
use serde_json::json;

use crate::hardening_access::{browser_from, html, page};
use crate::helpers::{spawn_app, spawn_app_with};
use crate::web_pages::{browser, csrf_of, login};

#[tokio::test]
async fn parallel_logins_from_one_address_are_counted_one_after_another() {
    let app = spawn_app().await;
    app.user_with_password("agent@example.org", Role::Agent, "right password")
        .await;
    let mut ready = Vec::new();
    for _ in 0..40 {
        let client = browser();
        let csrf = csrf_of(&html(&app, &client, "/login").await);
        ready.push((client, csrf));
    }
    let attempts = ready.into_iter().enumerate().map(|(i, (client, csrf))| {
        let url = app.url("/login");
        tokio::spawn(async move {
            let password = if i == 20 { "right password" } else { "wrong" };
            client
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", "agent@example.org"),
                    ("password", password),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    });
    let mut limited = 0;
    let mut checked = 0;
    for a in attempts.collect::<Vec<_>>() {
        match a.await.unwrap() {
            429 => limited += 1,
            401 | 303 => checked += 1,
            other => panic!("unexpected {other}"),
        }
    }
    // Five failures are allowed; a success finishing early frees one place.
    assert!(
        checked <= 6,
        "{checked} passwords checked, {limited} refused"
    );
    assert_eq!(checked + limited, 40);
}

#[tokio::test]
async fn failures_slow_an_account_down_but_never_lock_its_owner_out() {
    let app = spawn_app_with(vec![
        ("login.account_delay_after".into(), json!(3)),
        ("login.account_max_delay_seconds".into(), json!(2)),
    ])
    .await;
    app.user_with_password("bob@example.org", Role::Agent, "bobs password")
        .await;
    // Someone tries Bob's account from six addresses, once each.
    for i in 2..8 {
        let client = browser_from(&format!("127.0.0.{i}"));
        let resp = login(&app, &client, "bob@example.org", "guess").await;
        assert_eq!(resp.status(), 401, "attempt from 127.0.0.{i}");
    }
    // Bob still gets in from his own machine, only more slowly.
    let bob = browser_from("127.0.0.20");
    let started = Instant::now();
    let resp = login(&app, &bob, "bob@example.org", "bobs password").await;
    assert_eq!(resp.status(), 303, "not locked");
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "slowed down"
    );
    assert_eq!(page(&app, &bob, "/queue").await.status(), 200);

    // One address is limited hard, whatever account it tries.
    let noisy = browser_from("127.0.0.30");
    for n in 0..5 {
        let who = format!("nobody{n}@example.org");
        assert_eq!(login(&app, &noisy, &who, "x").await.status(), 401);
    }
    let resp = login(&app, &noisy, "bob@example.org", "bobs password").await;
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().contains_key("retry-after"));
}
