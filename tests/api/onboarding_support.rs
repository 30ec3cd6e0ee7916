//! What the onboarding tests share: an app with a template on a fresh OU,
//! stock, planning, approving and reading runs, the directory entry a run
//! made, the stored password.

use itdesk::directory::Session;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};
use crate::ldap_server::{self, blocking, fresh_group, fresh_ou};

/// An app on a fresh OU with two fresh groups and a template for the
/// department `dept` naming them, a laptop and a product.
pub(crate) async fn app_with_template(
    name: &str,
    dept: &str,
    product: &str,
) -> (TestApp, String, [String; 2]) {
    let (ou, groups) = blocking(|| (fresh_ou(name), [fresh_group("staff"), fresh_group("vpn")]));
    let extra = [
        ("directory.people_base", json!(ou)),
        ("directory.new_users_ou", json!(ou)),
        ("directory.upn_suffix", json!("onb.test")),
        (
            "onboarding_templates",
            json!([{"name": format!("{name}-template"), "department": dept,
                "groups": groups, "device_category": "laptop", "license_products": [product],
                "tasks": [{"title": "Prepare the desk", "due_days": -1},
                          {"title": "Welcome session", "due_days": 0}]}]),
        ),
        ("onboarding.calendar", json!("24x7")),
    ];
    (
        spawn_app_with(ldap_server::overrides(&extra)).await,
        ou,
        groups,
    )
}

pub(crate) async fn created(resp: reqwest::Response) -> Value {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

/// A laptop in stock, a product with one seat, and a manager.
pub(crate) async fn stock(app: &TestApp, admin: &str, tag: &str, product: &str) {
    let model = created(
        app.post_json(
            admin,
            "/api/v1/models",
            &json!({"manufacturer": "Dell", "name": format!("Latitude {tag}"), "category": "laptop"}),
        )
        .await,
    )
    .await;
    created(
        app.post_json(
            admin,
            "/api/v1/assets",
            &json!({"asset_tag": tag, "model_id": model["id"], "status": "in_stock"}),
        )
        .await,
    )
    .await;
    let p = created(
        app.post_json(
            admin,
            "/api/v1/licenses/products",
            &json!({"publisher": "Vendor", "name": product}),
        )
        .await,
    )
    .await;
    created(
        app.post_json(
            admin,
            "/api/v1/licenses/entitlements",
            &json!({"product_id": p["id"], "metric": "user", "quantity": 1}),
        )
        .await,
    )
    .await;
    created(
        app.post_json(
            admin,
            "/api/v1/people",
            &json!({"email": "boss@onb.test", "given_name": "Bea", "surname": "Boss"}),
        )
        .await,
    )
    .await;
}

pub(crate) async fn run_of(app: &TestApp, token: &str, id: &str) -> Value {
    let resp = app
        .get(token, &format!("/api/v1/onboarding/runs/{id}"))
        .await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

pub(crate) fn kinds(run: &Value) -> Vec<String> {
    run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) fn step<'a>(run: &'a Value, kind: &str) -> &'a Value {
    run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} step in {run}"))
}

/// The entry of `account` under `base` and the groups naming it.
pub(crate) fn entry_and_groups(
    base: &str,
    account: &str,
) -> (itdesk::directory::Entry, Vec<String>) {
    blocking(|| {
        let mut s = session(base);
        let e = s.find_account(account).unwrap().unwrap();
        let g = s.groups_of(&e.dn).unwrap();
        (e, g)
    })
}

/// The run's stored (sealed) password, as the database holds it.
pub(crate) fn sealed(app: &TestApp, id: &str) -> Option<String> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        sealed_password: Option<String>,
    }
    let rows: Vec<Row> = diesel::sql_query(format!(
        "SELECT sealed_password FROM onboarding_runs WHERE id = '{id}'"
    ))
    .load(&mut *app.state.db.reader().unwrap())
    .unwrap();
    rows.into_iter().next().and_then(|r| r.sealed_password)
}

pub(crate) fn session(ou: &str) -> Session {
    Session::open(ldap_server::settings(&[
        ("directory.people_base", json!(ou)),
        ("directory.new_users_ou", json!(ou)),
    ]))
    .unwrap()
}

pub(crate) async fn post(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.post_json(token, path, &json!({})).await
}

/// Plans a run (201 expected); the plan and the run's id.
pub(crate) async fn plan_run(app: &TestApp, token: &str, body: Value) -> (Value, String) {
    let run = created(app.post_json(token, "/api/v1/onboarding/runs", &body).await).await;
    let id = run["id"].as_str().unwrap().to_owned();
    (run, id)
}

/// Approves the run and works the job queue until it is idle; the run then.
pub(crate) async fn approve_and_run(app: &TestApp, token: &str, id: &str) -> Value {
    post(app, token, &format!("/api/v1/onboarding/runs/{id}/approve")).await;
    app.run_jobs_until_idle().await;
    run_of(app, token, id).await
}
