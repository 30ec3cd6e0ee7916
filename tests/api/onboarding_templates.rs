//! Onboarding templates: the configuration's, read only over the API;
//! the API's, created, replaced and deleted; faults named by field.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app_with};

fn configured() -> Vec<(String, Value)> {
    vec![(
        "onboarding_templates".into(),
        json!([{
            "name": "engineering",
            "department": "Engineering",
            "groups": ["cn=staff,ou=groups,dc=example,dc=test"],
            "device_category": "laptop",
            "tasks": [{"title": "Prepare the laptop", "due_days": -2},
                      {"title": "Welcome session", "queue": "it", "due_days": 0}]
        }]),
    )]
}

#[tokio::test]
async fn templates_from_the_configuration_and_the_api_live_side_by_side() {
    let app = spawn_app_with(configured()).await;
    let agent = app.token("agent@onb.test", Role::Agent).await;
    let coordinator = app.token("coord@onb.test", Role::Coordinator).await;
    let list: Value = app
        .get(&agent, "/api/v1/onboarding/templates")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["name"], "engineering");
    assert_eq!(list[0]["source"], "config");
    assert_eq!(list[0]["welcome_mail"], true, "on unless turned off");
    assert_eq!(list[0]["tasks"][0]["due_days"], -2);

    let finance = json!({"name": "finance", "department": "Finance",
        "groups": ["cn=finance,ou=groups,dc=example,dc=test"], "license_products": ["Office 365 E3"],
        "tasks": [{"title": "Order a token", "due_days": 3}], "welcome_mail": false});
    let put = |body: Value, who: &str| {
        let token = if who == "agent" {
            agent.clone()
        } else {
            coordinator.clone()
        };
        let app = &app;
        async move {
            app.client
                .put(app.url(&format!(
                    "/api/v1/onboarding/templates/{}",
                    body["name"].as_str().unwrap()
                )))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(put(finance.clone(), "coordinator").await.status(), 201);
    let mut changed = finance.clone();
    changed["tasks"][0]["due_days"] = json!(5);
    let resp = put(changed, "coordinator").await;
    assert_eq!(resp.status(), 200, "replaced");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["tasks"][0]["due_days"], 5);
    assert_eq!(body["source"], "api");
    assert_problem(put(finance.clone(), "agent").await, 403, "forbidden").await;

    let mut config = list[0].clone();
    config.as_object_mut().unwrap().remove("source");
    assert_problem(put(config, "coordinator").await, 409, "defined_in_config").await;
    let resp = app
        .client
        .delete(app.url("/api/v1/onboarding/templates/engineering"))
        .bearer_auth(&coordinator)
        .send()
        .await
        .unwrap();
    assert_problem(resp, 409, "defined_in_config").await;

    let bad = json!({"name": "bad", "groups": ["staff"], "device_model": "X1", "device_category": "laptop",
        "tasks": [{"title": "", "due_days": 500}]});
    let problem = assert_problem(put(bad, "coordinator").await, 422, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "groups[0]",
            "device_category",
            "tasks[0].title",
            "tasks[0].due_days"
        ]
    );
    let unknown = json!({"name": "x", "laptop": true});
    assert_eq!(
        put(unknown, "coordinator").await.status(),
        422,
        "unknown fields are refused"
    );

    let delete = || {
        app.client
            .delete(app.url("/api/v1/onboarding/templates/finance"))
            .bearer_auth(&coordinator)
            .send()
    };
    assert_eq!(delete().await.unwrap().status(), 204);
    assert_eq!(delete().await.unwrap().status(), 404);

    // A configured name an API template holds stops the start.
    assert_eq!(put(finance.clone(), "coordinator").await.status(), 201);
    let spec: itdesk::onboarding::template::TemplateSpec = serde_json::from_value(finance).unwrap();
    let db = app.state.db.clone();
    let err = tokio::task::spawn_blocking(move || {
        itdesk::onboarding::templates::sync_config(&db, &[spec])
    })
    .await
    .unwrap()
    .unwrap_err();
    assert!(err.to_string().contains("rename one of them"), "{err}");
}

/// With a directory, a template's `ou` must lie inside `people_base`:
/// accounts made elsewhere would be found by neither login nor sync.
#[tokio::test]
async fn a_template_ou_outside_people_base_is_refused_by_field_and_at_start() {
    let app = spawn_app_with(crate::ldap_server::overrides(&[])).await;
    let coordinator = app.token("coord@ou.test", Role::Coordinator).await;
    let put = |body: Value| {
        app.client
            .put(app.url(&format!(
                "/api/v1/onboarding/templates/{}",
                body["name"].as_str().unwrap()
            )))
            .bearer_auth(&coordinator)
            .json(&body)
            .send()
    };
    let outside = json!({"name": "outside", "ou": "ou=groups,dc=example,dc=test"});
    let problem = assert_problem(put(outside).await.unwrap(), 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "ou", "{problem}");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("ou=people,dc=example,dc=test"),
        "{problem}"
    );
    let inside = json!({"name": "inside", "ou": "OU=Sales, ou=People,dc=example,dc=test"});
    assert_eq!(put(inside).await.unwrap().status(), 201);

    let mut config = crate::ldap_server::overrides(&[]);
    config.push((
        "onboarding_templates".into(),
        json!([{"name": "elsewhere", "ou": "ou=disabled,dc=example,dc=test"}]),
    ));
    let sources = itdesk::config::Sources {
        overrides: config,
        ..Default::default()
    };
    let err = itdesk::settings::Settings::load(&sources).unwrap_err();
    assert!(
        err.to_string()
            .contains("onboarding template `elsewhere`: ou: inside directory.people_base"),
        "{err}"
    );
}
