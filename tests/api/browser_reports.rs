//! The monthly report in a real Chromium: a coordinator reads October,
//! freezes it, steps to November, and the page fits a phone; the
//! printable page is kept as a screenshot for review.

use itdesk::auth::Role;

use crate::browser::{
    browser, check_widths, click, log_in, screenshot, start_chromedriver, text_becomes, text_of,
};
use crate::helpers::spawn_app_with;
use crate::report_script::write;
use crate::reports::{cast, october};

#[tokio::test]
async fn a_coordinator_reads_freezes_and_prints_the_month() {
    let app = spawn_app_with(vec![]).await;
    let c = cast(&app).await;
    let agent = c.agent_id.clone();
    write(&app, october(&c, &agent)).await;
    app.user_with_password("lead@example.org", Role::Coordinator, "lead password")
        .await;
    let driver = start_chromedriver();
    let profiles = tempfile::tempdir().unwrap();
    let base = app.address.clone();
    let b = browser(&driver, &profiles.path().join("lead")).await;
    log_in(&b, &base, "lead@example.org", "lead password").await;

    b.goto(&format!("{base}/reports/monthly/2026-10"))
        .await
        .unwrap();
    assert_eq!(text_of(&b, "h1").await, "IT report: October 2026");
    let tiles = text_of(&b, ".tiles").await;
    assert!(tiles.contains("Tickets created\n8"), "{tiles}");
    assert!(tiles.contains("SLA attainment\n91.7 %"), "{tiles}");
    assert!(
        text_of(&b, "#report-state")
            .await
            .starts_with("Live figures")
    );
    let svgs =
        crate::browser::script_value(&b, "return document.querySelectorAll('.report svg').length")
            .await;
    assert!(svgs.as_i64().unwrap() >= 5, "charts: {svgs}");
    click(&b, "report-freeze").await;
    let said = "The month is frozen: its report keeps these figures from now on.";
    assert_eq!(text_becomes(&b, "#flash", said).await, said);
    assert!(
        text_of(&b, "#report-state")
            .await
            .starts_with("Frozen figures")
    );

    click(&b, "report-next").await;
    assert_eq!(
        text_becomes(&b, "h1", "IT report: November 2026").await,
        "IT report: November 2026"
    );
    check_widths(&b, &base, "/reports/monthly/2026-10", "report-month").await;

    b.set_window_size(1100, 1600).await.unwrap();
    b.goto(&format!("{base}/reports/monthly/2026-10/print"))
        .await
        .unwrap();
    assert_eq!(text_of(&b, "h1").await, "IT report: October 2026");
    let styled = crate::browser::script_value(
        &b,
        "return getComputedStyle(document.querySelector('.report h2')).borderBottomStyle",
    )
    .await;
    assert_eq!(
        styled, "solid",
        "its inline stylesheet applies under its own policy"
    );
    screenshot(&b, "report-print-2026-10").await;
    let shot = format!("{}/report-print-2026-10.png", env!("CARGO_TARGET_TMPDIR"));
    assert!(
        std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000),
        "{shot}"
    );
    b.close().await.unwrap();
}
