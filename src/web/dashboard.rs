//! The staff home page: open work by status and priority, what needs
//! attention (SLA, unassigned, mine, oldest waiting, warranties ending),
//! and a chart of tickets filed and resolved over eight weeks; every figure
//! links into the queue or register filtered to it.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Duration;

use super::chart::{Group, grouped_bars};
use super::format::status_label;
use super::pages::{Row, rows};
use super::{Nav, PageError, WebUser, render};
use crate::assets::dto::AssetListParams;
use crate::error::blocking;
use crate::ids;
use crate::state::AppState;
use crate::tickets::service::dashboard::{self, Overview};

/// A figure with its link.
pub struct Tile {
    pub label: String,
    pub count: i64,
    pub link: String,
    /// `bad`, `warn` or empty, for its colour.
    pub tone: &'static str,
}

pub struct WarrantyRow {
    pub tag: String,
    pub name: String,
    pub ends: String,
    pub ended: bool,
}

#[derive(Template)]
#[template(path = "dashboard.html", config = "src/web/askama.toml")]
struct DashboardPage {
    nav: Nav,
    attention: Vec<Tile>,
    by_status: Vec<Tile>,
    by_priority: Vec<Tile>,
    oldest: Vec<Row>,
    chart: String,
    weeks: Vec<(String, i64, i64)>,
    warranties: Vec<WarrantyRow>,
    warranty_link: String,
}

fn tile(label: impl Into<String>, count: i64, link: impl Into<String>, tone: &'static str) -> Tile {
    Tile {
        label: label.into(),
        count,
        link: link.into(),
        tone: if count > 0 { tone } else { "" },
    }
}

fn tiles(o: &Overview) -> (Vec<Tile>, Vec<Tile>, Vec<Tile>) {
    let attention = vec![
        tile("SLA breached", o.breached, "/queue?sla=breached", "bad"),
        tile("SLA at risk", o.at_risk, "/queue?sla=at_risk", "warn"),
        tile("Unassigned", o.unassigned, "/queue?assignee=none", "warn"),
        tile("Assigned to me", o.mine, "/queue?assignee=me", ""),
    ];
    let by_status = o
        .by_status
        .iter()
        .map(|(s, n)| tile(status_label(*s), *n, format!("/queue?status={s}"), ""))
        .collect();
    let by_priority = o
        .by_priority
        .iter()
        .map(|(p, n)| tile(p.to_string(), *n, format!("/queue?priority={p}"), ""))
        .collect();
    (attention, by_status, by_priority)
}

pub async fn show(state: web::Data<AppState>, user: WebUser) -> Result<HttpResponse, PageError> {
    let now = ids::now();
    let soon = (now.date() + Duration::days(90)).to_string();
    let (st, actor, before) = (state.clone(), user.user.clone(), soon.clone());
    let (overview, assets) = blocking(move || {
        let overview = dashboard::overview(&st.db, &st.settings.api, &actor, 8, now)?;
        let assets = if actor.role.manages_assets() || actor.role.sees_all_tickets() {
            crate::assets::service::list(
                &st.db,
                &actor,
                &AssetListParams {
                    status: Some("in_stock,deployed,in_repair".into()),
                    warranty_before: Some(before),
                    limit: Some(8),
                    ..AssetListParams::default()
                },
            )
            .map(|(page, _)| page)
            .unwrap_or_default()
        } else {
            Vec::new()
        };
        Ok((overview, assets))
    })
    .await?;
    let (attention, by_status, by_priority) = tiles(&overview);
    let groups: Vec<Group> = overview
        .weeks
        .iter()
        .map(|w| Group {
            label: w.starts.format("%d %b").to_string(),
            values: vec![w.created, w.resolved],
        })
        .collect();
    let today = now.date();
    let page = DashboardPage {
        nav: user.nav("home"),
        attention,
        by_status,
        by_priority,
        oldest: rows(&overview.oldest, &state.settings.tickets.reference_prefix),
        chart: grouped_bars(
            "Tickets filed and resolved per week, last 8 weeks",
            &["Filed", "Resolved"],
            &groups,
        ),
        weeks: overview
            .weeks
            .iter()
            .map(|w| {
                (
                    w.starts.format("%Y-%m-%d").to_string(),
                    w.created,
                    w.resolved,
                )
            })
            .collect(),
        warranties: assets
            .iter()
            .filter_map(|v| {
                let ends = v.asset.warranty_end?;
                Some(WarrantyRow {
                    tag: v.asset.asset_tag.clone(),
                    name: v
                        .asset
                        .hostname
                        .clone()
                        .filter(|h| !h.is_empty())
                        .unwrap_or_else(|| v.asset.asset_tag.clone()),
                    ends: ends.to_string(),
                    ended: ends < today,
                })
            })
            .collect(),
        warranty_link: format!("/assets?warranty_before={soon}"),
    };
    render(&page)
}
