//! Finding assets: the list's filters and pages, and search by the start of
//! a tag, serial or host name, folding case as the database does.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::assets::{register, setup};
use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn the_list_filters_and_pages_through_every_asset_once() {
    let app = spawn_app().await;
    let (token, model, location) = setup(&app).await;
    app.token("lee@example.org", Role::Requester).await;
    for i in 0..23 {
        let mut body = json!({
            "asset_tag": format!("IT-{i:03}"), "model_id": model, "serial": format!("SN{i}"),
            "hostname": format!("host-{i}"), "warranty_end": format!("2027-01-{:02}", i + 1)
        });
        if i % 4 == 0 {
            body["status"] = json!("deployed");
            body["assignee"] = json!("lee@example.org");
            body["location_id"] = json!(location);
        }
        register(&app, &token, body).await;
    }
    let page = |q: &str| {
        let q = q.to_owned();
        let app = &app;
        let token = token.clone();
        async move {
            let resp = app.get(&token, &format!("/api/v1/assets?{q}")).await;
            let status = resp.status();
            let body: Value = resp.json().await.unwrap();
            assert_eq!(status, 200, "{q}: {body}");
            body
        }
    };
    let deployed = page("status=deployed").await;
    assert_eq!(deployed["items"].as_array().unwrap().len(), 6);
    assert_eq!(
        page("assignee=lee@example.org").await["items"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    assert_eq!(
        page("assignee=none").await["items"]
            .as_array()
            .unwrap()
            .len(),
        17
    );
    assert_eq!(
        page(&format!("location={location}")).await["items"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    assert_eq!(
        page("category=laptop&status=in_stock").await["items"]
            .as_array()
            .unwrap()
            .len(),
        17
    );
    assert_eq!(
        page("category=phone").await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let one = page("hostname=HOST-7").await;
    assert_eq!(one["items"][0]["asset_tag"], "IT-007");
    assert_eq!(page("serial=SN12").await["items"][0]["asset_tag"], "IT-012");
    assert_eq!(
        page("warranty_before=2027-01-06").await["items"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    // Pages of 5, newest first, every asset exactly once.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("limit=5&cursor={c}"),
            None => "limit=5".to_owned(),
        };
        let p = page(&q).await;
        for item in p["items"].as_array().unwrap() {
            seen.push(item["asset_tag"].as_str().unwrap().to_owned());
        }
        match p["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 23);
    assert_eq!(seen[0], "IT-022");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 23);

    let resp = app
        .get(&token, "/api/v1/assets?status=lost&limit=0&cursor=zz")
        .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"].as_array().unwrap().len(), 3, "{p}");
}

#[tokio::test]
async fn the_register_is_searched_by_the_start_of_a_tag_serial_or_host_name() {
    let app = spawn_app().await;
    let (token, _, _) = setup(&app).await;
    for (tag, serial, host) in [
        ("IT-100", "5CD4411XYZ", "nb-kim"),
        ("IT-101", "CN0ABC", "ws-lee"),
        ("LAB-7", "PF3X_9", "nb-lab7"),
    ] {
        register(
            &app,
            &token,
            json!({"asset_tag": tag, "serial": serial, "hostname": host}),
        )
        .await;
    }
    let tags = |body: Value| -> Vec<String> {
        let mut t: Vec<String> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["asset_tag"].as_str().unwrap().to_owned())
            .collect();
        t.sort();
        t
    };
    for (q, expected) in [
        ("it-10", vec!["IT-100", "IT-101"]),
        ("5cd", vec!["IT-100"]),
        ("NB-", vec!["IT-100", "LAB-7"]),
        ("pf3x_", vec!["LAB-7"]),
        // `_` and `%` are characters, not wildcards.
        ("pf3x%", vec![]),
        ("i_-", vec![]),
    ] {
        let body: Value = app
            .get(
                &token,
                &format!("/api/v1/assets?q={}", q.replace('%', "%25")),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(tags(body), expected, "q={q}");
    }
}

#[tokio::test]
async fn search_folds_case_as_the_database_does_for_letters_beyond_ascii() {
    let app = spawn_app().await;
    let (token, _, _) = setup(&app).await;
    register(&app, &token, json!({"asset_tag": "ÆR-1", "serial": "ÅS-9"})).await;
    for q in ["ÆR", "ÅS-"] {
        let body: Value = app
            .get(&token, &format!("/api/v1/assets?q={q}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(body["items"].as_array().unwrap().len(), 1, "q={q}: {body}");
    }
}
