//! The storage layer under concurrency: writes that run together commit
//! together, and a failing or panicking write takes back only its own work.

use std::sync::Arc;

use itdesk::audit::{self, AuditEvent};
use itdesk::db::DbConn;
use itdesk::error::AppError;

use crate::helpers::spawn_app;

/// A row of its own in the history table, named `q{i}`.
fn event(i: usize) -> AuditEvent {
    AuditEvent {
        id: format!("storage-test-{i}"),
        entity_type: "storage_test".into(),
        entity_id: "rows".into(),
        actor_id: None,
        action: format!("q{i}"),
        changes: "{}".into(),
        occurred_at: itdesk::ids::now(),
    }
}

fn insert(conn: &mut DbConn, i: usize) -> Result<(), AppError> {
    Ok(audit::insert_events(conn, &[event(i)])?)
}

fn stored(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    Ok(audit::history(conn, "storage_test", "rows")?
        .into_iter()
        .map(|e| e.action)
        .collect())
}

#[tokio::test]
async fn concurrent_writes_keep_exactly_the_successful_ones() {
    let app = spawn_app().await;
    let db = Arc::new(app.state.db.clone());
    let handles: Vec<_> = (0..24)
        .map(|i| {
            let db = db.clone();
            std::thread::spawn(move || {
                db.write(|conn| {
                    insert(conn, i)?;
                    match i % 6 {
                        0 => Err(AppError::invalid("slug", "refused after writing")),
                        5 => panic!("a bug in request {i}"),
                        _ => Ok(i),
                    }
                })
            })
        })
        .collect();
    let mut ok = Vec::new();
    let mut refused = 0;
    let mut panicked = 0;
    for h in handles {
        match h.join() {
            Ok(Ok(i)) => ok.push(i),
            Ok(Err(AppError::Validation(_))) => refused += 1,
            Ok(Err(other)) => panic!("unexpected failure: {other:?}"),
            Err(_) => panicked += 1,
        }
    }
    assert_eq!((ok.len(), refused, panicked), (16, 4, 4));
    let mut stored: Vec<String> = db.read(stored).unwrap();
    stored.sort();
    let mut expected: Vec<String> = ok.iter().map(|i| format!("q{i}")).collect();
    expected.sort();
    assert_eq!(
        stored, expected,
        "refused and panicked writes left nothing behind"
    );
    // The writer is still usable afterwards.
    db.write(|conn| insert(conn, 100)).unwrap();
}

#[tokio::test]
async fn a_duplicate_inside_a_write_is_a_conflict_and_the_write_leaves_nothing() {
    let app = spawn_app().await;
    let db = app.state.db.clone();
    let result = tokio::task::spawn_blocking(move || {
        db.write(|conn| {
            insert(conn, 1)?;
            insert(conn, 1)?;
            Ok::<_, AppError>(())
        })
    })
    .await
    .unwrap();
    assert!(
        matches!(
            result,
            Err(AppError::Conflict {
                code: "already_exists",
                ..
            })
        ),
        "{result:?}"
    );
    let left = app.state.db.read(stored).unwrap();
    assert!(left.is_empty(), "{left:?}");
}

/// Hardening item 7: processes starting together on an empty database
/// (two `itdesk serve` after a deployment) must all come up.
#[test]
fn three_services_starting_at_once_on_an_empty_database_all_come_up() {
    for round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::helpers::TestDb::new(dir.path());
        let barrier = Arc::new(std::sync::Barrier::new(3));
        let starts: Vec<_> = (0..3)
            .map(|_| {
                let settings = crate::helpers::test_settings(&db, dir.path(), Vec::new());
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    barrier.wait();
                    itdesk::startup::prepare(settings)
                        .map(|state| state.auth.session_key.master().to_vec())
                })
            })
            .collect();
        let keys: Vec<Vec<u8>> = starts
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap()
                    .unwrap_or_else(|e| panic!("round {round}: {e:#}"))
            })
            .collect();
        assert!(
            keys.windows(2).all(|w| w[0] == w[1]),
            "round {round}: every process signs sessions with the one stored key"
        );
    }
}
