//! The durable job queue: one job per period, leases that outlive a dead
//! worker, retries with backoff, and a final failure.

use chrono::Duration;
use itdesk::error::AppError;
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
        let every = [Periodic {
            kind: "test.tick",
            every: Duration::minutes(1),
        }];
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
