//! Onboarding and offboarding runs against the real slapd: planned with
//! the exact changes, nothing done before approval, applied by the job
//! queue once (account, password, groups, device, seats, tasks, mail), the
//! password shown once; an offboarding disables, empties the groups, asks
//! devices back, releases seats, and is reverted.

use itdesk::auth::Role;
use itdesk::directory::{BindOutcome, check_password};
use serde_json::{Value, json};

use crate::helpers::assert_problem;
use crate::ldap_server::{self, blocking};
use crate::onboarding_support::*;

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
