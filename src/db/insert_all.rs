//! `insert_all!`: many rows in few INSERTs on either backend.

/// Rows per INSERT: a statement may bind at most 32,766 values on SQLite
/// (65,535 on PostgreSQL), so 500 rows hold for tables of up to 65 columns.
pub const ROWS_PER_INSERT: usize = 500;

/// Inserts a slice of rows, [`ROWS_PER_INSERT`] to a statement; returns the
/// rows inserted. diesel's multi-backend cannot build a multi-row INSERT for
/// SQLite, so this dispatches to the real connection. On SQLite diesel
/// inserts a list of rows that have optional columns one by one inside a
/// savepoint; a single row is inserted without one (a savepoint journals
/// every page it touches and makes the full-text index write out what it
/// holds).
#[macro_export]
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        let mut inserted: usize = 0;
        let mut outcome: diesel::QueryResult<usize> = Ok(0);
        for chunk in rows.chunks($crate::db::ROWS_PER_INSERT) {
            let one = match &mut *$conn {
                $crate::db::DbConn::Sqlite(c) if chunk.len() == 1 => {
                    diesel::RunQueryDsl::execute(diesel::insert_into($table).values(&chunk[0]), c)
                }
                $crate::db::DbConn::Sqlite(c) => {
                    diesel::RunQueryDsl::execute(diesel::insert_into($table).values(chunk), c)
                }
                $crate::db::DbConn::Postgres(c) => {
                    diesel::RunQueryDsl::execute(diesel::insert_into($table).values(chunk), c)
                }
            };
            match one {
                Ok(n) => inserted += n,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        outcome.map(|_| inserted)
    }};
}
