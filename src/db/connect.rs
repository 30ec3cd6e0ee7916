//! Opening connections for the pools: one per scheme, each set up the way
//! its backend needs (SQLite pragmas, read-only readers).

use std::time::Duration;

use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;

use super::{Backend, DbConn, DbError};
use crate::config::DatabaseSettings;

/// Opens connections for the pools, by scheme, with per-connection set-up.
#[derive(Debug, Clone)]
pub struct ConnManager {
    backend: Backend,
    /// For SQLite: the file path; for PostgreSQL: the whole URL.
    target: String,
    busy_timeout_ms: u64,
    read_only: bool,
}

impl ConnManager {
    pub(super) fn new(
        settings: &DatabaseSettings,
        read_only: bool,
    ) -> Result<ConnManager, DbError> {
        let backend = Backend::from_url(&settings.url)?;
        let target = match backend {
            Backend::Sqlite => settings.url["sqlite://".len()..].to_owned(),
            Backend::Postgres => settings.url.clone(),
        };
        Ok(ConnManager {
            backend,
            target,
            busy_timeout_ms: settings.busy_timeout_ms,
            read_only,
        })
    }

    pub(super) fn connect(&self) -> Result<DbConn, DbError> {
        match self.backend {
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)
                    .map_err(|e| DbError::Connect(format!("{}: {e}", self.target)))?;
                let mut pragmas = format!(
                    "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA temp_store = MEMORY;",
                    self.busy_timeout_ms
                );
                if self.read_only {
                    pragmas.push_str(" PRAGMA cache_size = -8000; PRAGMA query_only = ON;");
                } else {
                    // The writer touches the tail of every index on each
                    // insert: keep them cached, and checkpoint less often.
                    pragmas
                        .push_str(" PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 4000;");
                }
                // Switching a new file to WAL needs it to itself, and SQLite
                // answers "locked" at once rather than waiting when several
                // processes open it together: try again within the timeout.
                let started = std::time::Instant::now();
                loop {
                    match conn.batch_execute(&pragmas) {
                        Ok(()) => break,
                        Err(e)
                            if e.to_string().contains("database is locked")
                                && started.elapsed().as_millis()
                                    < u128::from(self.busy_timeout_ms) =>
                        {
                            std::thread::sleep(Duration::from_millis(10));
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                Ok(DbConn::Sqlite(conn))
            }
            Backend::Postgres => PgConnection::establish(&self.target)
                .map(DbConn::Postgres)
                .map_err(|e| DbError::Connect(e.to_string())),
        }
    }
}

impl ManageConnection for ConnManager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        ConnManager::connect(self).map_err(|e| match e {
            DbError::Query(q) => r2d2::Error::QueryError(q),
            other => r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(
                other.to_string(),
            )),
        })
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        <DbConn as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}
