//! Loading many tickets at once (the demo data and the benchmarks' million
//! tickets): rows built by the caller, written in a few statements each,
//! without events — a loader computes service levels afterwards.

use chrono::NaiveDateTime;

use super::super::model::{Category, Comment, Queue, Ticket};
use super::super::{repo, search};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids;

/// How many tickets exist.
pub fn count(db: &Db) -> Result<i64, AppError> {
    db.read(|conn| Ok(repo::count(conn)?))
}

/// Takes `n` consecutive ticket numbers; returns the first.
pub fn reserve_numbers(conn: &mut DbConn, n: i64) -> Result<i64, AppError> {
    Ok(repo::reserve_numbers(conn, n)?)
}

/// A comment's words for the search index: (ticket, public, text).
pub type SearchText = (String, bool, String);

/// Writes tickets, their comments and their search entries.
pub fn insert(
    conn: &mut DbConn,
    tickets: &[Ticket],
    comments: &[Comment],
    texts: &[SearchText],
) -> Result<(), AppError> {
    repo::insert_many(conn, tickets)?;
    for chunk in comments.chunks(1000) {
        repo::insert_comments(conn, chunk)?;
    }
    let docs: Vec<search::Document<'_>> = texts
        .iter()
        .map(|(ticket_id, is_public, text)| search::Document {
            ticket_id,
            is_public: *is_public,
            text: text.clone(),
        })
        .collect();
    search::index(conn, &docs)?;
    Ok(())
}

/// Creates the queues and categories that do not exist yet (by slug), and
/// returns them all.
pub fn ensure_catalog(
    conn: &mut DbConn,
    queues: &[(&str, &str, &str)],
    categories: &[(&str, &str)],
    now: NaiveDateTime,
) -> Result<(Vec<Queue>, Vec<Category>), AppError> {
    for (slug, name, description) in queues {
        if repo::find_queue_by_slug(conn, slug)?.is_none() {
            repo::insert_queue(
                conn,
                &Queue {
                    id: ids::new_id(),
                    slug: (*slug).into(),
                    name: (*name).into(),
                    description: (*description).into(),
                    created_at: now,
                },
            )?;
        }
    }
    for (slug, name) in categories {
        if repo::find_category_by_slug(conn, slug)?.is_none() {
            repo::insert_category(
                conn,
                &Category {
                    id: ids::new_id(),
                    slug: (*slug).into(),
                    name: (*name).into(),
                    created_at: now,
                },
            )?;
        }
    }
    Ok((repo::all_queues(conn)?, repo::all_categories(conn)?))
}
