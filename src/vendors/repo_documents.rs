//! Queries of the contract documents table.

use std::collections::HashSet;

use diesel::prelude::*;

use super::model::Document;
use crate::db::DbConn;
use crate::db::schema::contract_documents;

pub fn insert(conn: &mut DbConn, d: &Document) -> QueryResult<()> {
    diesel::insert_into(contract_documents::table)
        .values(d)
        .execute(conn)
        .map(|_| ())
}

/// A contract's documents, oldest first.
pub fn of_contract(conn: &mut DbConn, contract_id: &str) -> QueryResult<Vec<Document>> {
    contract_documents::table
        .filter(contract_documents::contract_id.eq(contract_id))
        .order((
            contract_documents::created_at.asc(),
            contract_documents::id.asc(),
        ))
        .select(Document::as_select())
        .load(conn)
}

pub fn count(conn: &mut DbConn, contract_id: &str) -> QueryResult<i64> {
    contract_documents::table
        .filter(contract_documents::contract_id.eq(contract_id))
        .count()
        .get_result(conn)
}

/// One document of one contract.
pub fn find(conn: &mut DbConn, contract_id: &str, id: &str) -> QueryResult<Option<Document>> {
    contract_documents::table
        .filter(contract_documents::contract_id.eq(contract_id))
        .filter(contract_documents::id.eq(id))
        .select(Document::as_select())
        .first(conn)
        .optional()
}

pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::delete(contract_documents::table.find(id)).execute(conn)
}

/// Which of `digests` a document still refers to.
pub fn referenced_digests(conn: &mut DbConn, digests: &[String]) -> QueryResult<HashSet<String>> {
    Ok(contract_documents::table
        .filter(contract_documents::sha256.eq_any(digests))
        .select(contract_documents::sha256)
        .distinct()
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Holds the contract's row to the end of the transaction (PostgreSQL;
/// SQLite writes one at a time anyway), so that two uploads counting its
/// documents cannot pass the limit together.
pub fn lock_contract(conn: &mut DbConn, contract_id: &str) -> QueryResult<()> {
    if let DbConn::Postgres(c) = conn {
        diesel::sql_query("SELECT 1 FROM contracts WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(contract_id)
            .execute(c)?;
    }
    Ok(())
}
