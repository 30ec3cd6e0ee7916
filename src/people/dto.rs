//! The people register's JSON shapes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::domain::EmploymentStatus;
use crate::http::present;

/// A person to add, or the fields to change (absent stay; `null` clears).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// Their address; an account is made for it when there is none (as a
    /// requester). Only when adding.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub surname: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub employee_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub department: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub title: Option<Option<String>>,
    /// The manager's id or email.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub manager: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub location_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub start_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub end_date: Option<Option<NaiveDate>>,
    /// active, pending_start or departed; by default what the dates say.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub employment_status: Option<EmploymentStatus>,
}

/// The directory entry a person is linked to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DirectoryLink {
    /// `openldap` or `ad`.
    pub flavor: String,
    pub dn: Option<String>,
    /// `entryUUID` or `objectGUID`.
    pub key: String,
    pub account_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Person)]
pub struct PersonDto {
    /// The account's id.
    pub id: String,
    pub email: String,
    pub name: String,
    pub given_name: String,
    pub surname: String,
    pub employee_id: Option<String>,
    pub department: Option<String>,
    pub title: Option<String>,
    pub manager_id: Option<String>,
    pub manager_name: Option<String>,
    pub location_id: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    #[schema(value_type = String)]
    pub employment_status: EmploymentStatus,
    /// The account can sign in.
    pub is_active: bool,
    pub directory: Option<DirectoryLink>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// One person's read only: devices deployed with or reserved for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assets: Option<Vec<super::holdings::HeldAsset>>,
    /// One person's read only: the license seats they hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_allocations: Option<Vec<super::holdings::HeldSeat>>,
    /// One person's read only: the newest 20 tickets they asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tickets: Option<Vec<super::holdings::HeldTicket>>,
    /// One person's read only: their onboarding, offboarding and moves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runs: Option<Vec<super::holdings::HeldRun>>,
}
