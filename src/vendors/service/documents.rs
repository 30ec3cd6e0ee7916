//! Documents kept with a contract, on the rules of a ticket's files: the
//! same size limit, allowed types (checked against the bytes), cleaned
//! names, a cap per contract, bytes stored by SHA-256 before the row is
//! committed; every addition and removal in the contract's history.

use std::path::PathBuf;

use chrono::NaiveDateTime;
use serde_json::json;

use super::{may_change, may_read, record};
use crate::auth::User;
use crate::error::AppError;
use crate::ids;
use crate::tickets::service::{NewUpload, store_files, stored_path};
use crate::vendors::Vendors;
use crate::vendors::model::Document;
use crate::vendors::{repo, repo_documents};

fn contract_exists(conn: &mut crate::db::DbConn, id: &str) -> Result<(), AppError> {
    repo::contract(conn, id)?
        .map(|_| ())
        .ok_or_else(|| AppError::NotFound(format!("contract {id}")))
}

/// Adds checked files to a contract, all or none, within the per-contract
/// cap (`attachments.max_per_ticket`).
pub fn add_documents(
    vendors: &Vendors,
    actor: &User,
    contract_id: &str,
    files: Vec<NewUpload>,
    now: NaiveDateTime,
) -> Result<Vec<Document>, AppError> {
    may_change(actor)?;
    if files.is_empty() {
        return Err(AppError::invalid("file", "send at least one file part"));
    }
    vendors.db.read(|conn| contract_exists(conn, contract_id))?;
    store_files(&vendors.files, &files)?;
    let cap = vendors.files.max_per_ticket;
    vendors.db.write(|conn| {
        contract_exists(conn, contract_id)?;
        repo_documents::lock_contract(conn, contract_id)?;
        let existing = repo_documents::count(conn, contract_id)?;
        if existing + files.len() as i64 > cap {
            return Err(AppError::conflict(
                "document_limit",
                format!("a contract may keep at most {cap} documents; this one has {existing}"),
            ));
        }
        let mut rows = Vec::with_capacity(files.len());
        for f in &files {
            let d = Document {
                id: ids::new_id(),
                contract_id: contract_id.to_owned(),
                filename: f.filename.clone(),
                content_type: f.content_type.clone(),
                size_bytes: f.bytes.len() as i64,
                sha256: f.sha256.clone(),
                uploaded_by_id: actor.id.clone(),
                created_at: now,
            };
            repo_documents::insert(conn, &d)?;
            let changes = json!({"document": {"id": d.id, "filename": d.filename,
                "size_bytes": d.size_bytes, "sha256": d.sha256}});
            record(
                conn,
                actor,
                ("contract", contract_id),
                "document_added",
                changes,
                now,
            )?;
            rows.push(d);
        }
        Ok(rows)
    })
}

/// A contract's documents, oldest first.
pub fn documents(
    vendors: &Vendors,
    actor: &User,
    contract_id: &str,
) -> Result<Vec<Document>, AppError> {
    may_read(actor)?;
    vendors.db.read(|conn| {
        contract_exists(conn, contract_id)?;
        Ok(repo_documents::of_contract(conn, contract_id)?)
    })
}

/// A document and where its bytes are.
pub fn document_for_download(
    vendors: &Vendors,
    actor: &User,
    contract_id: &str,
    id: &str,
) -> Result<(Document, PathBuf), AppError> {
    may_read(actor)?;
    let d = vendors
        .db
        .read(|conn| Ok::<_, AppError>(repo_documents::find(conn, contract_id, id)?))?
        .ok_or_else(|| AppError::NotFound(format!("document {id} of contract {contract_id}")))?;
    let path = stored_path(&vendors.files.dir, &d.sha256);
    Ok((d, path))
}

/// Removes a document from a contract (its bytes go once nothing else
/// refers to them); the history keeps its name and digest.
pub fn remove_document(
    vendors: &Vendors,
    actor: &User,
    contract_id: &str,
    id: &str,
    now: NaiveDateTime,
) -> Result<Document, AppError> {
    may_change(actor)?;
    vendors.db.write(|conn| {
        let d = repo_documents::find(conn, contract_id, id)?.ok_or_else(|| {
            AppError::NotFound(format!("document {id} of contract {contract_id}"))
        })?;
        repo_documents::delete(conn, id)?;
        let changes = json!({"document": {"id": d.id, "filename": d.filename, "sha256": d.sha256}});
        record(
            conn,
            actor,
            ("contract", contract_id),
            "document_removed",
            changes,
            now,
        )?;
        Ok(d)
    })
}

/// Which of `digests` a contract document still refers to (the collector
/// of unreferenced files asks before removing bytes).
pub fn document_digests(
    vendors: &Vendors,
    digests: &[String],
) -> Result<std::collections::HashSet<String>, AppError> {
    vendors
        .db
        .read(|conn| Ok(repo_documents::referenced_digests(conn, digests)?))
}
