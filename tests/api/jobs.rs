//! The durable job queue: one job per period, leases that outlive a dead
//! worker, retries with backoff, and a final failure.

use chrono::Duration;
use itdesk::error::AppError;
use itdesk::jobs::Schedule;
use itdesk::jobs::queue::{self, Job, NewJob};
use itdesk::jobs::runner::{self, Kind, Periodic};
use itdesk::state::AppState;

use crate::helpers::spawn_app;

fn boom(_: &Job) -> Result<(), AppError> {
    Err(AppError::Internal(anyhow::anyhow!("the relay is down")))
}

fn fine(_: &Job) -> Result<(), AppError> {
    Ok(())
}

fn status_of(state: &AppState, kind: &str) -> Vec<(String, i64)> {
    let kind = kind.to_owned();
    state
        .db
        .read(|conn| Ok::<_, AppError>(queue::count_by_status(conn, &kind)?))
        .unwrap()
}

#[tokio::test]
async fn periodic_jobs_are_enqueued_once_per_period_by_any_number_of_processes() {
    let app = spawn_app().await;
    let state = app.state.clone();
    tokio::task::spawn_blocking(move || {
        let every = [Periodic::every("test.tick", Duration::minutes(1))];
        let t0 = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_opt(10, 0, 5)
            .unwrap();
        assert_eq!(runner::schedule(&state.db, &every, t0).unwrap(), 1);
        assert_eq!(
            runner::schedule(&state.db, &every, t0 + Duration::seconds(30)).unwrap(),
            0,
            "same minute"
        );
        assert_eq!(
            runner::schedule(&state.db, &every, t0 + Duration::seconds(60)).unwrap(),
            1,
            "next minute"
        );
        assert_eq!(
            status_of(&state, "test.tick"),
            vec![("queued".to_owned(), 2)]
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_job_whose_worker_died_is_taken_over_after_its_lease() {
    let app = spawn_app().await;
    let state = app.state.clone();
    tokio::task::spawn_blocking(move || {
        let now = itdesk::ids::now();
        state
            .db
            .write(|conn| {
                Ok::<_, AppError>(queue::enqueue(
                    conn,
                    NewJob::now("test.fine", serde_json::json!({}), now),
                    now,
                )?)
            })
            .unwrap();
        let taken = queue::claim(
            &state.db,
            "worker-a",
            &["test.fine"],
            10,
            Duration::minutes(5),
            now,
        )
        .unwrap();
        assert_eq!(taken.len(), 1);
        // worker-a dies here. Within the lease nobody else gets it.
        assert!(
            queue::claim(
                &state.db,
                "worker-b",
                &["test.fine"],
                10,
                Duration::minutes(5),
                now + Duration::minutes(1)
            )
            .unwrap()
            .is_empty()
        );
        let handlers = vec![Kind::new("test.fine", fine)];
        let ran = runner::run_ready(
            &state.db,
            &handlers,
            "worker-b",
            10,
            now + Duration::minutes(6),
        )
        .unwrap();
        assert_eq!(ran, 1);
        // worker-a coming back late cannot mark someone else's job.
        queue::complete(&state.db, &taken[0], "worker-a", now + Duration::minutes(7)).unwrap();
        assert_eq!(status_of(&state, "test.fine"), vec![("done".to_owned(), 1)]);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn failing_jobs_back_off_then_fail_for_good() {
    let app = spawn_app().await;
    app.allow_failed_jobs();
    let state = app.state.clone();
    tokio::task::spawn_blocking(move || {
        let now = itdesk::ids::now();
        let mut job = NewJob::now("test.boom", serde_json::json!({"to": "someone"}), now);
        job.max_attempts = 2;
        state
            .db
            .write(|conn| Ok::<_, AppError>(queue::enqueue(conn, job, now)?))
            .unwrap();
        let handlers = vec![Kind::new("test.boom", boom)];
        assert_eq!(
            runner::run_ready(&state.db, &handlers, "w", 10, now).unwrap(),
            1
        );
        assert_eq!(
            status_of(&state, "test.boom"),
            vec![("queued".to_owned(), 1)]
        );
        assert_eq!(
            runner::run_ready(&state.db, &handlers, "w", 10, now + Duration::seconds(1)).unwrap(),
            0,
            "backing off"
        );
        assert_eq!(
            runner::run_ready(&state.db, &handlers, "w", 10, now + Duration::seconds(10)).unwrap(),
            1
        );
        assert_eq!(
            status_of(&state, "test.boom"),
            vec![("failed".to_owned(), 1)]
        );
        assert_eq!(
            runner::run_ready(&state.db, &handlers, "w", 10, now + Duration::hours(2)).unwrap(),
            0
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_calendar_schedule_runs_each_occurrence_once_and_catches_up_once() {
    let app = spawn_app().await;
    let state = app.state.clone();
    tokio::task::spawn_blocking(move || {
        let daily = [Periodic {
            kind: "test.daily",
            schedule: Schedule::DailyAt {
                at: chrono::NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
                zone: chrono_tz::Europe::Berlin,
            },
        }];
        let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().naive_utc();
        // First seen after today's 07:00: nothing past is run on a new install.
        assert_eq!(
            runner::schedule(&state.db, &daily, at("2027-01-05T09:00:00Z")).unwrap(),
            0
        );
        // Next morning at 07:00 Berlin (06:00 UTC): once, however many
        // workers ask at the same moment.
        let morning = at("2027-01-06T06:00:30Z");
        let enqueued: usize = std::thread::scope(|s| {
            let workers: Vec<_> = (0..4)
                .map(|_| s.spawn(|| runner::schedule(&state.db, &daily, morning).unwrap()))
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).sum()
        });
        assert_eq!(enqueued, 1);
        assert_eq!(
            runner::schedule(&state.db, &daily, at("2027-01-06T18:00:00Z")).unwrap(),
            0,
            "later the same day"
        );
        // Down from the 6th to the 10th: the missed mornings run once, not four times.
        assert_eq!(
            runner::schedule(&state.db, &daily, at("2027-01-10T12:00:00Z")).unwrap(),
            1
        );
        assert_eq!(
            status_of(&state, "test.daily"),
            vec![("queued".to_owned(), 2)]
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_monthly_report_runs_on_the_first_business_day_of_a_configured_calendar() {
    let app = crate::helpers::spawn_app_with(vec![(
        "calendars".to_owned(),
        serde_json::json!([{
            "name": "office",
            "time_zone": "Europe/Berlin",
            "hours": {"mon": ["08:00-17:00"], "tue": ["08:00-17:00"], "wed": ["08:00-17:00"],
                      "thu": ["08:00-17:00"], "fri": ["08:00-17:00"]},
            "yearly_holidays": ["01-01"]
        }]),
    )])
    .await;
    let state = app.state.clone();
    tokio::task::spawn_blocking(move || {
        let monthly = [Periodic {
            kind: "test.monthly",
            schedule: Schedule::MonthlyFirstBusinessDay {
                at: chrono::NaiveTime::from_hms_opt(6, 0, 0).unwrap(),
                calendar: state.sla.calendar_source("office"),
                zone: None,
            },
        }];
        let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().naive_utc();
        assert_eq!(
            runner::schedule(&state.db, &monthly, at("2026-12-15T12:00:00Z")).unwrap(),
            0
        );
        // 1 January 2027 is a holiday (a Friday): not yet on the 2nd (Saturday).
        assert_eq!(
            runner::schedule(&state.db, &monthly, at("2027-01-02T12:00:00Z")).unwrap(),
            0
        );
        // Monday 4 January, 06:00 Berlin = 05:00 UTC.
        assert_eq!(
            runner::schedule(&state.db, &monthly, at("2027-01-04T04:59:00Z")).unwrap(),
            0
        );
        assert_eq!(
            runner::schedule(&state.db, &monthly, at("2027-01-04T05:00:00Z")).unwrap(),
            1
        );
        let jobs = queue::claim(
            &state.db,
            "w",
            &["test.monthly"],
            1,
            Duration::minutes(5),
            at("2027-01-04T05:00:00Z"),
        )
        .unwrap();
        let payload: serde_json::Value = serde_json::from_str(&jobs[0].payload).unwrap();
        assert_eq!(
            payload["occurrence"], "2027-01-04T05:00:00+00:00",
            "the job knows which month"
        );
    })
    .await
    .unwrap();
}
