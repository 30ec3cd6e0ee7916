//! In-app notifications: what escalations told each person, read and
//! marked read by that person only.

use super::repo::{self, Notification};
use crate::auth::User;
use crate::db::Db;
use crate::error::AppError;
use crate::tickets::service::service_level;

/// How many notifications a list shows.
const LIST_LIMIT: i64 = 100;

/// One notification with the number of the ticket it is about.
#[derive(Debug, Clone)]
pub struct NotificationView {
    pub notification: Notification,
    pub ticket_number: Option<i64>,
}

/// The person's notifications, newest first (only unread ones if asked).
pub fn mine(db: &Db, actor: &User, unread: bool) -> Result<Vec<Notification>, AppError> {
    db.read(|conn| {
        Ok(repo::notifications_for(
            conn, &actor.id, unread, LIST_LIMIT,
        )?)
    })
}

/// [`mine`] with ticket numbers, for the page.
pub fn mine_with_tickets(db: &Db, actor: &User) -> Result<Vec<NotificationView>, AppError> {
    db.read(|conn| {
        let notes = repo::notifications_for(conn, &actor.id, false, LIST_LIMIT)?;
        let mut out = Vec::with_capacity(notes.len());
        for n in notes {
            let ticket_number = match &n.ticket_id {
                Some(t) => service_level::find(conn, t)?.map(|t| t.number),
                None => None,
            };
            out.push(NotificationView {
                notification: n,
                ticket_number,
            });
        }
        Ok(out)
    })
}

/// Marks one of the person's notifications read; not found when it is
/// not theirs.
pub fn mark_read(db: &Db, actor: &User, id: &str) -> Result<(), AppError> {
    let n = db.write(|conn| {
        Ok::<_, AppError>(repo::mark_read(conn, &actor.id, id, crate::ids::now())?)
    })?;
    if n == 0 {
        return Err(AppError::NotFound("notification".into()));
    }
    Ok(())
}

/// How many notifications the person has not read yet.
pub fn unread_count(db: &Db, actor: &User) -> Result<i64, AppError> {
    db.read(|conn| Ok(repo::unread_count(conn, &actor.id)?))
}
