//! A person's holdings for the people register: what onboarding gives and
//! offboarding takes back — devices, seats, tickets — and the runs.

use crate::assets::service::reservations;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids::utc;
use crate::licenses::service::person_seats;
use crate::people::holdings::{HeldAsset, HeldRun, HeldSeat, HeldTicket, Holdings, HoldingsSource};

/// The source the people register asks.
pub struct Everything;

impl HoldingsSource for Everything {
    fn holdings(&self, conn: &mut DbConn, person_id: &str) -> Result<Holdings, AppError> {
        let assets = reservations::with_person(conn, person_id)?
            .into_iter()
            .map(|(d, status, reserved)| HeldAsset {
                id: d.asset_id,
                asset_tag: d.asset_tag,
                model: d.model,
                status: status.as_str().to_owned(),
                reserved,
            })
            .collect();
        let license_allocations = person_seats::seats_of(conn, person_id)?
            .into_iter()
            .map(|s| HeldSeat {
                allocation_id: s.allocation_id,
                entitlement_id: s.entitlement_id,
                product_id: s.product_id,
                product: s.product,
            })
            .collect();
        let tickets = crate::tickets::service::lookup::requested_by(conn, person_id, 20)?
            .into_iter()
            .map(|t| HeldTicket {
                id: t.id,
                number: t.number,
                subject: t.subject,
                status: t.status.as_str().to_owned(),
                created_at: utc(t.created_at),
            })
            .collect();
        let filter = super::dto::RunFilter {
            person_id: Some(person_id.to_owned()),
            ..Default::default()
        };
        let runs = super::repo::runs(conn, &filter, (50, 0))?
            .0
            .into_iter()
            .map(|r| HeldRun {
                id: r.id,
                kind: r.kind.as_str().to_owned(),
                status: r.status.as_str().to_owned(),
                effective_on: r.effective_on,
            })
            .collect();
        Ok(Holdings {
            assets,
            license_allocations,
            tickets,
            runs,
        })
    }
}
