//! Saved replies ("canned responses"): coordinators and admins keep them,
//! for one queue or for every queue; agents insert them into a reply with
//! their placeholders filled from the ticket.

use chrono::NaiveDateTime;
use serde_json::json;

use super::super::model::CannedResponse;
use super::super::repo;
use super::resolve_queue;
use crate::audit;
use crate::auth::{Role, User};
use crate::db::Db;
use crate::error::{AppError, FieldError};
use crate::ids;

/// The placeholders a saved reply may hold, with what each becomes.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("{requester.first_name}", "the requester's first name"),
    ("{requester.name}", "the requester's full name"),
    ("{ticket.reference}", "the ticket's reference, e.g. IT-1042"),
    ("{ticket.subject}", "the ticket's subject"),
    ("{agent.first_name}", "your first name"),
    ("{agent.name}", "your full name"),
];

/// What fills the placeholders of one reply on one ticket.
#[derive(Debug, Clone, Default)]
pub struct Fill<'a> {
    pub requester_name: &'a str,
    pub requester_email: &'a str,
    pub reference: &'a str,
    pub subject: &'a str,
    pub agent_name: &'a str,
    pub agent_email: &'a str,
}

/// A first name: the first word of a display name, else the mail
/// address's local part up to a dot, capitalized.
fn first_name(name: &str, email: &str) -> String {
    match name.split_whitespace().next() {
        Some(w) if !w.contains('@') => w.to_owned(),
        _ => {
            let local = email.split('@').next().unwrap_or("");
            let word = local.split(['.', '_', '-']).next().unwrap_or(local);
            let mut c = word.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// Where a placeholder starts and ends.
const OPEN: char = '\u{7b}';
const CLOSE: char = '\u{7d}';

/// The reply with its placeholders filled, in one pass (text that is
/// filled in is never read again as a placeholder).
pub fn fill(body: &str, f: &Fill<'_>) -> String {
    let full = |name: &str, email: &str| {
        if name.trim().is_empty() {
            email.to_owned()
        } else {
            name.trim().to_owned()
        }
    };
    let value = |token: &str| -> Option<String> {
        Some(match token {
            "{requester.first_name}" => first_name(f.requester_name, f.requester_email),
            "{requester.name}" => full(f.requester_name, f.requester_email),
            "{ticket.reference}" => f.reference.to_owned(),
            "{ticket.subject}" => f.subject.to_owned(),
            "{agent.first_name}" => first_name(f.agent_name, f.agent_email),
            "{agent.name}" => full(f.agent_name, f.agent_email),
            _ => return None,
        })
    };
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        match tail
            .find(CLOSE)
            .and_then(|end| value(&tail[..=end]).map(|v| (end, v)))
        {
            Some((end, v)) => {
                out.push_str(&v);
                rest = &tail[end + 1..];
            }
            None => {
                out.push(OPEN);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{…}` in a body that are not placeholders.
fn unknown_placeholders(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let token = &rest[start..start + len + 1];
        let looks = token[1..token.len() - 1]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
        if looks && !PLACEHOLDERS.iter().any(|(p, _)| *p == token) {
            out.push(token.to_owned());
        }
        rest = &rest[start + len + 1..];
    }
    out
}

/// A saved reply as written on the form or sent to the API.
#[derive(Debug, Clone, Default)]
pub struct CannedInput {
    pub name: String,
    pub body: String,
    /// A queue's slug; empty: every queue.
    pub queue: String,
}

fn may_keep(actor: &User) -> Result<(), AppError> {
    if matches!(actor.role, Role::Coordinator | Role::Admin) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "coordinators and admins keep the saved replies".into(),
        ))
    }
}

fn may_use(actor: &User) -> Result<(), AppError> {
    if actor.role.works_tickets() {
        Ok(())
    } else {
        Err(AppError::Forbidden("saved replies are for IT staff".into()))
    }
}

fn check(input: &CannedInput) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        errors.push(FieldError::new("name", "a name of 1 to 80 characters"));
    }
    let body = input.body.trim();
    if body.is_empty() || body.chars().count() > 10_000 {
        errors.push(FieldError::new("body", "a text of 1 to 10,000 characters"));
    }
    let unknown = unknown_placeholders(body);
    if !unknown.is_empty() {
        let known: Vec<&str> = PLACEHOLDERS.iter().map(|(p, _)| *p).collect();
        errors.push(FieldError::new(
            "body",
            format!(
                "{} is not a placeholder; use {}",
                unknown.join(", "),
                known.join(", ")
            ),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Saves a new reply (`id` `None`) or changes one.
pub fn save(
    db: &Db,
    actor: &User,
    id: Option<&str>,
    input: &CannedInput,
    now: NaiveDateTime,
) -> Result<CannedResponse, AppError> {
    may_keep(actor)?;
    check(input)?;
    let name = input.name.trim().to_owned();
    let body = input.body.trim().replace("\r\n", "\n");
    let result = db.write(|conn| {
        let queue = match input.queue.trim() {
            "" => None,
            slug => Some(resolve_queue(conn, "queue", slug)?.id),
        };
        let (row, action) = match id {
            None => {
                let row = CannedResponse {
                    id: ids::new_id(),
                    queue_id: queue,
                    name: name.clone(),
                    body: body.clone(),
                    created_by: actor.id.clone(),
                    created_at: now,
                    updated_at: now,
                };
                repo::insert_canned(conn, &row)?;
                (row, "created")
            }
            Some(id) => {
                let mut row = repo::canned(conn, id)?
                    .ok_or_else(|| AppError::NotFound(format!("saved reply {id}")))?;
                repo::update_canned(conn, id, (queue.as_deref(), &name, &body), now)?;
                (row.queue_id, row.name, row.body) = (queue, name.clone(), body.clone());
                row.updated_at = now;
                (row, "updated")
            }
        };
        audit::record(
            conn,
            audit::Entry {
                entity_type: "canned_response",
                entity_id: &row.id,
                actor_id: Some(&actor.id),
                action,
                changes: json!({"name": row.name, "queue_id": row.queue_id}),
                at: now,
            },
        )?;
        Ok(row)
    });
    result.map_err(|e| match e {
        AppError::Conflict { .. } => AppError::invalid(
            "name",
            format!("a saved reply named “{}” exists already", input.name.trim()),
        ),
        other => other,
    })
}

/// Every saved reply (staff who work tickets).
pub fn list_all(db: &Db, actor: &User) -> Result<Vec<CannedResponse>, AppError> {
    may_use(actor)?;
    db.read(|conn| Ok(repo::all_canned(conn)?))
}

/// The replies offered on a ticket of `queue_id`.
pub fn offered(
    db: &Db,
    actor: &User,
    queue_id: Option<&str>,
) -> Result<Vec<CannedResponse>, AppError> {
    may_use(actor)?;
    db.read(|conn| Ok(repo::canned_for_queue(conn, queue_id)?))
}

pub fn delete(db: &Db, actor: &User, id: &str, now: NaiveDateTime) -> Result<(), AppError> {
    may_keep(actor)?;
    db.write(|conn| {
        let row = repo::canned(conn, id)?
            .ok_or_else(|| AppError::NotFound(format!("saved reply {id}")))?;
        repo::delete_canned(conn, id)?;
        audit::record(
            conn,
            audit::Entry {
                entity_type: "canned_response",
                entity_id: id,
                actor_id: Some(&actor.id),
                action: "deleted",
                changes: json!({"name": row.name}),
                at: now,
            },
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_from_the_ticket_and_the_agent() {
        let f = Fill {
            requester_name: "Ria Janssen",
            requester_email: "ria@example.org",
            reference: "IT-1042",
            subject: "VPN drops",
            agent_name: "",
            agent_email: "sam.lee@example.org",
        };
        assert_eq!(
            fill(
                "Hello {requester.first_name}, about {ticket.reference} ({ticket.subject}): … {agent.first_name} / {agent.name}",
                &f
            ),
            "Hello Ria, about IT-1042 (VPN drops): … Sam / sam.lee@example.org"
        );
    }

    #[test]
    fn filled_text_is_not_read_again() {
        let f = Fill {
            subject: "printer says {agent.name}",
            agent_name: "Sam Lee",
            ..Fill::default()
        };
        assert_eq!(
            fill("{ticket.subject} {x} {", &f),
            "printer says {agent.name} {x} {"
        );
    }

    #[test]
    fn an_unknown_placeholder_is_refused_by_name() {
        assert_eq!(
            unknown_placeholders("Hi {requester.firstname}, {ticket.reference} {x y}"),
            vec!["{requester.firstname}".to_owned()]
        );
        let e = check(&CannedInput {
            name: "Hi".into(),
            body: "Hi {name}".into(),
            queue: String::new(),
        })
        .unwrap_err();
        assert!(
            format!("{e:?}").contains("{name} is not a placeholder"),
            "{e:?}"
        );
    }
}
