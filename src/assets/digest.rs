//! The daily digest for asset managers: warranties about to end and
//! hand-overs past their return date, mailed through the outbox.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;

use super::Assets;
use super::domain::Status;
use super::model::Asset;
use super::repo;
use crate::auth::{Role, people as users};
use crate::db::DbConn;
use crate::db::schema::assets;
use crate::error::AppError;
use crate::jobs::queue::Job;
use crate::outbox::Rendered;

pub const JOB: &str = "assets.digest";

/// What the digest of `today` lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub warranties: Vec<Asset>,
    /// (asset tag, person's email, expected return).
    pub overdue: Vec<(String, String, NaiveDate)>,
}

/// Live assets whose warranty ends within `days` of `today`, soonest first,
/// and open hand-overs due before `today`.
pub fn gather(conn: &mut DbConn, today: NaiveDate, days: i64) -> Result<Digest, AppError> {
    let warranties = assets::table
        .filter(assets::warranty_end.ge(today))
        .filter(assets::warranty_end.le(today + Duration::days(days)))
        .filter(assets::status.ne_all([Status::Disposed, Status::Stolen]))
        .order((assets::warranty_end.asc(), assets::asset_tag.asc()))
        .select(Asset::as_select())
        .load(conn)?;
    let open = repo::open_checkouts(conn, Some(today), 500)?;
    let ids: Vec<String> = open.iter().map(|(c, _)| c.user_id.clone()).collect();
    let people: std::collections::HashMap<String, String> = users::find_users(conn, &ids)?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let overdue = open
        .into_iter()
        .filter_map(|(c, a)| {
            Some((
                a.asset_tag,
                people.get(&c.user_id).cloned().unwrap_or_default(),
                c.expected_return?,
            ))
        })
        .collect();
    Ok(Digest {
        warranties,
        overdue,
    })
}

fn render(d: &Digest, today: NaiveDate, helpdesk: &str) -> Rendered {
    let mut lines = Vec::new();
    if !d.warranties.is_empty() {
        lines.push(format!("Warranties ending soon ({}):", d.warranties.len()));
        for a in &d.warranties {
            lines.push(format!(
                "  {}  {}  ends {}",
                a.asset_tag,
                a.hostname.as_deref().unwrap_or("-"),
                a.warranty_end.map(|d| d.to_string()).unwrap_or_default()
            ));
        }
        lines.push(String::new());
    }
    if !d.overdue.is_empty() {
        lines.push(format!("Overdue returns ({}):", d.overdue.len()));
        for (tag, who, due) in &d.overdue {
            lines.push(format!("  {tag}  {who}  was due {due}"));
        }
        lines.push(String::new());
    }
    let text = format!(
        "Asset digest for {today}\n\n{}\n{helpdesk}\n",
        lines.join("\n")
    );
    let html = format!("<pre>{}</pre>", crate::outbox::escape(&text));
    Rendered {
        subject: format!(
            "Assets: {} warranties ending, {} returns overdue",
            d.warranties.len(),
            d.overdue.len()
        ),
        text,
        html,
    }
}

/// Mails today's digest to every asset manager and admin; nothing when
/// there is nothing to say. Returns how many mails were queued.
pub fn run(state: &Assets, today: NaiveDate) -> Result<usize, AppError> {
    let days = state.settings.warranty_notice_days;
    let mail = &*state.mail_from;
    let now = crate::ids::now();
    state.db.write(|conn| {
        let d = gather(conn, today, days)?;
        if d.warranties.is_empty() && d.overdue.is_empty() {
            return Ok(0);
        }
        let managers = users::list_users(conn, &[Role::AssetManager, Role::Admin])?;
        for m in &managers {
            crate::outbox::standalone(
                conn,
                crate::outbox::Sender {
                    address: &mail.address,
                    display_name: &mail.display_name,
                },
                "asset_digest",
                &m.email,
                render(&d, today, &mail.display_name),
                now,
            )?;
        }
        Ok(managers.len())
    })
}

/// Job handler of `assets.digest`.
fn run_job(state: &Assets, _job: &Job) -> Result<(), AppError> {
    let sent = run(state, crate::ids::now().date())?;
    if sent > 0 {
        tracing::info!(sent, "asset digest queued");
    }
    Ok(())
}

impl Assets {
    /// `assets.digest` once a day.
    pub fn jobs(&self) -> crate::jobs::Jobs {
        let me = self.clone();
        crate::jobs::Jobs::default()
            .kind(JOB, move |job| run_job(&me, job))
            .every(JOB, chrono::Duration::days(1))
    }
}
