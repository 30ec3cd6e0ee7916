//! A run's plan, made before anything changes (pure): from what the run
//! asks, its templates and what the directory and the registers hold now,
//! every step with the exact change it will make.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

pub use super::details::*;
use super::domain::{RunKind, StepKind};
use super::template::TemplateSpec;
use crate::assets::service::reservations::DeviceRef;

/// The person a run is for: a new hire's facts (onboard), or the new
/// department and title (move).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = OnboardingPerson)]
pub struct NewHire {
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub surname: Option<String>,
    /// Their address; made from the account name and
    /// `directory.upn_suffix` when left out.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub employee_id: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// The manager's id or email.
    #[serde(default)]
    pub manager: Option<String>,
    /// Default: the run's `effective_on`.
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
}

/// What a plan is made of, gathered by the caller.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub kind: Option<RunKind>,
    pub hire: NewHire,
    /// The person's name (offboard, move) for the summary.
    pub name: String,
    pub template: Option<TemplateSpec>,
    /// A move's template before it.
    pub old_template: Option<TemplateSpec>,
    /// Onboard: the account to create (none without a directory).
    pub account: Option<AccountDetail>,
    pub password_length: usize,
    /// Offboard and move: the person's entry, when linked.
    pub entry_dn: Option<String>,
    /// Offboard: the groups the entry is in now.
    pub current_groups: Vec<String>,
    pub disabled_ou: Option<String>,
    pub device_now: Option<DeviceRef>,
    pub hand_over_on: Option<NaiveDate>,
    pub tasks: Vec<TaskPlan>,
    pub manager_email: Option<String>,
    pub held_devices: Vec<DeviceRef>,
    pub held_seats: Vec<String>,
    /// Seats free now, per product the template names.
    pub free_seats: Vec<(String, i64)>,
    /// Said by the caller (an unknown calendar, …).
    pub warnings: Vec<String>,
}

/// One step as planned.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedStep {
    pub kind: StepKind,
    pub detail: Value,
}

/// The plan: steps, and what people read about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub steps: Vec<PlannedStep>,
    /// The plan in a few words (`plan.summary`) with what it could not
    /// promise (`plan.warnings`).
    pub overview: Value,
}

fn step<T: Serialize>(kind: StepKind, detail: &T) -> PlannedStep {
    PlannedStep {
        kind,
        detail: serde_json::to_value(detail).expect("plain data"),
    }
}

/// Group DNs of `a` that `b` does not name (compared without regard to
/// case or spaces after commas).
pub fn groups_minus(a: &[String], b: &[String]) -> Vec<String> {
    let norm = |g: &str| crate::directory::client::normalize_dn(g);
    let theirs: Vec<String> = b.iter().map(|g| norm(g)).collect();
    let mut out: Vec<String> = Vec::new();
    for g in a {
        let n = norm(g);
        if !theirs.contains(&n) && !out.iter().any(|o| norm(o) == n) {
            out.push(g.clone());
        }
    }
    out
}

/// What a plan collects as it goes.
#[derive(Default)]
struct Draft {
    steps: Vec<PlannedStep>,
    summary: Vec<String>,
    warnings: Vec<String>,
    added: Vec<String>,
    removed: Vec<String>,
}

fn no_template() -> TemplateSpec {
    TemplateSpec {
        name: String::new(),
        department: None,
        role: None,
        ou: None,
        groups: Vec::new(),
        device_model: None,
        device_category: None,
        license_products: Vec::new(),
        tasks: Vec::new(),
        welcome_mail: true,
        must_change_password: true,
    }
}

/// The plan for these facts.
pub fn build(f: &Facts) -> Plan {
    let mut d = Draft {
        warnings: f.warnings.clone(),
        ..Draft::default()
    };
    let t = f.template.clone().unwrap_or_else(no_template);
    match f.kind.unwrap_or(RunKind::Onboard) {
        RunKind::Onboard => onboard(f, &t, &mut d),
        RunKind::Offboard => offboard(f, &t, &mut d),
        RunKind::Move => move_groups(f, &t, &mut d),
    }
    Plan {
        steps: d.steps,
        overview: json!({
            "summary": d.summary,
            "warnings": d.warnings,
            "template": f.template.as_ref().map(|t| t.name.clone()),
            "account": f.account.as_ref().map(|a| a.account.clone()),
            "dn": f.account.as_ref().map(|a| a.dn.clone()).or(f.entry_dn.clone()),
            "groups_added": d.added,
            "groups_removed": d.removed,
        }),
    }
}

fn onboard(f: &Facts, t: &TemplateSpec, d: &mut Draft) {
    d.steps.push(step(StepKind::RegisterPerson, &f.hire));
    if let Some(a) = &f.account {
        d.summary
            .push(format!("create the account {} at {}", a.account, a.dn));
        d.steps.push(step(StepKind::CreateAccount, a));
        d.steps.push(step(
            StepKind::SetPassword,
            &PasswordDetail {
                account: a.account.clone(),
                must_change: t.must_change_password,
                length: f.password_length,
            },
        ));
        if !t.groups.is_empty() {
            d.added.clone_from(&t.groups);
            d.summary
                .push(format!("add it to {} groups", t.groups.len()));
            d.steps.push(step(
                StepKind::AddGroups,
                &GroupsDetail {
                    groups: t.groups.clone(),
                },
            ));
        }
    } else {
        d.warnings
            .push("no directory is configured: no account is made".into());
    }
    if t.device_model.is_some() || t.device_category.is_some() {
        match &f.device_now {
            Some(dev) => d
                .summary
                .push(format!("reserve {} from stock", dev.asset_tag)),
            None => d.warnings.push(format!(
                "no {} is in stock now; the step fails unless one arrives by then",
                t.device_model
                    .clone()
                    .or(t.device_category.clone())
                    .unwrap_or_default()
            )),
        }
        d.steps.push(step(
            StepKind::ReserveDevice,
            &DeviceDetail {
                model: t.device_model.clone(),
                category: t.device_category.clone(),
                in_stock_now: f.device_now.clone(),
                hand_over_on: f.hand_over_on.unwrap_or_default(),
            },
        ));
    }
    if !t.license_products.is_empty() {
        for (product, free) in &f.free_seats {
            if *free <= 0 {
                d.warnings.push(format!("no seat of {product} is free now"));
            }
        }
        d.summary
            .push(format!("give seats of {}", t.license_products.join(", ")));
        d.steps.push(step(
            StepKind::AllocateSeats,
            &SeatsDetail {
                products: t.license_products.clone(),
            },
        ));
    }
    if !f.tasks.is_empty() {
        d.summary
            .push(format!("raise {} technician tasks", f.tasks.len()));
        d.steps.push(step(
            StepKind::RaiseTasks,
            &TasksDetail {
                tasks: f.tasks.clone(),
            },
        ));
    }
    mail_step(f, t.welcome_mail, d);
}

fn offboard(f: &Facts, t: &TemplateSpec, d: &mut Draft) {
    match &f.entry_dn {
        Some(dn) => {
            // Every group it is in when the step runs, these and any
            // joined since.
            d.removed.clone_from(&f.current_groups);
            d.summary.push(format!(
                "remove the account from its {} groups",
                f.current_groups.len()
            ));
            d.steps.push(step(
                StepKind::RemoveGroups,
                &GroupsDetail {
                    groups: f.current_groups.clone(),
                },
            ));
            d.summary.push(format!("disable {dn}"));
            d.steps.push(step(
                StepKind::DisableAccount,
                &DisableDetail {
                    dn: dn.clone(),
                    to_ou: f.disabled_ou.clone(),
                },
            ));
        }
        None => d
            .warnings
            .push("the person has no directory account".into()),
    }
    d.summary.push(format!("deactivate {} in itdesk", f.name));
    d.steps.push(step(StepKind::DeactivatePerson, &json!({})));
    // What they hold when the steps run: these, and anything since.
    if !f.held_devices.is_empty() {
        let tags: Vec<&str> = f
            .held_devices
            .iter()
            .map(|x| x.asset_tag.as_str())
            .collect();
        d.summary.push(format!("ask back {}", tags.join(", ")));
    }
    d.steps.push(step(
        StepKind::ReturnDevices,
        &ReturnDetail {
            devices: f.held_devices.clone(),
            due_on: f.hand_over_on,
        },
    ));
    if !f.held_seats.is_empty() {
        d.summary
            .push(format!("release {} seats", f.held_seats.len()));
    }
    d.steps.push(step(
        StepKind::ReleaseSeats,
        &ReleaseDetail {
            seats: f.held_seats.clone(),
        },
    ));
    mail_step(f, t.welcome_mail, d);
}

fn move_groups(f: &Facts, t: &TemplateSpec, d: &mut Draft) {
    let update = UpdateDetail {
        department: f.hire.department.clone(),
        title: f.hire.title.clone(),
    };
    if update.department.is_some() || update.title.is_some() {
        d.summary.push("change the department and title".into());
        d.steps.push(step(StepKind::UpdatePerson, &update));
    }
    let old = f
        .old_template
        .as_ref()
        .map(|o| o.groups.clone())
        .unwrap_or_default();
    d.added = groups_minus(&t.groups, &old);
    d.removed = groups_minus(&old, &t.groups);
    if f.entry_dn.is_none() {
        if !d.added.is_empty() || !d.removed.is_empty() {
            d.warnings
                .push("the person has no directory account: groups stay".into());
        }
        return;
    }
    if !d.added.is_empty() {
        d.summary.push(format!("add {} groups", d.added.len()));
        let groups = d.added.clone();
        d.steps
            .push(step(StepKind::AddGroups, &GroupsDetail { groups }));
    }
    if !d.removed.is_empty() {
        d.summary.push(format!("remove {} groups", d.removed.len()));
        let groups = d.removed.clone();
        d.steps
            .push(step(StepKind::RemoveGroups, &GroupsDetail { groups }));
    }
}

fn mail_step(f: &Facts, wanted: bool, d: &mut Draft) {
    if !wanted {
        return;
    }
    match &f.manager_email {
        Some(to) => {
            d.summary.push(format!("mail the manager ({to})"));
            d.steps
                .push(step(StepKind::MailManager, &MailDetail { to: to.clone() }));
        }
        None => d.warnings.push("no manager to mail".into()),
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
