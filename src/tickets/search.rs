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

/// Adds documents to the index.
pub fn index(conn: &mut DbConn, docs: &[Document<'_>]) -> QueryResult<()> {
    for chunk in docs.chunks(200) {
        if chunk.is_empty() {
            continue;
        }
        match conn {
            DbConn::Sqlite(c) => {
                let values = vec!["(?, ?, ?)"; chunk.len()].join(", ");
                let mut q = diesel::sql_query(format!(
                    "INSERT INTO ticket_search (ticket_id, is_public, content) VALUES {values}"
                ))
                .into_boxed();
                for d in chunk {
                    q = q
                        .bind::<Text, _>(d.ticket_id)
                        .bind::<Bool, _>(d.is_public)
                        .bind::<Text, _>(fold(&d.text));
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
                for d in chunk {
                    q = q
                        .bind::<Text, _>(d.ticket_id)
                        .bind::<Bool, _>(d.is_public)
                        .bind::<Text, _>(fold(&d.text));
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
