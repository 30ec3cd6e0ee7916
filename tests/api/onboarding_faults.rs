//! Onboarding runs meeting the world: a directory that stops answering
//! mid-run (the step waits, the run finishes once it is back, with one
//! account), and the service request a run answers hearing of it.

use itdesk::auth::Role;
use itdesk::directory::Session;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app_with};
use crate::ldap_server::{self, blocking};
use crate::onboarding_runs::{created, post, run_of, step};

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
