//! The JSON shapes of onboarding runs.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::domain::{RunKind, RunStatus, StepKind, StepStatus};
use super::plan::NewHire;
use super::repo::{RunRow, StepRow};
use crate::ids::utc;

/// `POST /api/v1/onboarding/runs`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = OnboardingRunRequest)]
pub struct RunRequest {
    pub kind: RunKind,
    /// The new hire (onboard), or the new department and title (move).
    #[serde(default)]
    pub person: Option<NewHire>,
    /// The person (id or email) who leaves (offboard) or moves.
    #[serde(default)]
    pub person_id: Option<String>,
    /// A template's name; by default the one the person's department and
    /// title pick (a move's new template).
    #[serde(default)]
    pub template: Option<String>,
    /// The day the steps run (at midnight in `onboarding.calendar`'s zone):
    /// the start date, or the end date of a leaver.
    pub effective_on: NaiveDate,
    /// The service request (number or id, in the `onboarding` category)
    /// this run answers: it gets an internal note when the run is planned
    /// and when it ends.
    #[serde(default)]
    pub ticket: Option<String>,
}

/// What the run listing filters on.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    pub status: Option<RunStatus>,
    pub kind: Option<RunKind>,
    pub person_id: Option<String>,
}

/// One step of a run.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = OnboardingStep)]
pub struct StepView {
    pub position: i32,
    pub kind: StepKind,
    pub status: StepStatus,
    /// What it does, in words.
    pub says: String,
    /// Exactly what it will change (DNs, attributes, groups, devices, tasks).
    #[schema(value_type = Object)]
    pub detail: Value,
    /// What it did (the account's DN and key, the device, the tickets).
    #[schema(value_type = Option<Object>)]
    pub result: Option<Value>,
    /// Why it failed, or why it waits to be tried again.
    pub error: Option<String>,
    pub attempts: i32,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A run: the plan and each step.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = OnboardingRun)]
pub struct RunView {
    pub id: String,
    pub kind: RunKind,
    pub status: RunStatus,
    /// The person in itdesk (an onboarding's once registered).
    pub person_id: Option<String>,
    /// The person's name.
    pub person_name: String,
    /// The person as asked.
    #[schema(value_type = Object)]
    pub person: Value,
    pub template: Option<String>,
    pub effective_on: NaiveDate,
    /// The number of the service request the run answers.
    pub ticket: Option<i64>,
    /// `summary` and `warnings` in words, the account and DN, the groups
    /// added and removed.
    #[schema(value_type = Object)]
    pub plan: Value,
    pub steps: Vec<StepView>,
    /// `none`, `sealed` (set, waiting for its one reveal) or `revealed`.
    pub password: String,
    pub requested_by: Option<String>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST …/runs/{id}/reveal-password`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = RevealedPassword)]
pub struct Revealed {
    pub password: String,
}

/// One event of a run's history (`GET …/runs/{id}/history`), oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = OnboardingRunEvent)]
pub struct RunEvent {
    pub at: DateTime<Utc>,
    /// Who did it (email); for what the service did by itself (started,
    /// a step, done), the one who approved the run.
    pub actor: Option<String>,
    /// planned, approved, started, step_done, step_waiting, step_failed,
    /// done, retried, reverted or password_revealed.
    pub action: String,
    /// What it changed or said.
    #[schema(value_type = Object)]
    pub changes: Value,
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn list(v: &Value, key: &str) -> String {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| x.to_string())
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

/// A run in words: "the onboarding of Ada Lovelace".
pub fn says_run(kind: RunKind, person_json: &str) -> String {
    let p: Value = serde_json::from_str(person_json).unwrap_or(Value::Null);
    let name = format!(
        "{} {}",
        p["given_name"].as_str().unwrap_or(""),
        p["surname"].as_str().unwrap_or("")
    );
    let what = match kind {
        RunKind::Onboard => "the onboarding",
        RunKind::Offboard => "the offboarding",
        RunKind::Move => "the move",
    };
    format!("{what} of {}", name.trim())
}

/// What a step does, in words.
pub fn says(kind: StepKind, d: &Value) -> String {
    let s = |k: &str| d[k].as_str().unwrap_or("").to_owned();
    match kind {
        StepKind::RegisterPerson => {
            format!("register {} {} in itdesk", s("given_name"), s("surname"))
        }
        StepKind::CreateAccount => format!("create the account {} at {}", s("account"), s("dn")),
        StepKind::SetPassword => {
            let change = if d["must_change"].as_bool().unwrap_or(true) {
                ", to be changed at first logon"
            } else {
                ""
            };
            format!("set a random initial password{change}")
        }
        StepKind::AddGroups => format!("add to {}", list(d, "groups")),
        StepKind::RemoveGroups => {
            let groups = list(d, "groups");
            if groups.is_empty() {
                "remove from every group it is in".into()
            } else {
                format!("remove from {groups}")
            }
        }
        StepKind::DisableAccount => match d["to_ou"].as_str() {
            Some(ou) => format!("disable the account and move it to {ou}"),
            None => "disable the account".into(),
        },
        StepKind::ReserveDevice => {
            let what = d["model"]
                .as_str()
                .or(d["category"].as_str())
                .unwrap_or("device");
            format!(
                "reserve a {what} from stock and raise its hand-over task due {}",
                s("hand_over_on")
            )
        }
        StepKind::AllocateSeats => format!("give a seat of {}", list(d, "products")),
        StepKind::RaiseTasks => tasks_words(d),
        StepKind::UpdatePerson => "change the department and title".into(),
        StepKind::DeactivatePerson => {
            "deactivate the person in itdesk and end their sessions and tokens".into()
        }
        StepKind::ReturnDevices => returns_words(d),
        StepKind::ReleaseSeats => {
            let seats = list(d, "seats");
            if seats.is_empty() {
                "release every license seat they hold".into()
            } else {
                format!("release their seats ({seats}, and any given since)")
            }
        }
        StepKind::MailManager => format!("mail the manager at {}", s("to")),
    }
}

fn tasks_words(d: &Value) -> String {
    let tasks = d["tasks"].as_array().cloned().unwrap_or_default();
    let names: Vec<String> = tasks
        .iter()
        .map(|t| {
            format!(
                "{} (due {})",
                t["title"].as_str().unwrap_or(""),
                t["due_on"].as_str().unwrap_or("")
            )
        })
        .collect();
    format!("raise {}", names.join(", "))
}

fn returns_words(d: &Value) -> String {
    let tags: Vec<String> = d["devices"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["asset_tag"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if tags.is_empty() {
        "raise a return task for every device deployed with them".into()
    } else {
        format!(
            "raise a return task for {} (and any device deployed with them since)",
            tags.join(", ")
        )
    }
}

pub fn step_view(s: &StepRow) -> StepView {
    let detail = json(&s.detail);
    StepView {
        position: s.position,
        kind: s.kind,
        status: s.status,
        says: says(s.kind, &detail),
        detail,
        result: s.result.as_deref().map(json),
        error: s.error.clone(),
        attempts: s.attempts,
        started_at: s.started_at.map(utc),
        finished_at: s.finished_at.map(utc),
    }
}

/// A run as the API shows it; `emails` of the requester and approver and
/// the person's name are looked up by the caller.
pub fn run_view(
    r: &RunRow,
    steps: &[StepRow],
    person_name: String,
    (requested_by, approved_by): (Option<String>, Option<String>),
    ticket: Option<i64>,
) -> RunView {
    RunView {
        id: r.id.clone(),
        kind: r.kind,
        status: r.status,
        person_id: r.person_id.clone(),
        person_name,
        person: json(&r.person),
        template: r.template.clone(),
        effective_on: r.effective_on,
        ticket,
        plan: json(&r.plan),
        steps: steps.iter().map(step_view).collect(),
        password: r.password_state.clone(),
        requested_by,
        approved_by,
        approved_at: r.approved_at.map(utc),
        error: r.error.clone(),
        created_at: utc(r.created_at),
        updated_at: utc(r.updated_at),
    }
}
