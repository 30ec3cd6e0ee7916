//! Every ticket figure of October recomputed from `GET /api/v1/tickets/
//! export` by an implementation written here from the definitions alone,
//! and compared with the report.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Berlin;
use serde_json::{Value, json};

use itdesk::auth::Role;

use crate::helpers::spawn_app_with;
use crate::report_script::write;
use crate::reports::{cast, october};

const BACKLOG: [&str; 4] = ["new", "triaged", "in_progress", "on_hold"];

fn instant(s: &str) -> NaiveDateTime {
    DateTime::parse_from_rfc3339(s).unwrap().naive_utc()
}

fn local_midnight(d: NaiveDate) -> NaiveDateTime {
    Berlin
        .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap())
        .unwrap()
        .naive_utc()
}

/// One exported ticket.
struct Row(BTreeMap<String, String>);

impl Row {
    fn get(&self, k: &str) -> &str {
        &self.0[k]
    }
    fn time(&self, k: &str) -> Option<NaiveDateTime> {
        Some(self.get(k)).filter(|s| !s.is_empty()).map(instant)
    }
    fn list(&self, k: &str) -> Vec<&str> {
        self.get(k).split("; ").filter(|s| !s.is_empty()).collect()
    }
    /// (at, to) status changes.
    fn changes(&self) -> Vec<(NaiveDateTime, String)> {
        self.list("status_history")
            .iter()
            .map(|e| {
                let (at, to) = e.split_once(' ').unwrap();
                (instant(at), to.to_owned())
            })
            .collect()
    }
    fn status_at(&self, t: NaiveDateTime) -> Option<String> {
        let created = self.time("created_at").unwrap();
        (created < t).then(|| {
            let mut s = "new".to_owned();
            for (at, to) in self.changes() {
                if at < t {
                    s = to;
                }
            }
            s
        })
    }
}

fn nearest_rank(mut v: Vec<i64>, p: f64) -> Value {
    v.sort();
    if v.is_empty() {
        return Value::Null;
    }
    let rank = ((p * v.len() as f64).ceil() as usize).max(1);
    json!(v[rank - 1])
}

fn durations(v: Vec<i64>) -> Value {
    json!({"count": v.len(), "median_business_seconds": nearest_rank(v.clone(), 0.5),
        "p90_business_seconds": nearest_rank(v, 0.9)})
}

fn share(part: usize, whole: usize) -> Value {
    if whole == 0 {
        Value::Null
    } else {
        json!(part as f64 / whole as f64)
    }
}

/// The ticket figures of the month `[start, end)` from the export alone.
fn recompute(rows: &[Row], start: NaiveDateTime, end: NaiveDateTime, last_day: NaiveDate) -> Value {
    let window = Duration::days(14);
    let mut created: BTreeMap<&str, BTreeMap<String, u64>> = BTreeMap::new();
    let (mut total, mut resolved, mut cancelled, mut b_start, mut b_end) = (0, 0, 0, 0, 0);
    let (mut reopened, mut fcr) = (0, 0);
    let mut aging = [0u64; 4];
    let (mut first, mut resolution) = (Vec::new(), Vec::new());
    let within = |t: NaiveDateTime| t >= start && t < end;
    for r in rows {
        let filed = r.time("created_at").unwrap();
        if within(filed) {
            total += 1;
            for (dim, col) in [
                ("by_type", "type"),
                ("by_priority", "priority"),
                ("by_channel", "channel"),
                ("by_queue", "queue"),
                ("by_category", "category"),
            ] {
                let v = Some(r.get(col))
                    .filter(|s| !s.is_empty())
                    .unwrap_or("none")
                    .to_owned();
                *created.entry(dim).or_default().entry(v).or_default() += 1;
            }
        }
        let in_backlog = |t| {
            r.status_at(t)
                .is_some_and(|s| BACKLOG.contains(&s.as_str()))
        };
        b_start += usize::from(in_backlog(start));
        if in_backlog(end) {
            b_end += 1;
            let days = (last_day - Berlin.from_utc_datetime(&filed).date_naive()).num_days();
            aging[match days {
                ..=2 => 0,
                3..=7 => 1,
                8..=30 => 2,
                _ => 3,
            }] += 1;
        }
        let changes = r.changes();
        let mut prev = "new".to_owned();
        let mut entered = |to: &str| -> Vec<NaiveDateTime> {
            let mut out = Vec::new();
            prev = "new".into();
            for (at, s) in &changes {
                if s == to && prev != to && within(*at) {
                    out.push(*at);
                }
                prev = s.clone();
            }
            out
        };
        cancelled += usize::from(!entered("cancelled").is_empty());
        let resolutions = entered("resolved");
        if let Some(&last) = resolutions.last() {
            resolved += 1;
            let mut from = "new".to_owned();
            let mut reopens = Vec::new();
            for (at, s) in &changes {
                if from == "resolved" && BACKLOG.contains(&s.as_str()) {
                    reopens.push(*at);
                }
                from = s.clone();
            }
            let again = resolutions
                .iter()
                .any(|res| reopens.iter().any(|o| o > res && *o <= *res + window));
            reopened += usize::from(again);
            let replies = r
                .list("public_replies")
                .iter()
                .filter(|p| instant(p) <= last)
                .count();
            let before = |k: &str| r.time(k).is_some_and(|t| t <= last);
            fcr += usize::from(
                !again
                    && replies <= 1
                    && !before("queue_moved_at")
                    && !before("vendor_escalated_at"),
            );
            if let Ok(s) = r.get("resolution_business_seconds").parse::<i64>() {
                resolution.push(s);
            }
        }
        if r.time("first_public_reply_at").is_some_and(within)
            && let Ok(s) = r.get("first_response_business_seconds").parse::<i64>()
        {
            first.push(s);
        }
    }
    let mut c = json!({"total": total});
    for dim in [
        "by_type",
        "by_priority",
        "by_channel",
        "by_queue",
        "by_category",
    ] {
        c[dim] = json!(created.get(dim).cloned().unwrap_or_default());
    }
    json!({"created": c, "resolved": resolved, "cancelled": cancelled,
        "backlog_start": b_start, "backlog_end": b_end,
        "reopen_rate": share(reopened, resolved), "fcr_rate": share(fcr, resolved),
        "aging_end": {"0-2d": aging[0], "3-7d": aging[1], "8-30d": aging[2], ">30d": aging[3]},
        "first_response": durations(first), "resolution": durations(resolution)})
}

fn parse_csv(text: &str) -> Vec<Row> {
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            Row(head
                .iter()
                .map(|h| h.to_string())
                .zip(l.split(',').map(str::to_owned))
                .collect())
        })
        .collect()
}

#[tokio::test]
async fn the_export_recomputes_every_ticket_figure_of_the_month() {
    let app = spawn_app_with(vec![]).await;
    let c = cast(&app).await;
    let agent = c.agent_id.clone();
    write(&app, october(&c, &agent)).await;
    let viewer = app.token("viewer@example.org", Role::Viewer).await;
    let resp = app
        .get(
            &viewer,
            "/api/v1/tickets/export?from=2026-10-01&to=2026-10-31",
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    let rows = parse_csv(&resp.text().await.unwrap());
    assert_eq!(
        rows.len(),
        9,
        "every ticket October touches; not 2 (filed in November)"
    );
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    let (start, end) = (
        local_midnight(day("2026-10-01")),
        local_midnight(day("2026-11-01")),
    );
    let mine = recompute(&rows, start, end, day("2026-10-31"));
    let report: Value = app
        .get(&viewer, "/api/v1/reports/monthly/2026-10")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        mine, report["tickets"],
        "recomputed from the export\n{mine:#}\nreported\n{:#}",
        report["tickets"]
    );

    let five = rows.iter().find(|r| r.get("number") == "5").unwrap();
    assert_eq!(
        five.get("status"),
        "resolved",
        "as it stood at the period's end"
    );
    assert_eq!(five.get("resolution_business_seconds"), "122400");
    assert_eq!(
        five.list("status_history").len(),
        3,
        "the November reopen is in its history"
    );
    let ten = rows.iter().find(|r| r.get("number") == "10").unwrap();
    assert_eq!(ten.get("first_response_sla"), "breached");
    assert_eq!(ten.get("resolution_sla"), "met");
    let json: Value = app
        .get(
            &viewer,
            "/api/v1/tickets/export?from=2026-10-01&to=2026-10-31&format=json",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json.as_array().unwrap().len(), 9);
    let bad = app
        .get(
            &viewer,
            "/api/v1/tickets/export?from=2026-11-01&to=2026-10-01",
        )
        .await;
    crate::helpers::assert_problem(bad, 422, "validation_failed").await;
    let requester = app.token("req@example.org", Role::Requester).await;
    let denied = app.get(&requester, "/api/v1/tickets/export").await;
    crate::helpers::assert_problem(denied, 403, "forbidden").await;
}
