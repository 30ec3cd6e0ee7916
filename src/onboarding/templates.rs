//! Templates: the configuration's written into the database at start
//! (rows made over the API are kept and may not share a name), listed,
//! saved and deleted over the API; every change in the history.

use chrono::NaiveDateTime;
use serde_json::json;

use super::Onboarding;
use super::repo::{self, TemplateRow};
use super::template::TemplateSpec;
use crate::audit;
use crate::auth::{Role, User};
use crate::db::{Db, DbConn};
use crate::error::AppError;

const CONFIG: &str = "config";
const API: &str = "api";

/// A template and where it comes from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stored {
    #[serde(flatten)]
    pub spec: TemplateSpec,
    /// `config` (read only here) or `api`.
    pub source: String,
}

/// The template's own schema with `source` beside its fields: a flattened
/// field would make an `allOf` whose first part (the template, which
/// refuses unknown fields as a request) forbids `source`.
impl utoipa::PartialSchema for Stored {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::{ObjectBuilder, Schema, Type};
        let mut schema = <TemplateSpec as utoipa::PartialSchema>::schema();
        if let RefOr::T(Schema::Object(o)) = &mut schema {
            o.additional_properties = None;
            o.description = Some("An onboarding template and where it is defined.".into());
            o.properties.insert(
                "source".into(),
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("`config` (read only here) or `api`."))
                    .into(),
            );
            o.required.push("source".into());
        }
        schema
    }
}

impl utoipa::ToSchema for Stored {
    fn name() -> std::borrow::Cow<'static, str> {
        "OnboardingTemplateEntry".into()
    }
}

fn parse(row: &TemplateRow) -> Result<TemplateSpec, AppError> {
    serde_json::from_str(&row.spec).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "stored onboarding template `{}` is unreadable: {e}",
            row.name
        ))
    })
}

/// Writes the configuration's templates (`[[onboarding_templates]]`) into
/// the database and removes configured ones no longer there; a name an API
/// template holds stops the start.
pub fn sync_config(db: &Db, specs: &[TemplateSpec]) -> Result<(), AppError> {
    db.write(|conn| {
        conn.lock_for_seeding()?;
        let now = crate::ids::now();
        for spec in specs {
            let stored = repo::template(conn, &spec.name)?;
            if stored.as_ref().is_some_and(|r| r.source == API) {
                return Err(AppError::conflict(
                    "template_name_taken",
                    format!(
                        "onboarding template `{}` is defined in the configuration and over the API; rename one of them",
                        spec.name
                    ),
                ));
            }
            let text = serde_json::to_string(spec).map_err(anyhow::Error::from)?;
            if stored.is_none_or(|r| r.spec != text) {
                write(conn, spec, CONFIG, None, now)?;
            }
        }
        for row in repo::templates(conn)? {
            if row.source == CONFIG && !specs.iter().any(|s| s.name == row.name) {
                repo::delete_template(conn, &row.name)?;
                record(conn, None, &row.name, "deleted", json!({"source": CONFIG}), now)?;
            }
        }
        Ok(())
    })
}

/// Every template, by name.
pub fn list(conn: &mut DbConn) -> Result<Vec<Stored>, AppError> {
    repo::templates(conn)?
        .iter()
        .map(|r| {
            Ok(Stored {
                spec: parse(r)?,
                source: r.source.clone(),
            })
        })
        .collect()
}

/// One template by name.
pub fn find(conn: &mut DbConn, name: &str) -> Result<Option<TemplateSpec>, AppError> {
    repo::template(conn, name)?.map(|r| parse(&r)).transpose()
}

fn may_change(actor: &User) -> Result<(), AppError> {
    if matches!(actor.role, Role::Coordinator | Role::Admin) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "coordinators and admins change onboarding templates".into(),
        ))
    }
}

fn refuse_config(row: &Option<TemplateRow>, name: &str) -> Result<(), AppError> {
    if row.as_ref().is_some_and(|r| r.source == CONFIG) {
        return Err(AppError::conflict(
            "defined_in_config",
            format!(
                "onboarding template `{name}` is defined in the configuration; change it there"
            ),
        ));
    }
    Ok(())
}

/// Creates or replaces a template over the API; whether it was new.
pub fn save(
    ob: &Onboarding,
    actor: &User,
    name: &str,
    spec: &TemplateSpec,
) -> Result<bool, AppError> {
    may_change(actor)?;
    if spec.name != name {
        return Err(AppError::invalid(
            "name",
            format!("the address names `{name}`"),
        ));
    }
    let directory = &ob.people.directory;
    let people_base = if directory.in_use() {
        directory.people_base.as_str()
    } else {
        ""
    };
    let problems = spec.problems_in(people_base);
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    ob.db.write(|conn| {
        let stored = repo::template(conn, name)?;
        refuse_config(&stored, name)?;
        write(conn, spec, API, Some(&actor.id), crate::ids::now())?;
        Ok(stored.is_none())
    })
}

/// Deletes a template made over the API.
pub fn delete(db: &Db, actor: &User, name: &str) -> Result<(), AppError> {
    may_change(actor)?;
    db.write(|conn| {
        let stored = repo::template(conn, name)?;
        refuse_config(&stored, name)?;
        if stored.is_none() {
            return Err(AppError::NotFound(format!("onboarding template {name}")));
        }
        repo::delete_template(conn, name)?;
        record(
            conn,
            Some(&actor.id),
            name,
            "deleted",
            json!({"source": API}),
            crate::ids::now(),
        )
    })
}

fn write(
    conn: &mut DbConn,
    spec: &TemplateSpec,
    source: &str,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let text = serde_json::to_string(spec).map_err(anyhow::Error::from)?;
    repo::put_template(
        conn,
        &TemplateRow {
            name: spec.name.clone(),
            spec: text,
            source: source.to_owned(),
            updated_at: now,
        },
    )?;
    let changes = json!({"source": source, "template": spec});
    record(conn, actor, &spec.name, "saved", changes, now)
}

fn record(
    conn: &mut DbConn,
    actor: Option<&str>,
    name: &str,
    action: &str,
    changes: serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    audit::record(
        conn,
        audit::Entry {
            entity_type: "onboarding_template",
            entity_id: name,
            actor_id: actor,
            action,
            changes,
            at: now,
        },
    )?;
    Ok(())
}
