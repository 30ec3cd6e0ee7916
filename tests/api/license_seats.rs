//! Named seats: refused when none is left (also for two racing for the
//! last one), an entitlement with seats kept whole, a leaver's seat a
//! reclaim candidate.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::fixtures::inventory_credentials;
use crate::helpers::{assert_problem, spawn_app_with};
use crate::license_fixtures::{created, entitle, fleet, item, json_at, positions, product};

#[tokio::test]
async fn the_last_seat_goes_to_one_of_two_racing_allocations() {
    let app = spawn_app_with(inventory_credentials()).await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    fleet(&app, &manager).await;
    let visio = product(&app, &manager, "Visio", "Microsoft Visio*").await;
    let e = entitle(
        &app,
        &manager,
        json!({"product_id": visio, "metric": "user", "quantity": 2}),
    )
    .await;
    let seats = format!(
        "/api/v1/licenses/entitlements/{}/allocations",
        e["id"].as_str().unwrap()
    );
    app.token("max@example.org", Role::Requester).await;
    created(
        app.post_json(&manager, &seats, &json!({"person": "max@example.org"}))
            .await,
    )
    .await;
    let wrong = app
        .post_json(&manager, &seats, &json!({"asset": "IT-1"}))
        .await;
    assert_eq!(
        assert_problem(wrong, 422, "validation_failed").await["errors"][0]["field"],
        "person"
    );
    let twice = app
        .post_json(&manager, &seats, &json!({"person": "max@example.org"}))
        .await;
    assert_problem(twice, 409, "already_allocated").await;
    // kim and lee race for the last seat: one wins.
    let (kim, lee) = (
        json!({"person": "kim@example.org"}),
        json!({"person": "lee@example.org"}),
    );
    let (a, b) = tokio::join!(
        app.post_json(&manager, &seats, &kim),
        app.post_json(&manager, &seats, &lee),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
    let loser = if a.status() == 409 { a } else { b };
    assert_problem(loser, 409, "no_seats_left").await;
    let held: Value = json_at(&app, &manager, &seats).await;
    assert_eq!(held.as_array().unwrap().len(), 2);
    // max's seat counts though max runs nothing: 2 seats + the others.
    let p = positions(&app, &manager, "2026-12-31").await;
    let v = item(&p, &visio);
    // max (seat), kim or lee (seat, covering their devices), the other one,
    // and the unassigned machine.
    assert_eq!(v["consumed"], 4, "{p}");
    // A seat given back frees it.
    let aid = held[1]["id"].as_str().unwrap();
    let resp = app
        .client
        .delete(app.url(&format!("{seats}/{aid}")))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    created(
        app.post_json(&manager, &seats, &json!({"person": "assets@example.org"}))
            .await,
    )
    .await;
    // An entitlement with seats given is neither deleted nor shrunk below
    // them.
    let ent_path = format!(
        "/api/v1/licenses/entitlements/{}",
        e["id"].as_str().unwrap()
    );
    let resp = app
        .client
        .delete(app.url(&ent_path))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert_problem(resp, 409, "in_use").await;
    let resp = app
        .patch_json(&manager, &ent_path, &json!({"quantity": 1}))
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "quantity");
    // A leaver's seat is a reclaim candidate.
    let admin = app.token("admin@example.org", Role::Admin).await;
    let resp = app
        .post_json(
            &admin,
            "/api/v1/users/max@example.org/deactivate",
            &json!({}),
        )
        .await;
    assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
    let reclaim: Value = json_at(&app, &manager, "/api/v1/licenses/reclaim?as_of=2026-12-31").await;
    let seat = reclaim["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "allocation")
        .unwrap_or_else(|| panic!("{reclaim}"))
        .clone();
    assert_eq!(seat["person_email"], "max@example.org");
    assert_eq!(seat["reasons"], json!(["person_deactivated"]));
}
