//! Files on tickets. Bytes are stored by SHA-256 under the attachments
//! folder (outside any web root) before the row is committed, so a failed
//! transaction leaves at most an unreferenced file, never a row without bytes.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use super::super::attachment_rules::{check_content_type, sanitize_filename};
use super::super::model::Attachment;
use super::super::repo;
use super::{TicketRef, visible_ticket};
use crate::audit;
use crate::auth::User;
use crate::auth::domain::{may_comment, may_see_internal};
use crate::db::Db;
use crate::error::AppError;
use crate::ids;
use crate::text::hex;
use crate::tickets::settings::AttachmentSettings;

pub use crate::http::multipart::Upload;

/// A file checked and ready to store.
#[derive(Debug, Clone)]
pub struct NewUpload {
    pub filename: String,
    pub content_type: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

impl NewUpload {
    /// Checks name, size and type.
    pub fn check(upload: Upload, settings: &AttachmentSettings) -> Result<NewUpload, AppError> {
        if upload.bytes.len() as u64 > settings.max_bytes {
            return Err(AppError::PayloadTooLarge(format!(
                "`{}` is larger than the limit of {} bytes",
                upload.filename, settings.max_bytes
            )));
        }
        if upload.bytes.is_empty() {
            return Err(AppError::invalid(
                "file",
                format!("`{}` is empty", upload.filename),
            ));
        }
        let content_type = check_content_type(
            &upload.declared_type,
            &upload.bytes,
            &settings.allowed_types,
        )
        .map_err(AppError::UnsupportedMediaType)?;
        Ok(NewUpload {
            filename: sanitize_filename(&upload.filename),
            content_type,
            sha256: hex(&Sha256::digest(&upload.bytes)),
            bytes: upload.bytes,
        })
    }
}

/// Where the bytes with this digest live.
pub fn stored_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(&sha256[..2]).join(sha256)
}

fn store(dir: &Path, file: &NewUpload) -> Result<(), AppError> {
    let path = stored_path(dir, &file.sha256);
    if path.exists() {
        // The same bytes again: mark them fresh, so that the collector of
        // unreferenced files leaves them to the transaction about to use them.
        let touched = std::fs::File::options()
            .append(true)
            .open(&path)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()));
        if touched.is_ok() {
            return Ok(());
        }
    }
    let parent = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("creating {}: {e}", parent.display())))?;
    let tmp = parent.join(format!(".{}.{}", file.sha256, ids::new_id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&file.bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        AppError::Internal(anyhow::anyhow!(
            "storing attachment {}: {e}",
            path.display()
        ))
    })
}

/// Attaches checked files to a ticket the actor may comment on, within the
/// per-ticket limit; all or none. `public: false` makes them internal (staff
/// only), as an internal note's files are.
pub fn add_attachment(
    db: &Db,
    settings: &AttachmentSettings,
    actor: &User,
    r: &TicketRef,
    files: Vec<NewUpload>,
    public: bool,
    now: NaiveDateTime,
) -> Result<Vec<Attachment>, AppError> {
    if files.is_empty() {
        return Err(AppError::invalid("file", "send at least one file part"));
    }
    let check_access = |conn: &mut crate::db::DbConn| -> Result<_, AppError> {
        let (ticket, rel) = visible_ticket(conn, actor, r)?;
        if !may_comment(actor.role, rel) {
            return Err(AppError::Forbidden(format!(
                "a {} cannot add files to this ticket",
                actor.role
            )));
        }
        if !public && !may_see_internal(actor.role) {
            return Err(AppError::invalid(
                "public",
                "only staff may add internal files",
            ));
        }
        Ok(ticket)
    };
    db.read(check_access)?;
    store_files(settings, &files)?;
    db.write(|conn| {
        let ticket = check_access(conn)?;
        attach_in(
            conn,
            settings,
            actor,
            &ticket.id,
            Attach {
                comment_id: None,
                public,
            },
            &files,
            now,
        )
    })
}

/// Writes checked files to the attachments folder (before the transaction
/// that records them). A transaction that then fails leaves the bytes
/// unreferenced; [`collect_orphans`] removes them later.
pub fn store_files(settings: &AttachmentSettings, files: &[NewUpload]) -> Result<(), AppError> {
    for f in files {
        store(&settings.dir, f)?;
    }
    Ok(())
}

/// Which of some digests another register keeps files under.
pub type ReferencedElsewhere<'a> =
    dyn Fn(&[String]) -> Result<std::collections::HashSet<String>, AppError> + 'a;

/// Removes stored files that no attachment refers to (their transaction was
/// refused after the bytes were written) and left-over temporary files,
/// once they are older than `grace`: a file younger than that may belong to
/// a transaction still running. `elsewhere` says which digests other
/// registers keep files under (contract documents share the folder).
/// Returns how many were removed.
pub fn collect_orphans(
    db: &Db,
    settings: &AttachmentSettings,
    grace: std::time::Duration,
    elsewhere: &ReferencedElsewhere<'_>,
) -> Result<usize, AppError> {
    let Ok(shards) = std::fs::read_dir(&settings.dir) else {
        return Ok(0); // nothing stored yet
    };
    let cutoff = std::time::SystemTime::now() - grace;
    let old = |p: &Path| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < cutoff)
    };
    let mut removed = 0;
    for shard in shards.flatten() {
        let Ok(entries) = std::fs::read_dir(shard.path()) else {
            continue;
        };
        let mut candidates: Vec<(String, PathBuf)> = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if !old(&path) {
                continue;
            }
            if name.starts_with('.') {
                removed += usize::from(std::fs::remove_file(&path).is_ok());
            } else if name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
                candidates.push((name, path));
            }
        }
        for chunk in candidates.chunks(500) {
            let digests: Vec<String> = chunk.iter().map(|(d, _)| d.clone()).collect();
            let mut used =
                db.read(|conn| Ok::<_, AppError>(repo::referenced_digests(conn, &digests)?))?;
            used.extend(elsewhere(&digests)?);
            for (digest, path) in chunk {
                if !used.contains(digest) {
                    removed += usize::from(std::fs::remove_file(path).is_ok());
                }
            }
        }
    }
    Ok(removed)
}

/// What files are recorded with: the comment they came with, and whether
/// the requester may see them (the comment's visibility).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attach<'a> {
    pub comment_id: Option<&'a str>,
    pub public: bool,
}

/// Records stored files on a ticket inside the caller's transaction, within
/// the per-ticket limit; all or none. The ticket's row is held while
/// counting, so parallel uploads cannot pass the limit together.
pub(crate) fn attach_in(
    conn: &mut crate::db::DbConn,
    settings: &AttachmentSettings,
    actor: &User,
    ticket_id: &str,
    with: Attach<'_>,
    files: &[NewUpload],
    now: NaiveDateTime,
) -> Result<Vec<Attachment>, AppError> {
    repo::lock(conn, ticket_id)?;
    let existing = repo::count_attachments(conn, ticket_id)?;
    if existing + files.len() as i64 > settings.max_per_ticket {
        return Err(AppError::conflict(
            "attachment_limit",
            format!(
                "a ticket may carry at most {} attachments; this one has {existing}",
                settings.max_per_ticket
            ),
        ));
    }
    let mut rows = Vec::with_capacity(files.len());
    for f in files {
        let row = Attachment {
            id: ids::new_id(),
            ticket_id: ticket_id.to_owned(),
            comment_id: with.comment_id.map(str::to_owned),
            filename: f.filename.clone(),
            content_type: f.content_type.clone(),
            size_bytes: f.bytes.len() as i64,
            sha256: f.sha256.clone(),
            uploaded_by_id: actor.id.clone(),
            created_at: now,
            is_public: with.public,
        };
        repo::insert_attachment(conn, &row)?;
        audit::record(
            conn,
            audit::Entry {
                entity_type: "ticket",
                entity_id: ticket_id,
                actor_id: Some(&actor.id),
                action: "attachment_added",
                changes: serde_json::json!({
                    "attachment_id": row.id,
                    "comment_id": row.comment_id,
                    "filename": row.filename,
                    "content_type": row.content_type,
                    "size_bytes": row.size_bytes,
                    "public": row.is_public,
                }),
                at: now,
            },
        )?;
        rows.push(row);
    }
    repo::touch(conn, ticket_id, now)?;
    Ok(rows)
}

/// The files of a ticket the actor may see (internal ones only for staff).
pub fn list_attachments(db: &Db, actor: &User, r: &TicketRef) -> Result<Vec<Attachment>, AppError> {
    db.read(|conn| {
        let (ticket, _) = visible_ticket(conn, actor, r)?;
        Ok(repo::attachments(
            conn,
            &ticket.id,
            may_see_internal(actor.role),
        )?)
    })
}

/// An attachment and the path of its bytes, if the actor may see the ticket
/// and, for an internal file, its internal notes.
pub fn attachment_for_download(
    db: &Db,
    settings: &AttachmentSettings,
    actor: &User,
    r: &TicketRef,
    attachment_id: &str,
) -> Result<(Attachment, PathBuf), AppError> {
    db.read(|conn| {
        let (ticket, _) = visible_ticket(conn, actor, r)?;
        let row = repo::find_attachment(
            conn,
            &ticket.id,
            attachment_id,
            may_see_internal(actor.role),
        )?
        .ok_or_else(|| AppError::NotFound(format!("attachment {attachment_id}")))?;
        let path = stored_path(&settings.dir, &row.sha256);
        Ok((row, path))
    })
}
