//! SLA policies: which tickets they cover, their targets per priority, which
//! hold reasons pause the clocks, when to warn, and what to do when a
//! threshold passes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::calendar::duration::BusinessDuration;
use crate::error::FieldError;
use crate::tickets::domain::{HoldReason, Priority, TicketType};

/// Targets of one priority; each clock is optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Met by the first public reply from an agent.
    #[schema(value_type = Option<String>, example = "1h")]
    pub first_response: Option<BusinessDuration>,
    /// After each requester message, met by the next public agent reply.
    #[schema(value_type = Option<String>, example = "4h")]
    pub next_response: Option<BusinessDuration>,
    /// Met when the ticket is resolved.
    #[schema(value_type = Option<String>, example = "16h")]
    pub resolution: Option<BusinessDuration>,
}

/// Which tickets a policy covers; an empty list matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Match {
    #[serde(default, rename = "type")]
    pub ticket_type: Vec<TicketType>,
    #[serde(default)]
    pub priority: Vec<Priority>,
    /// Queue slugs.
    #[serde(default)]
    pub queue: Vec<String>,
    /// Category slugs.
    #[serde(default)]
    pub category: Vec<String>,
    /// Requester organisations.
    #[serde(default)]
    pub organization: Vec<String>,
    /// Only tickets of VIP requesters (true) or only others (false).
    #[serde(default)]
    pub vip: Option<bool>,
}

/// When an escalation fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Threshold {
    /// The clock reached this percentage of its target.
    Warning(u8),
    /// The clock passed its target.
    Breach,
}

impl Threshold {
    /// `warning:75` or `breach`.
    pub fn key(self) -> String {
        match self {
            Threshold::Warning(p) => format!("warning:{p}"),
            Threshold::Breach => "breach".into(),
        }
    }
}

impl std::str::FromStr for Threshold {
    type Err = String;
    fn from_str(s: &str) -> Result<Threshold, String> {
        match s.trim() {
            "breach" => Ok(Threshold::Breach),
            other => other
                .strip_prefix("warning:")
                .and_then(|p| p.parse::<u8>().ok())
                .filter(|p| (1..100).contains(p))
                .map(Threshold::Warning)
                .ok_or_else(|| format!("`{s}` is neither `breach` nor `warning:PERCENT` (1–99)")),
        }
    }
}

/// What an escalation does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// `breach` or `warning:PERCENT` (one of the policy's warning thresholds).
    pub on: String,
    /// `first_response`, `next_response` or `resolution`; absent: any clock.
    #[serde(default)]
    pub clock: Option<String>,
    /// `assignee`, `coordinators`, or email addresses.
    #[serde(default)]
    pub notify: Vec<String>,
    /// Raise the priority one step (P4 → P3 … P2 → P1).
    #[serde(default)]
    pub raise_priority: bool,
    /// Move the ticket to this queue (slug).
    #[serde(default)]
    pub move_to_queue: Option<String>,
}

/// A policy as written in configuration or sent to the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    /// Required in configuration; optional in a preview.
    #[serde(default)]
    pub name: String,
    /// Calendar name; `24x7` when absent.
    #[serde(default)]
    pub calendar: Option<String>,
    #[serde(default, rename = "match")]
    pub matches: Match,
    /// Hold reasons during which the clocks stop.
    #[serde(default = "default_pause_on")]
    pub pause_on: Vec<HoldReason>,
    /// Warning thresholds in percent of the target.
    #[serde(default = "default_warnings")]
    pub warn_at_percent: Vec<u8>,
    /// `P1` … `P4` → targets.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub targets: BTreeMap<Priority, Targets>,
    #[serde(default)]
    pub escalations: Vec<Escalation>,
}

fn default_pause_on() -> Vec<HoldReason> {
    vec![HoldReason::AwaitingRequester, HoldReason::Scheduled]
}

fn default_warnings() -> Vec<u8> {
    vec![75, 90]
}

/// The three clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    FirstResponse,
    NextResponse,
    Resolution,
}

impl ClockKind {
    pub const ALL: [ClockKind; 3] = [
        ClockKind::FirstResponse,
        ClockKind::NextResponse,
        ClockKind::Resolution,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::FirstResponse => "first_response",
            ClockKind::NextResponse => "next_response",
            ClockKind::Resolution => "resolution",
        }
    }
}

/// A checked escalation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationRule {
    pub on: Threshold,
    pub clock: Option<ClockKind>,
    pub notify: Vec<String>,
    pub raise_priority: bool,
    pub move_to_queue: Option<String>,
}

/// A checked policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub name: String,
    pub calendar: String,
    pub matches: Match,
    pub pause_on: Vec<HoldReason>,
    /// Sorted, unique, each in 1..100.
    pub warn_at_percent: Vec<u8>,
    pub targets: BTreeMap<Priority, Targets>,
    pub escalations: Vec<EscalationRule>,
}

/// What a policy looks at to decide whether it covers a ticket.
#[derive(Debug, Clone, Copy)]
pub struct TicketFacts<'a> {
    pub ticket_type: TicketType,
    pub priority: Priority,
    pub queue: Option<&'a str>,
    pub category: Option<&'a str>,
    pub organization: Option<&'a str>,
    pub vip: bool,
}

impl PolicySpec {
    /// Checks the policy; field paths start with `prefix`.
    pub fn compile(&self, prefix: &str) -> Result<Policy, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut warn = self.warn_at_percent.clone();
        warn.sort_unstable();
        warn.dedup();
        if warn.iter().any(|p| *p == 0 || *p >= 100) {
            errors.push(FieldError::new(
                format!("{prefix}warn_at_percent"),
                "warning thresholds are percentages between 1 and 99",
            ));
        }
        let mut escalations = Vec::new();
        for (i, e) in self.escalations.iter().enumerate() {
            let field = |f: &str| format!("{prefix}escalations[{i}].{f}");
            let on = match e.on.parse::<Threshold>() {
                Ok(Threshold::Warning(p)) if !warn.contains(&p) => {
                    errors.push(FieldError::new(
                        field("on"),
                        format!("warning:{p} is not one of warn_at_percent {warn:?}"),
                    ));
                    continue;
                }
                Ok(t) => t,
                Err(m) => {
                    errors.push(FieldError::new(field("on"), m));
                    continue;
                }
            };
            let clock = match e.clock.as_deref() {
                None => None,
                Some(c) => match ClockKind::ALL.iter().find(|k| k.as_str() == c) {
                    Some(k) => Some(*k),
                    None => {
                        errors.push(FieldError::new(
                            field("clock"),
                            "use first_response, next_response or resolution",
                        ));
                        continue;
                    }
                },
            };
            for (j, who) in e.notify.iter().enumerate() {
                if who != "assignee"
                    && who != "coordinators"
                    && crate::auth::domain::normalize_email(who).is_err()
                {
                    errors.push(FieldError::new(
                        format!("{prefix}escalations[{i}].notify[{j}]"),
                        "use assignee, coordinators or an email address",
                    ));
                }
            }
            if e.notify.is_empty() && !e.raise_priority && e.move_to_queue.is_none() {
                errors.push(FieldError::new(
                    field("notify"),
                    "an escalation must do something",
                ));
            }
            escalations.push(EscalationRule {
                on,
                clock,
                notify: e.notify.clone(),
                raise_priority: e.raise_priority,
                move_to_queue: e.move_to_queue.clone(),
            });
        }
        if errors.is_empty() {
            Ok(Policy {
                name: self.name.clone(),
                calendar: self.calendar.clone().unwrap_or_else(|| "24x7".into()),
                matches: self.matches.clone(),
                pause_on: self.pause_on.clone(),
                warn_at_percent: warn,
                targets: self.targets.clone(),
                escalations,
            })
        } else {
            Err(errors)
        }
    }
}

impl Policy {
    /// Whether the policy covers a ticket.
    pub fn covers(&self, t: &TicketFacts<'_>) -> bool {
        let m = &self.matches;
        fn any<T: PartialEq>(list: &[T], v: &T) -> bool {
            list.is_empty() || list.contains(v)
        }
        fn any_str(list: &[String], v: Option<&str>) -> bool {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
        }
        any(&m.ticket_type, &t.ticket_type)
            && any(&m.priority, &t.priority)
            && any_str(&m.queue, t.queue)
            && any_str(&m.category, t.category)
            && any_str(&m.organization, t.organization)
            && m.vip.is_none_or(|v| v == t.vip)
    }

    /// The target of a clock at a priority, if the policy sets one.
    pub fn target(&self, clock: ClockKind, priority: Priority) -> Option<BusinessDuration> {
        let t = self.targets.get(&priority)?;
        match clock {
            ClockKind::FirstResponse => t.first_response,
            ClockKind::NextResponse => t.next_response,
            ClockKind::Resolution => t.resolution,
        }
    }

    /// Whether a clock exists at any priority of this policy.
    pub fn defines(&self, clock: ClockKind) -> bool {
        Priority::ALL
            .iter()
            .any(|p| self.target(clock, *p).is_some())
    }
}

/// The first policy, in order, that covers the ticket.
pub fn select<'a>(policies: &'a [Policy], facts: &TicketFacts<'_>) -> Option<&'a Policy> {
    policies.iter().find(|p| p.covers(facts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(toml: &str) -> PolicySpec {
        use figment::providers::Format;
        figment::Figment::from(figment::providers::Toml::string(toml))
            .extract()
            .unwrap()
    }

    fn facts(priority: Priority, queue: Option<&'static str>, vip: bool) -> TicketFacts<'static> {
        TicketFacts {
            ticket_type: TicketType::Incident,
            priority,
            queue,
            category: None,
            organization: Some("Finance"),
            vip,
        }
    }

    #[test]
    fn the_issue_example_parses_with_defaults() {
        let p = spec(
            r#"
            name = "standard"
            calendar = "office"
            match = { type = ["incident", "service_request"] }
            targets.P1 = { first_response = "30m", resolution = "4h" }
            targets.P2 = { first_response = "1h", next_response = "4h", resolution = "16h" }
            "#,
        )
        .compile("")
        .unwrap();
        assert_eq!(
            p.pause_on,
            vec![HoldReason::AwaitingRequester, HoldReason::Scheduled]
        );
        assert_eq!(p.warn_at_percent, vec![75, 90]);
        assert_eq!(
            p.target(ClockKind::Resolution, Priority::P2)
                .unwrap()
                .seconds(),
            16 * 3600
        );
        assert_eq!(p.target(ClockKind::NextResponse, Priority::P1), None);
        assert!(p.defines(ClockKind::NextResponse));
    }

    #[test]
    fn first_matching_policy_in_order_wins() {
        let vip = spec(
            r#"name = "vip"
            match = { vip = true }"#,
        )
        .compile("")
        .unwrap();
        let network = spec(
            r#"name = "network"
            match = { queue = ["network"], priority = ["P1", "P2"] }"#,
        )
        .compile("")
        .unwrap();
        let all = spec(r#"name = "all""#).compile("").unwrap();
        let policies = vec![vip, network, all];
        let name = |f: TicketFacts<'_>| select(&policies, &f).map(|p| p.name.clone());
        assert_eq!(
            name(facts(Priority::P3, Some("network"), true)).as_deref(),
            Some("vip")
        );
        assert_eq!(
            name(facts(Priority::P2, Some("network"), false)).as_deref(),
            Some("network")
        );
        assert_eq!(
            name(facts(Priority::P3, Some("network"), false)).as_deref(),
            Some("all")
        );
        assert_eq!(
            name(facts(Priority::P1, None, false)).as_deref(),
            Some("all")
        );
    }

    #[test]
    fn escalations_are_checked_against_the_policy() {
        let errors = spec(
            r#"name = "x"
            warn_at_percent = [75]
            escalations = [
              { on = "warning:90", notify = ["assignee"] },
              { on = "soon", notify = ["assignee"] },
              { on = "breach", clock = "lunch", notify = ["assignee"] },
              { on = "breach", notify = ["not an address"] },
              { on = "breach" },
            ]"#,
        )
        .compile("policy.")
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "policy.escalations[0].on",
                "policy.escalations[1].on",
                "policy.escalations[2].clock",
                "policy.escalations[3].notify[0]",
                "policy.escalations[4].notify"
            ]
        );
    }
}
