//! What each step will change, as its plan records it (JSON in
//! `onboarding_steps.detail`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assets::service::reservations::DeviceRef;

/// The account an onboarding creates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDetail {
    /// The account name after collision handling.
    pub account: String,
    pub dn: String,
    pub ou: String,
    #[serde(default)]
    pub upn: Option<String>,
    pub given: String,
    pub surname: String,
    pub mail: String,
    pub department: String,
    pub title: String,
    pub employee_id: String,
    pub manager_dn: String,
}

/// The initial password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordDetail {
    pub account: String,
    pub must_change: bool,
    pub length: usize,
}

/// Groups joined or left.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupsDetail {
    pub groups: Vec<String>,
}

/// The account locked and moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisableDetail {
    pub dn: String,
    #[serde(default)]
    pub to_ou: Option<String>,
}

/// The device put aside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceDetail {
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    /// What is in stock now (the step takes the first available then).
    #[serde(default)]
    pub in_stock_now: Option<DeviceRef>,
    /// When the hand-over task is due.
    pub hand_over_on: NaiveDate,
}

/// License products to give a seat of.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatsDetail {
    pub products: Vec<String>,
}

/// One technician task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskPlan {
    pub title: String,
    #[serde(default)]
    pub queue: Option<String>,
    pub due_on: NaiveDate,
}

/// The technician tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TasksDetail {
    pub tasks: Vec<TaskPlan>,
}

/// A move's new department and title.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateDetail {
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
}

/// What a leaver gives back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnDetail {
    pub devices: Vec<DeviceRef>,
    pub due_on: Option<NaiveDate>,
}

/// Seats a leaver holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseDetail {
    pub seats: Vec<String>,
}

/// The mail to the manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailDetail {
    pub to: String,
}
