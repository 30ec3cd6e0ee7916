//! The group writer's batches and the work left for their commit.

use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::result::Error;
use diesel::sql_types::BigInt;
use diesel::sqlite::SqliteConnection;

use super::{GroupWriter, WriteFailure, at_commit};
use crate::db::DbConn;

fn writer() -> (tempfile::TempDir, Arc<GroupWriter>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("group.db");
    let mut conn = SqliteConnection::establish(path.to_str().expect("utf-8 path")).expect("open");
    conn.batch_execute(
        "PRAGMA journal_mode = WAL; CREATE TABLE t (v TEXT NOT NULL); \
         CREATE VIRTUAL TABLE f USING fts5(v);",
    )
    .expect("schema");
    let writer = GroupWriter::new(DbConn::Sqlite(conn), Duration::from_secs(10));
    (dir, Arc::new(writer))
}

fn count(conn: &mut DbConn, table: &str) -> i64 {
    let DbConn::Sqlite(c) = conn else {
        unreachable!("the test writer is SQLite")
    };
    diesel::select(sql::<BigInt>(&format!("(SELECT count(*) FROM {table})")))
        .get_result(c)
        .expect("count")
}

fn insert(conn: &mut DbConn, table: &str, v: &str) -> QueryResult<()> {
    let DbConn::Sqlite(c) = conn else {
        unreachable!("the test writer is SQLite")
    };
    diesel::sql_query(format!("INSERT INTO {table} (v) VALUES (?)"))
        .bind::<diesel::sql_types::Text, _>(v)
        .execute(c)
        .map(|_| ())
}

fn committed(writer: &GroupWriter, table: &str) -> i64 {
    writer
        .exclusive(|c| count(c, table))
        .expect("the writer comes back")
}

#[test]
fn left_work_waits_for_the_commit_and_goes_with_its_request() {
    let (_dir, writer) = writer();
    let threads: Vec<_> = (0..24)
        .map(|i| {
            let writer = writer.clone();
            std::thread::spawn(move || {
                writer.write(|c| {
                    insert(c, "t", &format!("row {i}"))?;
                    let text = format!("text {i}");
                    let before = count(c, "f");
                    at_commit(c, Box::new(move |c| insert(c, "f", &text)))?;
                    // Left for the commit: not written yet.
                    assert_eq!(
                        count(c, "f"),
                        before,
                        "request {i} saw its left work done early"
                    );
                    if i % 3 == 0 {
                        return Err(Error::RollbackTransaction);
                    }
                    Ok(i)
                })
            })
        })
        .collect();
    let mut kept = 0;
    for t in threads {
        match t.join().expect("no panic") {
            Ok(_) => kept += 1,
            Err(WriteFailure::Closure(Error::RollbackTransaction)) => {}
            Err(other) => panic!("unexpected failure: {other:?}"),
        }
    }
    assert_eq!(kept, 16);
    assert_eq!(committed(&writer, "t"), 16);
    // Only the requests that succeeded left their work behind.
    assert_eq!(committed(&writer, "f"), 16);
}

#[test]
fn left_work_that_fails_keeps_nothing_of_its_batch() {
    let (_dir, writer) = writer();
    let result = writer.write(|c| {
        insert(c, "t", "kept only with its left work")?;
        at_commit(c, Box::new(|c| insert(c, "missing_table", "x")))?;
        Ok::<_, Error>(())
    });
    match result {
        Err(WriteFailure::Database(e)) => {
            assert!(e.to_string().contains("could not be committed"), "{e}")
        }
        other => panic!("expected the batch to fail, got {other:?}"),
    }
    assert_eq!(committed(&writer, "t"), 0);
    // The writer carries on.
    writer
        .write(|c| insert(c, "t", "next"))
        .expect("a later write commits");
    assert_eq!(committed(&writer, "t"), 1);
}

#[test]
fn outside_a_batch_left_work_runs_at_once() {
    let (_dir, writer) = writer();
    let seen = writer
        .exclusive(|c| {
            at_commit(c, Box::new(|c| insert(c, "f", "now")))?;
            Ok::<_, Error>(count(c, "f"))
        })
        .expect("the writer comes back")
        .expect("written");
    assert_eq!(seen, 1);
}
