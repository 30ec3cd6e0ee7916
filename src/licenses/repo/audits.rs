//! Frozen audits and their files.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{license_audit_files, license_audits};

/// A frozen audit.
#[derive(Debug, Clone, PartialEq, Queryable, Insertable)]
#[diesel(table_name = license_audits)]
pub struct FrozenAudit {
    pub id: String,
    pub as_of: NaiveDate,
    /// JSON array of product ids (empty: all).
    pub products: String,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A stored file's name and digest.
pub type FileDigest = (String, String);

/// One stored file of an audit: its name, digest and bytes.
pub type AuditFile = (String, String, Vec<u8>);

pub fn insert_audit(conn: &mut DbConn, a: &FrozenAudit, files: &[AuditFile]) -> QueryResult<()> {
    diesel::insert_into(license_audits::table)
        .values(a)
        .execute(conn)?;
    for (name, sha, bytes) in files {
        diesel::insert_into(license_audit_files::table)
            .values((
                license_audit_files::audit_id.eq(&a.id),
                license_audit_files::name.eq(name),
                license_audit_files::sha256.eq(sha),
                license_audit_files::bytes.eq(bytes),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Every frozen audit, newest first, with its files' names and digests.
pub fn audits(conn: &mut DbConn) -> QueryResult<Vec<(FrozenAudit, Vec<FileDigest>)>> {
    let all: Vec<FrozenAudit> = license_audits::table
        .order((license_audits::created_at.desc(), license_audits::id.desc()))
        .select((
            license_audits::id,
            license_audits::as_of,
            license_audits::products,
            license_audits::created_by,
            license_audits::created_at,
        ))
        .load(conn)?;
    let files: Vec<(String, String, String)> = license_audit_files::table
        .order((license_audit_files::audit_id, license_audit_files::name))
        .select((
            license_audit_files::audit_id,
            license_audit_files::name,
            license_audit_files::sha256,
        ))
        .load(conn)?;
    Ok(all
        .into_iter()
        .map(|a| {
            let mine = files
                .iter()
                .filter(|(id, _, _)| *id == a.id)
                .map(|(_, n, s)| (n.clone(), s.clone()))
                .collect();
            (a, mine)
        })
        .collect())
}

/// One stored file of an audit.
pub fn audit_file(conn: &mut DbConn, id: &str, name: &str) -> QueryResult<Option<AuditFile>> {
    license_audit_files::table
        .filter(license_audit_files::audit_id.eq(id))
        .filter(license_audit_files::name.eq(name))
        .select((
            license_audit_files::name,
            license_audit_files::sha256,
            license_audit_files::bytes,
        ))
        .first(conn)
        .optional()
}
