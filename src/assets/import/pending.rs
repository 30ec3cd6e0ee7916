//! "Apply this dry run": a dry run made on the web keeps its file and
//! choices beside its report; applying takes them — once, atomically, so a
//! double click cannot import twice — runs the import for real and clears
//! them. Kept files older than a day are dropped when the next is kept.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{ImportError, Report, Request, run};
use crate::assets::Assets;
use crate::auth::User;
use crate::db::Db;
use crate::db::schema::asset_imports;
use crate::error::AppError;

/// Keeps a dry run's file and request for applying it later.
pub fn keep(
    db: &Db,
    id: &str,
    bytes: &[u8],
    request: &Request,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let text = serde_json::to_string(request).map_err(|e| AppError::Internal(e.into()))?;
    db.write(|conn| {
        diesel::update(
            asset_imports::table
                .filter(asset_imports::pending_file.is_not_null())
                .filter(asset_imports::created_at.lt(now - Duration::days(1))),
        )
        .set((
            asset_imports::pending_file.eq(None::<Vec<u8>>),
            asset_imports::pending_request.eq(None::<String>),
        ))
        .execute(conn)?;
        diesel::update(asset_imports::table.find(id))
            .set((
                asset_imports::pending_file.eq(Some(bytes)),
                asset_imports::pending_request.eq(Some(&text)),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Whether the run still holds a file to apply.
pub fn can_apply(db: &Db, id: &str) -> Result<bool, AppError> {
    db.read(|conn| {
        let n: i64 = asset_imports::table
            .filter(asset_imports::id.eq(id))
            .filter(asset_imports::pending_request.is_not_null())
            .count()
            .get_result(conn)?;
        Ok(n > 0)
    })
}

/// Takes the kept file and request of a dry run (`None` when another
/// request took them first, or there were none).
fn take(db: &Db, id: &str) -> Result<Option<(Vec<u8>, Request)>, AppError> {
    db.write(|conn| {
        let row: Option<(Option<Vec<u8>>, Option<String>)> = asset_imports::table
            .find(id)
            .select((asset_imports::pending_file, asset_imports::pending_request))
            .first(conn)
            .optional()?;
        let Some((Some(bytes), Some(text))) = row else {
            return Ok(None);
        };
        let cleared = diesel::update(
            asset_imports::table
                .find(id)
                .filter(asset_imports::pending_request.is_not_null()),
        )
        .set((
            asset_imports::pending_file.eq(None::<Vec<u8>>),
            asset_imports::pending_request.eq(None::<String>),
        ))
        .execute(conn)?;
        if cleared == 0 {
            return Ok(None);
        }
        let request: Request =
            serde_json::from_str(&text).map_err(|e| AppError::Internal(e.into()))?;
        Ok(Some((bytes, request)))
    })
}

/// Applies a kept dry run: the same file and choices, for real. The file
/// is put back when the import is refused as a whole, so it can be tried
/// again.
pub fn apply(
    assets: &Assets,
    actor: &User,
    id: &str,
    now: NaiveDateTime,
) -> Result<Report, ImportError> {
    if !actor.role.manages_assets() {
        return Err(
            AppError::Forbidden("only asset managers and admins import assets".into()).into(),
        );
    }
    let Some((bytes, mut request)) = take(&assets.db, id)? else {
        return Err(AppError::conflict(
            "already_applied",
            "this dry run was already applied (or its file is gone): upload the file again",
        )
        .into());
    };
    request.dry_run = false;
    let result = request
        .options(assets)
        .map_err(ImportError::File)
        .and_then(|opts| run(&assets.db, Some(actor), &bytes, &opts, now, &mut |_, _| {}));
    if !matches!(&result, Ok(r) if r.applied) {
        request.dry_run = true;
        keep(&assets.db, id, &bytes, &request, now)?;
    }
    result
}
