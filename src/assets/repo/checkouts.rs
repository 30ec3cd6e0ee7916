//! Queries of check-outs (who holds an asset, acceptance) and of the
//! links between tickets and assets.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::super::model::{Asset, Checkout};
use crate::db::schema::{asset_checkouts, assets, ticket_assets};
use crate::db::{DbBackend, DbConn};

pub fn insert_checkout(conn: &mut DbConn, row: &Checkout) -> QueryResult<()> {
    diesel::insert_into(asset_checkouts::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The asset's open check-out, if any.
pub fn open_checkout(conn: &mut DbConn, asset_id: &str) -> QueryResult<Option<Checkout>> {
    asset_checkouts::table
        .filter(asset_checkouts::asset_id.eq(asset_id))
        .filter(asset_checkouts::checked_in_at.is_null())
        .select(Checkout::as_select())
        .first(conn)
        .optional()
}

pub fn checkout(conn: &mut DbConn, id: &str) -> QueryResult<Option<Checkout>> {
    asset_checkouts::table
        .find(id)
        .select(Checkout::as_select())
        .first(conn)
        .optional()
}

pub fn checkout_by_token_digest(conn: &mut DbConn, digest: &str) -> QueryResult<Option<Checkout>> {
    asset_checkouts::table
        .filter(asset_checkouts::accept_token_digest.eq(digest))
        .select(Checkout::as_select())
        .first(conn)
        .optional()
}

pub fn mark_accepted(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(asset_checkouts::table.find(id))
        .set(asset_checkouts::accepted_at.eq(Some(at)))
        .execute(conn)
        .map(|_| ())
}

pub fn mark_checked_in(
    conn: &mut DbConn,
    id: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(asset_checkouts::table.find(id))
        .set((
            asset_checkouts::checked_in_at.eq(Some(at)),
            asset_checkouts::checked_in_by.eq(Some(by)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Open check-outs, soonest expected return first; only those due before
/// `overdue_on` when given.
pub fn open_checkouts(
    conn: &mut DbConn,
    overdue_on: Option<NaiveDate>,
    limit: i64,
) -> QueryResult<Vec<(Checkout, Asset)>> {
    let mut q = asset_checkouts::table
        .inner_join(assets::table)
        .filter(asset_checkouts::checked_in_at.is_null())
        .into_boxed::<DbBackend>();
    if let Some(day) = overdue_on {
        q = q.filter(asset_checkouts::expected_return.lt(day));
    }
    q.order((
        asset_checkouts::expected_return.asc(),
        asset_checkouts::checked_out_at.asc(),
    ))
    .limit(limit)
    .select((Checkout::as_select(), Asset::as_select()))
    .load(conn)
}

/// The assets a person holds now, newest hand-over first.
pub fn held_by(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<(Checkout, Asset)>> {
    asset_checkouts::table
        .inner_join(assets::table)
        .filter(asset_checkouts::checked_in_at.is_null())
        .filter(asset_checkouts::user_id.eq(user_id))
        .order(asset_checkouts::checked_out_at.desc())
        .select((Checkout::as_select(), Asset::as_select()))
        .load(conn)
}

/// Links a ticket to an asset; `false` when they were linked already.
pub fn link_ticket(
    conn: &mut DbConn,
    ticket_id: &str,
    asset_id: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let exists = ticket_assets::table
        .find((ticket_id, asset_id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(ticket_assets::table)
        .values((
            ticket_assets::ticket_id.eq(ticket_id),
            ticket_assets::asset_id.eq(asset_id),
            ticket_assets::linked_by.eq(Some(by)),
            ticket_assets::created_at.eq(at),
        ))
        .execute(conn)
        .map(|_| true)
}

/// Removes a link; `false` when there was none.
pub fn unlink_ticket(conn: &mut DbConn, ticket_id: &str, asset_id: &str) -> QueryResult<bool> {
    diesel::delete(ticket_assets::table.find((ticket_id, asset_id)))
        .execute(conn)
        .map(|n| n > 0)
}

/// The assets a ticket is about.
pub fn assets_of_ticket(conn: &mut DbConn, ticket_id: &str) -> QueryResult<Vec<Asset>> {
    ticket_assets::table
        .inner_join(assets::table)
        .filter(ticket_assets::ticket_id.eq(ticket_id))
        .order(ticket_assets::created_at.asc())
        .select(Asset::as_select())
        .load(conn)
}

/// A ticket about an asset: id, number, subject, status, created at.
pub type TicketBrief = (String, i64, String, String, NaiveDateTime);

/// The ids of the tickets about an asset.
pub fn ticket_ids_of_asset(conn: &mut DbConn, asset_id: &str) -> QueryResult<Vec<String>> {
    ticket_assets::table
        .filter(ticket_assets::asset_id.eq(asset_id))
        .select(ticket_assets::ticket_id)
        .load(conn)
}
