//! The append-only history of every change to every record. Services write
//! an event in the same transaction as the change it describes; the tables
//! refuse UPDATE and DELETE (triggers in both backends' migrations).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use crate::db::DbConn;
use crate::db::schema::audit_events;
use crate::ids;

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
// `None` is stored as NULL (the table has no defaults): a fixed INSERT
// whose prepared statement diesel keeps, instead of one built per row.
#[diesel(table_name = audit_events, treat_none_as_default_value = false)]
pub struct AuditEvent {
    pub id: String,
    pub entity_type: String,
    pub entity_id: String,
    pub actor_id: Option<String>,
    pub action: String,
    /// JSON: for field changes `{"field": {"from": .., "to": ..}}`, otherwise
    /// whatever describes the action.
    pub changes: String,
    pub occurred_at: NaiveDateTime,
}

/// What a service records.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub actor_id: Option<&'a str>,
    pub action: &'a str,
    pub changes: Value,
    pub at: NaiveDateTime,
}

/// Appends one event.
pub fn record(conn: &mut DbConn, entry: Entry<'_>) -> QueryResult<()> {
    record_many(conn, std::slice::from_ref(&entry))
}

/// Appends what `actor_id` did to one entity (the shape most services
/// record).
pub fn record_by(
    conn: &mut DbConn,
    actor_id: &str,
    (entity_type, entity_id): (&str, &str),
    action: &str,
    changes: Value,
    at: NaiveDateTime,
) -> QueryResult<()> {
    record(
        conn,
        Entry {
            entity_type,
            entity_id,
            actor_id: Some(actor_id),
            action,
            changes,
            at,
        },
    )
}

/// Appends several events in one statement.
pub fn record_many(conn: &mut DbConn, entries: &[Entry<'_>]) -> QueryResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let rows: Vec<AuditEvent> = entries
        .iter()
        .map(|e| AuditEvent {
            id: ids::new_id(),
            entity_type: e.entity_type.to_owned(),
            entity_id: e.entity_id.to_owned(),
            actor_id: e.actor_id.map(str::to_owned),
            action: e.action.to_owned(),
            changes: e.changes.to_string(),
            occurred_at: e.at,
        })
        .collect();
    crate::insert_all!(conn, audit_events::table, &rows)?;
    Ok(())
}

/// Appends events built elsewhere (bulk loaders that write many at once).
pub fn insert_events(conn: &mut DbConn, rows: &[AuditEvent]) -> QueryResult<()> {
    crate::insert_all!(conn, audit_events::table, rows).map(|_| ())
}

/// The history of one record, oldest first.
pub fn history(
    conn: &mut DbConn,
    entity_type: &str,
    entity_id: &str,
) -> QueryResult<Vec<AuditEvent>> {
    audit_events::table
        .filter(audit_events::entity_type.eq(entity_type))
        .filter(audit_events::entity_id.eq(entity_id))
        .order((audit_events::occurred_at.asc(), audit_events::id.asc()))
        .select(AuditEvent::as_select())
        .load(conn)
}

/// Sets `slot` to `new` and, when that changes it, notes `name`'s
/// from/to in `changes` (for an `updated`-style history event).
pub fn note_change<T: PartialEq + Clone + Into<Value>>(
    changes: &mut serde_json::Map<String, Value>,
    name: &str,
    slot: &mut T,
    new: T,
) {
    if *slot != new {
        changes.insert(name.into(), change(slot.clone(), new.clone()));
        *slot = new;
    }
}

/// `{"from": old, "to": new}` for one changed field.
pub fn change(from: impl Into<Value>, to: impl Into<Value>) -> Value {
    serde_json::json!({ "from": from.into(), "to": to.into() })
}

/// The fields of two snapshots (JSON objects) that differ, as
/// `{"field": {"from": .., "to": ..}}`.
pub fn diff(before: &Value, after: &Value) -> Value {
    after
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| before.get(k.as_str()) != Some(v))
        .map(|(k, v)| (k.clone(), change(before[k.as_str()].clone(), v.clone())))
        .collect::<serde_json::Map<String, Value>>()
        .into()
}

/// The events of these records at or after `since`, except those of the
/// action `skip` (a frequent one the caller does not need), oldest first,
/// grouped by record.
pub fn history_since(
    conn: &mut DbConn,
    entity_type: &str,
    entity_ids: &[String],
    since: NaiveDateTime,
    skip: &str,
) -> QueryResult<std::collections::HashMap<String, Vec<AuditEvent>>> {
    histories(conn, entity_type, entity_ids, Some((since, skip)))
}

/// The histories of records, oldest first, grouped by record; with
/// `only`, the events at or after an instant and not of one action.
fn histories(
    conn: &mut DbConn,
    entity_type: &str,
    entity_ids: &[String],
    only: Option<(NaiveDateTime, &str)>,
) -> QueryResult<std::collections::HashMap<String, Vec<AuditEvent>>> {
    let mut out: std::collections::HashMap<String, Vec<AuditEvent>> =
        std::collections::HashMap::new();
    for chunk in entity_ids.chunks(500) {
        let mut q = audit_events::table
            .filter(audit_events::entity_type.eq(entity_type))
            .filter(audit_events::entity_id.eq_any(chunk))
            .into_boxed();
        if let Some((since, skip)) = only {
            q = q
                .filter(audit_events::occurred_at.ge(since))
                .filter(audit_events::action.ne(skip));
        }
        let rows: Vec<AuditEvent> = q
            .order((audit_events::occurred_at.asc(), audit_events::id.asc()))
            .select(AuditEvent::as_select())
            .load(conn)?;
        for r in rows {
            out.entry(r.entity_id.clone()).or_default().push(r);
        }
    }
    Ok(out)
}

/// Which of these records have an event of `action` in `[from, to)`.
pub fn with_action_between(
    conn: &mut DbConn,
    entity_type: &str,
    entity_ids: &[String],
    action: &str,
    (from, to): (NaiveDateTime, NaiveDateTime),
) -> QueryResult<std::collections::HashSet<String>> {
    let mut out = std::collections::HashSet::new();
    for chunk in entity_ids.chunks(500) {
        let rows: Vec<String> = audit_events::table
            .filter(audit_events::entity_type.eq(entity_type))
            .filter(audit_events::entity_id.eq_any(chunk))
            .filter(audit_events::occurred_at.ge(from))
            .filter(audit_events::occurred_at.lt(to))
            .filter(audit_events::action.eq(action))
            .select(audit_events::entity_id)
            .distinct()
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// Every event of `action` on records of `entity_type` in `[from, to)`,
/// oldest first.
pub fn actions_between(
    conn: &mut DbConn,
    entity_type: &str,
    action: &str,
    (from, to): (NaiveDateTime, NaiveDateTime),
) -> QueryResult<Vec<AuditEvent>> {
    audit_events::table
        .filter(audit_events::entity_type.eq(entity_type))
        .filter(audit_events::action.eq(action))
        .filter(audit_events::occurred_at.ge(from))
        .filter(audit_events::occurred_at.lt(to))
        .order((audit_events::occurred_at.asc(), audit_events::id.asc()))
        .select(AuditEvent::as_select())
        .load(conn)
}

/// The histories of several records, oldest first, grouped by record.
pub fn history_many(
    conn: &mut DbConn,
    entity_type: &str,
    entity_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, Vec<AuditEvent>>> {
    histories(conn, entity_type, entity_ids, None)
}
