//! Rows of the people table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::domain::EmploymentStatus;
use crate::db::schema::people;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = people, treat_none_as_null = true)]
pub struct Person {
    pub user_id: String,
    pub employee_id: Option<String>,
    pub given_name: String,
    pub surname: String,
    pub department: Option<String>,
    pub title: Option<String>,
    pub manager_id: Option<String>,
    pub location_id: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub employment_status: EmploymentStatus,
    /// `openldap` or `ad` when linked to a directory entry.
    pub directory_flavor: Option<String>,
    pub directory_dn: Option<String>,
    /// The entry's stable key: `entryUUID` (OpenLDAP) or `objectGUID` (AD).
    pub directory_key: Option<String>,
    pub account_name: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Person {
    /// A person on the account `user_id` knowing nothing yet, active.
    pub fn blank(user_id: &str, now: NaiveDateTime) -> Person {
        Person {
            user_id: user_id.to_owned(),
            employee_id: None,
            given_name: String::new(),
            surname: String::new(),
            department: None,
            title: None,
            manager_id: None,
            location_id: None,
            start_date: None,
            end_date: None,
            employment_status: EmploymentStatus::Active,
            directory_flavor: None,
            directory_dn: None,
            directory_key: None,
            account_name: None,
            created_at: now,
            updated_at: now,
        }
    }
}
