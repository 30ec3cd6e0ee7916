//! The vendor register's JSON shapes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::domain::{ContractKind, VendorKind};
use super::terms::{Billing, Status};
use crate::http::present;

/// A vendor's contact, in escalation order.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub name: String,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// 1 is called first; by default the order given.
    #[serde(default)]
    pub escalation_order: Option<i32>,
}

/// A vendor to add, or the fields to change (absent stay; `null` clears).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorInput {
    #[serde(default)]
    pub name: Option<String>,
    /// manufacturer, reseller, msp, carrier, software or other.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub account_number: Option<Option<String>>,
    #[serde(default)]
    pub notes: Option<String>,
    /// Replaces the contacts when given.
    #[serde(default)]
    pub contacts: Option<Vec<ContactInput>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactDto {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub escalation_order: i32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VendorDto {
    pub id: String,
    pub name: String,
    pub kind: VendorKind,
    pub website: Option<String>,
    pub account_number: Option<String>,
    pub notes: String,
    pub contacts: Vec<ContactDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A contract to add, or the fields to change (absent stay; `null` clears).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractInput {
    #[serde(default)]
    pub vendor_id: Option<String>,
    /// support, maintenance, subscription, lease, msp, warranty_extension or other.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub reference: Option<Option<String>>,
    #[serde(default)]
    pub title: Option<String>,
    /// The person who decides on renewals (id or email).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub owner: Option<Option<String>>,
    /// Being prepared, not in force.
    #[serde(default)]
    pub draft: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub starts_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub ends_on: Option<Option<NaiveDate>>,
    #[serde(default)]
    pub auto_renew: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>)]
    pub renewal_months: Option<Option<i32>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>)]
    pub notice_months: Option<Option<i32>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>)]
    pub notice_days: Option<Option<i32>>,
    /// The amount of one bill, in the currency's minor unit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub amount_minor: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub currency: Option<Option<String>>,
    /// monthly, quarterly, annual or one_time.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub billing: Option<Option<String>>,
    #[serde(default)]
    pub notes: Option<String>,
    /// Business time the vendor has to answer a ticket escalated under
    /// this contract, written like 30m, 4h or 2h30m.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub response_target: Option<Option<String>>,
    /// Business time the vendor has to resolve one, like 16h.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub resolution_target: Option<Option<String>>,
    /// The business calendar (by name) the targets count on; `24x7` when
    /// none is given.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub service_calendar: Option<Option<String>>,
    /// The assets it covers, by tag (replaces the list when given).
    #[serde(default)]
    pub assets: Option<Vec<String>>,
    /// The license entitlements it covers, by id (replaces the list when
    /// given).
    #[serde(default)]
    pub entitlement_ids: Option<Vec<String>>,
}

/// `POST /contracts/{id}/terminate`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Termination {
    /// The day it ends (its current end when it should simply not renew).
    pub effective_on: NaiveDate,
    pub reason: String,
}

/// A contract with what follows from its terms.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContractDto {
    pub id: String,
    pub vendor_id: String,
    pub vendor: String,
    pub kind: ContractKind,
    pub reference: Option<String>,
    pub title: String,
    pub owner_id: Option<String>,
    pub owner_email: Option<String>,
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
    /// The start of the current term when a renewal began it.
    pub renewed_on: Option<NaiveDate>,
    pub notes: String,
    /// The last day notice can be given for the current term.
    pub notice_deadline: Option<NaiveDate>,
    pub term_months: Option<i64>,
    pub annual_cost_minor: Option<i64>,
    pub total_contract_value_minor: Option<i64>,
    pub status: Status,
    /// The vendor's service targets (business time on `service_calendar`),
    /// as written (`4h`) and in seconds.
    pub response_target: Option<String>,
    pub response_target_seconds: Option<i64>,
    pub resolution_target: Option<String>,
    pub resolution_target_seconds: Option<i64>,
    pub service_calendar: Option<String>,
    /// The tags of the assets it covers.
    pub assets: Vec<String>,
    /// The license entitlements it covers.
    pub entitlement_ids: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A term the contract left behind when it renewed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TermDto {
    pub starts_on: Option<NaiveDate>,
    pub ends_on: NaiveDate,
    /// Rolled over by the daily pass (`true`) or renewed by a person.
    pub automatic: bool,
    /// Who renewed it (a person's id), when a person did.
    pub renewed_by: Option<String>,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub billing: Option<Billing>,
    pub closed_at: DateTime<Utc>,
}

/// A reminder sent about one of the contract's deadlines.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReminderDto {
    /// notice (the notice deadline) or end (its last day).
    #[schema(value_type = String)]
    pub deadline: crate::vendors::due::Deadline,
    /// The deadline's date.
    pub due_on: NaiveDate,
    /// Days before it this reminder stands for.
    pub offset_days: i32,
    /// Earlier offsets that were never sent (downtime), named in it.
    pub missed: Vec<i32>,
    pub sent_to: Vec<String>,
    pub queued_at: DateTime<Utc>,
}

impl From<crate::vendors::Term> for TermDto {
    fn from(t: crate::vendors::Term) -> TermDto {
        let automatic = t.renewed_by == "job";
        TermDto {
            starts_on: t.starts_on,
            ends_on: t.ends_on,
            automatic,
            renewed_by: (!automatic).then_some(t.renewed_by),
            amount_minor: t.amount_minor,
            currency: t.currency,
            billing: t.billing,
            closed_at: t.closed_at.and_utc(),
        }
    }
}

impl From<crate::vendors::Reminder> for ReminderDto {
    fn from(r: crate::vendors::Reminder) -> ReminderDto {
        let list = |s: &str| -> Vec<String> {
            s.split(',')
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect()
        };
        ReminderDto {
            deadline: r.deadline,
            due_on: r.due_on,
            offset_days: r.offset_days,
            missed: list(&r.missed)
                .iter()
                .filter_map(|d| d.parse().ok())
                .collect(),
            sent_to: list(&r.sent_to),
            queued_at: r.queued_at.and_utc(),
        }
    }
}

/// `POST /tickets/{id}/vendor-escalations`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationInput {
    pub vendor_id: String,
    /// The contract it falls under: its service targets start the
    /// vendor's clock.
    #[serde(default)]
    pub contract_id: Option<String>,
    /// The vendor's case number.
    #[serde(default)]
    pub vendor_reference: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST …/vendor-escalations/{eid}/response` and `…/resolve`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorAnswer {
    /// When the vendor answered (default: now); not before the escalation
    /// nor in the future.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A ticket handed to a vendor, with the vendor's clock.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EscalationDto {
    pub id: String,
    pub ticket_id: String,
    pub ticket_number: i64,
    pub vendor_id: String,
    pub vendor: String,
    pub contract_id: Option<String>,
    pub vendor_reference: Option<String>,
    pub note: String,
    pub escalated_by: Option<String>,
    pub escalated_at: DateTime<Utc>,
    /// The business calendar the vendor's clock counts on.
    pub calendar: String,
    pub response_target_seconds: Option<i64>,
    pub resolution_target_seconds: Option<i64>,
    pub response_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub responded_at: Option<DateTime<Utc>>,
    /// Business seconds from the escalation to the answer.
    pub response_seconds: Option<i64>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution_seconds: Option<i64>,
    pub resolution_note: Option<String>,
    /// Business seconds the vendor has taken to answer: so far while none
    /// came, else to the answer.
    pub response_elapsed_seconds: i64,
    /// The same for the resolution.
    pub resolution_elapsed_seconds: i64,
    /// awaiting_response, in_progress or resolved.
    pub state: String,
    /// Whether the answer (resolution) came within target; `null` while
    /// open and not yet late, or without a target.
    pub response_met: Option<bool>,
    pub resolution_met: Option<bool>,
}

/// `GET /vendors/{id}/performance`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PerformanceDto {
    pub vendor_id: String,
    pub vendor: String,
    /// The first and last day of the period (in vendors.time_zone).
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(flatten)]
    pub figures: crate::vendors::performance::Performance,
}

/// A document kept with a contract.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = ContractDocument)]
pub struct DocumentDto {
    pub id: String,
    pub contract_id: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by_id: String,
    pub created_at: DateTime<Utc>,
    /// Where to download it (same authentication as the API).
    pub download_url: String,
}

impl From<&super::model::Document> for DocumentDto {
    fn from(d: &super::model::Document) -> DocumentDto {
        DocumentDto {
            id: d.id.clone(),
            contract_id: d.contract_id.clone(),
            filename: d.filename.clone(),
            content_type: d.content_type.clone(),
            size_bytes: d.size_bytes,
            sha256: d.sha256.clone(),
            uploaded_by_id: d.uploaded_by_id.clone(),
            created_at: crate::ids::utc(d.created_at),
            download_url: format!("/api/v1/contracts/{}/documents/{}", d.contract_id, d.id),
        }
    }
}
