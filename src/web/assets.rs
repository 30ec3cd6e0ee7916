//! The asset register for staff: filters, search, stock by model.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::format::asset_status_label;
use super::pages::some;
use super::session::Nav;
use super::{PageError, WebUser, render};
use crate::assets::domain::{Category, Status};
use crate::assets::dto::AssetListParams;
use crate::assets::service;
use crate::error::{AppError, blocking};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    category: String,
    /// Tag, serial or host name starting with this.
    #[serde(default)]
    q: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    warranty_before: String,
    #[serde(default)]
    needs_review: String,
    cursor: Option<String>,
}

struct Row {
    tag: String,
    /// The name people know it by (an Intune device name), when it has one.
    name: String,
    model: String,
    hostname: String,
    status: String,
    assignee: String,
    location: String,
    warranty: String,
    /// The warranty is over.
    warranty_ended: bool,
    review: bool,
}

#[derive(Template)]
#[template(path = "asset_list.html", config = "src/web/askama.toml")]
struct ListPage {
    nav: Nav,
    statuses: Vec<(&'static str, &'static str)>,
    categories: Vec<Category>,
    status: String,
    category: String,
    q: String,
    locations: Vec<(String, String)>,
    location: String,
    warranty_before: String,
    needs_review: String,
    error: Option<String>,
    rows: Vec<Row>,
    next: Option<String>,
    stock: Vec<crate::assets::dto::StockLine>,
    can_import: bool,
    /// The labels page for the listed assets.
    labels: String,
}

pub(super) fn staff(user: &WebUser) -> Result<(), PageError> {
    if user.user.role.sees_assets() {
        Ok(())
    } else {
        Err(AppError::Forbidden("the asset register is for staff".into()).into())
    }
}

impl Row {
    fn of(v: &crate::assets::service::AssetView) -> Row {
        let text = |x: Option<String>| x.unwrap_or_default();
        Row {
            tag: v.asset.asset_tag.clone(),
            name: text(super::asset_view::shown_name(&v.asset)),
            model: text(
                v.model
                    .as_ref()
                    .map(|(m, maker)| format!("{} {}", maker.name, m.name)),
            ),
            hostname: text(v.asset.hostname.clone()),
            status: match v.asset.substate {
                Some(s) => format!(
                    "{} ({})",
                    asset_status_label(v.asset.status),
                    super::format::substate_words(s)
                ),
                None => asset_status_label(v.asset.status).to_owned(),
            },
            warranty_ended: v
                .asset
                .warranty_end
                .is_some_and(|d| d < crate::ids::now().date()),
            assignee: text(v.assignee.as_ref().map(|u| u.display_name.clone())),
            location: text(v.location.as_ref().map(|l| l.name.clone())),
            warranty: text(v.asset.warranty_end.map(|d| d.to_string())),
            review: v.asset.needs_review,
        }
    }
}

/// The address of the next page under the same filters.
fn next_page(q: &ListQuery, cursor: &str) -> String {
    let enc = super::session::url_encode;
    format!(
        "/assets?status={}&category={}&q={}&location={}&warranty_before={}&needs_review={}&cursor={}",
        enc(&q.status),
        enc(&q.category),
        enc(&q.q),
        enc(&q.location),
        enc(&q.warranty_before),
        enc(&q.needs_review),
        enc(cursor)
    )
}

pub async fn list(
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    staff(&user)?;
    let q = query.into_inner();
    let params = AssetListParams {
        status: some(&q.status),
        category: some(&q.category),
        q: some(&q.q),
        location: some(&q.location),
        warranty_before: some(&q.warranty_before),
        needs_review: (q.needs_review == "true").then_some(true),
        cursor: q.cursor.clone(),
        limit: Some(50),
        ..AssetListParams::default()
    };
    let actor = user.user.clone();
    let (listed, stock, locations) = blocking(move || {
        // A filter the list refuses (a malformed date) is shown, not a 500.
        let listed = match service::list(&state.db, &actor, &params) {
            Ok(found) => Ok(found),
            Err(AppError::Validation(errors)) => Err(errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; ")),
            Err(e) => return Err(e),
        };
        let stock = service::stock(&state.db, &actor)?;
        let locations = service::locations(&state.db, &actor)?;
        Ok((listed, stock, locations))
    })
    .await?;
    let (views, next_cursor, error) = match listed {
        Ok((views, next)) => (views, next, None),
        Err(message) => (Vec::new(), None, Some(message)),
    };
    let rows = views.iter().map(Row::of).collect();
    let next = next_cursor.map(|c| next_page(&q, &c));
    let labels = labels_link(&q);
    render(&ListPage {
        nav: user.nav("assets"),
        statuses: Status::ALL
            .iter()
            .map(|s| (s.as_str(), asset_status_label(*s)))
            .collect(),
        categories: Category::ALL.to_vec(),
        status: q.status,
        category: q.category,
        q: q.q,
        locations: locations.into_iter().map(|l| (l.id, l.name)).collect(),
        location: q.location,
        warranty_before: q.warranty_before,
        needs_review: q.needs_review,
        error,
        rows,
        next,
        stock,
        can_import: user.user.role.manages_assets(),
        labels,
    })
}

/// `GET /assets/export?format=csv|xlsx|json`: the register as a file for
/// the logged-in browser (the API's export asks for a token).
pub async fn export(
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    staff(&user)?;
    let format = query.get("format").cloned();
    Ok(crate::assets::handlers::export_file(state.db.clone(), format.as_deref()).await?)
}

/// The labels page for the assets the filters select.
fn labels_link(q: &ListQuery) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("status", &q.status),
        ("category", &q.category),
        ("q", &q.q),
        ("location", &q.location),
        ("warranty_before", &q.warranty_before),
        ("needs_review", &q.needs_review),
    ] {
        if !v.trim().is_empty() {
            s.append_pair(k, v.trim());
        }
    }
    s.append_pair("layout", "a4");
    format!("/assets/labels?{}", s.finish())
}
