//! Onboarding and offboarding runs against the real slapd: planned with
//! the exact changes, nothing done before approval, applied by the job
//! queue once (account, password, groups, device, seats, tasks, mail), the
//! password shown once; an offboarding disables, empties the groups, asks
//! devices back, releases seats, and is reverted.

use itdesk::auth::Role;
use itdesk::directory::{BindOutcome, Session, check_password};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app_with};
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
fn sealed(app: &TestApp, id: &str) -> Option<String> {
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

#[tokio::test(flavor = "multi_thread")]
async fn a_new_hire_is_planned_then_approved_and_provisioned_once_with_the_password_shown_once() {
    let (app, ou, groups) = app_with_template("onb", "Research", "Office Onb").await;
    let admin = app.token("admin@onb.test", Role::Admin).await;
    let coordinator = app.token("coord@onb.test", Role::Coordinator).await;
    let agent = app.token("agent@onb.test", Role::Agent).await;
    stock(&app, &admin, "LT-ONB-1", "Office Onb").await;
    // A namesake holds the plain account name already.
    blocking(|| {
        let mut s = session(&ou);
        s.create(&itdesk::directory::NewAccount {
            account: "zoe.obrien-lukasiewicz".into(),
            given: "Zoë".into(),
            surname: "O'Brien-Łukasiewicz".into(),
            ou: ou.clone(),
            ..Default::default()
        })
        .unwrap();
    });

    let ask = json!({"kind": "onboard", "effective_on": "2026-01-05",
        "person": {"given_name": "Zoë", "surname": "O'Brien-Łukasiewicz",
                   "department": "Research", "title": "Chemist", "manager": "boss@onb.test",
                   "employee_id": "E-77"}});
    assert_problem(
        app.post_json(&agent, "/api/v1/onboarding/runs", &ask).await,
        403,
        "forbidden",
    )
    .await;
    let mut nameless = ask.clone();
    nameless["person"]["surname"] = json!(" ");
    let problem = assert_problem(
        app.post_json(&coordinator, "/api/v1/onboarding/runs", &nameless)
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "person.surname");

    let run = created(
        app.post_json(&coordinator, "/api/v1/onboarding/runs", &ask)
            .await,
    )
    .await;
    let id = run["id"].as_str().unwrap().to_owned();
    assert_eq!(run["status"], "planned");
    assert_eq!(run["template"], "onb-template");
    assert_eq!(
        kinds(&run),
        [
            "register_person",
            "create_account",
            "set_password",
            "add_groups",
            "reserve_device",
            "allocate_seats",
            "raise_tasks",
            "mail_manager"
        ]
    );
    let account = step(&run, "create_account");
    assert_eq!(
        account["detail"]["account"], "zoe.obrien-lukasiewicz2",
        "the namesake's name is taken: {account}"
    );
    assert_eq!(
        account["detail"]["dn"],
        format!("uid=zoe.obrien-lukasiewicz2,{ou}")
    );
    assert_eq!(
        account["detail"]["mail"],
        "zoe.obrien-lukasiewicz2@onb.test"
    );
    assert_eq!(step(&run, "add_groups")["detail"]["groups"], json!(groups));
    assert_eq!(
        step(&run, "reserve_device")["detail"]["in_stock_now"]["asset_tag"],
        "LT-ONB-1"
    );
    let tasks = &step(&run, "raise_tasks")["detail"]["tasks"];
    assert_eq!(tasks[0]["due_on"], "2026-01-04", "a day before the start");
    assert!(
        step(&run, "set_password")["says"]
            .as_str()
            .unwrap()
            .contains("first logon")
    );
    assert_eq!(run["password"], "none");
    assert!(
        blocking(|| session(&ou)
            .find_account("zoe.obrien-lukasiewicz2")
            .unwrap())
        .is_none(),
        "nothing is made before approval"
    );
    assert_problem(
        post(
            &app,
            &coordinator,
            &format!("/api/v1/onboarding/runs/{id}/reveal-password"),
        )
        .await,
        409,
        "password_not_set",
    )
    .await;

    let approved: Value = post(
        &app,
        &coordinator,
        &format!("/api/v1/onboarding/runs/{id}/approve"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["approved_by"], "coord@onb.test");
    assert_problem(
        post(
            &app,
            &coordinator,
            &format!("/api/v1/onboarding/runs/{id}/approve"),
        )
        .await,
        409,
        "not_planned",
    )
    .await;
    assert_problem(
        post(
            &app,
            &coordinator,
            &format!("/api/v1/onboarding/runs/{id}/reveal-password"),
        )
        .await,
        409,
        "password_not_set",
    )
    .await;

    let ran = app.run_jobs_until_idle().await;
    assert_eq!(ran.of("onboarding.run"), 1);
    let done = run_of(&app, &agent, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert!(
        done["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "done"),
        "{done}"
    );
    assert_eq!(
        done["password"], "sealed",
        "reading the run does not use it up"
    );
    let person_id = done["person_id"].as_str().unwrap().to_owned();

    // The directory: the account in its groups, its key on the person.
    let dn = step(&done, "create_account")["result"]["dn"]
        .as_str()
        .unwrap()
        .to_owned();
    let (entry, in_groups) = entry_and_groups(&ou, "zoe.obrien-lukasiewicz2");
    assert_eq!(entry.dn, dn);
    assert_eq!(entry.employee_id, "E-77");
    assert_eq!(in_groups.len(), 2, "{in_groups:?}");
    let person: Value = app
        .get(&agent, &format!("/api/v1/people/{person_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(person["email"], "zoe.obrien-lukasiewicz2@onb.test");
    assert_eq!(person["directory"]["key"], entry.key);
    assert_eq!(person["department"], "Research");
    assert_eq!(person["assets"][0]["asset_tag"], "LT-ONB-1");
    assert_eq!(person["assets"][0]["reserved"], true);
    assert_eq!(
        person["license_allocations"][0]["product"],
        "Vendor Office Onb"
    );
    assert_eq!(person["runs"][0]["id"], id.as_str());
    assert_eq!(person["tickets"], json!([]), "the tasks are the approver's");

    // Device reserved for them, the seat theirs, the tasks raised.
    let laptop: Value = app
        .get(&admin, "/api/v1/assets/LT-ONB-1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(laptop["status"], "in_stock");
    assert_eq!(laptop["substate"], "reserved");
    assert_eq!(laptop["assignee"]["id"], person_id.as_str());
    let seats = &step(&done, "allocate_seats")["result"]["seats"];
    assert_eq!(seats[0]["product"], "Vendor Office Onb");
    let hand_over = &step(&done, "reserve_device")["result"]["ticket"];
    let ticket: Value = app
        .get(
            &agent,
            &format!("/api/v1/tickets/{}", hand_over["id"].as_str().unwrap()),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        ticket["subject"]
            .as_str()
            .unwrap()
            .starts_with("Hand over LT-ONB-1"),
        "{ticket}"
    );
    assert_eq!(ticket["type"], "service_request");
    let raised = &step(&done, "raise_tasks")["result"]["tickets"];
    assert_eq!(raised.as_array().unwrap().len(), 2);
    assert_eq!(step(&done, "mail_manager")["result"]["to"], "boss@onb.test");
    let mailed = blocking(|| {
        app.state
            .db
            .read(|conn| itdesk::outbox::list(conn, None, 200))
            .unwrap()
    });
    let to_boss = mailed
        .iter()
        .find(|m| m.kind == "onboarding")
        .expect("the manager's mail");
    assert!(to_boss.recipients.contains("boss@onb.test"));
    assert!(to_boss.subject.contains("starts on"), "{}", to_boss.subject);

    // The password: once, to the approver; it binds; then 410.
    assert_problem(
        post(
            &app,
            &admin,
            &format!("/api/v1/onboarding/runs/{id}/reveal-password"),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let stored = blocking(|| sealed(&app, &id)).expect("sealed until revealed");
    let revealed: Value = post(
        &app,
        &coordinator,
        &format!("/api/v1/onboarding/runs/{id}/reveal-password"),
    )
    .await
    .json()
    .await
    .unwrap();
    let password = revealed["password"].as_str().unwrap().to_owned();
    assert!(password.len() >= 16);
    assert!(!stored.contains(&password), "kept only encrypted");
    assert_eq!(blocking(|| sealed(&app, &id)), None, "wiped once shown");
    let raw = String::from_utf8_lossy(&to_boss.raw).to_string();
    assert!(!raw.contains(&password), "never mailed");
    let outcome = blocking(|| check_password(&ldap_server::settings(&[]), &dn, &password).unwrap());
    assert_eq!(outcome, BindOutcome::Accepted);
    assert_problem(
        post(
            &app,
            &coordinator,
            &format!("/api/v1/onboarding/runs/{id}/reveal-password"),
        )
        .await,
        410,
        "gone",
    )
    .await;
    let after = run_of(&app, &agent, &id).await;
    assert_eq!(after["password"], "revealed");

    // The job again (a crash after its last step): nothing twice.
    let again = app.run_jobs_until_idle().await;
    assert_eq!(again.of("onboarding.run"), 0);
    let listed: Vec<Value> = app
        .get(&agent, "/api/v1/onboarding/runs?status=done&kind=onboard")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["person_name"], "Zoë O'Brien-Łukasiewicz");
}
