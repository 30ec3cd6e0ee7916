//! Frozen audits: the audit export stored as it stands — XLSX, JSON and
//! each CSV sheet — with the SHA-256 of each file, returned byte for byte
//! later whatever changed since.

use chrono::{NaiveDate, NaiveDateTime};
use sha2::{Digest, Sha256};

use super::audit_file::{AuditRequest, Sheet, gather, write_gathered};
use super::{may_change, may_read, record};
use crate::auth::User;
use crate::error::AppError;
use crate::export::Format;
use crate::ids;
use crate::licenses::Licenses;
use crate::licenses::dto::{AuditFileDto, FrozenAuditDto};
use crate::licenses::repo::{self, AuditFile, FrozenAudit};

/// The stored files: name, format, CSV sheet.
const FILES: [(&str, Format, Option<Sheet>); 5] = [
    ("xlsx", Format::Xlsx, None),
    ("json", Format::Json, None),
    ("csv-summary", Format::Csv, Some(Sheet::Summary)),
    ("csv-evidence", Format::Csv, Some(Sheet::Evidence)),
    ("csv-entitlements", Format::Csv, Some(Sheet::Entitlements)),
];

/// The stored file a format (and CSV sheet, evidence by default) asks for.
pub fn file_name(format: Format, sheet: Option<Sheet>) -> &'static str {
    let sheet = (format == Format::Csv).then(|| sheet.unwrap_or(Sheet::Evidence));
    FILES
        .iter()
        .find(|(_, f, s)| *f == format && *s == sheet)
        .map_or("xlsx", |(name, ..)| name)
}

fn dto(a: &FrozenAudit, files: &[(String, String)]) -> FrozenAuditDto {
    FrozenAuditDto {
        id: a.id.clone(),
        as_of: a.as_of,
        products: serde_json::from_str(&a.products).unwrap_or_default(),
        created_at: ids::utc(a.created_at),
        files: files
            .iter()
            .map(|(name, sha256)| AuditFileDto {
                name: name.clone(),
                sha256: sha256.clone(),
            })
            .collect(),
    }
}

/// Takes the audit on `as_of` (today when none) and keeps it.
pub fn freeze(
    lic: &Licenses,
    actor: &User,
    as_of: Option<NaiveDate>,
    products: Vec<String>,
    now: NaiveDateTime,
) -> Result<FrozenAuditDto, AppError> {
    may_change(actor)?;
    let req = AuditRequest {
        as_of,
        products: products.clone(),
        format: Format::Json,
        sheet: None,
    };
    let gathered = gather(lic, actor, &req)?;
    let mut files: Vec<AuditFile> = Vec::new();
    for (name, format, sheet) in FILES {
        let mut bytes = Vec::new();
        write_gathered(lic, &gathered, format, sheet, &mut bytes)?;
        let sha = crate::text::hex(&Sha256::digest(&bytes));
        files.push((name.to_owned(), sha, bytes));
    }
    let a = FrozenAudit {
        id: ids::new_id(),
        as_of: gathered.day,
        products: serde_json::to_string(&products).unwrap_or_else(|_| "[]".into()),
        created_by: Some(actor.id.clone()),
        created_at: now,
    };
    lic.db.write(|conn| {
        repo::insert_audit(conn, &a, &files)?;
        record(
            conn,
            actor,
            ("license_audit", &a.id),
            "frozen",
            serde_json::json!({"as_of": a.as_of, "products": products}),
            now,
        )
    })?;
    let listed: Vec<(String, String)> = files
        .iter()
        .map(|(n, s, _)| (n.clone(), s.clone()))
        .collect();
    Ok(dto(&a, &listed))
}

/// Every frozen audit, newest first.
pub fn frozen_audits(lic: &Licenses, actor: &User) -> Result<Vec<FrozenAuditDto>, AppError> {
    may_read(actor)?;
    let rows = lic.db.read(|conn| Ok::<_, AppError>(repo::audits(conn)?))?;
    Ok(rows.iter().map(|(a, f)| dto(a, f)).collect())
}

/// The bytes of a frozen audit's file, with their digest.
pub fn frozen_file(
    lic: &Licenses,
    actor: &User,
    id: &str,
    format: Format,
    sheet: Option<Sheet>,
) -> Result<AuditFile, AppError> {
    may_read(actor)?;
    let name = file_name(format, sheet);
    lic.db
        .read(|conn| Ok::<_, AppError>(repo::audit_file(conn, id, name)?))?
        .ok_or_else(|| AppError::NotFound(format!("audit {id}")))
}
