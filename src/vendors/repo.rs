//! Queries of the vendor and contract tables.

use diesel::prelude::*;

use chrono::{NaiveDate, NaiveDateTime};

use super::due::Deadline;
use super::model::{Contact, Contract, Reminder, Term, Vendor};
use crate::db::DbConn;
use crate::db::schema::{contract_reminders, contract_terms, contracts, vendor_contacts, vendors};

pub fn insert_vendor(conn: &mut DbConn, v: &Vendor) -> QueryResult<()> {
    diesel::insert_into(vendors::table)
        .values(v)
        .execute(conn)
        .map(|_| ())
}

pub fn save_vendor(conn: &mut DbConn, v: &Vendor) -> QueryResult<()> {
    diesel::update(vendors::table.find(&v.id))
        .set(v)
        .execute(conn)
        .map(|_| ())
}

pub fn vendor(conn: &mut DbConn, id: &str) -> QueryResult<Option<Vendor>> {
    vendors::table
        .find(id)
        .select(Vendor::as_select())
        .first(conn)
        .optional()
}

/// Every vendor, by name.
pub fn vendors(conn: &mut DbConn) -> QueryResult<Vec<Vendor>> {
    vendors::table
        .select(Vendor::as_select())
        .order((vendors::name.asc(), vendors::id.asc()))
        .load(conn)
}

pub fn contacts(conn: &mut DbConn, vendor: &str) -> QueryResult<Vec<Contact>> {
    vendor_contacts::table
        .filter(vendor_contacts::vendor_id.eq(vendor))
        .order((
            vendor_contacts::escalation_order.asc(),
            vendor_contacts::id.asc(),
        ))
        .select(Contact::as_select())
        .load(conn)
}

/// Puts `list` in place of the vendor's contacts.
pub fn replace_contacts(conn: &mut DbConn, vendor: &str, list: &[Contact]) -> QueryResult<()> {
    diesel::delete(vendor_contacts::table.filter(vendor_contacts::vendor_id.eq(vendor)))
        .execute(conn)?;
    // One row each: a multi-row insert is not one statement on every
    // backend, and a vendor has a handful of contacts.
    for c in list {
        diesel::insert_into(vendor_contacts::table)
            .values(c)
            .execute(conn)?;
    }
    Ok(())
}

/// `c` as stored: with its derived notice deadline.
fn stored(c: &Contract) -> Contract {
    Contract {
        notice_deadline: c.derived_notice_deadline(),
        ..c.clone()
    }
}

pub fn insert_contract(conn: &mut DbConn, c: &Contract) -> QueryResult<()> {
    diesel::insert_into(contracts::table)
        .values(&stored(c))
        .execute(conn)
        .map(|_| ())
}

pub fn save_contract(conn: &mut DbConn, c: &Contract) -> QueryResult<()> {
    diesel::update(contracts::table.find(&c.id))
        .set(&stored(c))
        .execute(conn)
        .map(|_| ())
}

/// Stores the notice deadline of contracts written before it was stored
/// (it is empty where it should not be); how many were filled in.
pub fn fill_notice_deadlines(conn: &mut DbConn) -> QueryResult<usize> {
    let missing: Vec<Contract> = contracts::table
        .filter(contracts::notice_deadline.is_null())
        .filter(contracts::ends_on.is_not_null())
        .filter(
            contracts::notice_months
                .is_not_null()
                .or(contracts::notice_days.is_not_null()),
        )
        .select(Contract::as_select())
        .load(conn)?;
    for c in &missing {
        diesel::update(contracts::table.find(&c.id))
            .set(contracts::notice_deadline.eq(c.derived_notice_deadline()))
            .execute(conn)?;
    }
    Ok(missing.len())
}

pub fn contract(conn: &mut DbConn, id: &str) -> QueryResult<Option<Contract>> {
    contracts::table
        .find(id)
        .select(Contract::as_select())
        .first(conn)
        .optional()
}

/// Auto-renewing contracts nobody terminated whose term ended before
/// `today`.
pub fn due_renewals(conn: &mut DbConn, today: NaiveDate) -> QueryResult<Vec<Contract>> {
    contracts::table
        .filter(contracts::auto_renew.eq(true))
        .filter(contracts::draft.eq(false))
        .filter(contracts::terminates_on.is_null())
        .filter(contracts::renewal_months.gt(0))
        .filter(contracts::ends_on.lt(today))
        .order(contracts::id.asc())
        .select(Contract::as_select())
        .load(conn)
}

/// Moves a contract into its next term, only if its end is still `from`
/// (another process, or person, may have moved it): `true` when it moved.
pub fn roll(
    conn: &mut DbConn,
    c: &Contract,
    from: NaiveDate,
    (renewed_on, ends_on): (NaiveDate, NaiveDate),
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let notice = c
        .notice()
        .map(|n| crate::vendors::terms::notice_deadline(ends_on, n));
    diesel::update(
        contracts::table
            .find(&c.id)
            .filter(contracts::ends_on.eq(from)),
    )
    .set((
        contracts::ends_on.eq(ends_on),
        contracts::notice_deadline.eq(notice),
        contracts::renewed_on.eq(renewed_on),
        contracts::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Keeps a term a contract left; one that is kept already (its end was
/// set back by hand and it renewed again) stays as it was.
pub fn insert_term(conn: &mut DbConn, t: &Term) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => diesel::insert_into(contract_terms::table)
            .values(t)
            .on_conflict_do_nothing()
            .execute(c)?,
        DbConn::Postgres(c) => diesel::insert_into(contract_terms::table)
            .values(t)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(())
}

/// The terms a contract left behind, oldest first.
pub fn terms(conn: &mut DbConn, contract: &str) -> QueryResult<Vec<Term>> {
    contract_terms::table
        .filter(contract_terms::contract_id.eq(contract))
        .order(contract_terms::ends_on.asc())
        .select(Term::as_select())
        .load(conn)
}

/// Contracts that may owe a reminder: not drafts, with a notice deadline,
/// end or termination between `today` and `until` (the largest offset
/// ahead).
pub fn reminder_candidates(
    conn: &mut DbConn,
    (today, until): (NaiveDate, NaiveDate),
) -> QueryResult<Vec<Contract>> {
    contracts::table
        .filter(contracts::draft.eq(false))
        .filter(
            contracts::notice_deadline
                .between(today, until)
                .or(contracts::ends_on.between(today, until))
                .or(contracts::terminates_on.between(today, until)),
        )
        .order(contracts::id.asc())
        .select(Contract::as_select())
        .load(conn)
}

/// What was sent about a deadline from `from` to `until`: (contract, deadline,
/// date, offset).
pub type SentKey = (String, Deadline, NaiveDate, i32);

pub fn sent_between(
    conn: &mut DbConn,
    (from, until): (NaiveDate, NaiveDate),
) -> QueryResult<Vec<SentKey>> {
    contract_reminders::table
        .filter(contract_reminders::due_on.between(from, until))
        .select((
            contract_reminders::contract_id,
            contract_reminders::deadline,
            contract_reminders::due_on,
            contract_reminders::offset_days,
        ))
        .load(conn)
}

/// Records a reminder unless the same one is there: `true` when this call
/// recorded it (and so its caller sends it).
pub fn claim_reminder(conn: &mut DbConn, r: &Reminder) -> QueryResult<bool> {
    let inserted = match conn {
        DbConn::Sqlite(c) => diesel::insert_into(contract_reminders::table)
            .values(r)
            .on_conflict_do_nothing()
            .execute(c)?,
        DbConn::Postgres(c) => diesel::insert_into(contract_reminders::table)
            .values(r)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(inserted == 1)
}

/// The reminders sent about a contract, latest first.
pub fn reminders(conn: &mut DbConn, contract: &str) -> QueryResult<Vec<Reminder>> {
    contract_reminders::table
        .filter(contract_reminders::contract_id.eq(contract))
        .order((
            contract_reminders::queued_at.desc(),
            contract_reminders::id.asc(),
        ))
        .select(Reminder::as_select())
        .load(conn)
}

/// (id, vendor id, title) of the contracts in force on `today`: not drafts,
/// not ended, by title.
pub fn in_force(conn: &mut DbConn, today: NaiveDate) -> QueryResult<Vec<(String, String, String)>> {
    contracts::table
        .filter(contracts::draft.eq(false))
        .filter(
            contracts::ends_on
                .is_null()
                .or(contracts::ends_on.ge(today)),
        )
        .filter(
            contracts::terminates_on
                .is_null()
                .or(contracts::terminates_on.ge(today)),
        )
        .order((contracts::title.asc(), contracts::id.asc()))
        .select((contracts::id, contracts::vendor_id, contracts::title))
        .load(conn)
}
