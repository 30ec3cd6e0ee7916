//! `insert_all!`: many rows in one INSERT on either backend.

/// Inserts many rows in one statement. diesel's multi-backend cannot build
/// a multi-row INSERT for SQLite, so this dispatches to the real connection.
/// On SQLite diesel inserts a list of rows that have optional columns one
/// by one inside a savepoint; a single row is inserted without one (a
/// savepoint journals every page it touches and makes the full-text index
/// write out what it holds).
#[macro_export]
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite(c) => {
                let rows = $rows;
                if rows.len() == 1 {
                    diesel::RunQueryDsl::execute(diesel::insert_into($table).values(&rows[0]), c)
                } else {
                    diesel::RunQueryDsl::execute(diesel::insert_into($table).values(rows), c)
                }
            }
            $crate::db::DbConn::Postgres(c) => {
                diesel::RunQueryDsl::execute(diesel::insert_into($table).values($rows), c)
            }
        }
    };
}
