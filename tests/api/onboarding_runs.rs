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
async fn app_with_template(
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
async fn stock(app: &TestApp, admin: &str, tag: &str, product: &str) {
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
fn entry_and_groups(base: &str, account: &str) -> (itdesk::directory::Entry, Vec<String>) {
    blocking(|| {
        let mut s = session(base);
        let e = s.find_account(account).unwrap().unwrap();
        let g = s.groups_of(&e.dn).unwrap();
        (e, g)
    })
}

fn session(ou: &str) -> Session {
    Session::open(ldap_server::settings(&[(
        "directory.people_base",
        json!(ou),
    )]))
    .unwrap()
}

pub(crate) async fn post(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.post_json(token, path, &json!({})).await
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

#[tokio::test(flavor = "multi_thread")]
async fn an_offboarding_takes_everything_back_and_a_revert_restores_the_account() {
    let (app, ou, groups) = app_with_template("off", "Sales", "Office Off").await;
    let admin = app.token("admin@off.test", Role::Admin).await;
    let coordinator = app.token("coord@off.test", Role::Coordinator).await;
    stock(&app, &admin, "LT-OFF-1", "Office Off").await;
    // Onboard them first, then hand the laptop over.
    let run = created(
        app.post_json(
            &coordinator,
            "/api/v1/onboarding/runs",
            &json!({"kind": "onboard", "effective_on": "2026-01-05",
                "person": {"given_name": "Otto", "surname": "Leaver", "department": "Sales",
                           "email": "otto@off.test", "manager": "boss@onb.test"}}),
        )
        .await,
    )
    .await;
    let onboard = run["id"].as_str().unwrap().to_owned();
    post(
        &app,
        &coordinator,
        &format!("/api/v1/onboarding/runs/{onboard}/approve"),
    )
    .await;
    app.run_jobs_until_idle().await;
    assert_eq!(run_of(&app, &admin, &onboard).await["status"], "done");
    let out = app
        .post_json(
            &admin,
            "/api/v1/assets/LT-OFF-1/checkout",
            &json!({"assignee": "otto@off.test", "require_acceptance": false}),
        )
        .await;
    assert_eq!(out.status(), 200);
    let otto = app.token("otto@off.test", Role::Requester).await;
    assert_eq!(app.get(&otto, "/api/v1/tickets").await.status(), 200);

    let plan = created(
        app.post_json(
            &coordinator,
            "/api/v1/onboarding/runs",
            &json!({"kind": "offboard", "person_id": "otto@off.test", "effective_on": "2026-06-30"}),
        )
        .await,
    )
    .await;
    let id = plan["id"].as_str().unwrap().to_owned();
    assert_eq!(
        kinds(&plan),
        [
            "remove_groups",
            "disable_account",
            "deactivate_person",
            "return_devices",
            "release_seats",
            "mail_manager"
        ]
    );
    assert_eq!(
        step(&plan, "remove_groups")["detail"]["groups"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        plan["plan"]["summary"].to_string().contains("LT-OFF-1"),
        "{}",
        plan["plan"]
    );
    post(
        &app,
        &coordinator,
        &format!("/api/v1/onboarding/runs/{id}/approve"),
    )
    .await;
    app.run_jobs_until_idle().await;
    let done = run_of(&app, &admin, &id).await;
    assert_eq!(done["status"], "done", "{done}");

    let disabled = format!("ou=disabled,{}", ldap_server::SUFFIX);
    let (entry, in_groups) = entry_and_groups(ldap_server::SUFFIX, "otto.leaver");
    assert!(entry.dn.ends_with(&disabled), "{}", entry.dn);
    assert!(in_groups.is_empty(), "{in_groups:?}");
    assert_eq!(
        app.get(&otto, "/api/v1/tickets").await.status(),
        401,
        "token revoked"
    );
    let person: Value = app
        .get(&admin, "/api/v1/people/otto@off.test")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(person["employment_status"], "departed");
    assert_eq!(person["end_date"], "2026-06-30");
    let returns = &step(&done, "return_devices")["result"]["returns"];
    assert_eq!(returns[0]["asset_tag"], "LT-OFF-1");
    assert_eq!(
        step(&done, "release_seats")["result"]["released"][0]["product"],
        "Vendor Office Off"
    );

    // A mistaken offboarding comes back.
    assert_problem(
        post(
            &app,
            &coordinator,
            &format!("/api/v1/onboarding/runs/{onboard}/revert"),
        )
        .await,
        409,
        "not_revertible",
    )
    .await;
    let reverted: Value = post(
        &app,
        &coordinator,
        &format!("/api/v1/onboarding/runs/{id}/revert"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(reverted["status"], "reverted", "{reverted}");
    let (back, rejoined) = entry_and_groups(&ou, "otto.leaver");
    assert!(back.dn.ends_with(&ou), "{}", back.dn);
    assert_eq!(rejoined.len(), groups.len());
    let person: Value = app
        .get(&admin, "/api/v1/people/otto@off.test")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(person["employment_status"], "active");
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
    let outcome =
        blocking(|| check_password(&ldap_server::settings(&[]), &back.dn, &password).unwrap());
    assert_eq!(
        outcome,
        BindOutcome::Accepted,
        "a new password, as the old was removed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_move_changes_the_department_and_only_the_group_difference() {
    let (ou, [g1, g2, g3]) = blocking(|| {
        (
            fresh_ou("move"),
            [fresh_group("eng"), fresh_group("all"), fresh_group("sales")],
        )
    });
    let extra = [
        ("directory.people_base", json!(ou)),
        ("directory.new_users_ou", json!(ou)),
        ("directory.upn_suffix", json!("move.test")),
        ("onboarding.calendar", json!("24x7")),
        (
            "onboarding_templates",
            json!([{"name": "eng", "department": "Engineering", "groups": [g1, g2]},
                   {"name": "sales", "department": "Sales", "groups": [g2, g3]}]),
        ),
    ];
    let app = spawn_app_with(ldap_server::overrides(&extra)).await;
    let coordinator = app.token("coord@move.test", Role::Coordinator).await;
    let hired = created(
        app.post_json(
            &coordinator,
            "/api/v1/onboarding/runs",
            &json!({"kind": "onboard", "effective_on": "2026-01-05",
                "person": {"given_name": "Mo", "surname": "Ver", "department": "Engineering"}}),
        )
        .await,
    )
    .await;
    let id = hired["id"].as_str().unwrap();
    post(
        &app,
        &coordinator,
        &format!("/api/v1/onboarding/runs/{id}/approve"),
    )
    .await;
    app.run_jobs_until_idle().await;
    let person_id = run_of(&app, &coordinator, id).await["person_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let plan = created(
        app.post_json(
            &coordinator,
            "/api/v1/onboarding/runs",
            &json!({"kind": "move", "person_id": person_id, "effective_on": "2026-07-01",
                "person": {"department": "Sales"}}),
        )
        .await,
    )
    .await;
    assert_eq!(plan["template"], "sales");
    assert_eq!(
        kinds(&plan),
        ["update_person", "add_groups", "remove_groups"]
    );
    assert_eq!(plan["plan"]["groups_added"], json!([g3]));
    assert_eq!(plan["plan"]["groups_removed"], json!([g1]));
    let move_id = plan["id"].as_str().unwrap().to_owned();
    post(
        &app,
        &coordinator,
        &format!("/api/v1/onboarding/runs/{move_id}/approve"),
    )
    .await;
    app.run_jobs_until_idle().await;
    assert_eq!(run_of(&app, &coordinator, &move_id).await["status"], "done");
    let (entry, mut groups) = entry_and_groups(&ou, "mo.ver");
    assert_eq!(
        entry.department, "Sales",
        "written to the entry, so a sync keeps it"
    );
    groups.sort();
    let mut wanted = vec![g2.to_lowercase(), g3.to_lowercase()];
    wanted.sort();
    assert_eq!(
        groups.iter().map(|g| g.to_lowercase()).collect::<Vec<_>>(),
        wanted
    );
    let person: Value = app
        .get(&coordinator, &format!("/api/v1/people/{person_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(person["department"], "Sales");
}
