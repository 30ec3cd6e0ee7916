//! The staff home page's figures: where the open work stands, what needs
//! attention, and how filing and resolving went week by week.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

use super::super::domain::{Priority, Status};
use super::super::dto::ListParams;
use super::super::repo;
use super::query::count_tickets;
use super::{TicketView, list_tickets};
use crate::auth::User;
use crate::db::Db;
use crate::error::AppError;
use crate::http::ApiSettings;

/// Tickets filed and resolved in one week (Monday to Sunday, UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekFlow {
    pub starts: NaiveDate,
    pub created: i64,
    pub resolved: i64,
}

/// What the dashboard shows.
#[derive(Debug, Clone)]
pub struct Overview {
    pub by_status: Vec<(Status, i64)>,
    pub by_priority: Vec<(Priority, i64)>,
    pub breached: i64,
    pub at_risk: i64,
    pub unassigned: i64,
    pub mine: i64,
    /// Open tickets waiting on staff, oldest first.
    pub oldest: Vec<TicketView>,
    /// The last `weeks` weeks, oldest first, the current week last.
    pub weeks: Vec<WeekFlow>,
}

fn open_with(set: impl FnOnce(&mut ListParams)) -> ListParams {
    let mut p = ListParams {
        status: Some("open".into()),
        ..ListParams::default()
    };
    set(&mut p);
    p
}

/// The Monday that starts the week of `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The figures, for staff who see every ticket.
pub fn overview(
    db: &Db,
    limits: &ApiSettings,
    actor: &User,
    weeks: u32,
    now: NaiveDateTime,
) -> Result<Overview, AppError> {
    if !actor.role.sees_all_tickets() {
        return Err(AppError::Forbidden("the dashboard is for IT staff".into()));
    }
    let oldest = list_tickets(
        db,
        limits,
        actor,
        &ListParams {
            status: Some("new,triaged,in_progress".into()),
            sort: Some("created_at".into()),
            limit: Some(5),
            ..ListParams::default()
        },
    )?
    .items;
    db.read(|conn| {
        let mut count = |p: ListParams| count_tickets(conn, limits, actor, &p);
        let by_status = Status::OPEN
            .iter()
            .map(|s| Ok((*s, count(open_with(|p| p.status = Some(s.to_string())))?)))
            .collect::<Result<Vec<_>, AppError>>()?;
        let by_priority = Priority::ALL
            .iter()
            .map(|pr| {
                Ok((
                    *pr,
                    count(open_with(|p| p.priority = Some(pr.to_string())))?,
                ))
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let breached = count(open_with(|p| p.sla = Some("breached".into())))?;
        let at_risk = count(open_with(|p| p.sla = Some("at_risk".into())))?;
        let unassigned = count(open_with(|p| p.assignee = Some("none".into())))?;
        let mine = count(open_with(|p| p.assignee = Some("me".into())))?;
        let this_week = week_start(now.date());
        let weeks = (0..weeks)
            .rev()
            .map(|back| {
                let starts = this_week - Duration::weeks(i64::from(back));
                let (from, to) = (
                    starts.and_hms_opt(0, 0, 0).unwrap_or_default(),
                    (starts + Duration::weeks(1))
                        .and_hms_opt(0, 0, 0)
                        .unwrap_or_default(),
                );
                Ok(WeekFlow {
                    starts,
                    created: repo::count_created_between(conn, from, to)?,
                    resolved: repo::count_resolved_between(conn, from, to)?,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok(Overview {
            by_status,
            by_priority,
            breached,
            at_risk,
            unassigned,
            mine,
            oldest,
            weeks,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let thu = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(
            week_start(thu),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        );
        let mon = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(week_start(mon), mon);
    }
}
