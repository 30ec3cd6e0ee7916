//! The people pages: everyone by surname with filters, fifty at a time
//! (`/people`), and one person (`/people/{id}`).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::pages::{filter, page_number, some};
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render};
use crate::error::blocking;
use crate::people::domain::EmploymentStatus;
use crate::people::dto::PersonDto;
use crate::people::service::{self, PeopleFilter};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    status: String,
    /// 1, 2, …; anything else is the first page.
    #[serde(default)]
    page: String,
}

const PAGE: i64 = 50;

pub(super) fn status_words(s: EmploymentStatus) -> (&'static str, &'static str) {
    match s {
        EmploymentStatus::Active => ("Working here", "sla-running"),
        EmploymentStatus::PendingStart => ("Starts soon", "sla-at_risk"),
        EmploymentStatus::Departed => ("Left", "muted"),
    }
}

/// A person in a row of the list.
struct Row {
    id: String,
    name: String,
    title: String,
    department: String,
    manager: String,
    status: (&'static str, &'static str),
}

fn row(p: &PersonDto) -> Row {
    Row {
        id: p.id.clone(),
        name: p.name.clone(),
        title: p.title.clone().unwrap_or_default(),
        department: p.department.clone().unwrap_or_default(),
        manager: p.manager_name.clone().unwrap_or_default(),
        status: status_words(p.employment_status),
    }
}

#[derive(Template)]
#[template(path = "people.html", config = "src/web/askama.toml")]
struct ListPage {
    nav: Nav,
    flash: Option<&'static str>,
    q: ListQuery,
    statuses: Vec<(String, String)>,
    rows: Vec<Row>,
    total: i64,
    previous: Option<String>,
    next: Option<String>,
    error: Option<String>,
}

fn link(q: &ListQuery, page: i64) -> String {
    format!(
        "/people?q={}&department={}&status={}&page={page}",
        url_encode(&q.q),
        url_encode(&q.department),
        url_encode(&q.status)
    )
}

/// `GET /people`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let q = query.into_inner();
    let mut error = None;
    let status = filter::<EmploymentStatus>(&q.status, &mut error);
    let page = page_number(&q.page);
    let filter = PeopleFilter {
        department: some(&q.department),
        manager: None,
        status,
        q: some(&q.q),
    };
    let (st, actor) = (state.clone(), user.user.clone());
    let (rows, total) = blocking(move || {
        service::list_people(&st.people.db, &actor, &filter, (PAGE, (page - 1) * PAGE))
    })
    .await?;
    let view = ListPage {
        nav: user.nav("people"),
        flash: flash::take(&req),
        statuses: EmploymentStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), status_words(*s).0.to_owned()))
            .collect(),
        rows: rows.iter().map(row).collect(),
        previous: (page > 1).then(|| link(&q, page - 1)),
        next: (page * PAGE < total).then(|| link(&q, page + 1)),
        total,
        q,
        error,
    };
    let mut resp = render(&view)?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}

#[derive(Template)]
#[template(path = "person.html", config = "src/web/askama.toml")]
struct PersonPage {
    nav: Nav,
    p: PersonDto,
    status: (&'static str, &'static str),
    facts: Vec<(&'static str, String)>,
    h: Held,
    /// (run id, what it is in words).
    runs: Vec<(String, String)>,
    may_run: bool,
    today: String,
}

/// What the person holds, for the page.
struct Held {
    assets: Vec<crate::people::holdings::HeldAsset>,
    license_allocations: Vec<crate::people::holdings::HeldSeat>,
    tickets: Vec<crate::people::holdings::HeldTicket>,
}

fn run_words(r: &crate::people::holdings::HeldRun) -> String {
    let kind = r
        .kind
        .parse()
        .map(super::onboarding::kind_words)
        .unwrap_or("Run");
    let status = r
        .status
        .parse()
        .map(|s| super::onboarding::status_words(s).0)
        .unwrap_or("");
    format!("{kind} effective {} — {status}", r.effective_on)
}

fn facts(p: &PersonDto) -> Vec<(&'static str, String)> {
    let day = |d: Option<chrono::NaiveDate>| d.map_or(String::new(), |d| d.to_string());
    let mut f = vec![
        ("Email", p.email.clone()),
        ("Employee id", p.employee_id.clone().unwrap_or_default()),
        ("Title", p.title.clone().unwrap_or_default()),
        ("Department", p.department.clone().unwrap_or_default()),
        ("Manager", p.manager_name.clone().unwrap_or_default()),
        ("Starts", day(p.start_date)),
        ("Leaves", day(p.end_date)),
        (
            "Account",
            if p.is_active {
                "can sign in"
            } else {
                "deactivated"
            }
            .to_owned(),
        ),
    ];
    if let Some(d) = &p.directory {
        f.push((
            "Directory",
            format!("{} ({})", d.dn.clone().unwrap_or_default(), d.flavor),
        ));
    }
    f.retain(|(_, v)| !v.is_empty());
    f
}

/// `GET /people/{id}`.
pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let (st, actor, id) = (state.clone(), user.user.clone(), path.into_inner());
    let mut p = blocking(move || service::person_with_holdings(&st.people, &actor, &id)).await?;
    let h = Held {
        assets: p.assets.take().unwrap_or_default(),
        license_allocations: p.license_allocations.take().unwrap_or_default(),
        tickets: p.tickets.take().unwrap_or_default(),
    };
    let page = PersonPage {
        nav: user.nav("people"),
        status: status_words(p.employment_status),
        facts: facts(&p),
        runs: p
            .runs
            .take()
            .unwrap_or_default()
            .iter()
            .map(|r| (r.id.clone(), run_words(r)))
            .collect(),
        h,
        may_run: super::onboarding::may_act(&user),
        today: crate::ids::now().date().to_string(),
        p,
    };
    render(&page)
}
