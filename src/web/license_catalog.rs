//! The catalog page (`/licenses/catalog`): products and a form for a new
//! one, the normalization rules in the order they are tried with a form for
//! a new one that can be previewed before it is saved, and the triage list
//! of unmatched installations, each with a link that drafts its rule.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::form::Problems;
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render_with};
use crate::error::{AppError, blocking};
use crate::http::multipart::form_field;
use crate::licenses::dto::{InstallGroup, NewProduct, NewRule, RulePreview};
use crate::licenses::{Product, service};
use crate::state::AppState;

/// The new-product boxes as typed.
#[derive(Debug, Clone, Default)]
struct ProductBoxes {
    publisher: String,
    name: String,
    edition: String,
    family: String,
    version: String,
}

/// The new-rule boxes as typed (also drafted from the triage list).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RuleBoxes {
    #[serde(default)]
    product_id: String,
    #[serde(default)]
    name_pattern: String,
    #[serde(default)]
    publisher_pattern: String,
    #[serde(default)]
    version_pattern: String,
    #[serde(default)]
    position: String,
}

struct RuleLine {
    id: String,
    position: i32,
    pattern: String,
    target: String,
    product_id: Option<String>,
}

#[derive(Template)]
#[template(path = "license_catalog.html", config = "src/web/askama.toml")]
struct CatalogPage {
    nav: Nav,
    flash: Option<&'static str>,
    can_change: bool,
    /// (id, label, family and version)
    products: Vec<(String, String, String)>,
    /// For the rule form: "exclude" first, then every product.
    targets: Vec<(String, String)>,
    rules: Vec<RuleLine>,
    unmatched: Vec<(InstallGroup, String)>,
    pf: ProductBoxes,
    pp: Problems,
    rf: RuleBoxes,
    rp: Problems,
    preview: Option<RulePreview>,
    unplaced: Vec<String>,
}

/// What a submit brought back to show.
#[derive(Default)]
struct Shown {
    pf: ProductBoxes,
    pp: Problems,
    rf: RuleBoxes,
    rp: Problems,
    preview: Option<RulePreview>,
}

/// Triage rows shown; the API has them all.
const TRIAGE: usize = 25;
const EXCLUDE: &str = "exclude";

fn draft_link(g: &InstallGroup) -> String {
    let glob = |s: &str| s.replace(['*', '?'], "?");
    format!(
        "/licenses/catalog?name_pattern={}&publisher_pattern={}#new-rule",
        url_encode(&glob(&g.name)),
        url_encode(&glob(&g.publisher))
    )
}

async fn page(
    state: web::Data<AppState>,
    user: WebUser,
    shown: Shown,
    flash: Option<&'static str>,
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let actor = user.user.clone();
    let (products, rules, unmatched) = blocking(move || {
        let db = &state.db;
        Ok((
            service::products(db, &actor)?,
            service::rules(db, &actor)?,
            service::unmatched(db, &actor)?,
        ))
    })
    .await?;
    let rules = rule_lines(&rules, &products);
    let mut targets = vec![(
        EXCLUDE.to_owned(),
        "— not licensable (exclude) —".to_owned(),
    )];
    targets.extend(products.iter().map(|p| (p.id.clone(), service::label(p))));
    let problems = !(shown.pp.is_empty() && shown.rp.is_empty());
    let mut unplaced = shown.pp.unplaced(&["publisher", "name"]);
    unplaced.extend(shown.rp.unplaced(&[
        "product_id",
        "name_pattern",
        "publisher_pattern",
        "version_pattern",
        "position",
    ]));
    let status = if problems {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_with(
        status,
        &CatalogPage {
            nav: user.nav("licenses"),
            flash,
            can_change: user.user.role.manages_assets(),
            products: product_lines(&products),
            targets,
            rules,
            unmatched: unmatched
                .into_iter()
                .take(TRIAGE)
                .map(|g| {
                    let link = draft_link(&g);
                    (g, link)
                })
                .collect(),
            pf: shown.pf,
            pp: shown.pp,
            rf: shown.rf,
            rp: shown.rp,
            preview: shown.preview,
            unplaced,
        },
    )
}

/// The rules as the page lists them.
fn rule_lines(rules: &[crate::licenses::RuleRow], products: &[Product]) -> Vec<RuleLine> {
    let label_of = |id: &Option<String>| match id {
        None => "not licensable (excluded)".to_owned(),
        Some(id) => products
            .iter()
            .find(|p| &p.id == id)
            .map_or_else(|| id.clone(), service::label),
    };
    rules
        .iter()
        .map(|r| RuleLine {
            id: r.id.clone(),
            position: r.position,
            pattern: [
                Some(format!("name {}", r.name_pattern)),
                r.publisher_pattern
                    .as_ref()
                    .map(|p| format!("publisher {p}")),
                r.version_pattern.as_ref().map(|v| format!("version {v}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
            target: label_of(&r.product_id),
            product_id: r.product_id.clone(),
        })
        .collect()
}

/// (id, label, family and version) per product.
fn product_lines(products: &[Product]) -> Vec<(String, String, String)> {
    products
        .iter()
        .map(|p| {
            let fv = [p.family.clone(), p.version.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            (p.id.clone(), service::label(p), fv)
        })
        .collect()
}

/// `GET /licenses/catalog`, a rule drafted from the query.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<RuleBoxes>,
) -> Result<HttpResponse, PageError> {
    let shown = Shown {
        rf: query.into_inner(),
        ..Shown::default()
    };
    let mut resp = page(state, user, shown, flash::take(&req)).await?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}

fn text(v: &str) -> Option<String> {
    Some(v.trim().to_owned()).filter(|s| !s.is_empty())
}

/// `POST /licenses/products`: a product for the catalog.
pub async fn create_product(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    let f = |n: &str| form_field(&form, n);
    let pf = ProductBoxes {
        publisher: f("publisher"),
        name: f("name"),
        edition: f("edition"),
        family: f("family"),
        version: f("version"),
    };
    let input = NewProduct {
        publisher: pf.publisher.clone(),
        name: pf.name.clone(),
        edition: text(&pf.edition),
        family: text(&pf.family),
        version: text(&pf.version),
    };
    let (st, actor) = (state.clone(), user.user.clone());
    let done = blocking(move || {
        Ok(service::create_product(
            &st.db,
            &actor,
            &input,
            crate::ids::now(),
        ))
    })
    .await?;
    match done {
        Ok(p) => Ok(flash::redirect(
            &format!("/licenses/products/{}", url_encode(&p.id)),
            "product_created",
        )),
        Err(e) => {
            let pp = Problems::refusal(e)?;
            page(
                state,
                user,
                Shown {
                    pf,
                    pp,
                    ..Shown::default()
                },
                None,
            )
            .await
        }
    }
}

/// The rule the boxes give, or why the order does not read.
fn rule_input(rf: &RuleBoxes) -> Result<NewRule, Problems> {
    let position = match rf.position.trim() {
        "" => None,
        p => Some(p.parse::<i32>().map_err(|_| {
            Problems::field(
                "position",
                "a whole number: rules are tried from the lowest",
            )
        })?),
    };
    let exclude = rf.product_id == EXCLUDE;
    Ok(NewRule {
        product_id: if exclude { None } else { text(&rf.product_id) },
        name_pattern: rf.name_pattern.clone(),
        publisher_pattern: text(&rf.publisher_pattern),
        version_pattern: text(&rf.version_pattern),
        exclude,
        position,
    })
}

/// `POST /licenses/rules`: `do=preview` shows what the draft would take,
/// anything else saves it.
pub async fn create_rule(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    let f = |n: &str| form_field(&form, n);
    let rf = RuleBoxes {
        product_id: f("product_id"),
        name_pattern: f("name_pattern"),
        publisher_pattern: f("publisher_pattern"),
        version_pattern: f("version_pattern"),
        position: f("position"),
    };
    let input = match rule_input(&rf) {
        Ok(i) => i,
        Err(rp) => {
            return page(
                state,
                user,
                Shown {
                    rf,
                    rp,
                    ..Shown::default()
                },
                None,
            )
            .await;
        }
    };
    let preview = f("do") == "preview";
    let (st, actor) = (state.clone(), user.user.clone());
    let done = blocking(move || {
        Ok(if preview {
            service::preview(&st.db, &actor, &input).map(Some)
        } else {
            service::create_rule(&st.db, &actor, &input, crate::ids::now()).map(|_| None)
        })
    })
    .await?;
    match done {
        Ok(None) => Ok(flash::redirect("/licenses/catalog#rules", "rule_created")),
        Ok(Some(p)) => {
            page(
                state,
                user,
                Shown {
                    rf,
                    preview: Some(p),
                    ..Shown::default()
                },
                None,
            )
            .await
        }
        Err(e) => {
            let rp = Problems::refusal(e)?;
            page(
                state,
                user,
                Shown {
                    rf,
                    rp,
                    ..Shown::default()
                },
                None,
            )
            .await
        }
    }
}

/// `POST /licenses/rules/{id}/delete`.
pub async fn delete_rule(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    let (id, actor) = (path.into_inner(), user.user.clone());
    blocking(move || service::delete_rule(&state.db, &actor, &id, crate::ids::now()))
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound("that rule is already gone".into()),
            other => other,
        })?;
    Ok(flash::redirect("/licenses/catalog#rules", "rule_deleted"))
}
