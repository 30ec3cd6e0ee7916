//! One asset's page for staff: its facts and book value, the moves its
//! status allows (disposal with its evidence), the complete edit form, the
//! open hand-over, linked tickets, software and the timeline of its life.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::asset_form::FactsForm;
use super::asset_view::{
    BookValue, book_value, checkout_line, custom_fields, disposal_line, facts, moves, shown_name,
    software_lines, timeline, warranty,
};
use super::assets::staff;
use super::form::Problems;
use super::format::{asset_status_label, status_label};
use super::session::Nav;
use super::{PageError, WebUser, render_with};
use crate::assets::domain::Status;
use crate::assets::service;
use crate::error::blocking;
use crate::state::AppState;

/// The page's choices for a model box: (id, "Maker Model", category).
pub(super) type ModelChoice = (String, String, String);

/// What the forms offer: models, and places as (id, name).
pub(super) type Choices = (Vec<ModelChoice>, Vec<(String, String)>);

#[derive(Template)]
#[template(path = "asset.html", config = "src/web/askama.toml")]
struct AssetPage {
    nav: Nav,
    tag: String,
    name: Option<String>,
    flash: Option<&'static str>,
    /// May change it (asset managers and admins).
    can_manage: bool,
    /// May link tickets (agents too).
    can_link: bool,
    in_stock: bool,
    /// The open hand-over: (person, since, expected back, confirmed).
    checkout: Option<(String, String, String, String)>,
    custom: Vec<(String, String)>,
    edit: FactsForm,
    form: HandOverForm,
    moving: MoveForm,
    problems: Problems,
    /// Messages that belong to no box on the page.
    general: Vec<String>,
    /// The form to show open: `edit`, `move`, `dispose`, `checkout`, `link`.
    open: &'static str,
    status: String,
    moves: Vec<(&'static str, &'static str)>,
    can_dispose: bool,
    disposal: Option<(String, String, String)>,
    facts: Vec<(&'static str, String)>,
    value: Option<BookValue>,
    warranty: Option<(String, &'static str)>,
    models: Vec<ModelChoice>,
    locations: Vec<(String, String)>,
    tickets: Vec<(i64, String, String)>,
    link_ticket: String,
    software: Vec<String>,
    software_total: usize,
    timeline: Vec<(String, String, String)>,
    today: String,
}

impl AssetPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.problems.of(field)
    }

    /// The refusal, for the form it is about; nothing for the others.
    fn for_form(&self, form: &str) -> &Problems {
        if self.open == form {
            &self.problems
        } else {
            &super::form::NONE
        }
    }
}

/// What the check-out form last held (kept when it is refused).
#[derive(Debug, Clone, Default)]
pub struct HandOverForm {
    pub assignee: String,
    pub expected_return: String,
    pub note: String,
    pub require_acceptance: bool,
}

impl HandOverForm {
    /// An empty form: receipt confirmation asked for by default.
    pub fn fresh() -> HandOverForm {
        HandOverForm {
            require_acceptance: true,
            ..HandOverForm::default()
        }
    }
}

/// What the status and disposal forms last held.
#[derive(Debug, Clone, Default)]
pub struct MoveForm {
    pub reason: String,
    pub location_id: String,
    pub assignee: String,
    pub method: String,
    pub date: String,
    pub evidence: String,
}

/// What a refused submit puts back on the page.
#[derive(Debug, Default)]
pub struct Shown {
    pub hand: Option<HandOverForm>,
    pub facts: Option<FactsForm>,
    pub moving: MoveForm,
    pub link_ticket: String,
    pub problems: Problems,
    pub open: &'static str,
    pub flash: Option<&'static str>,
}

pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let shown = Shown {
        flash: super::flash::take(&req),
        ..Shown::default()
    };
    let mut resp = page(state, user, path.into_inner(), shown).await?;
    super::flash::clear(&req, &mut resp);
    Ok(resp)
}

/// The boxes of the form a refusal is about, so that a message for any
/// other field is said at the top rather than lost.
fn placed<'a>(open: &str, edit: &'a FactsForm) -> Vec<&'a str> {
    let mut boxes: Vec<&str> = match open {
        "edit" => vec![
            "asset_tag",
            "serial",
            "model_id",
            "hostname",
            "location_id",
            "purchase_date",
            "cost",
            "currency",
            "warranty_end",
            "supplier",
            "po_number",
        ],
        "move" => vec!["reason", "assignee", "location_id"],
        "dispose" => vec!["method", "date", "evidence", "reason"],
        "checkout" => vec!["assignee", "expected_return"],
        "link" => vec!["ticket"],
        _ => Vec::new(),
    };
    if open == "edit" {
        boxes.extend(edit.custom.iter().map(|c| c.key.as_str()));
    }
    boxes
}

/// The asset page, with a refused form's input and reasons when there
/// are some (then answered 422).
pub async fn page(
    state: web::Data<AppState>,
    user: WebUser,
    tag: String,
    shown: Shown,
) -> Result<HttpResponse, PageError> {
    staff(&user)?;
    let actor = user.user.clone();
    let st = state.clone();
    let (v, tickets, software, out, lists) = blocking(move || {
        let v = service::get(&st.db, &actor, &tag, true)?;
        let tickets = service::tickets_of_asset(&st.db, &actor, &v.asset.id)?;
        let software = service::installations(&st.db, &actor, &v.asset.id, false)?;
        let out = service::open_checkout_of(&st.db, &actor, &v.asset.id)?;
        let lists = choices(&st, &actor)?;
        Ok((v, tickets, software, out, lists))
    })
    .await?;
    let a = &v.asset;
    let today = crate::ids::now().date();
    let specs = &state.assets.fields;
    let currency = &state.assets.settings.default_currency;
    let edit = shown
        .facts
        .unwrap_or_else(|| FactsForm::of(a, specs, currency));
    let general = shown.problems.unplaced(&placed(shown.open, &edit));
    let status_code = if shown.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = AssetPage {
        nav: user.nav("assets"),
        tag: a.asset_tag.clone(),
        name: shown_name(a),
        flash: shown.flash,
        can_manage: user.user.role.manages_assets(),
        can_link: user.user.role.works_tickets(),
        in_stock: a.status == Status::InStock,
        checkout: out.map(checkout_line),
        custom: custom_fields(specs, a),
        general,
        edit,
        form: shown.hand.unwrap_or_else(HandOverForm::fresh),
        moving: shown.moving,
        problems: shown.problems,
        open: shown.open,
        status: asset_status_label(a.status).to_owned(),
        moves: moves(a.status),
        can_dispose: a.status == Status::Retired,
        disposal: disposal_line(a),
        facts: facts(&v),
        value: book_value(&v, today),
        warranty: warranty(
            a.warranty_end,
            today,
            state.assets.settings.warranty_notice_days,
        ),
        models: lists.0,
        locations: lists.1,
        tickets: tickets
            .into_iter()
            .map(|(_, number, subject, status, _)| (number, subject, ticket_words(&status)))
            .collect(),
        link_ticket: shown.link_ticket,
        software_total: software.len(),
        software: software_lines(&software),
        timeline: timeline(&v),
        today: today.to_string(),
    };
    render_with(status_code, &page)
}

/// A ticket status code in words.
fn ticket_words(code: &str) -> String {
    code.parse()
        .map(|s| status_label(s).to_owned())
        .unwrap_or_else(|_| code.to_owned())
}

/// The models and locations the forms offer.
pub(super) fn choices(
    state: &AppState,
    actor: &crate::auth::User,
) -> Result<Choices, crate::error::AppError> {
    let models = service::models(&state.db, actor)?
        .into_iter()
        .map(|(m, maker)| {
            (
                m.id,
                format!("{} {}", maker.name, m.name),
                m.category.as_str().to_owned(),
            )
        })
        .collect();
    let locations = service::locations(&state.db, actor)?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    Ok((models, locations))
}
