//! Keeping every software title's resolution current. New titles (from
//! inventories and imports) are resolved when positions are next read; a
//! rule change re-resolves only the titles the old or the new rule
//! matches; a full re-resolution redoes them all. Both paths give the same
//! result (a test compares them).

use super::{may_change, may_read};
use crate::assets::inventory::titles::{self, Title};
use crate::auth::User;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::licenses::domain::{self, Resolution, Rule};
use crate::licenses::dto::Resolved;
use crate::licenses::model::RuleRow;
use crate::licenses::repo;
use crate::licenses::resolver::Resolver;

/// Writers of resolutions take turns under this lock (PostgreSQL).
const RESOLUTION_TURN: i64 = 0x1ce5_0001;

fn resolver(conn: &mut DbConn) -> Result<Resolver, AppError> {
    Ok(Resolver::new(
        repo::rules(conn)?.iter().map(RuleRow::rule).collect(),
    ))
}

fn resolve_titles(resolver: &Resolver, titles: &[Title]) -> Vec<(String, Resolution)> {
    titles
        .iter()
        .map(|t| {
            (
                t.id.clone(),
                resolver.resolve(&t.name, &t.publisher, &t.version),
            )
        })
        .collect()
}

/// The titles nothing is stored for yet (titles are never deleted, so
/// equal counts mean none).
fn unresolved(conn: &mut DbConn) -> Result<Vec<Title>, AppError> {
    if titles::count(conn)? == repo::resolution_count(conn)? {
        return Ok(Vec::new());
    }
    let known: std::collections::HashSet<String> =
        repo::resolved_title_ids(conn)?.into_iter().collect();
    let missing: Vec<String> = titles::ids(conn)?
        .into_iter()
        .filter(|t| !known.contains(t))
        .collect();
    Ok(titles::some(conn, &missing)?)
}

/// Resolves the titles nothing is stored for yet; how many.
pub(crate) fn catch_up(db: &Db) -> Result<usize, AppError> {
    if db.read(unresolved)?.is_empty() {
        return Ok(0);
    }
    db.write(catch_up_in)
}

fn catch_up_in(conn: &mut DbConn) -> Result<usize, AppError> {
    conn.lock_turn(RESOLUTION_TURN)?;
    let pending = unresolved(conn)?;
    if pending.is_empty() {
        return Ok(0);
    }
    let items = resolve_titles(&resolver(conn)?, &pending);
    repo::put_resolutions(conn, &items)?;
    Ok(items.len())
}

/// Takes the resolution turn before a rule changes, so that rule changes
/// and resolutions see each other's work.
pub(super) fn before_rule_change(conn: &mut DbConn) -> Result<(), AppError> {
    conn.lock_turn(RESOLUTION_TURN)?;
    Ok(())
}

/// After a rule changed from `old` to `new` (either absent for a creation
/// or a deletion), in the same transaction: re-resolves the titles either
/// version matches — no other title can have changed.
pub(super) fn after_rule_change(
    conn: &mut DbConn,
    old: Option<&Rule>,
    new: Option<&Rule>,
) -> Result<usize, AppError> {
    catch_up_in(conn)?;
    let affected: Vec<Title> = titles::all(conn)?
        .into_iter()
        .filter(|t| {
            let name = domain::clean_name(&t.name);
            let publisher = domain::clean_publisher(&t.publisher);
            let version = t.version.trim();
            [old, new]
                .into_iter()
                .flatten()
                .any(|r| r.matches(&name, &publisher, version))
        })
        .collect();
    let items = resolve_titles(&resolver(conn)?, &affected);
    repo::put_resolutions(conn, &items)?;
    Ok(items.len())
}

/// Resolves every title again from the rules; `changed` counts the
/// titles whose stored resolution differed (new titles included).
pub fn resolve_all(db: &Db, actor: &User) -> Result<Resolved, AppError> {
    may_change(actor)?;
    db.write(|conn| {
        conn.lock_turn(RESOLUTION_TURN)?;
        let all = titles::all(conn)?;
        let items = resolve_titles(&resolver(conn)?, &all);
        let stored: std::collections::HashMap<String, Resolution> =
            repo::resolutions(conn)?.into_iter().collect();
        let changed = items
            .iter()
            .filter(|(t, r)| stored.get(t) != Some(r))
            .count();
        repo::clear_resolutions(conn)?;
        repo::put_resolutions(conn, &items)?;
        Ok(Resolved {
            changed,
            ..Resolved::of(&items)
        })
    })
}

/// What every title resolves to now (after catching up).
pub fn resolutions(db: &Db, actor: &User) -> Result<Resolved, AppError> {
    may_read(actor)?;
    catch_up(db)?;
    let items = db.read(|conn| Ok::<_, AppError>(repo::resolutions(conn)?))?;
    Ok(Resolved::of(&items))
}
