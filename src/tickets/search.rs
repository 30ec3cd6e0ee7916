//! Full-text search over subjects, descriptions and comments: an FTS5
//! table on SQLite, a `tsvector` column with a GIN index on PostgreSQL. Both
//! hold one row per indexed text with its ticket id and whether it is public,
//! so the listing filter has the same shape on either backend.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::listing::{SearchTerms, fold};
use crate::db::schema::tickets;
use crate::db::{Backend, DbBackend, DbConn};

/// A boolean condition on the tickets table, built at run time.
pub type TicketCondition = Box<dyn BoxableExpression<tickets::table, DbBackend, SqlType = Bool>>;

/// One text to index; stored folded (see [`fold`]) so that accents never
/// decide a match on either backend.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    pub ticket_id: &'a str,
    pub is_public: bool,
    pub text: String,
}

/// The text indexed for a ticket itself.
pub fn ticket_text(subject: &str, description: &str) -> String {
    format!("{subject}\n{description}")
}

/// Adds documents to the index. In a batch of SQLite's group writer the
/// rows are added when the batch commits (FTS5 writes out what it holds at
/// every savepoint; once per batch is enough); the index is only read
/// through committed data.
pub fn index(conn: &mut DbConn, docs: &[Document<'_>]) -> QueryResult<()> {
    if docs.is_empty() {
        return Ok(());
    }
    let rows: Vec<(String, bool, String)> = docs
        .iter()
        .map(|d| (d.ticket_id.to_owned(), d.is_public, fold(&d.text)))
        .collect();
    crate::db::at_commit(conn, Box::new(move |c| insert_rows(c, &rows)))
}

/// Writes index rows (ticket id, public, folded text).
fn insert_rows(conn: &mut DbConn, rows: &[(String, bool, String)]) -> QueryResult<()> {
    for chunk in rows.chunks(200) {
        match conn {
            DbConn::Sqlite(c) => {
                let values = vec!["(?, ?, ?)"; chunk.len()].join(", ");
                let mut q = diesel::sql_query(format!(
                    "INSERT INTO ticket_search (ticket_id, is_public, content) VALUES {values}"
                ))
                .into_boxed();
                for (ticket_id, is_public, text) in chunk {
                    q = q
                        .bind::<Text, _>(ticket_id)
                        .bind::<Bool, _>(*is_public)
                        .bind::<Text, _>(text);
                }
                q.execute(c)?;
            }
            DbConn::Postgres(c) => {
                let values = (0..chunk.len())
                    .map(|i| {
                        let n = i * 3;
                        format!(
                            "(${}, ${}, to_tsvector('simple', ${}))",
                            n + 1,
                            n + 2,
                            n + 3
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut q = diesel::sql_query(format!(
                    "INSERT INTO ticket_search (ticket_id, is_public, document) VALUES {values}"
                ))
                .into_boxed();
                for (ticket_id, is_public, text) in chunk {
                    q = q
                        .bind::<Text, _>(ticket_id)
                        .bind::<Bool, _>(*is_public)
                        .bind::<Text, _>(text);
                }
                q.execute(c)?;
            }
        }
    }
    Ok(())
}

/// `tickets.id IN (…matching documents…)`, for the listing's filter.
pub fn matches(backend: Backend, terms: &SearchTerms, include_internal: bool) -> TicketCondition {
    match backend {
        Backend::Sqlite => {
            let public = if include_internal {
                ""
            } else {
                " AND is_public = 1"
            };
            Box::new(
                sql::<Bool>(
                    "tickets.id IN (SELECT ticket_id FROM ticket_search WHERE ticket_search MATCH ",
                )
                .bind::<Text, _>(terms.fts5())
                .sql(&format!("{public})")),
            )
        }
        Backend::Postgres => {
            let public = if include_internal {
                ""
            } else {
                " AND is_public"
            };
            Box::new(
                sql::<Bool>("tickets.id IN (SELECT ticket_id FROM ticket_search WHERE document @@ to_tsquery('simple', ")
                    .bind::<Text, _>(terms.tsquery())
                    .sql(&format!("){public})")),
            )
        }
    }
}

/// A ticket's relevance to a search: lower is better (SQLite's `bm25`, the
/// negated `ts_rank` on PostgreSQL), the best of its documents.
#[derive(Debug, Clone, QueryableByName)]
pub struct Ranked {
    #[diesel(sql_type = Text)]
    pub ticket_id: String,
    #[diesel(sql_type = diesel::sql_types::Double)]
    pub rank: f64,
}

/// The matching tickets in relevance order (then id), after `after`, at
/// most `limit`.
pub fn ranked(
    conn: &mut DbConn,
    terms: &SearchTerms,
    include_internal: bool,
    after: Option<(f64, &str)>,
    limit: i64,
) -> QueryResult<Vec<Ranked>> {
    use diesel::sql_types::{BigInt, Double};
    let (a_rank, a_id) = after.unwrap_or((f64::NEG_INFINITY, ""));
    match conn {
        DbConn::Sqlite(c) => {
            let public = if include_internal {
                ""
            } else {
                " AND is_public = 1"
            };
            // bm25() only runs in the full-text query itself: the inner
            // query is kept whole (LIMIT -1 stops SQLite flattening it).
            diesel::sql_query(format!(
                "SELECT ticket_id, MIN(r) AS rank FROM (SELECT ticket_id, bm25(ticket_search) AS r \
                 FROM ticket_search WHERE ticket_search MATCH ?{public} LIMIT -1) GROUP BY ticket_id \
                 HAVING MIN(r) > ? OR (MIN(r) = ? AND ticket_id > ?) \
                 ORDER BY rank, ticket_id LIMIT ?"
            ))
            .bind::<Text, _>(terms.fts5())
            .bind::<Double, _>(a_rank)
            .bind::<Double, _>(a_rank)
            .bind::<Text, _>(a_id)
            .bind::<BigInt, _>(limit)
            .load(c)
        }
        DbConn::Postgres(c) => {
            let public = if include_internal {
                ""
            } else {
                " AND is_public"
            };
            let rank = "MIN((-ts_rank(document, to_tsquery('simple', $1)))::float8)";
            diesel::sql_query(format!(
                "SELECT ticket_id, {rank} AS rank FROM ticket_search \
                 WHERE document @@ to_tsquery('simple', $1){public} GROUP BY ticket_id \
                 HAVING {rank} > $2 OR ({rank} = $2 AND ticket_id > $3) \
                 ORDER BY rank, ticket_id LIMIT $4"
            ))
            .bind::<Text, _>(terms.tsquery())
            .bind::<Double, _>(a_rank)
            .bind::<Text, _>(a_id)
            .bind::<BigInt, _>(limit)
            .load(c)
        }
    }
}
