//! The month's close: frozen at 00:30 and mailed at 07:00 on the first
//! business day of the next month, once even when two processes race, to
//! a real SMTP server, with the charts as PNG images and the workbook.

use chrono::{DateTime, NaiveDateTime};
use serde_json::json;

use crate::helpers::spawn_app_with;
use crate::mail_servers::{Smtp, smtp_settings};
use crate::report_script::write;
use crate::reports::{cast, october};

/// The latest run of the job `kind` at or before `at` (RFC 3339).
fn latest(jobs: &itdesk::jobs::Jobs, kind: &str, at: &str) -> Option<String> {
    let p = jobs.periodic.iter().find(|p| p.kind == kind).unwrap();
    p.schedule
        .latest(DateTime::parse_from_rfc3339(at).unwrap().to_utc())
        .map(|t| t.to_rfc3339())
}

fn utc(s: &str) -> NaiveDateTime {
    DateTime::parse_from_rfc3339(s).unwrap().naive_utc()
}

#[tokio::test]
async fn the_month_is_frozen_and_mailed_once_with_png_charts_and_the_workbook() {
    let smtp = Smtp::start();
    let mut extra = smtp_settings(smtp.port);
    extra.push((
        "reports.recipients".into(),
        json!(["cio@example.org", "board@example.org"]),
    ));
    let app = spawn_app_with(extra).await;
    let c = cast(&app).await;
    let agent = c.agent_id.clone();
    write(&app, october(&c, &agent)).await;

    // Monday 2 November 2026 is November's first business day in Berlin.
    let jobs = itdesk::startup::jobs(&app.state);
    let when = |kind: &str, at: &str| latest(&jobs, kind, at);
    assert_eq!(
        when("reports.freeze", "2026-11-02T06:00:00Z").as_deref(),
        Some("2026-11-01T23:30:00+00:00")
    );
    assert_eq!(
        when("reports.mail", "2026-11-02T06:00:00Z").as_deref(),
        Some("2026-11-02T06:00:00+00:00")
    );
    assert_eq!(
        when("reports.mail", "2026-11-02T05:59:00Z").as_deref(),
        Some("2026-10-01T05:00:00+00:00"),
        "before 07:00 local the last mailing was October's (CEST)"
    );

    // Two processes at 07:00 local: one mail.
    let (a, b) = (app.state.metrics.clone(), app.state.metrics.clone());
    let at = utc("2026-11-02T06:00:00Z");
    let racers = [a, b].map(|m| std::thread::spawn(move || m.mail_due(at).unwrap()));
    let sent: Vec<bool> = racers.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(sent.iter().filter(|s| **s).count(), 1, "{sent:?}");
    let again = app.state.metrics.clone();
    assert!(
        !tokio::task::spawn_blocking(move || again.mail_due(at).unwrap())
            .await
            .unwrap()
    );
    assert_eq!(
        app.count("report_months WHERE month = '2026-10' AND mailed_at IS NOT NULL")
            .await,
        1
    );

    app.run_jobs_until_idle().await;
    let got = smtp.wait_for(1);
    assert_eq!(got.len(), 1);
    let (envelope, raw) = &got[0];
    let rcpt = envelope.to_string();
    assert!(
        rcpt.contains("cio@example.org") && rcpt.contains("board@example.org"),
        "{rcpt}"
    );
    let text = String::from_utf8_lossy(raw);
    assert!(
        text.contains("Subject: IT report: October 2026"),
        "{text:.400}"
    );
    assert!(text.contains("multipart/mixed") && text.contains("multipart/related"));
    let pngs = text.matches("Content-Type: image/png").count();
    assert!(pngs >= 5, "{pngs} charts as PNG");
    assert!(text.contains("Content-ID: <chart1@itdesk>"));
    assert!(text.contains("filename=\"itdesk-report-2026-10.xlsx\""));
    assert!(text.contains("Auto-Submitted: auto-generated"));
    // The HTML part refers to the images and has no SVG left.
    let html = mail_html(raw);
    assert!(html.contains("src=\"cid:chart1@itdesk\""), "{html:.300}");
    assert!(!html.contains("<svg"));
}

/// The decoded HTML part of a message.
fn mail_html(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let start = text.find("Content-Type: text/html").expect("an HTML part");
    let part = &text[start..];
    let body_at = part.find("\r\n\r\n").unwrap() + 4;
    let end = part[body_at..]
        .find("\r\n--")
        .map_or(part.len(), |e| body_at + e);
    let body = &part[body_at..end];
    if part[..body_at].contains("quoted-printable") {
        body.replace("=\r\n", "")
            .replace("=3D", "=")
            .replace("=20", " ")
    } else if part[..body_at].contains("base64") {
        use base64::Engine;
        let joined: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(joined)
                .unwrap(),
        )
        .unwrap()
    } else {
        body.to_owned()
    }
}

/// A report zone west of the calendar's: the jobs run at 00:30 and 07:00
/// in the report's zone, on the calendar's first business day of the
/// report's month, so the month they close is the one that just ended
/// there (not the one before it, as seen from Berlin's 00:30).
#[tokio::test]
async fn a_report_zone_west_of_the_calendar_closes_its_own_month() {
    let app = spawn_app_with(vec![(
        "reports.time_zone".into(),
        json!("America/New_York"),
    )])
    .await;
    let jobs = itdesk::startup::jobs(&app.state);
    let when = |kind: &str, at: &str| latest(&jobs, kind, at);
    // Tuesday 1 December 2026 is a business day; 00:30 in New York (EST)
    // is 05:30 UTC. Berlin's 00:30 (23:30 UTC on 30 November) is still
    // November in New York.
    assert_eq!(
        when("reports.freeze", "2026-12-01T05:29:00Z").as_deref(),
        Some("2026-11-02T05:30:00+00:00")
    );
    assert_eq!(
        when("reports.freeze", "2026-12-01T05:30:00Z").as_deref(),
        Some("2026-12-01T05:30:00+00:00")
    );
    assert_eq!(
        when("reports.mail", "2026-12-01T12:00:00Z").as_deref(),
        Some("2026-12-01T12:00:00+00:00"),
        "07:00 in New York"
    );
    let metrics = app.state.metrics.clone();
    let closed = tokio::task::spawn_blocking(move || {
        metrics
            .freeze_due(utc("2026-12-01T05:30:00Z"))
            .unwrap()
            .to_string()
    })
    .await
    .unwrap();
    assert_eq!(closed, "2026-11");
    assert_eq!(app.count("report_months WHERE month = '2026-11'").await, 1);
}
