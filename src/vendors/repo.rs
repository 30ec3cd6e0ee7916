//! Queries of the vendor and contract tables.

use diesel::prelude::*;

use super::model::{Contact, Contract, Vendor};
use crate::db::DbConn;
use crate::db::schema::{contracts, vendor_contacts, vendors};

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

pub fn insert_contract(conn: &mut DbConn, c: &Contract) -> QueryResult<()> {
    diesel::insert_into(contracts::table)
        .values(c)
        .execute(conn)
        .map(|_| ())
}

pub fn save_contract(conn: &mut DbConn, c: &Contract) -> QueryResult<()> {
    diesel::update(contracts::table.find(&c.id))
        .set(c)
        .execute(conn)
        .map(|_| ())
}

pub fn contract(conn: &mut DbConn, id: &str) -> QueryResult<Option<Contract>> {
    contracts::table
        .find(id)
        .select(Contract::as_select())
        .first(conn)
        .optional()
}

/// Contracts, of one vendor when given, by end date (open-ended last).
pub fn contracts(conn: &mut DbConn, vendor: Option<&str>) -> QueryResult<Vec<Contract>> {
    let mut q = contracts::table
        .select(Contract::as_select())
        .order((
            contracts::ends_on.is_null().asc(),
            contracts::ends_on.asc(),
            contracts::id.asc(),
        ))
        .into_boxed();
    if let Some(v) = vendor {
        q = q.filter(contracts::vendor_id.eq(v.to_owned()));
    }
    q.load(conn)
}
