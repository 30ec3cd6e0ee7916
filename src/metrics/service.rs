//! The monthly report's use cases: compute a month (live, or served from
//! its freeze), freeze a closed month, refreeze it (admins, in the
//! history).

use chrono::{Duration, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::Metrics;
use super::gather;
use super::month::Month;
use super::repo::{self, FrozenMonth};
use super::report::{DEFINITIONS_VERSION, Report, TrendPoint};
use super::ticket_figures::{self, Frame};
use super::{registers, sla_figures, workload};
use crate::audit;
use crate::auth::User;
use crate::error::AppError;
use crate::sla::registry::Registry;

/// Months the trend shows, this one included.
pub const TREND_MONTHS: i32 = 12;

/// Who may read reports: staff and viewers.
pub fn may_read(actor: &User) -> Result<(), AppError> {
    if actor.role.sees_all_tickets() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "reports are for staff and viewers".into(),
        ))
    }
}

impl Metrics {
    /// The report's zone.
    pub fn zone(&self) -> Tz {
        self.settings.zone(&self.calendars.get())
    }

    fn frame(&self, month: Month, zone: Tz) -> Frame {
        Frame {
            bounds: month.bounds(zone),
            last_day: month.last_day(),
            zone,
            reopen_window: Duration::days(i64::from(self.settings.reopen_window_days)),
        }
    }

    /// The month that is running now in the report's zone.
    pub fn current_month(&self, now: NaiveDateTime) -> Month {
        Month::of_instant(now, self.zone())
    }

    /// A month's report: its frozen figures unless `live` (or it is not
    /// frozen), else computed now. Months that have not begun are refused.
    pub fn monthly(
        &self,
        actor: &User,
        month: Month,
        live: bool,
        now: NaiveDateTime,
    ) -> Result<Report, AppError> {
        may_read(actor)?;
        self.report(month, live, now)
    }

    /// [`Metrics::monthly`] without the reader's check (jobs, the CLI).
    pub fn report(&self, month: Month, live: bool, now: NaiveDateTime) -> Result<Report, AppError> {
        if month > self.current_month(now) {
            return Err(AppError::invalid(
                "month",
                format!(
                    "{month} has not begun; the latest month is {}",
                    self.current_month(now)
                ),
            ));
        }
        if !live
            && let Some(frozen) = self
                .db
                .read(|c| Ok::<_, AppError>(repo::find(c, &month.to_string())?))?
        {
            return parse_frozen(&frozen);
        }
        self.compute(month, now)
    }

    /// Computes every figure of the month from the registers as they are.
    pub fn compute(&self, month: Month, now: NaiveDateTime) -> Result<Report, AppError> {
        let reg = self.calendars.get();
        let zone = self.zone();
        let frame = self.frame(month, zone);
        let facts = gather::month_tickets(&self.db, &reg, frame.bounds)?;
        let mut report = Report {
            month: month.to_string(),
            time_zone: zone.name().to_owned(),
            definitions_version: DEFINITIONS_VERSION,
            generated_at: chrono::Utc.from_utc_datetime(&now),
            frozen: false,
            tickets: ticket_figures::compute(&frame, &facts),
            sla: sla_figures::compute(&facts),
            workload: workload::compute(&frame, &facts),
            trend: Vec::new(),
            assets: Default::default(),
            licenses: Default::default(),
            contracts: Default::default(),
            onboarding: Default::default(),
            vendors: Default::default(),
            purchasing: Default::default(),
        };
        drop(facts);
        self.registers(&mut report, &frame)?;
        report.trend = self.trend(month, &report, &reg, zone)?;
        Ok(report)
    }

    /// The register sections, each from its register at the month's end.
    fn registers(&self, report: &mut Report, frame: &Frame) -> Result<(), AppError> {
        let (bounds, last_day) = (frame.bounds, frame.last_day);
        let assets = crate::assets::service::month::at_end(&self.db, bounds, last_day)?;
        report.assets = registers::assets(&assets, last_day);
        let positions =
            crate::licenses::service::positions(&self.licenses, &reader(), Some(last_day))?;
        report.licenses = registers::licenses(&positions);
        let filter = crate::vendors::service::ContractFilter::default();
        let (contracts, _) = crate::vendors::service::list_contracts(&self.vendors, &filter)?;
        report.contracts = registers::contracts(&contracts, last_day);
        let runs = crate::onboarding::completed::completed_between(&self.db, bounds)?;
        report.onboarding = registers::onboarding(&runs);
        let escalations = crate::vendors::service::escalations_between(&self.db, bounds)?;
        report.vendors = registers::vendors(&escalations, bounds.1);
        let days = (
            chrono::Datelike::with_day(&last_day, 1).unwrap_or(last_day),
            last_day,
        );
        let book = crate::purchasing::service::month::month_book(&self.purchasing, days, bounds)?;
        report.purchasing = super::purchasing::purchasing(&book, bounds, last_day);
        Ok(())
    }

    /// The twelve months ending with `month`: frozen figures where a month
    /// is frozen, else its tickets and clocks read once more (one range of
    /// tickets per month, never the whole table).
    fn trend(
        &self,
        month: Month,
        this: &Report,
        reg: &Registry,
        zone: Tz,
    ) -> Result<Vec<TrendPoint>, AppError> {
        let months = month.plus(1 - TREND_MONTHS).through(month);
        let names: Vec<String> = months.iter().map(Month::to_string).collect();
        let frozen = self
            .db
            .read(|c| Ok::<_, AppError>(repo::find_many(c, &names)?))?;
        let mut out = Vec::with_capacity(months.len());
        for m in months {
            if m == month {
                out.push(this.trend_point());
                continue;
            }
            let name = m.to_string();
            if let Some(f) = frozen.iter().find(|f| f.month == name) {
                out.push(parse_frozen(f)?.trend_point());
                continue;
            }
            let frame = self.frame(m, zone);
            let facts = gather::month_tickets(&self.db, reg, frame.bounds)?;
            let tickets = ticket_figures::compute(&frame, &facts);
            out.push(TrendPoint {
                month: name,
                created: tickets.created.total,
                resolved: tickets.resolved,
                backlog_end: tickets.backlog_end,
                sla_attainment: sla_figures::compute(&facts).attainment,
                reopen_rate: tickets.reopen_rate,
                fcr_rate: tickets.fcr_rate,
                frozen: false,
            });
        }
        Ok(out)
    }

    /// Freezes a month that has ended: its figures computed now are stored
    /// and served from then on. A month frozen already is refused (409
    /// `already_frozen`) unless `refreeze`, which needs an admin; both are
    /// in the month's history.
    pub fn freeze(
        &self,
        actor: Option<&User>,
        month: Month,
        refreeze: bool,
        now: NaiveDateTime,
    ) -> Result<Report, AppError> {
        if let Some(a) = actor {
            may_read(a)?;
            if refreeze && !a.role.administers() {
                return Err(AppError::Forbidden(
                    "refreezing a month needs an admin".into(),
                ));
            }
        }
        if month >= self.current_month(now) {
            return Err(AppError::conflict(
                "month_not_over",
                format!("{month} has not ended yet; a month is frozen once it is over"),
            ));
        }
        let name = month.to_string();
        if !refreeze
            && self
                .db
                .read(|c| Ok::<_, AppError>(repo::find(c, &name)?))?
                .is_some()
        {
            return Err(already_frozen(month));
        }
        let mut report = self.compute(month, now)?;
        report.frozen = true;
        if let Some(p) = report.trend.last_mut() {
            p.frozen = true;
        }
        let row = FrozenMonth {
            month: name.clone(),
            definitions_version: DEFINITIONS_VERSION as i32,
            report: serde_json::to_string(&report).map_err(|e| AppError::Internal(e.into()))?,
            frozen_at: now,
            frozen_by: actor.map(|a| a.id.clone()),
            mailed_at: None,
        };
        self.db.write(|conn| {
            let action = if repo::insert(conn, &row)? {
                "frozen"
            } else if refreeze {
                repo::refreeze(conn, &row)?;
                "refrozen"
            } else {
                return Err(already_frozen(month));
            };
            retrend_later(conn, &report, actor.map(|a| a.id.as_str()), now)?;
            audit::record(
                conn,
                audit::Entry {
                    entity_type: "report_month",
                    entity_id: &name,
                    actor_id: actor.map(|a| a.id.as_str()),
                    action,
                    changes: serde_json::json!({
                        "definitions_version": DEFINITIONS_VERSION,
                        "created": report.tickets.created.total,
                        "resolved": report.tickets.resolved,
                        "backlog_end": report.tickets.backlog_end,
                    }),
                    at: now,
                },
            )?;
            Ok::<_, AppError>(())
        })?;
        Ok(report)
    }
}

/// Who the report reads the registers as: a viewer, as the report is
/// itself for staff and viewers only.
fn reader() -> User {
    let epoch = chrono::DateTime::UNIX_EPOCH.naive_utc();
    User {
        id: "reports".into(),
        email: "reports@itdesk.invalid".into(),
        display_name: "The monthly report".into(),
        role: crate::auth::Role::Viewer,
        password_hash: None,
        is_active: true,
        organization: None,
        created_at: epoch,
        updated_at: epoch,
        is_vip: false,
    }
}

fn already_frozen(month: Month) -> AppError {
    AppError::conflict(
        "already_frozen",
        format!("{month} is frozen already; an admin may refreeze it"),
    )
}

/// After a freeze or a refreeze: the frozen months whose trends show
/// `report`'s month show its frozen figures (their own figures stay as
/// they were frozen); each change is in that month's history.
fn retrend_later(
    conn: &mut crate::db::DbConn,
    report: &Report,
    actor_id: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let Ok(month) = Month::parse(&report.month) else {
        return Ok(());
    };
    let later: Vec<String> = month
        .plus(1)
        .through(month.plus(TREND_MONTHS - 1))
        .iter()
        .map(Month::to_string)
        .collect();
    let point = report.trend_point();
    for f in repo::find_many(conn, &later)? {
        let mut r = parse_frozen(&f)?;
        let Some(p) = r.trend.iter_mut().find(|p| p.month == point.month) else {
            continue;
        };
        let was = std::mem::replace(p, point.clone());
        if was == point {
            continue;
        }
        let json = serde_json::to_string(&r).map_err(|e| AppError::Internal(e.into()))?;
        repo::set_report(conn, &f.month, &json)?;
        audit::record(
            conn,
            audit::Entry {
                entity_type: "report_month",
                entity_id: &f.month,
                actor_id,
                action: "trend_updated",
                changes: serde_json::json!({
                    "month": point.month,
                    "point": audit::diff(&json_of(&was), &json_of(&point)),
                }),
                at: now,
            },
        )?;
    }
    Ok(())
}

fn json_of(p: &TrendPoint) -> serde_json::Value {
    serde_json::to_value(p).unwrap_or_default()
}

fn parse_frozen(f: &FrozenMonth) -> Result<Report, AppError> {
    serde_json::from_str(&f.report).map_err(|e| AppError::Internal(e.into()))
}
