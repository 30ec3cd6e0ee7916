//! Group commit for SQLite's single writer.
//!
//! Every write of the process runs on one connection. Committing each
//! request's transaction alone costs a WAL append of every page it touched
//! (and a new FTS segment) per request; under load that, not the SQL, is the
//! limit. So writers that arrive while another is writing join its
//! transaction: the connection is handed from thread to thread with the
//! transaction still open, each request's work runs inside its own savepoint
//! (a failing request rolls back only itself), and the last writer of the
//! batch commits. Nobody is told "done" before the batch's COMMIT succeeded;
//! if it fails, everyone in the batch gets the error and nothing of the batch
//! is kept. Each request still runs its own closure on its own thread, so
//! closures may borrow from their caller.
//!
//! A request may leave work for the batch's end ([`at_commit`]): the
//! full-text index writes out everything it holds at every savepoint, so
//! its rows are added once, just before COMMIT, for the whole batch.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;

use super::DbConn;

/// Most requests one transaction carries before it commits anyway.
const MAX_BATCH: usize = 64;
/// How many batch outcomes are remembered for late readers.
const OUTCOMES_KEPT: usize = 64;

struct State {
    /// The connection, when no thread is using it.
    conn: Option<DbConn>,
    in_transaction: bool,
    /// The current (or last) batch number.
    batch: u64,
    batch_len: usize,
    /// Threads waiting for the connection.
    waiting: usize,
    /// Outcomes of recently finished batches: (batch, error message if the
    /// COMMIT failed).
    finished: std::collections::VecDeque<(u64, Option<String>)>,
    /// Work the batch's requests left for its end, in their order.
    at_commit: Vec<AtCommit>,
}

/// Work left for the end of the transaction (see [`at_commit`]).
pub type AtCommit = Box<dyn FnOnce(&mut DbConn) -> QueryResult<()> + Send>;

thread_local! {
    /// The work a request running on this thread left for its batch's end;
    /// `None` when no request of a batch runs here.
    static LEFT_FOR_COMMIT: RefCell<Option<Vec<AtCommit>>> = const { RefCell::new(None) };
}

/// Runs `work` just before the transaction commits when the caller runs in
/// a batch of the group writer (it then belongs to the batch: if it fails,
/// nothing of the batch is kept; if the request fails, it is dropped), or
/// now otherwise. For writes nothing in the same transaction reads back,
/// whose order relative to other such work is all that matters. Leave work
/// at the request's own level: work left inside an inner savepoint that
/// rolls back while the request succeeds still runs.
pub fn at_commit(conn: &mut DbConn, work: AtCommit) -> QueryResult<()> {
    let now = LEFT_FOR_COMMIT.with(|left| match left.borrow_mut().as_mut() {
        Some(list) => {
            list.push(work);
            None
        }
        None => Some(work),
    });
    match now {
        Some(work) => work(conn),
        None => Ok(()),
    }
}

/// Starts collecting the work the request on this thread leaves for its
/// batch's end; returns what was collected before (normally nothing).
fn start_collecting() -> Option<Vec<AtCommit>> {
    LEFT_FOR_COMMIT.with(|left| left.replace(Some(Vec::new())))
}

/// Stops collecting (putting back what [`start_collecting`] returned) and
/// returns the work collected.
fn stop_collecting(outer: Option<Vec<AtCommit>>) -> Vec<AtCommit> {
    LEFT_FOR_COMMIT
        .with(|left| left.replace(outer))
        .unwrap_or_default()
}

/// The shared writer (one per process and database).
pub struct GroupWriter {
    state: Mutex<State>,
    /// Signalled when the connection comes back (wakes writers).
    conn_free: Condvar,
    /// Signalled when a batch commits (wakes the writers waiting for it).
    batch_done: Condvar,
    /// Signalled when no transaction is open (wakes exclusive users).
    idle: Condvar,
    wait_limit: Duration,
}

/// Why a write could not run or could not be committed.
#[derive(Debug)]
pub enum WriteFailure<E> {
    /// The closure's own error (its savepoint was rolled back).
    Closure(E),
    /// BEGIN, savepoint handling or COMMIT failed: nothing was kept.
    Database(diesel::result::Error),
    /// No connection within the wait limit.
    Timeout,
}

impl GroupWriter {
    pub fn new(conn: DbConn, wait_limit: Duration) -> GroupWriter {
        GroupWriter {
            state: Mutex::new(State {
                conn: Some(conn),
                in_transaction: false,
                batch: 0,
                batch_len: 0,
                waiting: 0,
                finished: std::collections::VecDeque::new(),
                at_commit: Vec::new(),
            }),
            conn_free: Condvar::new(),
            batch_done: Condvar::new(),
            idle: Condvar::new(),
            wait_limit,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` inside the shared write transaction and returns once the
    /// transaction holding its work has committed.
    pub fn write<T, E>(
        &self,
        f: impl FnOnce(&mut DbConn) -> Result<T, E>,
    ) -> Result<T, WriteFailure<E>>
    where
        E: From<diesel::result::Error>,
    {
        let (mut conn, my_batch) = self.acquire()?;
        // The request's own work, in its own savepoint.
        let outer = start_collecting();
        let outcome = catch_unwind(AssertUnwindSafe(|| conn.transaction(|c| f(c))));
        let mut left = stop_collecting(outer);
        if outcome.is_err() {
            // A panic left the savepoint open: undo the request's work.
            let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(&mut conn);
        }
        if !matches!(outcome, Ok(Ok(_))) {
            // A request that failed leaves nothing behind.
            left.clear();
        }

        let committed = self.settle(conn, my_batch, outcome.is_ok(), left);
        match outcome {
            Err(panic) => resume_unwind(panic),
            Ok(Err(e)) => Err(WriteFailure::Closure(e)),
            Ok(Ok(value)) => match committed {
                Ok(()) => Ok(value),
                Err(message) => Err(WriteFailure::Database(
                    diesel::result::Error::QueryBuilderError(
                        format!("the transaction could not be committed: {message}").into(),
                    ),
                )),
            },
        }
    }

    /// Waits for the write connection (until the wait limit) and opens the
    /// shared transaction if none is open; returns the connection and the
    /// batch this work joins.
    fn acquire<E>(&self) -> Result<(DbConn, u64), WriteFailure<E>> {
        let deadline = Instant::now() + self.wait_limit;
        let mut st = self.lock();
        st.waiting += 1;
        while st.conn.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                st.waiting -= 1;
                return Err(WriteFailure::Timeout);
            }
            st = self
                .conn_free
                .wait_timeout(st, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        st.waiting -= 1;
        let mut conn = st.conn.take().expect("checked above");
        if !st.in_transaction {
            drop(st);
            if let Err(e) = begin(&mut conn) {
                self.give_back(conn);
                return Err(WriteFailure::Database(e));
            }
            st = self.lock();
            st.in_transaction = true;
            st.batch += 1;
            st.batch_len = 0;
        }
        Ok((conn, st.batch))
    }

    /// After one piece of work: hands the connection on while others wait
    /// (and waits for the batch to commit), or commits the batch now.
    /// Returns the batch's commit outcome.
    fn settle(
        &self,
        mut conn: DbConn,
        my_batch: u64,
        ok: bool,
        left: Vec<AtCommit>,
    ) -> Result<(), String> {
        let mut st = self.lock();
        st.batch_len += 1;
        st.at_commit.extend(left);
        let keep_open = st.waiting > 0 && st.batch_len < MAX_BATCH && ok;
        if keep_open {
            st.conn = Some(conn);
            self.conn_free.notify_one();
            loop {
                if let Some((_, failure)) = st.finished.iter().find(|(b, _)| *b == my_batch) {
                    break failure.clone().map_or(Ok(()), Err);
                }
                st = self.batch_done.wait(st).unwrap_or_else(|p| p.into_inner());
            }
        } else {
            let left = std::mem::take(&mut st.at_commit);
            drop(st);
            let result = finish(&mut conn, left);
            let mut st = self.lock();
            st.in_transaction = false;
            st.finished
                .push_back((my_batch, result.as_ref().err().map(|e| e.to_string())));
            while st.finished.len() > OUTCOMES_KEPT {
                st.finished.pop_front();
            }
            st.conn = Some(conn);
            self.conn_free.notify_one();
            self.batch_done.notify_all();
            self.idle.notify_all();
            result.map_err(|e| e.to_string())
        }
    }

    fn give_back(&self, conn: DbConn) {
        let mut st = self.lock();
        st.conn = Some(conn);
        self.conn_free.notify_one();
        self.idle.notify_all();
    }

    /// Runs `f` with the connection outside any transaction (migrations,
    /// bulk loads), once no batch is open.
    pub fn exclusive<T>(&self, f: impl FnOnce(&mut DbConn) -> T) -> Option<T> {
        let deadline = Instant::now() + self.wait_limit;
        let mut st = self.lock();
        while st.conn.is_none() || st.in_transaction {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            st = self
                .idle
                .wait_timeout(st, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        let mut conn = st.conn.take().expect("checked above");
        drop(st);
        let result = catch_unwind(AssertUnwindSafe(|| f(&mut conn)));
        self.give_back(conn);
        Some(result.unwrap_or_else(|panic| resume_unwind(panic)))
    }
}

fn begin(conn: &mut DbConn) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE"),
        DbConn::Postgres(c) => AnsiTransactionManager::begin_transaction(c),
    }
}

/// Runs the work left for the batch's end, then commits; rolls everything
/// back if any of it fails.
fn finish(conn: &mut DbConn, left: Vec<AtCommit>) -> QueryResult<()> {
    for work in left {
        let outcome = catch_unwind(AssertUnwindSafe(|| work(conn))).unwrap_or_else(|_| {
            Err(diesel::result::Error::QueryBuilderError(
                "work left for the commit panicked".into(),
            ))
        });
        if let Err(e) = outcome {
            let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
            return Err(e);
        }
    }
    commit(conn)
}

fn commit(conn: &mut DbConn) -> QueryResult<()> {
    match <DbConn as Connection>::TransactionManager::commit_transaction(conn) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
            Err(e)
        }
    }
}

#[cfg(test)]
#[path = "group_commit_tests.rs"]
mod tests;
