//! Queries of the onboarding tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::onboarding_templates;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = onboarding_templates)]
pub struct TemplateRow {
    pub name: String,
    /// The template as JSON.
    pub spec: String,
    /// `config` or `api`.
    pub source: String,
    pub updated_at: NaiveDateTime,
}

pub fn templates(conn: &mut DbConn) -> QueryResult<Vec<TemplateRow>> {
    onboarding_templates::table
        .order(onboarding_templates::name.asc())
        .select(TemplateRow::as_select())
        .load(conn)
}

pub fn template(conn: &mut DbConn, name: &str) -> QueryResult<Option<TemplateRow>> {
    onboarding_templates::table
        .find(name)
        .select(TemplateRow::as_select())
        .first(conn)
        .optional()
}

pub fn put_template(conn: &mut DbConn, row: &TemplateRow) -> QueryResult<()> {
    let updated = diesel::update(onboarding_templates::table.find(&row.name))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(onboarding_templates::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_template(conn: &mut DbConn, name: &str) -> QueryResult<usize> {
    diesel::delete(onboarding_templates::table.find(name)).execute(conn)
}
