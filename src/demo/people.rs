//! The demo's people, queues and categories: created once, found again on
//! later runs.

use chrono::NaiveDateTime;
use rand::RngExt;
use rand::rngs::StdRng;

use super::catalog;
use crate::auth::people::{self as users, NewPerson};
use crate::auth::{Role, User};
use crate::db::DbConn;
use crate::error::AppError;
use crate::tickets::service::bulk;
use crate::tickets::{Category, Queue};

fn new_user(
    conn: &mut DbConn,
    email: &str,
    name: &str,
    role: Role,
    hash: &str,
    org: Option<&str>,
    now: NaiveDateTime,
) -> Result<User, AppError> {
    users::create(
        conn,
        &NewPerson {
            email,
            name,
            role,
            password_hash: hash,
            organization: org,
        },
        now,
    )
}

pub(super) fn ensure_staff(
    conn: &mut DbConn,
    hash: &str,
    now: NaiveDateTime,
    created: &mut usize,
) -> Result<Vec<User>, AppError> {
    let mut out = Vec::new();
    for (email, name, role) in catalog::STAFF {
        let role: Role = role
            .parse()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        let user = match users::find_user_by_email(conn, email)? {
            Some(u) => u,
            None => {
                *created += 1;
                new_user(conn, email, name, role, hash, Some("IT"), now)?
            }
        };
        out.push(user);
    }
    Ok(out)
}

pub(super) fn ensure_requesters(
    conn: &mut DbConn,
    hash: &str,
    count: usize,
    now: NaiveDateTime,
    created: &mut usize,
    rng: &mut StdRng,
) -> Result<Vec<User>, AppError> {
    let mut out = Vec::new();
    for i in 0..count.max(1) {
        let first = catalog::FIRST_NAMES[i % catalog::FIRST_NAMES.len()];
        let last =
            catalog::LAST_NAMES[(i / catalog::FIRST_NAMES.len() + i) % catalog::LAST_NAMES.len()];
        let email = if i == 0 {
            "user@example.org".to_owned()
        } else {
            format!("{}.{}{}@example.org", ascii(first), ascii(last), i)
        };
        let user = match users::find_user_by_email(conn, &email)? {
            Some(u) => u,
            None => {
                *created += 1;
                let org = catalog::ORGANISATIONS[rng.random_range(0..catalog::ORGANISATIONS.len())];
                let name = if i == 0 {
                    "Una User".to_owned()
                } else {
                    format!("{first} {last}")
                };
                new_user(conn, &email, &name, Role::Requester, hash, Some(org), now)?
            }
        };
        out.push(user);
    }
    Ok(out)
}

fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ü' => 'u',
            'á' | 'à' => 'a',
            'é' => 'e',
            'š' => 's',
            c => c,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}

pub(super) fn ensure_catalog(
    conn: &mut DbConn,
    now: NaiveDateTime,
) -> Result<(Vec<Queue>, Vec<Category>), AppError> {
    bulk::ensure_catalog(conn, catalog::QUEUES, catalog::CATEGORIES, now)
}
