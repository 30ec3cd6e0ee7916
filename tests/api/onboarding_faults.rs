//! Onboarding runs meeting the world: a directory that stops answering
//! mid-run (the step waits, the run finishes once it is back, with one
//! account), and the service request a run answers hearing of it.

use itdesk::auth::Role;
use itdesk::directory::Session;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app_with};
use crate::ldap_server::{self, blocking};
use crate::onboarding_support::{approve_and_run, created, plan_run, post, run_of, step};

#[tokio::test(flavor = "multi_thread")]
async fn a_directory_that_stops_answering_holds_the_run_until_it_is_back_without_a_second_account()
{
    let own = blocking(|| ldap_server::OwnSlapd::start("onb-kill"));
    let app = spawn_app_with(own.overrides(&[
        ("directory.upn_suffix", json!("kill.test")),
        ("onboarding.calendar", json!("24x7")),
    ]))
    .await;
    let coordinator = app.token("coord@kill.test", Role::Coordinator).await;
    let run = created(
        app.post_json(
            &coordinator,
            "/api/v1/onboarding/runs",
            &json!({"kind": "onboard", "effective_on": "2026-02-02",
                "person": {"given_name": "Kim", "surname": "Crash"}}),
        )
        .await,
    )
    .await;
    let id = run["id"].as_str().unwrap().to_owned();
    let dn = step(&run, "create_account")["detail"]["dn"]
        .as_str()
        .unwrap()
        .to_owned();
    post(
        &app,
        &coordinator,
        &format!("/api/v1/onboarding/runs/{id}/approve"),
    )
    .await;

    blocking(|| own.stop());
    app.run_jobs_until_idle().await;
    let waiting = run_of(&app, &coordinator, &id).await;
    assert_eq!(waiting["status"], "running", "{waiting}");
    assert_eq!(step(&waiting, "register_person")["status"], "done");
    let create = step(&waiting, "create_account");
    assert_eq!(create["status"], "pending");
    assert!(
        create["error"]
            .as_str()
            .unwrap()
            .starts_with("waiting to try again"),
        "{create}"
    );

    let history: Value = app
        .get(
            &coordinator,
            &format!("/api/v1/onboarding/runs/{id}/history"),
        )
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions[..4],
        ["planned", "approved", "started", "step_done"],
        "{history}"
    );
    let waited = history
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "step_waiting")
        .unwrap_or_else(|| panic!("the wait is in the history: {history}"));
    assert_eq!(waited["changes"]["kind"], "create_account");
    assert_eq!(waited["changes"]["attempt"], 1);
    assert_eq!(waited["actor"], "coord@kill.test");

    // Back, with the account made by an attempt that died before it could
    // record it: the step finds it and makes no second one.
    blocking(|| {
        own.start_again();
        own.admin()
            .add(
                &dn,
                vec![
                    ("objectClass", ["inetOrgPerson"].into()),
                    ("uid", ["kim.crash"].into()),
                    ("cn", ["Kim Crash"].into()),
                    ("givenName", ["Kim"].into()),
                    ("sn", ["Crash"].into()),
                ],
            )
            .unwrap()
            .success()
            .unwrap();
    });
    app.run_jobs_at(chrono::Duration::minutes(10)).await;
    let done = run_of(&app, &coordinator, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(step(&done, "create_account")["result"]["dn"], dn.as_str());
    let kims = blocking(|| {
        let s = own.overrides(&[]);
        let settings = itdesk::settings::Settings::load(&itdesk::config::Sources {
            overrides: s,
            ..Default::default()
        })
        .unwrap();
        let mut session = Session::open(std::sync::Arc::new(settings.directory)).unwrap();
        session.search_people("(sn=Crash)").unwrap()
    });
    assert_eq!(kims.len(), 1, "one account: {kims:?}");
}

#[tokio::test]
async fn a_service_request_in_the_onboarding_category_hears_of_its_run() {
    let app = spawn_app_with(vec![("onboarding.calendar".into(), json!("24x7"))]).await;
    let coordinator = app.token("coord@req.test", Role::Coordinator).await;
    created(
        app.post_json(
            &coordinator,
            "/api/v1/categories",
            &json!({"slug": "onboarding", "name": "Onboarding"}),
        )
        .await,
    )
    .await;
    let asked = app
        .create_ticket(
            &coordinator,
            json!({"subject": "New starter: Rita Request", "description": "Starts Monday",
                "type": "service_request", "category": "onboarding"}),
        )
        .await;
    let other = app
        .create_ticket(
            &coordinator,
            json!({"subject": "Printer", "description": "jammed", "type": "incident"}),
        )
        .await;
    let ask = |ticket: &Value| {
        json!({"kind": "onboard", "effective_on": "2026-02-02", "ticket": ticket.to_string(),
            "person": {"given_name": "Rita", "surname": "Request", "email": "rita@req.test"}})
    };
    let problem = assert_problem(
        app.post_json(
            &coordinator,
            "/api/v1/onboarding/runs",
            &ask(&other["number"]),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "ticket");
    let run = created(
        app.post_json(
            &coordinator,
            "/api/v1/onboarding/runs",
            &ask(&asked["number"]),
        )
        .await,
    )
    .await;
    assert_eq!(run["ticket"], asked["number"]);
    let id = run["id"].as_str().unwrap().to_owned();
    post(
        &app,
        &coordinator,
        &format!("/api/v1/onboarding/runs/{id}/approve"),
    )
    .await;
    app.run_jobs_until_idle().await;
    assert_eq!(run_of(&app, &coordinator, &id).await["status"], "done");
    let notes: Vec<Value> = app
        .get(
            &coordinator,
            &format!("/api/v1/tickets/{}/comments", asked["number"]),
        )
        .await
        .json()
        .await
        .unwrap();
    let bodies: Vec<&str> = notes.iter().map(|c| c["body"].as_str().unwrap()).collect();
    assert!(
        bodies[0].starts_with("Planned: the onboarding of Rita Request"),
        "{bodies:?}"
    );
    assert!(
        bodies[1].starts_with("Done: the onboarding of Rita Request"),
        "{bodies:?}"
    );
    assert!(notes.iter().all(|c| c["public"] == false), "internal notes");
}

/// The planned account name taken before the run made it: the run stops
/// (`account_taken`) with the new hire registered; planned again, the run
/// takes that person (no "person exists") and a free name.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_hire_whose_name_was_taken_is_planned_again_as_the_same_person() {
    let ou = blocking(|| ldap_server::fresh_ou("taken"));
    let app = spawn_app_with(ldap_server::overrides(&[
        ("directory.people_base", json!(ou)),
        ("directory.new_users_ou", json!(ou)),
        ("directory.upn_suffix", json!("taken.test")),
        ("onboarding.calendar", json!("24x7")),
    ]))
    .await;
    let coordinator = app.token("coord@taken.test", Role::Coordinator).await;
    let tina = json!({"kind": "onboard", "effective_on": "2026-02-02",
        "person": {"given_name": "Tina", "surname": "Taken",
                   "email": "tina@taken.test", "department": "Sales"}});
    let (first, first_id) = plan_run(&app, &coordinator, tina.clone()).await;
    assert_eq!(
        step(&first, "create_account")["detail"]["account"],
        "tina.taken"
    );
    // Someone else gets the name before the run makes the account.
    let taker = format!("uid=tina.taken,{ou}");
    blocking(|| {
        ldap_server::admin()
            .add(
                &taker,
                vec![
                    ("objectClass", ["inetOrgPerson"].into()),
                    ("uid", ["tina.taken"].into()),
                    ("cn", ["Tina Other"].into()),
                    ("givenName", ["Tina"].into()),
                    ("sn", ["Other"].into()),
                ],
            )
            .unwrap()
            .success()
            .unwrap();
    });
    let stopped = approve_and_run(&app, &coordinator, &first_id).await;
    assert_eq!(stopped["status"], "failed", "{stopped}");
    assert!(
        step(&stopped, "create_account")["error"]
            .as_str()
            .unwrap()
            .contains("was taken after the plan"),
        "{stopped}"
    );
    let person = step(&stopped, "register_person")["result"]["person_id"].clone();
    assert!(person.is_string(), "{stopped}");

    let (second, second_id) = plan_run(&app, &coordinator, tina.clone()).await;
    assert_eq!(
        step(&second, "create_account")["detail"]["account"],
        "tina.taken2"
    );
    let done = approve_and_run(&app, &coordinator, &second_id).await;
    assert_eq!(done["status"], "done", "{done}");
    let registered = &step(&done, "register_person")["result"];
    assert_eq!(registered["person_id"], person, "the same person");
    assert_eq!(registered["adopted"], true);
    let linked: Value = app
        .get(&coordinator, "/api/v1/people/tina@taken.test")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        linked["directory"]["account_name"], "tina.taken2",
        "{linked}"
    );

    // The stopped run cannot provision her a second time.
    assert_problem(
        post(
            &app,
            &coordinator,
            &format!("/api/v1/onboarding/runs/{first_id}/retry"),
        )
        .await,
        409,
        "superseded",
    )
    .await;
    // Nor can a new hire take a staff account's address (a directory
    // account with it would log in as that account).
    let staff = json!({"kind": "onboard", "effective_on": "2026-02-02",
        "person": {"given_name": "Coby", "surname": "Copy", "email": "coord@taken.test"}});
    let problem = assert_problem(
        app.post_json(&coordinator, "/api/v1/onboarding/runs", &staff)
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "person.email", "{problem}");

    // A person with a directory account already is not taken again.
    let (_, third_id) = plan_run(&app, &coordinator, tina).await;
    let refused = approve_and_run(&app, &coordinator, &third_id).await;
    assert_eq!(refused["status"], "failed", "{refused}");
    assert!(
        step(&refused, "register_person")["error"]
            .as_str()
            .unwrap()
            .contains("is a person already (with the directory account"),
        "{refused}"
    );
}

/// Approved for a day to come, a run waits for it: nothing is done before
/// midnight of `effective_on` (in `onboarding.calendar`'s zone).
#[tokio::test(flavor = "multi_thread")]
async fn an_approved_run_waits_for_its_effective_day() {
    let ou = blocking(|| ldap_server::fresh_ou("later"));
    let app = spawn_app_with(ldap_server::overrides(&[
        ("directory.people_base", json!(ou)),
        ("directory.new_users_ou", json!(ou)),
        ("directory.upn_suffix", json!("later.test")),
        ("onboarding.calendar", json!("24x7")),
    ]))
    .await;
    let coordinator = app.token("coord@later.test", Role::Coordinator).await;
    let day = (chrono::Utc::now() + chrono::Duration::days(10)).date_naive();
    let (_, id) = plan_run(
        &app,
        &coordinator,
        json!({"kind": "onboard", "effective_on": day,
            "person": {"given_name": "Lia", "surname": "Later"}}),
    )
    .await;
    let waiting = approve_and_run(&app, &coordinator, &id).await;
    assert_eq!(waiting["status"], "approved", "{waiting}");
    assert_eq!(step(&waiting, "create_account")["status"], "pending");
    let none = blocking(|| {
        crate::onboarding_support::session(&ou)
            .find_account("lia.later")
            .unwrap()
    });
    assert!(none.is_none(), "no account before the day");
    app.run_jobs_at(chrono::Duration::days(11)).await;
    let done = run_of(&app, &coordinator, &id).await;
    assert_eq!(done["status"], "done", "{done}");
}
