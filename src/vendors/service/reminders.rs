//! The daily pass: renew what rolled over, then remind owners (and the
//! contract managers) of the notice deadlines and ends ahead — each
//! reminder once per contract, deadline and offset, in one digest per
//! person, queued in the outbox in the same transaction that records it.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::renewals::{Renewed, renew_due};
use crate::auth::people;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids;
use crate::outbox::{self, Rendered};
use crate::vendors::Vendors;
use crate::vendors::due::{self, Deadline, Due};
use crate::vendors::model::{Contract, Reminder};
use crate::vendors::repo;

/// A reminder this pass queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sent {
    pub contract_id: String,
    pub title: String,
    pub vendor: String,
    pub deadline: Deadline,
    pub on: NaiveDate,
    pub offset_days: u32,
    /// Earlier reminders about the same date that were never sent.
    pub missed: Vec<u32>,
    pub to: Vec<String>,
}

/// What one pass did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pass {
    pub today: NaiveDate,
    pub renewed: Vec<Renewed>,
    pub reminders: Vec<Sent>,
    /// Digest mails queued (one per person).
    pub mails: usize,
    /// Reminders owed to contracts nobody would receive (no owner and no
    /// contract managers): left owed.
    pub unaddressed: usize,
}

/// Stores the notice deadline of contracts written before it was stored
/// (run after migrations, so the listing finds them before the first
/// pass); how many.
pub fn fill_notice_deadlines(db: &crate::db::Db) -> Result<usize, AppError> {
    db.write(|conn| Ok(repo::fill_notice_deadlines(conn)?))
}

/// Runs the pass for `today` in one transaction.
pub fn run_pass(vendors: &Vendors, today: NaiveDate, now: NaiveDateTime) -> Result<Pass, AppError> {
    vendors.db.write(|conn| {
        repo::fill_notice_deadlines(conn)?;
        let renewed = renew_due(conn, today, now)?;
        let (reminders, unaddressed) = remind(conn, vendors, today, now)?;
        let mails = mail(conn, vendors, &reminders, today, now)?;
        Ok(Pass {
            today,
            renewed,
            reminders,
            mails,
            unaddressed,
        })
    })
}

/// The reminders owed today, recorded (a reminder another process
/// recorded first is left to it).
fn remind(
    conn: &mut DbConn,
    vendors: &Vendors,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<(Vec<Sent>, usize), AppError> {
    let offsets = &vendors.settings.reminder_days;
    let Some(&ahead) = offsets.iter().max() else {
        return Ok((Vec::new(), 0));
    };
    let window = (today, today + chrono::Days::new(ahead.into()));
    let candidates = repo::reminder_candidates(conn, window)?;
    let owed = owed(conn, &candidates, window, offsets)?;
    if owed.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let owner_ids: Vec<String> = owed
        .iter()
        .filter_map(|(c, _)| c.owner_id.clone())
        .collect();
    let owners: HashMap<String, String> = people::find_users(conn, &owner_ids)?
        .into_iter()
        .filter(|u| u.is_active)
        .map(|u| (u.id, u.email))
        .collect();
    let vendor_names: HashMap<String, String> = repo::vendors(conn)?
        .into_iter()
        .map(|v| (v.id, v.name))
        .collect();
    let (mut out, mut unaddressed) = (Vec::new(), 0);
    for (c, d) in owed {
        let mut to: Vec<String> = c
            .owner_id
            .as_ref()
            .and_then(|o| owners.get(o).cloned())
            .into_iter()
            .chain(
                vendors
                    .settings
                    .contract_managers
                    .iter()
                    .map(|a| a.to_lowercase()),
            )
            .collect();
        to.sort();
        to.dedup();
        if to.is_empty() {
            unaddressed += 1;
            continue;
        }
        if repo::claim_reminder(conn, &row(c, &d, &to, now))? {
            out.push(Sent {
                contract_id: c.id.clone(),
                title: c.title.clone(),
                vendor: vendor_names.get(&c.vendor_id).cloned().unwrap_or_default(),
                deadline: d.deadline,
                on: d.on,
                offset_days: d.offset,
                missed: d.missed,
                to,
            });
        }
    }
    out.sort_by(|a, b| (a.on, &a.contract_id).cmp(&(b.on, &b.contract_id)));
    Ok((out, unaddressed))
}

/// The reminder each candidate's deadlines owe today, given what was
/// sent already.
fn owed<'c>(
    conn: &mut DbConn,
    candidates: &'c [Contract],
    window: (NaiveDate, NaiveDate),
    offsets: &[u32],
) -> Result<Vec<(&'c Contract, Due)>, AppError> {
    let today = window.0;
    let mut sent: HashMap<String, Vec<(Deadline, NaiveDate, i32)>> = HashMap::new();
    for (c, d, on, o) in repo::sent_between(conn, window)? {
        sent.entry(c).or_default().push((d, on, o));
    }
    let mut owed = Vec::new();
    for c in candidates {
        let done = sent.get(&c.id).map(Vec::as_slice).unwrap_or_default();
        for (kind, on) in due::deadlines(&c.standing()) {
            let was_sent = |o: u32| done.contains(&(kind, on, o as i32));
            if let Some(d) = due::due(kind, on, today, offsets, was_sent) {
                owed.push((c, d));
            }
        }
    }
    Ok(owed)
}

fn row(c: &Contract, d: &Due, to: &[String], now: NaiveDateTime) -> Reminder {
    Reminder {
        id: ids::new_id(),
        contract_id: c.id.clone(),
        deadline: d.deadline,
        due_on: d.on,
        offset_days: d.offset as i32,
        missed: join(&d.missed),
        sent_to: to.join(","),
        queued_at: now,
    }
}

fn join(days: &[u32]) -> String {
    days.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// One digest per person of the reminders addressed to them.
fn mail(
    conn: &mut DbConn,
    vendors: &Vendors,
    sent: &[Sent],
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let mut by_person: BTreeMap<&str, Vec<&Sent>> = BTreeMap::new();
    for s in sent {
        for to in &s.to {
            by_person.entry(to).or_default().push(s);
        }
    }
    let from = &*vendors.mail_from;
    for (to, items) in &by_person {
        let rendered = render(items, today, &from.public_url, &from.display_name);
        outbox::standalone(conn, from.sender(), "contract_reminders", to, rendered, now)?;
    }
    Ok(by_person.len())
}

/// One line of the digest about one reminder.
pub fn describe(s: &Sent, today: NaiveDate) -> String {
    let days = (s.on - today).num_days();
    let when = match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        n => format!("in {n} days"),
    };
    let what = match s.deadline {
        Deadline::Notice => format!(
            "Notice deadline {when} ({}): give notice by then or it renews",
            s.on
        ),
        Deadline::End => format!("Ends {when} ({})", s.on),
    };
    let vendor = if s.vendor.is_empty() {
        String::new()
    } else {
        format!(" with {}", s.vendor)
    };
    let missed = if s.missed.is_empty() {
        String::new()
    } else {
        format!(
            " (this replaces the reminders at {} days before, which were not sent)",
            s.missed
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    format!("{what}: {}{vendor}{missed}", s.title)
}

fn render(items: &[&Sent], today: NaiveDate, base: &str, helpdesk: &str) -> Rendered {
    let notices = items
        .iter()
        .filter(|s| s.deadline == Deadline::Notice)
        .count();
    let ends = items.len() - notices;
    let mut subject = Vec::new();
    if notices > 0 {
        let s = if notices == 1 { "" } else { "s" };
        subject.push(format!("{notices} notice deadline{s}"));
    }
    if ends > 0 {
        let s = if ends == 1 { "" } else { "s" };
        subject.push(format!("{ends} contract end{s}"));
    }
    let base = base.trim_end_matches('/');
    let mut text = format!("Contract reminders for {today}\n\n");
    let mut html = format!("<p>Contract reminders for {today}</p>\n<ul>\n");
    for s in items {
        let line = describe(s, today);
        let link = format!("{base}/contracts/{}", s.contract_id);
        text.push_str(&format!("- {line}\n  {link}\n"));
        html.push_str(&format!(
            "<li><a href=\"{}\">{}</a></li>\n",
            outbox::escape(&link),
            outbox::escape(&line)
        ));
    }
    text.push_str(&format!("\n{helpdesk}\n"));
    html.push_str(&format!("</ul>\n<p>{}</p>\n", outbox::escape(helpdesk)));
    Rendered {
        subject: format!("Contracts: {} coming up", subject.join(" and ")),
        text,
        html,
    }
}
