//! Queries of saved queue views.

use diesel::prelude::*;

use super::super::model::SavedView;
use crate::db::DbConn;
use crate::db::schema::saved_views;

pub fn insert_view(conn: &mut DbConn, row: &SavedView) -> QueryResult<()> {
    diesel::insert_into(saved_views::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// One's own views and the shared ones, by name.
pub fn views_for(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<SavedView>> {
    saved_views::table
        .filter(
            saved_views::owner_id
                .eq(user_id)
                .or(saved_views::shared.eq(true)),
        )
        .order((saved_views::name.asc(), saved_views::id.asc()))
        .select(SavedView::as_select())
        .load(conn)
}

pub fn view(conn: &mut DbConn, id: &str) -> QueryResult<Option<SavedView>> {
    saved_views::table
        .find(id)
        .select(SavedView::as_select())
        .first(conn)
        .optional()
}

pub fn delete_view(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    diesel::delete(saved_views::table.find(id))
        .execute(conn)
        .map(|n| n > 0)
}
