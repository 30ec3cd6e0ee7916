//! An offboarding against the real slapd takes everything back — groups
//! (kept for a revert), the account disabled and moved, the person and their
//! tokens, devices asked back, seats released — and a revert restores the
//! account with a new password shown once.

use itdesk::auth::Role;
use itdesk::directory::{BindOutcome, check_password};
use serde_json::{Value, json};

use crate::helpers::assert_problem;
use crate::ldap_server::{self, blocking};
use crate::onboarding_support::{
    app_with_template, created, entry_and_groups, kinds, post, run_of, step, stock,
};

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
