//! Logging in and staying logged in: the login limits counted atomically,
//! per address hard and per account slowing down (item 4), and everything
//! that grants access can be ended — sessions, tokens, people (item 9).

use std::net::IpAddr;
use std::time::Duration;

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};
use crate::web_pages::{browser, csrf_of, login};

/// A browser that connects from another loopback address.
pub(crate) fn browser_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(ip.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

pub(crate) async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client.get(app.url(path)).send().await.unwrap()
}

pub(crate) async fn html(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let resp = page(app, client, path).await;
    assert_eq!(resp.status(), 200, "GET {path}");
    resp.text().await.unwrap()
}

#[tokio::test]
async fn logging_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    app.user_with_password("coord@example.org", Role::Coordinator, "coord password")
        .await;
    let client = browser();
    let resp = login(&app, &client, "coord@example.org", "coord password").await;
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let copy = |path: &str| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(app.url(path))
            .header("cookie", cookie.clone())
            .send()
    };
    assert_eq!(
        copy("/queue").await.unwrap().status(),
        200,
        "the copy works"
    );
    let csrf = csrf_of(&html(&app, &client, "/queue").await);
    let resp = client
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let replay = copy("/queue").await.unwrap();
    assert_eq!(replay.status(), 303, "a copied cookie is dead after logout");
    assert!(
        replay.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
}

#[tokio::test]
async fn other_sessions_end_everywhere_and_with_a_password_change() {
    let app = spawn_app().await;
    app.user_with_password("coord@example.org", Role::Coordinator, "coord password")
        .await;
    let laptop = browser();
    let phone = browser_from("127.0.0.5");
    login(&app, &laptop, "coord@example.org", "coord password").await;
    login(&app, &phone, "coord@example.org", "coord password").await;
    let account = html(&app, &laptop, "/account").await;
    assert!(account.contains("this browser"));
    assert!(
        account.contains("127.0.0.5"),
        "the phone's session is listed"
    );
    let resp = laptop
        .post(app.url("/account/sessions/end"))
        .form(&[("csrf", csrf_of(&account).as_str()), ("session", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("1 session ended."));
    assert_eq!(page(&app, &phone, "/queue").await.status(), 303);
    assert_eq!(page(&app, &laptop, "/queue").await.status(), 200);

    // A wrong current password keeps everything, and says so by the field.
    login(&app, &phone, "coord@example.org", "coord password").await;
    let account = html(&app, &laptop, "/account").await;
    let change = |current: &'static str, new: &'static str, again: &'static str| {
        laptop
            .post(app.url("/account/password"))
            .form(&[
                ("csrf", csrf_of(&account)),
                ("current_password", current.into()),
                ("new_password", new.into()),
                ("repeat_password", again.into()),
            ])
            .send()
    };
    let resp = change("nope", "a new passphrase", "a new passphrase")
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("current password: is not your current password")
    );
    let resp = change("coord password", "a new passphrase", "a new passphrase")
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/login?changed=password");
    assert_eq!(page(&app, &laptop, "/queue").await.status(), 303);
    assert_eq!(page(&app, &phone, "/queue").await.status(), 303);
    let fresh = browser();
    assert_eq!(
        login(&app, &fresh, "coord@example.org", "coord password")
            .await
            .status(),
        401
    );
    assert_eq!(
        login(&app, &fresh, "coord@example.org", "a new passphrase")
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn tokens_are_listed_revoked_at_once_and_expire() {
    let app = spawn_app().await;
    let admin = app.token("admin@example.org", Role::Admin).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let alice = app.token("alice@example.org", Role::Requester).await;

    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let resp = app
        .post_json(
            &agent,
            "/api/v1/tokens",
            &json!({"label": "short-lived script", "expires_at": soon}),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let issued: Value = resp.json().await.unwrap();
    let short = issued["token"].as_str().unwrap().to_owned();
    assert_eq!(issued["state"], "valid");
    assert_eq!(app.get(&short, "/api/v1/tickets").await.status(), 200);
    let me: Value = app.get(&short, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(
        (
            me["email"].as_str(),
            me["role"].as_str(),
            me["active"].as_bool()
        ),
        (Some("agent@example.org"), Some("agent"), Some(true)),
        "{me}"
    );

    let mine: Vec<Value> = app
        .get(&agent, "/api/v1/tokens")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert!(mine.iter().all(|t| t.get("token").is_none()), "no secrets");
    let everyone = app.get(&alice, "/api/v1/tokens?owner=all").await;
    assert_problem(everyone, 403, "forbidden").await;
    let everyone: Vec<Value> = app
        .get(&admin, "/api/v1/tokens?owner=all")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(everyone.len(), 4);

    // Someone else's token: not theirs to revoke, nor even to see.
    let agent_token_id = mine.iter().find(|t| t["label"] == "test").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let resp = app
        .client
        .delete(app.url(&format!("/api/v1/tokens/{agent_token_id}")))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_problem(resp, 404, "not_found").await;
    assert_eq!(app.get(&agent, "/api/v1/tickets").await.status(), 200);
    let resp = app
        .client
        .delete(app.url(&format!("/api/v1/tokens/{agent_token_id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await.unwrap()["state"], "revoked");
    let refused = app.get(&agent, "/api/v1/tickets").await;
    assert_problem(refused, 401, "unauthenticated").await;
    assert_problem(app.get(&agent, "/api/v1/me").await, 401, "unauthenticated").await;

    tokio::time::sleep(Duration::from_millis(2500)).await;
    let expired = app.get(&short, "/api/v1/tickets").await;
    assert_problem(expired, 401, "unauthenticated").await;
    let listed: Vec<Value> = app
        .get(&admin, "/api/v1/tokens?owner=agent@example.org")
        .await
        .json()
        .await
        .unwrap();
    let states: Vec<&str> = listed
        .iter()
        .map(|t| t["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, vec!["expired", "revoked"]);
}

#[tokio::test]
async fn a_deactivated_person_loses_every_session_and_token_at_once() {
    let app = spawn_app().await;
    let admin = app.token("admin@example.org", Role::Admin).await;
    app.user_with_password("leaver@example.org", Role::Agent, "leaver password")
        .await;
    let token = app.token("leaver@example.org", Role::Agent).await;
    let client = browser();
    login(&app, &client, "leaver@example.org", "leaver password").await;
    assert_eq!(app.get(&token, "/api/v1/tickets").await.status(), 200);
    assert_eq!(page(&app, &client, "/queue").await.status(), 200);

    let resp = app
        .post_json(
            &token,
            "/api/v1/users/leaver@example.org/deactivate",
            &json!({}),
        )
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = app
        .post_json(
            &admin,
            "/api/v1/users/leaver@example.org/deactivate",
            &json!({}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await.unwrap()["active"], false);
    assert_problem(
        app.get(&token, "/api/v1/tickets").await,
        401,
        "unauthenticated",
    )
    .await;
    assert_eq!(page(&app, &client, "/queue").await.status(), 303);
    let fresh = browser();
    assert_eq!(
        login(&app, &fresh, "leaver@example.org", "leaver password")
            .await
            .status(),
        401
    );

    // Let back in: the password works again, the old token does not.
    let resp = app
        .post_json(
            &admin,
            "/api/v1/users/leaver@example.org/activate",
            &json!({}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        login(&app, &fresh, "leaver@example.org", "leaver password")
            .await
            .status(),
        303
    );
    assert_problem(
        app.get(&token, "/api/v1/tickets").await,
        401,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn people_manage_their_tokens_and_admins_everyones_from_pages() {
    let app = spawn_app().await;
    app.user_with_password("admin@example.org", Role::Admin, "admin password")
        .await;
    app.user_with_password("agent@example.org", Role::Agent, "agent password")
        .await;
    let agent = browser();
    login(&app, &agent, "agent@example.org", "agent password").await;
    let account = html(&app, &agent, "/account").await;
    assert!(account.contains("You have no tokens"));
    let resp = agent
        .post(app.url("/account/tokens"))
        .form(&[
            ("csrf", csrf_of(&account).as_str()),
            ("label", "laptop script"),
            ("expires", "not a date"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let refused = resp.text().await.unwrap();
    assert!(refused.contains("expires: must be a date"), "{refused}");
    assert!(refused.contains("value=\"laptop script\""), "input kept");
    let resp = agent
        .post(app.url("/account/tokens"))
        .form(&[
            ("csrf", csrf_of(&account).as_str()),
            ("label", "laptop script"),
            ("expires", "2099-01-31"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let shown = resp.text().await.unwrap();
    assert!(shown.contains("new-token-secret"), "{shown}");
    let secret = shown
        .split("value=\"itd_")
        .nth(1)
        .map(|rest| format!("itd_{}", rest.split('"').next().unwrap()))
        .expect("the secret is shown once");
    assert_eq!(app.get(&secret, "/api/v1/tickets").await.status(), 200);
    assert!(
        !html(&app, &agent, "/account").await.contains(&secret),
        "and only once"
    );

    // An agent may not open the access page; the admin revokes and deactivates there.
    assert_eq!(page(&app, &agent, "/admin/access").await.status(), 403);
    let admin = browser();
    login(&app, &admin, "admin@example.org", "admin password").await;
    let access = html(&app, &admin, "/admin/access").await;
    assert!(access.contains("laptop script") && access.contains("agent@example.org"));
    let token_id = access
        .split("/account/tokens/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let resp = admin
        .post(app.url(&format!("/account/tokens/{token_id}/revoke")))
        .form(&[("csrf", csrf_of(&access).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/admin/access");
    assert_eq!(app.get(&secret, "/api/v1/tickets").await.status(), 401);
    // The admin's own row has no button: the one form is the agent's.
    let agent_id = access
        .split("/admin/access/people/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let resp = admin
        .post(app.url(&format!("/admin/access/people/{agent_id}")))
        .form(&[
            ("csrf", csrf_of(&access).as_str()),
            ("action", "deactivate"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(page(&app, &agent, "/account").await.status(), 303);
    assert!(
        html(&app, &admin, "/admin/access")
            .await
            .contains("deactivated")
    );
}
