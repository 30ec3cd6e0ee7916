//! The contracts listing: filters, and the nearest decision first.

use super::may_read;
use super::view::dtos;
use crate::auth::{User, people};
use crate::error::AppError;
use crate::vendors::Vendors;
use crate::vendors::domain::ContractKind;
use crate::vendors::dto::ContractDto;
use crate::vendors::model::Contract;
use crate::vendors::repo;
use crate::vendors::repo_listing::{self, ContractQuery};
use crate::vendors::terms::{self, Status};

/// What the listing filters on, and which part of it to show.
#[derive(Debug, Clone, Default)]
pub struct ContractFilter {
    pub vendor_id: Option<String>,
    pub kind: Option<ContractKind>,
    pub status: Option<Status>,
    /// Id or email.
    pub owner: Option<String>,
    /// At most this many (all when `None`) …
    pub limit: Option<i64>,
    /// … after skipping this many.
    pub offset: i64,
}

/// Contracts, the nearest decision first (a notice deadline still ahead
/// of an auto-renewing contract, else its end; open-ended ones last), one
/// page of them, and how many there are in all.
pub fn contracts(
    vendors: &Vendors,
    actor: &User,
    filter: &ContractFilter,
) -> Result<(Vec<ContractDto>, i64), AppError> {
    may_read(actor)?;
    list_contracts(vendors, filter)
}

/// [`contracts`] without asking who wants them (exports on the command
/// line).
pub fn list_contracts(
    vendors: &Vendors,
    filter: &ContractFilter,
) -> Result<(Vec<ContractDto>, i64), AppError> {
    let (today, window) = (vendors.settings.today(), vendors.settings.window());
    vendors.db.read(|conn| {
        let owner = match &filter.owner {
            Some(o) => Some(
                people::find_person(conn, o)?
                    .map(|u| u.id)
                    .ok_or_else(|| AppError::invalid("owner", "no such person"))?,
            ),
            None => None,
        };
        let q = ContractQuery {
            vendor_id: filter.vendor_id.as_deref(),
            kind: filter.kind,
            owner_id: owner.as_deref(),
            status: filter.status,
            today,
            window,
        };
        let (rows, total): (Vec<Contract>, i64) = match filter.status {
            // A status is decided on the day: narrowed in SQL, settled here.
            Some(s) => {
                if let Some(limit) = filter.limit
                    && let Some(found) =
                        repo_listing::status_page(conn, &q, limit, filter.offset.max(0))?
                {
                    return Ok((dtos(conn, vendors, &found.0)?, found.1));
                }
                let mut all = repo_listing::page(conn, &q, None, 0)?;
                all.retain(|c| terms::status(&c.standing(), today, window) == s);
                let total = all.len() as i64;
                let skip = filter.offset.max(0) as usize;
                let take = filter.limit.map_or(usize::MAX, |l| l.max(0) as usize);
                (all.into_iter().skip(skip).take(take).collect(), total)
            }
            None => match filter.limit {
                Some(l) => repo_listing::ordered_page(conn, &q, l, filter.offset.max(0))?,
                None => (
                    repo_listing::page(conn, &q, None, 0)?,
                    repo_listing::count(conn, &q)?,
                ),
            },
        };
        Ok((dtos(conn, vendors, &rows)?, total))
    })
}

/// (id, "Vendor — title") of the contracts in force today, for a form that
/// picks one (a ticket's hand-over to a vendor).
pub fn contract_choices(
    vendors: &Vendors,
    actor: &User,
) -> Result<Vec<(String, String)>, AppError> {
    may_read(actor)?;
    let today = vendors.settings.today();
    vendors.db.read(|conn| {
        let names: std::collections::HashMap<String, String> = repo::vendors(conn)?
            .into_iter()
            .map(|v| (v.id, v.name))
            .collect();
        Ok(repo::in_force(conn, today)?
            .into_iter()
            .map(|(id, vendor, title)| {
                let vendor = names.get(&vendor).map_or("", String::as_str);
                (id, format!("{vendor} — {title}"))
            })
            .collect())
    })
}
