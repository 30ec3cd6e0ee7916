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
use crate::vendors::terms::Status;

/// What the listing filters on.
#[derive(Debug, Clone, Default)]
pub struct ContractFilter {
    pub vendor_id: Option<String>,
    pub kind: Option<ContractKind>,
    pub status: Option<Status>,
    /// Id or email.
    pub owner: Option<String>,
}

/// Contracts, the nearest decision first: a notice deadline still ahead
/// of an auto-renewing contract, else its end; open-ended ones last.
pub fn contracts(
    vendors: &Vendors,
    actor: &User,
    filter: &ContractFilter,
) -> Result<Vec<ContractDto>, AppError> {
    may_read(actor)?;
    list_contracts(vendors, filter)
}

/// [`contracts`] without asking who wants them (exports on the command
/// line).
pub fn list_contracts(
    vendors: &Vendors,
    filter: &ContractFilter,
) -> Result<Vec<ContractDto>, AppError> {
    let mut list = vendors.db.read(|conn| {
        let owner = match &filter.owner {
            Some(o) => Some(
                people::find_person(conn, o)?
                    .map(|u| u.id)
                    .ok_or_else(|| AppError::invalid("owner", "no such person"))?,
            ),
            None => None,
        };
        let rows: Vec<Contract> = repo::contracts(conn, filter.vendor_id.as_deref())?
            .into_iter()
            .filter(|c| filter.kind.is_none_or(|k| k == c.kind))
            .filter(|c| owner.is_none() || c.owner_id == owner)
            .collect();
        dtos(conn, vendors, &rows)
    })?;
    if let Some(s) = filter.status {
        list.retain(|c| c.status == s);
    }
    let today = vendors.settings.today();
    // Upcoming dates first, soonest first; then past ones, latest first;
    // open-ended last.
    let next = |c: &ContractDto| {
        let notice = c.notice_deadline.filter(|d| c.auto_renew && *d >= today);
        c.terminates_on.or(notice).or(c.ends_on)
    };
    let key = |c: &ContractDto| match next(c) {
        Some(d) if d >= today => (0, (d - today).num_days()),
        Some(d) => (1, (today - d).num_days()),
        None => (2, 0),
    };
    list.sort_by(|a, b| (key(a), &a.id).cmp(&(key(b), &b.id)));
    Ok(list)
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
