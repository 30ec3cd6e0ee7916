//! The calendars and policies in force, compiled once and shared. The
//! database holds them (rows from the configuration and from the API); every
//! process keeps a compiled copy and reloads it when the stored version moves.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::policy::{Policy, PolicySpec, TicketFacts, select};
use crate::calendar::ical;
use crate::calendar::{Calendar, CalendarSpec};
use crate::error::FieldError;

/// A compiled, consistent set of calendars and policies.
#[derive(Debug, Clone)]
pub struct Registry {
    pub calendars: HashMap<String, Calendar>,
    /// In order: the first that covers a ticket applies.
    pub policies: Vec<Policy>,
    pub version: i64,
}

/// Reads the holidays of iCalendar files named by a calendar.
fn holiday_files(spec: &CalendarSpec, prefix: &str) -> Result<ical::Holidays, Vec<FieldError>> {
    let mut out = ical::Holidays::default();
    let mut errors = Vec::new();
    for (i, path) in spec.holiday_files.iter().enumerate() {
        let field = format!("{prefix}holiday_files[{i}]");
        match std::fs::read_to_string(path) {
            Ok(text) => match ical::parse(&text) {
                Ok(h) => {
                    for skipped in &h.skipped {
                        tracing::info!(file = %path, "holiday feed: skipped {skipped}");
                    }
                    out.dates.extend(h.dates);
                    out.yearly.extend(h.yearly);
                }
                Err(e) => errors.push(FieldError::new(field, format!("{path}: {e}"))),
            },
            Err(e) => errors.push(FieldError::new(field, format!("cannot read {path}: {e}"))),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

impl Registry {
    /// Compiles calendars and policies; every problem is named by its path
    /// (`calendars[office].hours.mon[0]`, `sla_policies[vip].calendar`).
    pub fn compile(
        calendars: &[CalendarSpec],
        policies: &[PolicySpec],
        version: i64,
    ) -> Result<Registry, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut compiled = HashMap::new();
        let always = CalendarSpec::always();
        let all =
            std::iter::once(&always).chain(calendars.iter().filter(|c| c.name != always.name));
        for spec in all {
            let prefix = format!("calendars[{}].", spec.name);
            let extra = match holiday_files(spec, &prefix) {
                Ok(extra) => extra,
                Err(e) => {
                    errors.extend(e);
                    continue;
                }
            };
            match spec.compile(&prefix, &extra.dates, &extra.yearly) {
                Ok(c) => {
                    compiled.insert(spec.name.clone(), c);
                }
                Err(e) => errors.extend(e),
            }
        }
        let mut compiled_policies = Vec::new();
        for spec in policies {
            let prefix = format!("sla_policies[{}].", spec.name);
            match spec.compile(&prefix) {
                Ok(p) => {
                    if !compiled.contains_key(&p.calendar)
                        && !errors
                            .iter()
                            .any(|e| e.field.starts_with(&format!("calendars[{}]", p.calendar)))
                    {
                        errors.push(FieldError::new(
                            format!("{prefix}calendar"),
                            format!("no calendar `{}` (known: {})", p.calendar, {
                                let mut names: Vec<&str> =
                                    compiled.keys().map(String::as_str).collect();
                                names.sort();
                                names.join(", ")
                            }),
                        ));
                    }
                    compiled_policies.push(p);
                }
                Err(e) => errors.extend(e),
            }
        }
        if errors.is_empty() {
            Ok(Registry {
                calendars: compiled,
                policies: compiled_policies,
                version,
            })
        } else {
            Err(errors)
        }
    }

    /// The policy covering a ticket, with its calendar.
    pub fn select(&self, facts: &TicketFacts<'_>) -> Option<(&Policy, &Calendar)> {
        let policy = select(&self.policies, facts)?;
        let calendar = self.calendars.get(&policy.calendar)?;
        Some((policy, calendar))
    }

    /// A policy by name, with its calendar.
    pub fn policy(&self, name: &str) -> Option<(&Policy, &Calendar)> {
        let policy = self.policies.iter().find(|p| p.name == name)?;
        Some((policy, self.calendars.get(&policy.calendar)?))
    }
}

/// The registry of this process, swapped whole when it changes.
#[derive(Debug)]
pub struct InForce {
    current: RwLock<Arc<Registry>>,
}

impl InForce {
    pub fn new(registry: Registry) -> InForce {
        InForce {
            current: RwLock::new(Arc::new(registry)),
        }
    }

    /// The registry in force now.
    pub fn get(&self) -> Arc<Registry> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn replace(&self, registry: Registry) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(registry);
    }
}
