//! Tickets and the assets they are about.

use chrono::NaiveDateTime;
use serde_json::json;

use super::{AssetView, ENTITY, may_read, views};
use crate::assets::model::Asset;
use crate::assets::repo;
use crate::audit::{self, Entry};
use crate::auth::User;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::tickets::Ticket;

/// Records a link or unlink in both histories.
fn record(
    conn: &mut DbConn,
    actor: &User,
    t: &Ticket,
    a: &Asset,
    (on_ticket, on_asset): (&str, &str),
    now: NaiveDateTime,
) -> Result<(), AppError> {
    audit::record_many(
        conn,
        &[
            Entry {
                entity_type: "ticket",
                entity_id: &t.id,
                actor_id: Some(&actor.id),
                action: on_ticket,
                changes: json!({"asset_id": a.id, "asset_tag": a.asset_tag}),
                at: now,
            },
            Entry {
                entity_type: ENTITY,
                entity_id: &a.id,
                actor_id: Some(&actor.id),
                action: on_asset,
                changes: json!({"ticket_id": t.id, "ticket_number": t.number}),
                at: now,
            },
        ],
    )?;
    Ok(())
}

fn ticket_for_linking(conn: &mut DbConn, actor: &User, ticket: &str) -> Result<Ticket, AppError> {
    let r = crate::tickets::service::TicketRef::parse(ticket);
    crate::tickets::service::find_visible(conn, actor, &r)
}

/// Records that a ticket is about an asset (both histories show it).
pub fn link_ticket(
    db: &Db,
    actor: &User,
    ticket: &str,
    asset: &str,
    now: NaiveDateTime,
) -> Result<Vec<AssetView>, AppError> {
    if !actor.role.works_tickets() {
        return Err(AppError::Forbidden(
            "only staff link tickets to assets".into(),
        ));
    }
    db.write(|conn| {
        let t = ticket_for_linking(conn, actor, ticket)?;
        let a = repo::asset(conn, asset)?
            .ok_or_else(|| AppError::invalid("asset", format!("no asset {asset}")))?;
        if repo::link_ticket(conn, &t.id, &a.id, &actor.id, now)? {
            record(conn, actor, &t, &a, ("asset_linked", "ticket_linked"), now)?;
        }
        let rows = repo::assets_of_ticket(conn, &t.id)?;
        views(conn, rows)
    })
}

/// Removes a ticket's link to an asset.
pub fn unlink_ticket(
    db: &Db,
    actor: &User,
    ticket: &str,
    asset: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if !actor.role.works_tickets() {
        return Err(AppError::Forbidden(
            "only staff link tickets to assets".into(),
        ));
    }
    db.write(|conn| {
        let t = ticket_for_linking(conn, actor, ticket)?;
        let a = repo::asset(conn, asset)?
            .ok_or_else(|| AppError::NotFound(format!("asset {asset}")))?;
        if !repo::unlink_ticket(conn, &t.id, &a.id)? {
            return Err(AppError::NotFound(format!(
                "link between ticket #{} and {}",
                t.number, a.asset_tag
            )));
        }
        record(
            conn,
            actor,
            &t,
            &a,
            ("asset_unlinked", "ticket_unlinked"),
            now,
        )?;
        Ok(())
    })
}

/// The assets a ticket is about (staff who may see the ticket).
pub fn assets_of_ticket(db: &Db, actor: &User, ticket: &str) -> Result<Vec<AssetView>, AppError> {
    may_read(actor)?;
    db.read(|conn| {
        let t = ticket_for_linking(conn, actor, ticket)?;
        let rows = repo::assets_of_ticket(conn, &t.id)?;
        views(conn, rows)
    })
}

/// The tickets about an asset, newest first.
pub fn tickets_of_asset(
    db: &Db,
    actor: &User,
    asset: &str,
) -> Result<Vec<repo::TicketBrief>, AppError> {
    may_read(actor)?;
    db.read(|conn| {
        let a = repo::asset(conn, asset)?
            .ok_or_else(|| AppError::NotFound(format!("asset {asset}")))?;
        let ids = repo::ticket_ids_of_asset(conn, &a.id)?;
        let mut tickets = crate::tickets::service::lookup::find_many(conn, &ids)?;
        tickets.sort_by(|x, y| (y.created_at, &y.id).cmp(&(x.created_at, &x.id)));
        Ok(tickets
            .into_iter()
            .map(|t| {
                (
                    t.id,
                    t.number,
                    t.subject,
                    t.status.to_string(),
                    t.created_at,
                )
            })
            .collect())
    })
}
