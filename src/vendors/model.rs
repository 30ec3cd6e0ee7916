//! Rows of the vendor and contract tables.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::domain::{ContractKind, VendorKind};
use super::terms::Billing;
use crate::db::schema::{
    contract_assets, contract_documents, contract_entitlements, contract_reminders, contract_terms,
    contracts, vendor_contacts, vendor_escalations, vendors,
};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = vendors, treat_none_as_null = true)]
pub struct Vendor {
    pub id: String,
    pub name: String,
    pub kind: VendorKind,
    pub website: Option<String>,
    pub account_number: Option<String>,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = vendor_contacts)]
pub struct Contact {
    pub id: String,
    pub vendor_id: String,
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub escalation_order: i32,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = contracts, treat_none_as_null = true)]
pub struct Contract {
    pub id: String,
    pub vendor_id: String,
    pub kind: ContractKind,
    pub reference: Option<String>,
    pub title: String,
    pub owner_id: Option<String>,
    pub draft: bool,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub auto_renew: bool,
    pub renewal_months: Option<i32>,
    pub notice_months: Option<i32>,
    pub notice_days: Option<i32>,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub billing: Option<Billing>,
    pub terminates_on: Option<NaiveDate>,
    pub termination_reason: Option<String>,
    pub renewed_on: Option<NaiveDate>,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Business seconds the vendor has to answer an escalated ticket.
    pub response_target_seconds: Option<i64>,
    /// Business seconds the vendor has to resolve one.
    pub resolution_target_seconds: Option<i64>,
    /// The calendar its targets count on (`24x7` when none).
    pub service_calendar: Option<String>,
    /// Derived from `ends_on` and the notice period and stored only to be
    /// searched by; [`repo`](super::repo) writes it with every change.
    pub notice_deadline: Option<NaiveDate>,
}

impl Contract {
    /// `ends_on` minus the notice period, when it has both.
    pub fn derived_notice_deadline(&self) -> Option<NaiveDate> {
        self.ends_on
            .zip(self.notice())
            .map(|(e, n)| super::terms::notice_deadline(e, n))
    }

    /// Its notice period, if it has one.
    pub fn notice(&self) -> Option<super::terms::Notice> {
        use super::terms::Notice;
        match (self.notice_months, self.notice_days) {
            (Some(m), _) => Some(Notice::Months(m.max(0) as u32)),
            (None, Some(d)) => Some(Notice::Days(d.max(0) as u32)),
            (None, None) => None,
        }
    }

    /// What its status is computed from.
    pub fn standing(&self) -> super::terms::Standing {
        super::terms::Standing {
            draft: self.draft,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            auto_renew: self.auto_renew,
            notice: self.notice(),
            terminates_on: self.terminates_on,
            renewed_on: self.renewed_on,
        }
    }
}

/// A term a contract left behind when it renewed.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = contract_terms)]
pub struct Term {
    pub id: String,
    pub contract_id: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: NaiveDate,
    /// `job` (it rolled over by itself) or the id of the person who
    /// renewed it.
    pub renewed_by: String,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub billing: Option<Billing>,
    pub closed_at: NaiveDateTime,
}

/// A reminder sent about one deadline of a contract, at one offset.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = contract_reminders)]
pub struct Reminder {
    pub id: String,
    pub contract_id: String,
    pub deadline: super::due::Deadline,
    pub due_on: NaiveDate,
    pub offset_days: i32,
    /// Earlier offsets it stands in for (comma-separated days).
    pub missed: String,
    /// Addresses it went to (comma-separated).
    pub sent_to: String,
    pub queued_at: NaiveDateTime,
}

/// A ticket handed to a vendor: under which contract and targets, and
/// what the vendor answered when.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = vendor_escalations)]
pub struct Escalation {
    pub id: String,
    pub ticket_id: String,
    pub vendor_id: String,
    pub contract_id: Option<String>,
    pub vendor_reference: Option<String>,
    pub note: String,
    pub escalated_by: Option<String>,
    pub escalated_at: NaiveDateTime,
    /// The business calendar its clock counts on.
    pub calendar: String,
    pub response_target_seconds: Option<i64>,
    pub resolution_target_seconds: Option<i64>,
    pub response_due_at: Option<NaiveDateTime>,
    pub resolution_due_at: Option<NaiveDateTime>,
    pub responded_at: Option<NaiveDateTime>,
    /// Business seconds from escalation to the answer.
    pub response_seconds: Option<i64>,
    pub resolved_at: Option<NaiveDateTime>,
    /// Business seconds from escalation to the resolution.
    pub resolution_seconds: Option<i64>,
    pub resolution_note: Option<String>,
}

/// An asset a contract covers.
#[derive(Debug, Clone, PartialEq, Queryable, Insertable)]
#[diesel(table_name = contract_assets)]
pub struct CoveredAsset {
    pub contract_id: String,
    pub asset_id: String,
}

/// A license entitlement a contract covers.
#[derive(Debug, Clone, PartialEq, Queryable, Insertable)]
#[diesel(table_name = contract_entitlements)]
pub struct CoveredEntitlement {
    pub contract_id: String,
    pub entitlement_id: String,
}

/// A file kept with a contract; its bytes live by `sha256` in the
/// attachments folder.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = contract_documents)]
pub struct Document {
    pub id: String,
    pub contract_id: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by_id: String,
    pub created_at: NaiveDateTime,
}
