//! `/onboarding/templates`: every template with what it gives, and
//! (coordinators and admins) a form to add or change those made here —
//! groups, products and tasks one per line — and to delete them after a
//! confirmation. Templates from the configuration are read only.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::form::Problems;
use super::onboarding::may_act;
use super::pages::some;
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render, render_with};
use crate::error::{AppError, FieldError, blocking};
use crate::onboarding::template::{TaskSpec, TemplateSpec};
use crate::onboarding::templates::{self, Stored};
use crate::state::AppState;

struct Row {
    t: TemplateSpec,
    from_config: bool,
    tasks: Vec<String>,
}

#[derive(Template)]
#[template(path = "onboarding_templates.html", config = "src/web/askama.toml")]
struct ListPage {
    nav: Nav,
    flash: Option<&'static str>,
    rows: Vec<Row>,
    may_act: bool,
}

fn task_line(t: &TaskSpec) -> String {
    let mut s = format!("{}; {}", t.title, t.due_days);
    if let Some(q) = &t.queue {
        s.push_str("; ");
        s.push_str(q);
    }
    s
}

async fn all(state: &web::Data<AppState>) -> Result<Vec<Stored>, PageError> {
    let st = state.clone();
    Ok(blocking(move || st.onboarding.db.read(templates::list)).await?)
}

/// `GET /onboarding/templates` (staff).
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let rows = all(&state)
        .await?
        .into_iter()
        .map(|s| Row {
            tasks: s.spec.tasks.iter().map(task_line).collect(),
            from_config: s.source == "config",
            t: s.spec,
        })
        .collect();
    let mut resp = render(&ListPage {
        nav: user.nav("onboarding"),
        flash: flash::take(&req),
        rows,
        may_act: may_act(&user),
    })?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}

/// The form as typed: lists one item per line, tasks as
/// `title; due days; queue`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TemplateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    ou: String,
    #[serde(default)]
    groups: String,
    #[serde(default)]
    device_model: String,
    #[serde(default)]
    device_category: String,
    #[serde(default)]
    license_products: String,
    #[serde(default)]
    tasks: String,
    #[serde(default)]
    welcome_mail: Option<String>,
    #[serde(default)]
    must_change_password: Option<String>,
}

fn form_of(t: &TemplateSpec) -> TemplateForm {
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    TemplateForm {
        csrf: String::new(),
        name: t.name.clone(),
        department: o(&t.department),
        role: o(&t.role),
        ou: o(&t.ou),
        groups: t.groups.join("\n"),
        device_model: o(&t.device_model),
        device_category: o(&t.device_category),
        license_products: t.license_products.join("\n"),
        tasks: t.tasks.iter().map(task_line).collect::<Vec<_>>().join("\n"),
        welcome_mail: t.welcome_mail.then(|| "true".into()),
        must_change_password: t.must_change_password.then(|| "true".into()),
    }
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The template the form asks for; a task line that does not read is
/// named by its line.
fn spec(f: &TemplateForm) -> Result<TemplateSpec, AppError> {
    let mut tasks = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in lines(&f.tasks).iter().enumerate() {
        let parts: Vec<&str> = line.split(';').map(str::trim).collect();
        let due = parts.get(1).map_or(Ok(0), |d| d.parse::<i32>());
        match due {
            Ok(due_days) => tasks.push(TaskSpec {
                title: parts[0].to_owned(),
                queue: parts.get(2).and_then(|q| some(q)),
                due_days,
            }),
            Err(_) => errors.push(FieldError::new(
                "tasks",
                format!(
                    "line {}: the due days are a whole number, such as -2 or 5",
                    i + 1
                ),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(TemplateSpec {
        name: f.name.trim().to_owned(),
        department: some(&f.department),
        role: some(&f.role),
        ou: some(&f.ou),
        groups: lines(&f.groups),
        device_model: some(&f.device_model),
        device_category: some(&f.device_category),
        license_products: lines(&f.license_products),
        tasks,
        welcome_mail: f.welcome_mail.is_some(),
        must_change_password: f.must_change_password.is_some(),
    })
}

/// A list item's fault (`groups[2]`, `tasks[0].title`) shown beside its
/// box, with its line.
fn placed(mut p: Problems) -> Problems {
    for e in &mut p.fields {
        if let Some((list, rest)) = e.field.split_once('[') {
            let line = rest
                .split(']')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .map_or(0, |n| n + 1);
            e.message = format!("line {line}: {}", e.message);
            e.field = list.to_owned();
        }
    }
    p
}

#[derive(Template)]
#[template(path = "onboarding_template_form.html", config = "src/web/askama.toml")]
struct FormPage {
    nav: Nav,
    f: TemplateForm,
    /// Empty when adding.
    editing: String,
    problems: Problems,
}

fn may_change(user: &WebUser) -> Result<(), PageError> {
    if may_act(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden("coordinators and admins change templates".into()).into())
    }
}

/// `GET /onboarding/templates/new` and `…/{name}/edit`.
pub async fn form(
    state: web::Data<AppState>,
    user: WebUser,
    path: Option<web::Path<String>>,
) -> Result<HttpResponse, PageError> {
    may_change(&user)?;
    let (f, editing) = match path {
        None => (
            TemplateForm {
                welcome_mail: Some("true".into()),
                must_change_password: Some("true".into()),
                ..TemplateForm::default()
            },
            String::new(),
        ),
        Some(name) => {
            let name = name.into_inner();
            let found = all(&state)
                .await?
                .into_iter()
                .find(|s| s.spec.name == name && s.source == "api")
                .ok_or_else(|| {
                    AppError::NotFound(format!("onboarding template {name} made here"))
                })?;
            (form_of(&found.spec), name)
        }
    };
    render(&FormPage {
        nav: user.nav("onboarding"),
        f,
        editing,
        problems: Problems::default(),
    })
}

/// `POST /onboarding/templates`: saves (adds or replaces) the template.
pub async fn save(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<TemplateForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    may_change(&user)?;
    let f = form.into_inner();
    let outcome = match spec(&f) {
        Err(e) => Err(e),
        Ok(t) => {
            let (st, actor) = (state.clone(), user.user.clone());
            blocking(move || {
                Ok::<_, AppError>(templates::save(&st.onboarding, &actor, &t.name.clone(), &t))
            })
            .await?
        }
    };
    match outcome {
        Ok(_) => Ok(flash::redirect(
            &format!("/onboarding/templates#t-{}", url_encode(f.name.trim())),
            "template_saved",
        )),
        Err(e) => {
            let problems = placed(Problems::refusal(e)?);
            render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    nav: user.nav("onboarding"),
                    editing: String::new(),
                    f,
                    problems,
                },
            )
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    csrf: String,
}

/// `POST /onboarding/templates/{name}/delete`.
pub async fn delete(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<DeleteForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    may_change(&user)?;
    let (st, actor, name) = (state.clone(), user.user.clone(), path.into_inner());
    blocking(move || templates::delete(&st.onboarding.db, &actor, &name)).await?;
    Ok(flash::redirect("/onboarding/templates", "template_deleted"))
}
