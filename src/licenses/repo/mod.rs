//! Queries of the license register's tables.

mod audits;
mod book;
mod imports;
pub use audits::*;
pub use book::*;
pub use imports::*;

use diesel::dsl::max;
use diesel::prelude::*;

use super::model::{Product, RuleRow};
use crate::db::DbConn;
use crate::db::schema::{license_products, license_rules};

pub fn insert_product(conn: &mut DbConn, p: &Product) -> QueryResult<()> {
    diesel::insert_into(license_products::table)
        .values(p)
        .execute(conn)
        .map(|_| ())
}

pub fn products(conn: &mut DbConn) -> QueryResult<Vec<Product>> {
    license_products::table
        .order((
            license_products::publisher.asc(),
            license_products::name.asc(),
            license_products::id.asc(),
        ))
        .select(Product::as_select())
        .load(conn)
}

pub fn product(conn: &mut DbConn, id: &str) -> QueryResult<Option<Product>> {
    license_products::table
        .find(id)
        .select(Product::as_select())
        .first(conn)
        .optional()
}

pub fn save_product(conn: &mut DbConn, p: &Product) -> QueryResult<()> {
    diesel::update(license_products::table.find(&p.id))
        .set((
            license_products::publisher.eq(&p.publisher),
            license_products::name.eq(&p.name),
            license_products::edition.eq(&p.edition),
            license_products::family.eq(&p.family),
            license_products::version.eq(&p.version),
            license_products::updated_at.eq(p.updated_at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn delete_product(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    diesel::delete(license_products::table.find(id))
        .execute(conn)
        .map(|n| n > 0)
}

/// How many rules name a product.
pub fn rules_of_product(conn: &mut DbConn, id: &str) -> QueryResult<i64> {
    license_rules::table
        .filter(license_rules::product_id.eq(id))
        .count()
        .get_result(conn)
}

pub fn insert_rule(conn: &mut DbConn, r: &RuleRow) -> QueryResult<()> {
    diesel::insert_into(license_rules::table)
        .values(r)
        .execute(conn)
        .map(|_| ())
}

/// Every rule in the order they are tried.
pub fn rules(conn: &mut DbConn) -> QueryResult<Vec<RuleRow>> {
    license_rules::table
        .order((license_rules::position.asc(), license_rules::id.asc()))
        .select(RuleRow::as_select())
        .load(conn)
}

pub fn rule(conn: &mut DbConn, id: &str) -> QueryResult<Option<RuleRow>> {
    license_rules::table
        .find(id)
        .select(RuleRow::as_select())
        .first(conn)
        .optional()
}

/// The position after the last rule.
pub fn next_position(conn: &mut DbConn) -> QueryResult<i32> {
    let top: Option<i32> = license_rules::table
        .select(max(license_rules::position))
        .first(conn)?;
    Ok(top.map_or(10, |p| {
        p.saturating_add(10).min(super::domain::MAX_POSITION)
    }))
}

pub fn save_rule(conn: &mut DbConn, r: &RuleRow) -> QueryResult<()> {
    diesel::update(license_rules::table.find(&r.id))
        .set((
            license_rules::product_id.eq(&r.product_id),
            license_rules::name_pattern.eq(&r.name_pattern),
            license_rules::publisher_pattern.eq(&r.publisher_pattern),
            license_rules::version_pattern.eq(&r.version_pattern),
            license_rules::exclude.eq(r.exclude),
            license_rules::position.eq(r.position),
            license_rules::updated_at.eq(r.updated_at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn delete_rule(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    diesel::delete(license_rules::table.find(id))
        .execute(conn)
        .map(|n| n > 0)
}

use super::model::Entitlement;
use crate::db::schema::license_entitlements;

pub fn insert_entitlement(conn: &mut DbConn, e: &Entitlement) -> QueryResult<()> {
    diesel::insert_into(license_entitlements::table)
        .values(e)
        .execute(conn)
        .map(|_| ())
}

/// Entitlements, of one product when given, by product and start.
pub fn entitlements(conn: &mut DbConn, product: Option<&str>) -> QueryResult<Vec<Entitlement>> {
    let mut q = license_entitlements::table
        .select(Entitlement::as_select())
        .order((
            license_entitlements::product_id.asc(),
            license_entitlements::starts_on.asc(),
            license_entitlements::id.asc(),
        ))
        .into_boxed();
    if let Some(p) = product {
        q = q.filter(license_entitlements::product_id.eq(p.to_owned()));
    }
    q.load(conn)
}

pub fn entitlement(conn: &mut DbConn, id: &str) -> QueryResult<Option<Entitlement>> {
    license_entitlements::table
        .find(id)
        .select(Entitlement::as_select())
        .first(conn)
        .optional()
}

/// Writes every field of an entitlement back.
pub fn save_entitlement(conn: &mut DbConn, e: &Entitlement) -> QueryResult<()> {
    diesel::update(license_entitlements::table.find(&e.id))
        .set(e)
        .execute(conn)
        .map(|_| ())
}

pub fn delete_entitlement(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    diesel::delete(license_entitlements::table.find(id))
        .execute(conn)
        .map(|n| n > 0)
}

/// How many entitlements a product has.
pub fn entitlements_of_product(conn: &mut DbConn, id: &str) -> QueryResult<i64> {
    license_entitlements::table
        .filter(license_entitlements::product_id.eq(id))
        .count()
        .get_result(conn)
}
