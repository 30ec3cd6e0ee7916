//! A contract's service targets for its vendor: durations people write
//! (`4h`, `2h30m`) on a business calendar that must exist.

use crate::calendar::BusinessDuration;
use crate::error::FieldError;
use crate::vendors::Vendors;
use crate::vendors::dto::ContractInput;
use crate::vendors::model::Contract;

/// The calendar targets count on when a contract names none.
pub const ALWAYS: &str = "24x7";

/// The longest target: a year of business seconds.
const MAX_TARGET: i64 = 366 * 24 * 3600;

fn duration(
    field: &str,
    given: &Option<Option<String>>,
    errors: &mut Vec<FieldError>,
) -> Option<Option<i64>> {
    let text = given.as_ref()?;
    let Some(t) = text.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Some(None);
    };
    match t.parse::<BusinessDuration>() {
        Ok(d) if d.seconds() > 0 && d.seconds() <= MAX_TARGET => Some(Some(d.seconds())),
        Ok(_) => {
            errors.push(FieldError::new(
                field,
                "more than nothing and at most 8784h (a year)",
            ));
            None
        }
        Err(e) => {
            errors.push(FieldError::new(field, e));
            None
        }
    }
}

/// Puts the input's targets on `c`, collecting what does not read.
pub(super) fn apply(c: &mut Contract, input: &ContractInput, errors: &mut Vec<FieldError>) {
    if let Some(v) = duration("response_target", &input.response_target, errors) {
        c.response_target_seconds = v;
    }
    if let Some(v) = duration("resolution_target", &input.resolution_target, errors) {
        c.resolution_target_seconds = v;
    }
    if let Some(cal) = &input.service_calendar {
        c.service_calendar = cal
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
    }
}

/// The faults of the targets as they would be stored: an unknown
/// calendar, a resolution sooner than the response.
pub(super) fn check(vendors: &Vendors, c: &Contract, errors: &mut Vec<FieldError>) {
    if let Some(name) = &c.service_calendar {
        let registry = vendors.calendars.get();
        if !registry.calendars.contains_key(name) {
            let mut known: Vec<&str> = registry.calendars.keys().map(String::as_str).collect();
            known.sort_unstable();
            errors.push(FieldError::new(
                "service_calendar",
                format!("no calendar `{name}` (known: {})", known.join(", ")),
            ));
        }
    }
    if let (Some(r), Some(s)) = (c.response_target_seconds, c.resolution_target_seconds)
        && s < r
    {
        errors.push(FieldError::new(
            "resolution_target",
            "resolving cannot take less time than answering",
        ));
    }
}
