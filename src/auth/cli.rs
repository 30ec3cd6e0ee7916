//! `itdesk admin …`: people and tokens from the command line (the first
//! admin, tokens for integrations, deactivating a leaver).

use std::io::Read;

use anyhow::Context;
use clap::Subcommand;

use super::tokens::{self, Owner};
use super::{Auth, Role, service as people};
use crate::db::Db;

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an API token; creates the user with ROLE if missing.
    ///
    /// The token is printed as the last line of standard output and shown
    /// only once: itdesk stores just its SHA-256 digest.
    CreateToken {
        #[arg(long)]
        email: String,
        /// requester, agent, coordinator, asset_manager, admin or viewer.
        #[arg(long)]
        role: Role,
        /// A note saying what the token is for.
        #[arg(long, default_value = "cli")]
        label: String,
        /// The token stops working after this many days (default: never;
        /// revoke it with `revoke-token`).
        #[arg(long, value_name = "DAYS")]
        expires_in_days: Option<u32>,
    },
    /// List API tokens (id, owner, label, created, and whether they still
    /// work), everyone's or one person's.
    ListTokens {
        /// Only this person's tokens.
        #[arg(long)]
        email: Option<String>,
    },
    /// Revoke an API token at once (its id from `list-tokens`).
    RevokeToken {
        /// The token's id.
        id: String,
    },
    /// Deactivate a login: they can no longer log in, every session ends
    /// and every token is revoked. Their tickets and history stay.
    DeactivateUser {
        #[arg(long)]
        email: String,
    },
    /// Let a deactivated person log in again (their old tokens stay
    /// revoked).
    ActivateUser {
        #[arg(long)]
        email: String,
    },
    /// Set a new password, read from standard input; every session of the
    /// person ends.
    SetPassword {
        #[arg(long)]
        email: String,
    },
    /// Create a user who logs in with a password read from standard input.
    CreateUser {
        #[arg(long)]
        email: String,
        /// requester, agent, coordinator, asset_manager, admin or viewer.
        #[arg(long)]
        role: Role,
        /// Display name (default: from the email address).
        #[arg(long)]
        name: Option<String>,
    },
}

/// Runs one `itdesk admin` command.
pub fn run(command: AdminCommand, auth: &Auth) -> anyhow::Result<()> {
    let db = &auth.db;
    match command {
        AdminCommand::CreateToken {
            email,
            role,
            label,
            expires_in_days,
        } => create_token(db, &email, role, &label, expires_in_days),
        AdminCommand::CreateUser { email, role, name } => {
            create_user(db, &email, role, name.as_deref(), std::io::stdin())
        }
        AdminCommand::ListTokens { email } => list_tokens(db, email.as_deref()),
        AdminCommand::RevokeToken { id } => revoke_token(db, &id),
        AdminCommand::DeactivateUser { email } => set_active(db, &email, false),
        AdminCommand::ActivateUser { email } => set_active(db, &email, true),
        AdminCommand::SetPassword { email } => set_password(db, &email, std::io::stdin()),
    }
}

/// `itdesk admin create-token`: prints the token as the last line.
pub fn create_token(
    db: &Db,
    email: &str,
    role: Role,
    label: &str,
    expires_in_days: Option<u32>,
) -> anyhow::Result<()> {
    let expires_at =
        expires_in_days.map(|d| crate::ids::now() + chrono::Duration::days(i64::from(d)));
    let issued = tokens::create_token(db, email, role, label, expires_at)?;
    if issued.user_created {
        eprintln!(
            "created user {} with role {}",
            issued.user.email, issued.user.role
        );
    }
    if let Some(previous) = issued.previous_role {
        eprintln!(
            "changed the role of {} from {previous} to {}",
            issued.user.email, issued.user.role
        );
    }
    match expires_at {
        Some(at) => eprintln!(
            "API token for {} until {} UTC (shown once; only its hash is stored):",
            issued.user.email,
            at.format("%Y-%m-%d %H:%M")
        ),
        None => eprintln!(
            "API token for {} (shown once; only its hash is stored):",
            issued.user.email
        ),
    }
    println!("{}", issued.token);
    Ok(())
}

/// `itdesk admin create-user`: the password comes from stdin (first line).
pub fn create_user(
    db: &Db,
    email: &str,
    role: Role,
    name: Option<&str>,
    stdin: impl Read,
) -> anyhow::Result<()> {
    let password = first_line(stdin)?;
    let user = people::create_user(db, email, name, role, &password)?;
    println!(
        "created user {} ({}) with role {}",
        user.email, user.id, user.role
    );
    Ok(())
}

fn first_line(mut stdin: impl Read) -> anyhow::Result<String> {
    let mut input = String::new();
    stdin
        .read_to_string(&mut input)
        .context("reading the password from stdin")?;
    Ok(input.lines().next().unwrap_or("").to_owned())
}

/// `itdesk admin set-password`: a new password from stdin; every session
/// of the person ends.
pub fn set_password(db: &Db, email: &str, stdin: impl Read) -> anyhow::Result<()> {
    let password = first_line(stdin)?;
    let user = people::find_by_email(db, email)?
        .ok_or_else(|| anyhow::anyhow!("no user with email {email}"))?;
    people::set_password(db, &user.id, &password)?;
    println!(
        "set the password of {}; their sessions have ended",
        user.email
    );
    Ok(())
}

/// `itdesk admin deactivate-user` / `activate-user`.
pub fn set_active(db: &Db, email: &str, active: bool) -> anyhow::Result<()> {
    let done = people::set_active(db, None, email, active, crate::ids::now())?;
    if active {
        println!("{} can log in again (tokens stay revoked)", done.user.email);
    } else {
        println!(
            "deactivated {}: ended {} session(s), revoked {} token(s)",
            done.user.email,
            done.ended_sessions,
            done.revoked_tokens.len()
        );
    }
    Ok(())
}

/// `itdesk admin list-tokens [--email E]`: one line per token.
pub fn list_tokens(db: &Db, email: Option<&str>) -> anyhow::Result<()> {
    let admin = cli_admin();
    let owner = email.map_or(Owner::Everyone, |e| Owner::Person(e.to_owned()));
    let list = tokens::list_tokens(db, &admin, &owner)?;
    println!(
        "{:<36}  {:<28}  {:<24}  {:<16}  state",
        "id", "owner", "label", "created"
    );
    let now = crate::ids::now();
    for t in list {
        let state = match (t.token.revoked_at, t.token.expires_at) {
            (Some(at), _) => format!("revoked {}", at.format("%Y-%m-%d")),
            (None, Some(e)) if e <= now => format!("expired {}", e.format("%Y-%m-%d")),
            (None, Some(e)) => format!("valid until {}", e.format("%Y-%m-%d")),
            (None, None) => "valid".into(),
        };
        println!(
            "{:<36}  {:<28}  {:<24}  {:<16}  {state}",
            t.token.id,
            t.owner.email,
            t.token.label,
            t.token.created_at.format("%Y-%m-%d %H:%M")
        );
    }
    Ok(())
}

/// `itdesk admin revoke-token ID`.
pub fn revoke_token(db: &Db, id: &str) -> anyhow::Result<()> {
    let (t, digests) = tokens::revoke_token(db, None, id, crate::ids::now())?;
    if digests.is_empty() {
        println!(
            "token {} of {} was already revoked",
            t.token.id, t.owner.email
        );
    } else {
        println!(
            "revoked token {} ({}) of {}",
            t.token.id, t.token.label, t.owner.email
        );
    }
    Ok(())
}

/// The command line acts with an admin's rights (whoever runs it can read
/// the database anyway).
pub fn cli_admin() -> super::User {
    let at = crate::ids::now();
    super::User {
        id: String::new(),
        email: "command line".into(),
        display_name: "command line".into(),
        role: Role::Admin,
        password_hash: None,
        is_active: true,
        organization: None,
        created_at: at,
        updated_at: at,
        is_vip: false,
    }
}
