//! People: employees added with their manager, department and dates; the
//! status the dates give; found by department, manager, status and any
//! part of a name; paged; bad input refused naming the field; staff read,
//! coordinators and admins change.

use chrono::Duration;
use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

async fn add(app: &TestApp, token: &str, body: Value) -> Value {
    let resp = app.post_json(token, "/api/v1/people", &body).await;
    let status = resp.status();
    let v: Value = resp.json().await.unwrap();
    assert_eq!(status, 201, "{v}");
    v
}

async fn names(app: &TestApp, token: &str, query: &str) -> (Vec<String>, String) {
    let resp = app.get(token, &format!("/api/v1/people?{query}")).await;
    assert_eq!(resp.status(), 200, "{query}");
    let total = resp.headers()["X-Total-Count"].to_str().unwrap().to_owned();
    let list: Vec<Value> = resp.json().await.unwrap();
    let names = list
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    (names, total)
}

#[tokio::test]
async fn people_are_added_with_their_manager_and_found_by_what_hr_knows() {
    let app = spawn_app().await;
    let coord = app.token("coord@example.org", Role::Coordinator).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let requester = app.token("kim@example.org", Role::Requester).await;
    let today = chrono::Utc::now().date_naive();

    let boss = add(
        &app,
        &coord,
        json!({"email": "Grace.Hopper@example.org", "given_name": "Grace", "surname": "Hopper",
            "employee_id": "E-0001", "department": "IT", "title": "Head of IT"}),
    )
    .await;
    assert_eq!(boss["email"], "grace.hopper@example.org");
    assert_eq!(boss["employment_status"], "active");
    let zoe = add(
        &app,
        &coord,
        json!({"email": "zoe@example.org", "given_name": "Zoë", "surname": "O'Brien-Łukasiewicz",
            "employee_id": "E-0002", "department": "IT", "manager": "grace.hopper@example.org",
            "start_date": (today + Duration::days(3)).to_string()}),
    )
    .await;
    assert_eq!(
        zoe["employment_status"], "pending_start",
        "starts in three days"
    );
    assert_eq!(zoe["manager_id"], boss["id"]);
    assert_eq!(zoe["manager_name"], "Grace Hopper");
    // An existing account (a requester who mailed us) becomes a person.
    let kim = add(
        &app,
        &coord,
        json!({"email": "kim@example.org", "given_name": "Kim", "surname": "Lee", "department": "Sales",
            "manager": boss["id"], "start_date": "2020-01-01", "end_date": (today - Duration::days(1)).to_string()}),
    )
    .await;
    assert_eq!(kim["employment_status"], "departed");

    // Found by department, manager, status, a part of a name, an email.
    assert_eq!(
        names(&app, &agent, "department=IT").await.0,
        ["Grace Hopper", "Zoë O'Brien-Łukasiewicz"]
    );
    assert_eq!(
        names(&app, &agent, "manager=grace.hopper@example.org")
            .await
            .0,
        ["Kim Lee", "Zoë O'Brien-Łukasiewicz"]
    );
    assert_eq!(names(&app, &agent, "status=departed").await.0, ["Kim Lee"]);
    assert_eq!(
        names(&app, &agent, "q=o%27brien").await.0,
        ["Zoë O'Brien-Łukasiewicz"]
    );
    assert_eq!(names(&app, &agent, "q=e-0001").await.0, ["Grace Hopper"]);
    assert_eq!(
        names(&app, &agent, "q=kim%40example.org").await.0,
        ["Kim Lee"]
    );
    assert_eq!(
        names(&app, &agent, "q=%25").await.0,
        Vec::<String>::new(),
        "% is itself"
    );
    let (page, total) = names(&app, &agent, "limit=2").await;
    assert_eq!((page.len(), total.as_str()), (2, "3"));
    let one: Value = app
        .get(&agent, "/api/v1/people/zoe@example.org")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["id"], zoe["id"]);

    // Changed: the title, the manager cleared; history kept.
    let path = format!("/api/v1/people/{}", zoe["id"].as_str().unwrap());
    let changed: Value = app
        .patch_json(
            &coord,
            &path,
            &json!({"title": "Engineer", "manager": null}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (changed["title"].as_str(), changed["manager_id"].is_null()),
        (Some("Engineer"), true)
    );
    assert_eq!(changed["department"], "IT", "absent stays");

    // Who may do what.
    assert_eq!(app.get(&requester, "/api/v1/people").await.status(), 403);
    let resp = app
        .post_json(
            &agent,
            "/api/v1/people",
            &json!({"email": "x@example.org", "given_name": "X", "surname": "Y"}),
        )
        .await;
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn bad_people_are_refused_naming_the_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let coord = app.token("coord@example.org", Role::Coordinator).await;
    let ada = add(
        &app,
        &coord,
        json!({"email": "ada@example.org", "given_name": "Ada", "surname": "Lovelace", "employee_id": "E-1"}),
    )
    .await;
    let cases = [
        (json!({"given_name": "No", "surname": "Mail"}), "email"),
        (
            json!({"email": "not an address", "given_name": "A", "surname": "B"}),
            "email",
        ),
        (
            json!({"email": "b@example.org", "surname": "B"}),
            "given_name",
        ),
        (
            json!({"email": "b@example.org", "given_name": "B", "surname": " "}),
            "surname",
        ),
        (
            json!({"email": "b@example.org", "given_name": "B", "surname": "C", "employee_id": "E-1"}),
            "employee_id",
        ),
        (
            json!({"email": "b@example.org", "given_name": "B", "surname": "C", "manager": "nobody@example.org"}),
            "manager",
        ),
        (
            json!({"email": "b@example.org", "given_name": "B", "surname": "C",
            "start_date": "2027-05-01", "end_date": "2027-04-30"}),
            "end_date",
        ),
        (
            json!({"email": "b@example.org", "given_name": "B", "surname": "C", "employment_status": "retired"}),
            "employment_status",
        ),
    ];
    for (body, field) in cases {
        let resp = app.post_json(&coord, "/api/v1/people", &body).await;
        let p = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
    }
    let twice = app
        .post_json(
            &coord,
            "/api/v1/people",
            &json!({"email": "ada@example.org", "given_name": "Ada", "surname": "L"}),
        )
        .await;
    assert_problem(twice, 409, "person_exists").await;
    let path = format!("/api/v1/people/{}", ada["id"].as_str().unwrap());
    let own = app
        .patch_json(&coord, &path, &json!({"manager": "ada@example.org"}))
        .await;
    let p = assert_problem(own, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "manager");
    assert_eq!(app.count("people").await, 1, "nothing half-saved");
    assert_eq!(
        app.get(&coord, "/api/v1/people/nobody@example.org")
            .await
            .status(),
        404
    );
}
