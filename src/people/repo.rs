//! Queries of the people table.

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::domain::EmploymentStatus;
use super::model::Person;
use crate::db::schema::people;
use crate::db::{DbBackend, DbConn};

pub fn insert(conn: &mut DbConn, p: &Person) -> QueryResult<()> {
    diesel::insert_into(people::table)
        .values(p)
        .execute(conn)
        .map(|_| ())
}

pub fn save(conn: &mut DbConn, p: &Person) -> QueryResult<()> {
    diesel::update(people::table.find(&p.user_id))
        .set(p)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConn, user_id: &str) -> QueryResult<Option<Person>> {
    people::table
        .find(user_id)
        .select(Person::as_select())
        .first(conn)
        .optional()
}

/// The person with this employee id, if any.
pub fn by_employee_id(conn: &mut DbConn, employee_id: &str) -> QueryResult<Option<Person>> {
    people::table
        .filter(people::employee_id.eq(employee_id))
        .select(Person::as_select())
        .first(conn)
        .optional()
}

/// The people linked to these directory entries: key → account id.
pub fn user_ids_by_key(
    conn: &mut DbConn,
    keys: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    let mut out = std::collections::HashMap::new();
    for chunk in keys.chunks(500) {
        let found: Vec<(Option<String>, String)> = people::table
            .filter(people::directory_key.eq_any(chunk))
            .select((people::directory_key, people::user_id))
            .load(conn)?;
        out.extend(found.into_iter().filter_map(|(k, id)| Some((k?, id))));
    }
    Ok(out)
}

/// Several people in one statement.
pub fn insert_many(conn: &mut DbConn, rows: &[Person]) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    crate::insert_all!(conn, people::table, rows).map(|_| ())
}

/// Every person (a directory sync compares them all).
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Person>> {
    people::table.select(Person::as_select()).load(conn)
}

/// What the listing filters on.
#[derive(Debug, Clone, Default)]
pub struct PeopleQuery {
    pub department: Option<String>,
    pub manager_id: Option<String>,
    pub status: Option<EmploymentStatus>,
    /// Part of a name, employee id or account name (any case); the ids of
    /// the accounts whose email matches come in `emails`.
    pub q: Option<String>,
    pub emails: Vec<String>,
}

type Boxed<'a> = people::BoxedQuery<'a, DbBackend>;

fn filtered<'a>(q: &'a PeopleQuery) -> Boxed<'a> {
    let mut b = people::table.into_boxed();
    if let Some(d) = &q.department {
        b = b.filter(people::department.eq(d));
    }
    if let Some(m) = &q.manager_id {
        b = b.filter(people::manager_id.eq(m));
    }
    if let Some(s) = q.status {
        b = b.filter(people::employment_status.eq(s));
    }
    if let Some(text) = &q.q {
        let pattern = crate::text::like_contains(text);
        b = b.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>(
                "(lower(people.given_name || ' ' || people.surname) LIKE ",
            )
            .bind::<diesel::sql_types::Text, _>(pattern.clone())
            .sql(" ESCAPE '\\' OR lower(COALESCE(people.employee_id, '')) LIKE ")
            .bind::<diesel::sql_types::Text, _>(pattern.clone())
            .sql(" ESCAPE '\\' OR lower(COALESCE(people.account_name, '')) LIKE ")
            .bind::<diesel::sql_types::Text, _>(pattern)
            .sql(" ESCAPE '\\')")
            .or(people::user_id.eq_any(&q.emails)),
        );
    }
    b
}

/// One page of people by surname and given name, and how many match.
pub fn list(
    conn: &mut DbConn,
    q: &PeopleQuery,
    (limit, offset): (i64, i64),
) -> QueryResult<(Vec<Person>, i64)> {
    let total = filtered(q).select(count_star()).get_result(conn)?;
    let rows = filtered(q)
        .order((
            people::surname.asc(),
            people::given_name.asc(),
            people::user_id.asc(),
        ))
        .limit(limit)
        .offset(offset)
        .select(Person::as_select())
        .load(conn)?;
    Ok((rows, total))
}
