//! The contracts listing one page at a time: the nearest decision first
//! (ordered in the database), `X-Total-Count` and `Link` headers, a status
//! filter that still pages, and a page size out of range refused naming
//! the field.

use chrono::Duration;
use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};
use crate::vendors::{contract, today, vendor};

async fn page(app: &TestApp, token: &str, query: &str) -> (Vec<String>, i64, String) {
    let resp = app.get(token, &format!("/api/v1/contracts?{query}")).await;
    assert_eq!(resp.status(), 200, "{query}");
    let h = |n: &str| {
        resp.headers()
            .get(n)
            .map_or(String::new(), |v| v.to_str().unwrap().to_owned())
    };
    let (total, link) = (h("X-Total-Count").parse().unwrap(), h("Link"));
    let body: Value = resp.json().await.unwrap();
    let titles = body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_owned())
        .collect();
    (titles, total, link)
}

#[tokio::test]
async fn contracts_page_in_the_order_of_the_nearest_decision_with_totals_and_links() {
    let app = spawn_app().await;
    let token = app.token("coord@example.org", Role::Coordinator).await;
    let v = vendor(&app, &token, "Contoso").await;
    let day = |n: i64| (today() + Duration::days(n)).to_string();
    let add = |title: &str, extra: Value| {
        let mut body = json!({"vendor_id": v, "kind": "lease", "title": title});
        for (k, val) in extra.as_object().unwrap() {
            body[k] = val.clone();
        }
        body
    };
    let plan = [
        add(
            "Ends in 30",
            json!({"starts_on": day(-300), "ends_on": day(30)}),
        ),
        add(
            "Notice in 70",
            json!({"starts_on": day(-265), "ends_on": day(100),
            "auto_renew": true, "renewal_months": 12, "notice_days": 30}),
        ),
        add(
            "Notice in 325",
            json!({"starts_on": day(-10), "ends_on": day(355),
            "auto_renew": true, "renewal_months": 12, "notice_days": 30}),
        ),
        add(
            "Ended yesterday",
            json!({"starts_on": day(-400), "ends_on": day(-1)}),
        ),
        add(
            "Ended 50 days ago",
            json!({"starts_on": day(-400), "ends_on": day(-50)}),
        ),
        add("Open-ended", json!({"starts_on": day(-5)})),
        add("Draft", json!({"draft": true})),
        add(
            "Terminated for day 10",
            json!({"starts_on": day(-100), "ends_on": day(200)}),
        ),
    ];
    let mut last = Value::Null;
    for body in plan {
        last = contract(&app, &token, body).await;
    }
    let resp = app
        .post_json(
            &token,
            &format!(
                "/api/v1/contracts/{}/terminate",
                last["id"].as_str().unwrap()
            ),
            &json!({"effective_on": day(10), "reason": "office closes"}),
        )
        .await;
    assert_eq!(resp.status(), 200);

    let (all, total, link) = page(&app, &token, "limit=200").await;
    assert_eq!(total, 8);
    assert_eq!(link, "", "one page: no links");
    assert_eq!(
        all[..6],
        [
            "Terminated for day 10",
            "Ends in 30",
            "Notice in 70",
            "Notice in 325",
            "Ended yesterday",
            "Ended 50 days ago",
        ]
    );
    let mut open: Vec<&str> = all[6..].iter().map(String::as_str).collect();
    open.sort();
    assert_eq!(open, ["Draft", "Open-ended"], "open-ended last");

    // Three pages of three are the same list, each saying the total and
    // linking on with the filters kept.
    let mut joined = Vec::new();
    for offset in [0, 3, 6] {
        let (titles, total, link) = page(
            &app,
            &token,
            &format!("vendor_id={v}&limit=3&offset={offset}"),
        )
        .await;
        assert_eq!(total, 8);
        if offset < 6 {
            assert!(
                link.contains(&format!(
                    "vendor_id={v}&limit=3&offset={}>; rel=\"next\"",
                    offset + 3
                )),
                "{link}"
            );
        } else {
            assert!(!link.contains("rel=\"next\""), "{link}");
            assert!(link.contains("offset=3>; rel=\"prev\""), "{link}");
        }
        joined.extend(titles);
    }
    assert_eq!(joined, all);
    let (default, _, _) = page(&app, &token, "").await;
    assert_eq!(default, all, "fifty by default");

    // A status is decided on the day, and still pages.
    let (ending, total, link) = page(&app, &token, "status=expiring&limit=1").await;
    assert_eq!(
        (ending, total),
        (vec!["Terminated for day 10".to_owned()], 2)
    );
    assert!(
        link.contains("status=expiring&limit=1&offset=1>; rel=\"next\""),
        "{link}"
    );
    let (ending, _, _) = page(&app, &token, "status=expiring&limit=1&offset=1").await;
    assert_eq!(ending, ["Ends in 30"]);
    let (expired, total, _) = page(&app, &token, "status=expired").await;
    assert_eq!((expired.len(), total), (2, 2));
    let (due, _, _) = page(&app, &token, "status=notice_due").await;
    assert_eq!(due, ["Notice in 70"]);
    let (active, _, _) = page(&app, &token, "status=active").await;
    assert_eq!(active, ["Notice in 325", "Open-ended"]);

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("offset=-1", "offset"),
        ("offset=9223372036854775800", "offset"),
    ] {
        let resp = app.get(&token, &format!("/api/v1/contracts?{query}")).await;
        let problem = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
    }
}

/// The order a person would give the contracts: the next decision (the
/// termination day, a notice deadline still ahead of an auto-renewing
/// contract, else the end); upcoming soonest first, past latest first,
/// open-ended last; ties by id (past ones the other way round).
fn reference_key(c: &Value, today: &str) -> (u8, String, String) {
    let s = |k: &str| c[k].as_str().map(str::to_owned);
    let notice = s("notice_deadline").filter(|d| c["auto_renew"] == true && d.as_str() >= today);
    let next = s("terminates_on").or(notice).or(s("ends_on"));
    let id = s("id").unwrap();
    match next {
        Some(d) if d.as_str() >= today => (0, d, id),
        Some(d) => {
            // Latest first: invert the date and the id character by character.
            let inv = |x: &str| {
                x.chars()
                    .map(|ch| char::from(255 - ch as u8))
                    .collect::<String>()
            };
            (1, inv(&d), inv(&id))
        }
        None => (2, String::new(), id),
    }
}

#[tokio::test]
async fn pages_of_many_contracts_with_equal_dates_follow_the_reference_order() {
    let app = spawn_app().await;
    let token = app.token("coord@example.org", Role::Coordinator).await;
    let v = vendor(&app, &token, "Northwind").await;
    let day = |n: i64| (today() + Duration::days(n)).to_string();
    for i in 0..40i64 {
        // Dates repeat (ties), some auto-renewing with their notice ahead
        // or passed, some open-ended, some past.
        let end = (i * 37) % 90 - 30;
        let mut body = json!({"vendor_id": v, "kind": "support", "title": format!("C{i}")});
        if i % 9 != 0 {
            body["starts_on"] = json!(day(end - 400));
            body["ends_on"] = json!(day(end));
        }
        if i % 3 == 0 && i % 9 != 0 {
            body["auto_renew"] = json!(true);
            body["renewal_months"] = json!(12);
            body["notice_days"] = json!(20);
        }
        contract(&app, &token, body).await;
    }
    let resp = app.get(&token, "/api/v1/contracts?limit=200").await;
    let all: Vec<Value> = resp.json().await.unwrap();
    assert_eq!(all.len(), 40);
    let today = today().to_string();
    let mut expected = all.clone();
    expected.sort_by_key(|c| reference_key(c, &today));
    let ids = |l: &[Value]| {
        l.iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&all), ids(&expected));
    let mut paged = Vec::new();
    for offset in (0..40).step_by(7) {
        let page: Vec<Value> = app
            .get(
                &token,
                &format!("/api/v1/contracts?limit=7&offset={offset}"),
            )
            .await
            .json()
            .await
            .unwrap();
        paged.extend(page);
    }
    assert_eq!(
        ids(&paged),
        ids(&expected),
        "pages join into the same order"
    );
    for (limit, offset) in [(1, 0), (3, 38), (5, 17), (40, 0), (10, 33)] {
        let page: Vec<Value> = app
            .get(
                &token,
                &format!("/api/v1/contracts?limit={limit}&offset={offset}"),
            )
            .await
            .json()
            .await
            .unwrap();
        let want: Vec<String> = ids(&expected)
            .into_iter()
            .skip(offset)
            .take(limit)
            .collect();
        assert_eq!(ids(&page), want, "limit {limit} offset {offset}");
    }
    // A status keeps the same order, and pages.
    for status in ["notice_due", "expired", "expiring", "active", "draft"] {
        let want: Vec<String> = expected
            .iter()
            .filter(|c| c["status"] == status)
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        let mut got = Vec::new();
        for offset in (0..want.len().max(1)).step_by(3) {
            let resp = app
                .get(
                    &token,
                    &format!("/api/v1/contracts?status={status}&limit=3&offset={offset}"),
                )
                .await;
            assert_eq!(
                resp.headers()["X-Total-Count"],
                want.len().to_string().as_str(),
                "{status}"
            );
            let page: Vec<Value> = resp.json().await.unwrap();
            got.extend(ids(&page));
        }
        assert_eq!(got, want, "{status}");
    }
    let resp = app.get(&token, "/api/v1/contracts?offset=100").await;
    assert_eq!(resp.headers()["X-Total-Count"], "40");
    let beyond: Vec<Value> = resp.json().await.unwrap();
    assert!(beyond.is_empty(), "past the end: nothing, and the total");
}
