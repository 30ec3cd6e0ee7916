//! The onboarding pages: a coordinator plans a new hire from the form
//! (refusals beside their fields, the input kept), reads the plan, approves
//! it, sees the steps done and the password once; the person's page shows
//! what they hold; templates are added from a form that names a bad line.

use itdesk::auth::Role;
use serde_json::json;

use crate::helpers::{TestApp, browser, csrf_of, login, page_text, post_form, spawn_app_with};
use crate::ldap_server::{self, blocking, fresh_group, fresh_ou};

async fn app() -> TestApp {
    let (ou, group) = blocking(|| (fresh_ou("web"), fresh_group("web")));
    let extra = [
        ("directory.people_base", json!(ou)),
        ("directory.new_users_ou", json!(ou)),
        ("directory.upn_suffix", json!("web.test")),
        ("onboarding.calendar", json!("24x7")),
        (
            "onboarding_templates",
            json!([{"name": "support", "department": "Support", "groups": [group],
                "tasks": [{"title": "Headset", "due_days": 0}]}]),
        ),
    ];
    spawn_app_with(ldap_server::overrides(&extra)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_coordinator_plans_approves_and_reveals_from_the_pages() {
    let app = app().await;
    app.user_with_password("coord@web.test", Role::Coordinator, "a good long password")
        .await;
    let c = browser();
    login(&app, &c, "coord@web.test", "a good long password").await;
    let (status, form) = page_text(&c, app.url("/onboarding/new")).await;
    assert_eq!(status, 200);
    let csrf = csrf_of(&form);

    // A refusal names the field and keeps what was typed.
    let (status, _, html) = post_form(
        &c,
        app.url("/onboarding/new"),
        &[
            ("csrf", &csrf),
            ("kind", "onboard"),
            ("effective_on", "2026-03-02"),
            ("person.given_name", "Wanda"),
            ("person.surname", ""),
            ("person.department", "Support"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"e-r-surname\""), "{html}");
    assert!(html.contains("value=\"Wanda\""), "input kept");
    let (status, _, html) = post_form(
        &c,
        app.url("/onboarding/new"),
        &[
            ("csrf", &csrf),
            ("kind", "onboard"),
            ("effective_on", "next week"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("a date such as 2027-03-01"), "{html}");

    let (status, location, _) = post_form(
        &c,
        app.url("/onboarding/new"),
        &[
            ("csrf", &csrf),
            ("kind", "onboard"),
            ("effective_on", "2026-03-02"),
            ("person.given_name", "Wanda"),
            ("person.surname", "Webb"),
            ("person.department", "Support"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, run) = page_text(&c, app.url(&location)).await;
    assert!(
        run.contains("The plan is made: nothing has changed yet."),
        "{run}"
    );
    assert!(run.contains("Planned: waiting for approval"));
    assert!(run.contains("create the account wanda.webb"), "{run}");
    assert!(run.contains("no manager to mail"), "the plan's warnings");
    let run_path = location.clone();
    let (status, location, _) = post_form(
        &c,
        app.url(&format!("{run_path}/approve")),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(location, run_path);
    app.run_jobs_until_idle().await;
    let (_, run) = page_text(&c, app.url(&run_path)).await;
    assert!(
        run.contains("badge token-valid\" id=\"run-status\">Done"),
        "{run}"
    );
    assert!(run.contains("id=\"reveal-password\""), "{run}");

    let (status, _, shown) = post_form(
        &c,
        app.url(&format!("{run_path}/reveal-password")),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 200);
    let marker = "id=\"initial-password\">";
    let start = shown.find(marker).expect("the password is shown") + marker.len();
    let password: String = shown[start..].chars().take_while(|c| *c != '<').collect();
    assert!(password.len() >= 16, "{password}");
    let (_, again) = page_text(&c, app.url(&run_path)).await;
    assert!(!again.contains(&password), "shown once");
    assert!(!again.contains("id=\"reveal-password\""));
    let history = &again[again.find("id=\"history\"").expect("the run's history")..];
    for said in [
        "Planned by ",
        "Approved by ",
        "Did step 1 (",
        "Done",
        "The initial password was shown by ",
    ] {
        assert!(history.contains(said), "{said} in {history}");
    }
    let (status, _, gone) = post_form(
        &c,
        app.url(&format!("{run_path}/reveal-password")),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 200);
    assert!(gone.contains("shown once and wiped"), "{gone}");

    // The list, and the person's page with the run.
    let (_, list) = page_text(&c, app.url("/onboarding?kind=onboard&status=done")).await;
    assert!(
        list.contains("Wanda Webb") && list.contains("1 run,"),
        "{list}"
    );
    let (_, person) = page_text(&c, app.url("/people/wanda.webb@web.test")).await;
    assert!(
        person.contains("Onboarding effective 2026-03-02 — Done"),
        "{person}"
    );
    assert!(person.contains("id=\"offboard-person\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn templates_are_added_from_a_form_that_names_the_bad_line() {
    let app = app().await;
    app.user_with_password("lead@web.test", Role::Coordinator, "a good long password")
        .await;
    let c = browser();
    login(&app, &c, "lead@web.test", "a good long password").await;
    let (_, list) = page_text(&c, app.url("/onboarding/templates")).await;
    assert!(list.contains("from the configuration"), "{list}");
    let (_, form) = page_text(&c, app.url("/onboarding/templates/new")).await;
    let csrf = csrf_of(&form);
    let (status, _, html) = post_form(
        &c,
        app.url("/onboarding/templates"),
        &[
            ("csrf", &csrf),
            ("name", "sales"),
            ("department", "Sales"),
            ("groups", "cn=sales,ou=groups,dc=example,dc=test\nnot a dn"),
            ("tasks", "Phone; 1\nCar; soon"),
            ("welcome_mail", "true"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("line 2: the due days are a whole number"),
        "{html}"
    );
    assert!(html.contains("Car; soon"), "input kept");
    let (status, _, html) = post_form(
        &c,
        app.url("/onboarding/templates"),
        &[
            ("csrf", &csrf),
            ("name", "sales"),
            ("department", "Sales"),
            ("groups", "cn=sales,ou=groups,dc=example,dc=test\nnot a dn"),
            ("tasks", "Phone; 1"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("line 2: a group&#39;s DN"), "{html}");
    let (status, location, _) = post_form(
        &c,
        app.url("/onboarding/templates"),
        &[
            ("csrf", &csrf),
            ("name", "sales"),
            ("department", "Sales"),
            ("groups", "cn=sales,ou=groups,dc=example,dc=test"),
            ("tasks", "Phone; 1; it"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let (_, list) = page_text(&c, app.url("/onboarding/templates")).await;
    assert!(list.contains("Phone; 1; it"), "{list}");
    assert!(list.contains("id=\"delete-sales\""));
    let (status, _, _) = post_form(
        &c,
        app.url("/onboarding/templates/sales/delete"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 303);
    let (_, list) = page_text(&c, app.url("/onboarding/templates")).await;
    assert!(!list.contains("id=\"t-sales\""));
}
