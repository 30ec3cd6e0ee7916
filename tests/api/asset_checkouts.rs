//! Handing assets to people: check-out with a mailed acceptance link, the
//! person's confirmation (link or portal), check-in, and the overdue list.

use chrono::Duration;
use diesel::RunQueryDsl;
use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

async fn manager_and_asset(app: &TestApp, tags: &[&str]) -> String {
    let token = app.token("assets@example.org", Role::AssetManager).await;
    let model: Value = app
        .post_json(
            &token,
            "/api/v1/models",
            &json!({"manufacturer": "Dell", "name": "Latitude 5450", "category": "laptop"}),
        )
        .await
        .json()
        .await
        .unwrap();
    for tag in tags {
        let resp = app
            .post_json(
                &token,
                "/api/v1/assets",
                &json!({"asset_tag": tag, "model_id": model["id"]}),
            )
            .await;
        assert_eq!(resp.status(), 201);
    }
    token
}

/// The raw bytes of the outbox messages of one kind, oldest first.
async fn outbox(app: &TestApp, kind: &'static str) -> Vec<String> {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        #[derive(diesel::QueryableByName)]
        struct Raw {
            #[diesel(sql_type = diesel::sql_types::Binary)]
            raw: Vec<u8>,
        }
        let mut conn = db.reader().unwrap();
        let rows: Vec<Raw> = diesel::sql_query(format!(
            "SELECT raw FROM mail_outbox WHERE kind = '{kind}' ORDER BY created_at"
        ))
        .load(&mut *conn)
        .unwrap();
        // Decoded (the text part may be quoted-printable).
        rows.into_iter()
            .map(|r| {
                let m = itdesk::mail::parse::parse(&r.raw).expect("a message we built");
                format!("To: {:?}\n{}", m.to, m.text)
            })
            .collect()
    })
    .await
    .unwrap()
}

fn token_in(mail: &str) -> String {
    let start = mail.find("/assets/accept/").expect("a link in the mail") + "/assets/accept/".len();
    mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

#[tokio::test]
async fn a_checkout_mails_a_link_the_person_confirms_and_a_checkin_ends_it() {
    let app = spawn_app().await;
    let token = manager_and_asset(&app, &["IT-100"]).await;
    app.token("kim@example.org", Role::Requester).await;
    let due = (chrono::Utc::now() + Duration::days(14)).date_naive();
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets/IT-100/checkout",
            &json!({"assignee": "kim@example.org", "expected_return": due, "note": "onboarding"}),
        )
        .await;
    let status = resp.status();
    let out: Value = resp.json().await.unwrap();
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["asset"]["status"], "deployed");
    assert_eq!(out["asset"]["assignee"]["email"], "kim@example.org");
    assert_eq!(out["checkout"]["acceptance_required"], true);
    assert_eq!(out["checkout"]["accepted_at"], Value::Null);
    assert_eq!(out["checkout"]["overdue"], false);

    let mails = outbox(&app, "asset_handover").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("kim@example.org") && mails[0].contains("IT-100"));
    let link_token = token_in(&mails[0]);
    assert!(link_token.len() >= 20, "{link_token}");

    // The link opens a page without logging in.
    let page = app
        .client
        .get(app.url(&format!("/assets/accept/{link_token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("IT-100") && html.contains("I have received it"),
        "{html}"
    );

    // Confirming (twice: a double click) records it once.
    for _ in 0..2 {
        let resp = app
            .client
            .post(app.url("/api/v1/checkouts/accept"))
            .json(&json!({"token": link_token}))
            .send()
            .await
            .unwrap();
        let body: Value = resp.json().await.unwrap();
        assert!(body["accepted_at"].is_string(), "{body}");
    }
    let resp = app
        .client
        .post(app.url("/api/v1/checkouts/accept"))
        .json(&json!({"token": "not-a-token"}))
        .send()
        .await
        .unwrap();
    assert_problem(resp, 404, "not_found").await;

    let resp = app
        .post_json(
            &token,
            "/api/v1/assets/IT-100/checkout",
            &json!({"assignee": "kim@example.org"}),
        )
        .await;
    assert_problem(resp, 409, "already_checked_out").await;

    let resp = app
        .post_json(
            &token,
            "/api/v1/assets/IT-100/checkin",
            &json!({"reason": "screen cracked", "substate": "pending_repair"}),
        )
        .await;
    let back: Value = resp.json().await.unwrap();
    assert_eq!(back["asset"]["status"], "in_stock");
    assert_eq!(back["asset"]["substate"], "pending_repair");
    assert_eq!(back["asset"]["assignee"], Value::Null);
    assert!(back["checkout"]["checked_in_at"].is_string());
    let resp = app
        .post_json(&token, "/api/v1/assets/IT-100/checkin", &json!({}))
        .await;
    assert_problem(resp, 409, "not_checked_out").await;
    let resp = app
        .client
        .post(app.url("/api/v1/checkouts/accept"))
        .json(&json!({"token": link_token}))
        .send()
        .await
        .unwrap();
    assert_problem(resp, 409, "checked_in").await;

    let asset: Value = app
        .get(&token, "/api/v1/assets/IT-100")
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = asset["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "asset_registered",
            "asset_checked_out",
            "asset_checkout_accepted",
            "asset_checked_in"
        ]
    );
    assert_eq!(asset["history"][2]["actor"]["email"], "kim@example.org");
}

#[tokio::test]
async fn overdue_returns_are_listed_and_people_confirm_in_the_portal() {
    let app = spawn_app().await;
    let token = manager_and_asset(&app, &["IT-1", "IT-2", "IT-3"]).await;
    let kim = app.token("kim@example.org", Role::Requester).await;
    let lee = app.token("lee@example.org", Role::Requester).await;
    let tomorrow = (chrono::Utc::now() + Duration::days(1)).date_naive();
    let mut ids = Vec::new();
    for (tag, who, accept) in [
        ("IT-1", "kim@example.org", true),
        ("IT-2", "lee@example.org", false),
    ] {
        let out: Value = app
            .post_json(
                &token,
                &format!("/api/v1/assets/{tag}/checkout"),
                &json!({"assignee": who, "expected_return": tomorrow, "require_acceptance": accept}),
            )
            .await
            .json()
            .await
            .unwrap();
        ids.push(out["checkout"]["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        outbox(&app, "asset_handover").await.len(),
        1,
        "only Kim's needs confirming"
    );

    // Kim's return date passes.
    let db = app.state.db.clone();
    let kim_checkout = ids[0].clone();
    tokio::task::spawn_blocking(move || {
        db.with_writer(|c| {
            diesel::sql_query(format!(
                "UPDATE asset_checkouts SET expected_return = '2020-01-01' WHERE id = '{kim_checkout}'"
            ))
            .execute(c)
            .unwrap()
        })
        .unwrap();
    })
    .await
    .unwrap();

    let all: Value = app
        .get(&token, "/api/v1/checkouts")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);
    let overdue: Value = app
        .get(&token, "/api/v1/checkouts?overdue=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overdue.as_array().unwrap().len(), 1, "{overdue}");
    assert_eq!(overdue[0]["asset_tag"], "IT-1");
    assert_eq!(overdue[0]["overdue"], true);
    assert_eq!(overdue[0]["user"]["email"], "kim@example.org");

    // Only the person confirms, and only what needs confirming.
    let resp = app
        .post_json(
            &lee,
            &format!("/api/v1/checkouts/{}/accept", ids[0]),
            &json!({}),
        )
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = app
        .post_json(
            &kim,
            &format!("/api/v1/checkouts/{}/accept", ids[0]),
            &json!({}),
        )
        .await;
    let body: Value = resp.json().await.unwrap();
    assert!(body["accepted_at"].is_string(), "{body}");
    let resp = app
        .post_json(
            &lee,
            &format!("/api/v1/checkouts/{}/accept", ids[1]),
            &json!({}),
        )
        .await;
    assert_problem(resp, 409, "acceptance_not_required").await;

    // Only assets in stock go out; return dates lie ahead; staff only.
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets/IT-1/transitions",
            &json!({"to": "in_repair", "reason": "broken"}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets/IT-3/checkout",
            &json!({"assignee": "kim@example.org", "expected_return": "2020-01-01"}),
        )
        .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "expected_return");
    app.post_json(
        &token,
        "/api/v1/assets/IT-3/transitions",
        &json!({"to": "retired", "reason": "old"}),
    )
    .await;
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets/IT-3/checkout",
            &json!({"assignee": "kim@example.org"}),
        )
        .await;
    assert_problem(resp, 409, "not_in_stock").await;
    assert_problem(app.get(&kim, "/api/v1/checkouts").await, 403, "forbidden").await;
}

#[tokio::test]
async fn the_daily_digest_lists_ending_warranties_and_overdue_returns_for_managers() {
    let app = spawn_app().await;
    let today = chrono::Utc::now().date_naive();
    let state = app.state.clone();
    let quiet =
        tokio::task::spawn_blocking(move || itdesk::assets::digest::run(&state.assets, today))
            .await
            .unwrap()
            .unwrap();
    assert_eq!(quiet, 0, "nothing to say, nothing sent");

    let token = manager_and_asset(&app, &[]).await;
    app.token("admin@example.org", Role::Admin).await;
    app.token("kim@example.org", Role::Requester).await;
    for (tag, days) in [("IT-SOON", 10), ("IT-LATER", 100), ("IT-GONE", 5)] {
        let resp = app
            .post_json(
                &token,
                "/api/v1/assets",
                &json!({"asset_tag": tag, "warranty_end": today + Duration::days(days)}),
            )
            .await;
        assert_eq!(resp.status(), 201);
    }
    app.post_json(
        &token,
        "/api/v1/assets/IT-GONE/transitions",
        &json!({"to": "stolen", "reason": "car break-in"}),
    )
    .await;
    let out: Value = app
        .post_json(
            &token,
            "/api/v1/assets/IT-LATER/checkout",
            &json!({"assignee": "kim@example.org", "require_acceptance": false, "expected_return": today + Duration::days(3)}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = out["checkout"]["id"].as_str().unwrap().to_owned();
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        db.with_writer(|c| {
            diesel::sql_query(format!(
                "UPDATE asset_checkouts SET expected_return = '2026-01-02' WHERE id = '{id}'"
            ))
            .execute(c)
            .unwrap()
        })
        .unwrap();
    })
    .await
    .unwrap();

    let state = app.state.clone();
    let sent =
        tokio::task::spawn_blocking(move || itdesk::assets::digest::run(&state.assets, today))
            .await
            .unwrap()
            .unwrap();
    assert_eq!(sent, 2, "the asset manager and the admin");
    let mails = outbox(&app, "asset_digest").await;
    assert_eq!(mails.len(), 2);
    let m = &mails[0];
    assert!(m.contains("IT-SOON"), "{m}");
    assert!(
        !m.contains("IT-GONE"),
        "stolen assets are not reminded: {m}"
    );
    assert!(
        m.contains("Overdue returns (1)")
            && m.contains("kim@example.org")
            && m.contains("2026-01-02"),
        "{m}"
    );
    assert!(m.contains("Warranties ending soon (1)"), "{m}");
}
