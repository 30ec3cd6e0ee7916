//! Embedded migrations, one folder per backend with the same names. On
//! PostgreSQL they run under an advisory lock, on SQLite inside one
//! immediate transaction, so that several processes can start at once.

use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{Db, DbConn, DbError};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Arbitrary, fixed key of the advisory lock migrations hold on PostgreSQL.
const PG_MIGRATION_LOCK: i64 = 0x17de_5c00;

/// Applies every pending migration; returns the names of those applied.
pub fn run(db: &Db) -> Result<Vec<String>, DbError> {
    db.with_writer(run_on)
        .map_err(|e| DbError::Connect(e.to_string()))?
}

/// Applies pending migrations on one connection.
pub fn run_on(conn: &mut DbConn) -> Result<Vec<String>, DbError> {
    let applied = match conn {
        // One write transaction around them all: a second process starting
        // at the same moment waits for it (busy timeout), then finds nothing
        // pending, instead of creating the same tables again.
        DbConn::Sqlite(c) => c
            .immediate_transaction(|c| {
                c.run_pending_migrations(SQLITE)
                    .map(|v| v.iter().map(|m| m.to_string()).collect::<Vec<_>>())
                    .map_err(|e| diesel::result::Error::QueryBuilderError(e.to_string().into()))
            })
            .map_err(|e| e.to_string().into()),
        DbConn::Postgres(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({PG_MIGRATION_LOCK})"))?;
            let result = c
                .run_pending_migrations(POSTGRES)
                .map(|v| v.iter().map(|m| m.to_string()).collect());
            c.batch_execute(&format!("SELECT pg_advisory_unlock({PG_MIGRATION_LOCK})"))?;
            result
        }
    };
    applied.map_err(|e| DbError::Migration(e.to_string()))
}

/// Reverts every applied migration (used by the up/down/up test).
pub fn revert_all(conn: &mut DbConn) -> Result<(), DbError> {
    let result = match conn {
        DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE).map(|_| ()),
        DbConn::Postgres(c) => c.revert_all_migrations(POSTGRES).map(|_| ()),
    };
    result.map_err(|e| DbError::Migration(e.to_string()))
}
