//! Asset rules without I/O: categories, the lifecycle (statuses, substates,
//! which moves are allowed and what each requires) and straight-line
//! depreciation.

use chrono::{Datelike, NaiveDate};

use crate::text_enum;

text_enum! {
    /// What kind of device a model is.
    pub enum Category {
        Laptop = "laptop",
        Desktop = "desktop",
        Monitor = "monitor",
        Phone = "phone",
        Tablet = "tablet",
        Server = "server",
        Network = "network",
        Peripheral = "peripheral",
    }
}

text_enum! {
    schema "AssetStatus";
    /// Where an asset is in its life.
    pub enum Status {
        Ordered = "ordered",
        InStock = "in_stock",
        Deployed = "deployed",
        InRepair = "in_repair",
        Retired = "retired",
        Disposed = "disposed",
        Missing = "missing",
        Stolen = "stolen",
    }
}

text_enum! {
    /// A finer state inside some statuses.
    pub enum Substate {
        /// In stock, free to hand out.
        Available = "available",
        /// In stock, promised to someone.
        Reserved = "reserved",
        /// In stock, waiting to go to repair.
        PendingRepair = "pending_repair",
        /// Retired, waiting for disposal.
        PendingDisposal = "pending_disposal",
        /// Deployed as found by an inventory agent, to be reviewed.
        Discovered = "discovered",
    }
}

impl Status {
    /// Statuses from which an asset can go missing or be stolen.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            Status::Ordered
                | Status::InStock
                | Status::Deployed
                | Status::InRepair
                | Status::Retired
        )
    }

    /// Where an asset may go from here (besides staying, to change its
    /// substate, assignee or location).
    pub fn allowed_next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Ordered => &[InStock, Missing, Stolen],
            InStock => &[Deployed, InRepair, Retired, Missing, Stolen],
            Deployed => &[InStock, InRepair, Retired, Missing, Stolen],
            InRepair => &[InStock, Deployed, Retired, Missing, Stolen],
            Retired => &[Disposed, InStock, Missing, Stolen],
            Missing => &[InStock, Deployed, Retired, Stolen],
            Stolen => &[InStock, Retired],
            Disposed => &[],
        }
    }

    /// The substates this status knows, the first being the default.
    pub fn substates(self) -> &'static [Substate] {
        match self {
            Status::InStock => &[
                Substate::Available,
                Substate::Reserved,
                Substate::PendingRepair,
            ],
            Status::Retired => &[Substate::PendingDisposal],
            Status::Deployed => &[Substate::Discovered],
            _ => &[],
        }
    }

    /// The substate an asset gets on arrival when none is asked for.
    pub fn default_substate(self) -> Option<Substate> {
        match self {
            Status::InStock => Some(Substate::Available),
            _ => None,
        }
    }
}

/// What an asset looks like before a move (the parts the rules read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    pub status: Status,
    pub substate: Option<Substate>,
    pub assignee: Option<String>,
    pub location: Option<String>,
}

/// A requested move.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Move {
    pub to: Option<Status>,
    pub substate: Option<Substate>,
    pub reason: String,
    /// `Some(None)` clears the assignee; `None` keeps it.
    pub assignee: Option<Option<String>>,
    pub location: Option<Option<String>>,
    pub disposal: Option<Disposal>,
}

/// How an asset left for good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disposal {
    /// e.g. `recycled`, `sold`, `donated`, `destroyed`, `returned_to_lessor`.
    pub method: String,
    pub date: NaiveDate,
    /// e.g. the number of a data-wipe certificate.
    pub evidence: String,
}

/// Where a move leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub substate: Option<Substate>,
    pub assignee: Option<String>,
    pub location: Option<String>,
}

/// Why a move is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("an asset cannot go from {from} to {to}")]
    NotAllowed {
        from: Status,
        to: Status,
        allowed: &'static [Status],
    },
    #[error("{1}")]
    Invalid(MoveField, String),
}

/// The field a refused move is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveField {
    Reason,
    Substate,
    Assignee,
    Disposal,
}

impl MoveField {
    pub fn name(self) -> &'static str {
        match self {
            MoveField::Reason => "reason",
            MoveField::Substate => "substate",
            MoveField::Assignee => "assignee",
            MoveField::Disposal => "disposal",
        }
    }
}

/// Applies the lifecycle to a requested move.
pub fn apply(current: &Current, m: &Move) -> Result<Outcome, MoveError> {
    let to = m.to.unwrap_or(current.status);
    if to != current.status && !current.status.allowed_next().contains(&to) {
        return Err(MoveError::NotAllowed {
            from: current.status,
            to,
            allowed: current.status.allowed_next(),
        });
    }
    if current.status == Status::Disposed {
        return Err(MoveError::NotAllowed {
            from: Status::Disposed,
            to,
            allowed: &[],
        });
    }
    if m.reason.trim().is_empty() {
        return Err(MoveError::Invalid(
            MoveField::Reason,
            "say why: every change to an asset is recorded with its reason".into(),
        ));
    }
    let substate = substate_after(current, m, to)?;
    let assignee = match &m.assignee {
        Some(a) => a.clone(),
        // Going back to stock or out of service hands the device back.
        None if matches!(
            to,
            Status::InStock | Status::Retired | Status::Disposed | Status::Ordered
        ) && to != current.status =>
        {
            None
        }
        None => current.assignee.clone(),
    };
    let location = match &m.location {
        Some(l) => l.clone(),
        None => current.location.clone(),
    };
    if to == Status::Deployed && assignee.is_none() && location.is_none() {
        return Err(MoveError::Invalid(
            MoveField::Assignee,
            "a deployed asset needs an assignee or a location".into(),
        ));
    }
    if to == Status::Disposed {
        check_disposal(m.disposal.as_ref())?;
    }
    Ok(Outcome {
        status: to,
        substate,
        assignee,
        location,
    })
}

/// The substate after a move: the one asked for if `to` has it, else the
/// current one when the status stays, else `to`'s default.
fn substate_after(current: &Current, m: &Move, to: Status) -> Result<Option<Substate>, MoveError> {
    match m.substate {
        Some(s) if !to.substates().contains(&s) => {
            let has = if to.substates().is_empty() {
                "no substates".to_owned()
            } else {
                let names: Vec<&str> = to.substates().iter().map(|s| s.as_str()).collect();
                format!("the substates {}", names.join(", "))
            };
            Err(MoveError::Invalid(
                MoveField::Substate,
                format!("{to} has {has}"),
            ))
        }
        Some(s) => Ok(Some(s)),
        None if to == current.status => Ok(current.substate),
        None => Ok(to.default_substate()),
    }
}

/// A disposal needs a method, a date and its evidence.
fn check_disposal(d: Option<&Disposal>) -> Result<(), MoveError> {
    match d {
        None => Err(MoveError::Invalid(
            MoveField::Disposal,
            "disposal needs a method, a date and an evidence reference (such as a data-wipe certificate)".into(),
        )),
        Some(d) if d.method.trim().is_empty() || d.evidence.trim().is_empty() => Err(
            MoveError::Invalid(
                MoveField::Disposal,
                "disposal needs a method and an evidence reference".into(),
            ),
        ),
        Some(_) => Ok(()),
    }
}

/// Straight-line value on `on`, in minor units: the cost falls evenly to
/// zero over `months` from the purchase date (never below zero).
pub fn value_on(cost: i64, purchased: NaiveDate, months: u32, on: NaiveDate) -> i64 {
    if on < purchased {
        return cost;
    }
    if months == 0 {
        return 0;
    }
    let mut elapsed =
        (on.year() - purchased.year()) * 12 + on.month() as i32 - purchased.month() as i32;
    if on.day() < purchased.day() {
        elapsed -= 1;
    }
    let elapsed = elapsed.max(0) as i64;
    if elapsed >= months as i64 {
        return 0;
    }
    cost - cost * elapsed / months as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(status: Status) -> Current {
        Current {
            status,
            substate: status.default_substate(),
            assignee: None,
            location: None,
        }
    }

    fn to(status: Status) -> Move {
        Move {
            to: Some(status),
            reason: "because".into(),
            ..Move::default()
        }
    }

    #[test]
    fn the_happy_path_from_order_to_disposal() {
        let o = apply(&at(Status::Ordered), &to(Status::InStock)).unwrap();
        assert_eq!(
            (o.status, o.substate),
            (Status::InStock, Some(Substate::Available))
        );
        let mut deploy = to(Status::Deployed);
        deploy.assignee = Some(Some("u1".into()));
        let o = apply(&at(Status::InStock), &deploy).unwrap();
        assert_eq!(
            (o.status, o.assignee.as_deref()),
            (Status::Deployed, Some("u1"))
        );
        let deployed = Current {
            status: Status::Deployed,
            substate: None,
            assignee: Some("u1".into()),
            location: None,
        };
        let o = apply(&deployed, &to(Status::InRepair)).unwrap();
        assert_eq!(o.assignee.as_deref(), Some("u1"), "repair keeps the owner");
        let o = apply(&deployed, &to(Status::InStock)).unwrap();
        assert_eq!(o.assignee, None, "back to stock hands it back");
        let mut retire = to(Status::Retired);
        retire.substate = Some(Substate::PendingDisposal);
        let o = apply(&at(Status::InStock), &retire).unwrap();
        assert_eq!(o.substate, Some(Substate::PendingDisposal));
        let mut dispose = to(Status::Disposed);
        dispose.disposal = Some(Disposal {
            method: "recycled".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            evidence: "WIPE-2026-0042".into(),
        });
        assert_eq!(
            apply(&at(Status::Retired), &dispose).unwrap().status,
            Status::Disposed
        );
    }

    #[test]
    fn disallowed_moves_name_the_allowed_ones() {
        let err = apply(&at(Status::Ordered), &to(Status::Deployed)).unwrap_err();
        assert_eq!(
            err,
            MoveError::NotAllowed {
                from: Status::Ordered,
                to: Status::Deployed,
                allowed: &[Status::InStock, Status::Missing, Status::Stolen],
            }
        );
        let err = apply(&at(Status::Disposed), &to(Status::InStock)).unwrap_err();
        assert!(matches!(err, MoveError::NotAllowed { allowed: &[], .. }));
        // Disposal only from retirement.
        assert!(apply(&at(Status::InStock), &to(Status::Disposed)).is_err());
    }

    #[test]
    fn missing_and_stolen_from_every_live_state() {
        for &s in Status::ALL {
            for target in [Status::Missing, Status::Stolen] {
                if s == target {
                    continue;
                }
                let ok = apply(&at(s), &to(target)).is_ok();
                let expected = s.is_live() || (s == Status::Missing && target == Status::Stolen);
                assert_eq!(ok, expected, "{s} → {target}");
            }
        }
    }

    #[test]
    fn requirements_are_checked() {
        let mut m = to(Status::InStock);
        m.reason = "  ".into();
        assert!(matches!(
            apply(&at(Status::Ordered), &m),
            Err(MoveError::Invalid(MoveField::Reason, _))
        ));
        assert!(matches!(
            apply(&at(Status::InStock), &to(Status::Deployed)),
            Err(MoveError::Invalid(MoveField::Assignee, _))
        ));
        let mut by_location = to(Status::Deployed);
        by_location.location = Some(Some("loc-1".into()));
        assert!(apply(&at(Status::InStock), &by_location).is_ok());
        assert!(matches!(
            apply(&at(Status::Retired), &to(Status::Disposed)),
            Err(MoveError::Invalid(MoveField::Disposal, _))
        ));
        let mut bad = to(Status::InRepair);
        bad.substate = Some(Substate::Reserved);
        assert!(matches!(
            apply(&at(Status::InStock), &bad),
            Err(MoveError::Invalid(MoveField::Substate, _))
        ));
        // Same status, new substate.
        let mut reserve = Move {
            substate: Some(Substate::Reserved),
            reason: "for the new hire".into(),
            ..Move::default()
        };
        assert_eq!(
            apply(&at(Status::InStock), &reserve).unwrap().substate,
            Some(Substate::Reserved)
        );
        reserve.substate = None;
        let reserved = Current {
            substate: Some(Substate::Reserved),
            ..at(Status::InStock)
        };
        assert_eq!(
            apply(&reserved, &reserve).unwrap().substate,
            Some(Substate::Reserved),
            "staying keeps the substate"
        );
    }

    #[test]
    fn straight_line_depreciation() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let bought = d(2025, 1, 15);
        assert_eq!(value_on(120_000, bought, 36, d(2024, 12, 1)), 120_000);
        assert_eq!(value_on(120_000, bought, 36, bought), 120_000);
        assert_eq!(value_on(120_000, bought, 36, d(2025, 2, 14)), 120_000);
        assert_eq!(value_on(120_000, bought, 36, d(2025, 2, 15)), 116_667);
        assert_eq!(value_on(120_000, bought, 36, d(2026, 7, 15)), 60_000);
        assert_eq!(value_on(120_000, bought, 36, d(2028, 1, 15)), 0);
        assert_eq!(value_on(120_000, bought, 36, d(2030, 1, 1)), 0);
        assert_eq!(value_on(120_000, bought, 0, bought), 0);
    }
}
