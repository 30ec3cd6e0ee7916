//! The SLA timer's settings: `[sla]`; calendars and policies are the
//! `[[calendars]]` and `[[sla_policies]]` lists.

use serde::Deserialize;

use super::policy::PolicySpec;
use crate::calendar::CalendarSpec;
use crate::config::ConfigError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaSettings {
    pub scan_every_seconds: u64,
}

impl SlaSettings {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.scan_every_seconds < 1 {
            return Err(ConfigError::Invalid(
                "sla.scan_every_seconds must be ≥ 1".into(),
            ));
        }
        Ok(())
    }
}

/// Every configured calendar and policy has a name.
pub fn validate_definitions(
    calendars: &[CalendarSpec],
    policies: &[PolicySpec],
) -> Result<(), ConfigError> {
    for (i, c) in calendars.iter().enumerate() {
        if c.name.trim().is_empty() {
            return Err(ConfigError::Invalid(format!("calendars[{i}] needs a name")));
        }
    }
    for (i, p) in policies.iter().enumerate() {
        if p.name.trim().is_empty() {
            return Err(ConfigError::Invalid(format!(
                "sla_policies[{i}] needs a name"
            )));
        }
    }
    Ok(())
}
