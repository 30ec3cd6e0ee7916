//! The ticket page in a real Chromium: a refused "on hold" keeps the
//! choice and the draft and puts the cursor on the missing field; reply and
//! hold go in one submit with a confirmation; no page is wider than a
//! phone's screen. Screenshots at 1366×900 and 390×844 are kept in the
//! test output directory.

use std::time::Duration;

use fantoccini::Locator;
use itdesk::auth::Role;
use serde_json::json;

use crate::browser::{
    browser, check_widths, log_in, screenshot, script_value, start_chromedriver, text_of,
};
use crate::fixtures::NewTicket;
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_refused_hold_keeps_the_choice_then_reply_and_hold_save_in_one_submit() {
    let app = spawn_app().await;
    app.seed_catalog().await;
    let requester = app.requester("ria@example.org").await;
    app.file_ticket(
        &requester,
        NewTicket::about("Docking station does not charge").queue("network"),
    )
    .await;
    app.user_with_password("agent@example.org", Role::Agent, "agent password")
        .await;
    let driver = start_chromedriver();
    let profiles = tempfile::tempdir().unwrap();
    let base = app.address.clone();
    let c = browser(&driver, &profiles.path().join("agent")).await;
    log_in(&c, &base, "agent@example.org", "agent password").await;
    c.goto(&format!("{base}/tickets/1")).await.unwrap();

    c.find(Locator::Id("reply-body"))
        .await
        .unwrap()
        .send_keys("A new dock is on its way.")
        .await
        .unwrap();
    c.find(Locator::Css("#u-status option[value=on_hold]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("reply-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let error = text_of(&c, "#e-hold").await;
    assert!(error.contains("needs a hold reason"), "{error}");
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/tickets/1",
        "the address stays the ticket's"
    );
    assert_eq!(
        script_value(&c, "return document.getElementById('u-status').value").await,
        json!("on_hold"),
        "the chosen status is kept"
    );
    assert_eq!(
        script_value(&c, "return document.getElementById('reply-body').value").await,
        json!("A new dock is on its way."),
        "the draft is kept"
    );
    assert_eq!(
        script_value(&c, "return document.activeElement.id").await,
        json!("u-hold"),
        "the cursor is on the field to fix"
    );
    assert_eq!(
        script_value(
            &c,
            "return document.getElementById('u-hold').getAttribute('aria-invalid')"
        )
        .await,
        json!("true")
    );
    screenshot(&c, "ticket-refused-1366").await;

    c.find(Locator::Css("#u-hold option[value=awaiting_parts]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("reply-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        text_of(&c, "#flash").await,
        "Your reply is sent and your changes are saved."
    );
    assert_eq!(text_of(&c, "#ticket-status").await, "On hold");
    assert_eq!(
        text_of(&c, ".comment .comment-body").await,
        "A new dock is on its way."
    );
    c.refresh().await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("ticket-status"))
        .await
        .unwrap();
    assert!(
        c.find(Locator::Id("flash")).await.is_err(),
        "the confirmation shows once"
    );

    check_widths(&c, &base, "/tickets/1", "ticket").await;
    check_widths(&c, &base, "/queue", "queue").await;
    check_widths(&c, &base, "/dashboard", "dashboard").await;
    check_widths(&c, &base, "/assets", "assets").await;
    check_widths(&c, &base, "/tickets/999", "error").await;
    assert!(
        c.find(Locator::Id("logout")).await.is_ok(),
        "an error page keeps the navigation"
    );
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_coordinator_assigns_two_tickets_at_once_from_the_queue() {
    let app = spawn_app().await;
    let requester = app.requester("ria@example.org").await;
    for subject in ["Keyboard sticky", "Mouse double-clicks", "Headset crackles"] {
        app.file_ticket(&requester, NewTicket::about(subject)).await;
    }
    app.user_with_password("coord@example.org", Role::Coordinator, "coord password")
        .await;
    app.user_with_password("agent@example.org", Role::Agent, "agent password")
        .await;
    let driver = start_chromedriver();
    let profiles = tempfile::tempdir().unwrap();
    let base = app.address.clone();
    let c = browser(&driver, &profiles.path().join("coord")).await;
    log_in(&c, &base, "coord@example.org", "coord password").await;
    c.goto(&format!("{base}/queue")).await.unwrap();
    assert_eq!(text_of(&c, "#total strong").await, "3 tickets");
    for n in [1, 3] {
        c.find(Locator::Id(&format!("sel-{n}")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    c.find(Locator::Css(
        "#b-assignee option[value='agent@example.org']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    screenshot(&c, "queue-bulk-1366").await;
    c.find(Locator::Id("bulk-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        text_of(&c, "#bulk-summary").await,
        "2 tickets changed, 0 already so, 0 refused."
    );
    let staff = app.agent("lead@example.org").await;
    for (n, assigned) in [(1, true), (2, false), (3, true)] {
        let t: serde_json::Value = app
            .get(&staff, &format!("/api/v1/tickets/{n}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            t["assignee"]["email"] == "agent@example.org",
            assigned,
            "ticket {n}: {t}"
        );
    }
    c.find(Locator::Id("back-to-queue"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(text_of(&c, "#total strong").await, "3 tickets");

    // A saved view: the agent's unassigned work, one click away.
    c.goto(&format!("{base}/queue?assignee=none"))
        .await
        .unwrap();
    assert_eq!(text_of(&c, "#total strong").await, "1 ticket");
    c.find(Locator::Css("#save-view summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("v-name"))
        .await
        .unwrap()
        .send_keys("Nobody's yet")
        .await
        .unwrap();
    c.find(Locator::Id("save-view-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(text_of(&c, "#flash").await.starts_with("The view is saved"));
    c.goto(&format!("{base}/queue")).await.unwrap();
    c.find(Locator::LinkText("Nobody's yet"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(text_of(&c, "#total strong").await, "1 ticket");
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .contains("assignee=none")
    );

    // A little script: select-all, and the shortcuts listed on "?".
    c.goto(&format!("{base}/queue?status=any")).await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#select-all:not([hidden])"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        script_value(
            &c,
            "return [...document.querySelectorAll('#tickets input[name=t]')].every(b => b.checked)"
        )
        .await,
        json!(true)
    );
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("?")
        .await
        .unwrap();
    assert_eq!(
        script_value(&c, "return document.getElementById('shortcuts').hidden").await,
        json!(false),
        "? lists the shortcuts"
    );
    c.close().await.unwrap();
}

#[tokio::test]
async fn the_requester_pages_fit_a_phone() {
    let app = spawn_app().await;
    app.user_with_password("ria@example.org", Role::Requester, "ria password")
        .await;
    let token = app.token("ria@example.org", Role::Requester).await;
    app.file_ticket(
        &token,
        NewTicket::about("A rather long subject about the projector in the big meeting room"),
    )
    .await;
    let driver = start_chromedriver();
    let profiles = tempfile::tempdir().unwrap();
    let base = app.address.clone();
    let c = browser(&driver, &profiles.path().join("ria")).await;
    log_in(&c, &base, "ria@example.org", "ria password").await;
    check_widths(&c, &base, "/my/tickets", "portal-tickets").await;
    check_widths(&c, &base, "/my/equipment", "portal-equipment").await;
    check_widths(&c, &base, "/tickets/1", "portal-ticket").await;
    check_widths(&c, &base, "/tickets/new", "portal-new").await;
    c.goto(&format!("{base}/tickets/1/withdraw")).await.unwrap();
    c.find(Locator::Id("withdraw-confirm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        text_of(&c, "#flash").await,
        "Your ticket is withdrawn. Nobody will work on it."
    );
    c.close().await.unwrap();
}
