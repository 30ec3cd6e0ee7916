//! A move: the new department and title, also on the directory entry, and
//! only the groups the new template differs by.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::spawn_app_with;
use crate::ldap_server::{self, blocking, fresh_group, fresh_ou};
use crate::onboarding_support::{created, entry_and_groups, kinds, post, run_of};

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
