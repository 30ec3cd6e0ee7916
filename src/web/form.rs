//! What a refused form says, field by field: the pages show each message
//! beside its field (`aria-invalid`, focus on the first) and keep the
//! input as typed.

use crate::error::{AppError, FieldError};

/// Nothing refused (for the forms a refusal is not about).
pub static NONE: Problems = Problems {
    fields: Vec::new(),
    general: None,
};

/// The field errors of a refused submit; `general` holds what belongs to
/// no one field (a conflict, a rule about the whole form).
#[derive(Debug, Clone, Default)]
pub struct Problems {
    pub fields: Vec<FieldError>,
    pub general: Option<String>,
}

impl Problems {
    /// One message for one field.
    pub fn field(field: &str, message: impl Into<String>) -> Problems {
        Problems {
            fields: vec![FieldError::new(field, message.into())],
            general: None,
        }
    }

    /// A refusal the form can show; `None` for faults that are not the
    /// input's (they become an error page).
    pub fn of_error(e: &AppError) -> Option<Problems> {
        match e {
            AppError::Validation(errors) => Some(Problems {
                // The service names custom fields `custom_fields.x`; their
                // boxes are `cf.x`.
                fields: errors
                    .iter()
                    .map(|e| match e.field.strip_prefix("custom_fields.") {
                        Some(name) => FieldError::new(format!("cf.{name}"), e.message.clone()),
                        None => e.clone(),
                    })
                    .collect(),
                general: None,
            }),
            AppError::Conflict { detail, .. } | AppError::BadRequest { detail, .. } => {
                Some(Problems {
                    fields: Vec::new(),
                    general: Some(detail.clone()),
                })
            }
            _ => None,
        }
    }

    /// The refusal to show on the form again, or the error page for a
    /// fault that is not the input's.
    pub fn refusal(e: AppError) -> Result<Problems, super::PageError> {
        Problems::of_error(&e).ok_or_else(|| e.into())
    }

    /// The message for `field`, to show beside it.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Whether `field` is the first one refused (it gets the focus).
    pub fn first_is(&self, field: &str) -> bool {
        self.fields.first().is_some_and(|e| e.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_none()
    }

    /// Field messages whose field the form does not show (so they are
    /// said at the top instead of being lost).
    pub fn unplaced(&self, shown: &[&str]) -> Vec<String> {
        self.fields
            .iter()
            .filter(|e| !shown.contains(&e.field.as_str()))
            .map(|e| format!("{}: {}", e.field, e.message))
            .chain(self.general.clone())
            .collect()
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.fields.push(FieldError::new(field, message.into()));
    }
}

/// Reads boxes, noting the ones that do not read. An empty box is
/// `Some(None)` (it clears); one that does not read is `None`.
#[derive(Default)]
pub(super) struct Reader {
    pub problems: Problems,
}

impl Reader {
    pub fn date(&mut self, field: &str, v: &str) -> Option<Option<chrono::NaiveDate>> {
        if v.is_empty() {
            return Some(None);
        }
        match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => Some(Some(d)),
            Err(_) => {
                self.problems.push(field, "a date such as 2027-03-31");
                None
            }
        }
    }

    pub fn number(&mut self, field: &str, v: &str) -> Option<Option<i64>> {
        if v.is_empty() {
            return Some(None);
        }
        match v.parse::<i64>() {
            Ok(n) => Some(Some(n)),
            Err(_) => {
                self.problems.push(field, "a whole number");
                None
            }
        }
    }

    pub fn small(&mut self, field: &str, v: &str) -> Option<i32> {
        match self.number(field, v).flatten().map(i32::try_from) {
            Some(Ok(n)) => Some(n),
            Some(Err(_)) => {
                self.problems.push(field, "a smaller number");
                None
            }
            None => None,
        }
    }

    /// An amount in `currency`, in its minor unit.
    pub fn money(&mut self, field: &str, v: &str, currency: &str) -> Option<Option<i64>> {
        if v.is_empty() {
            return Some(None);
        }
        match crate::money::Currency::parse(currency)
            .and_then(|c| crate::money::Money::parse(v, crate::money::DecimalMark::Point, &c))
        {
            Ok(m) => Some(Some(m.amount_minor)),
            Err(e) => {
                self.problems.push(field, e.to_string());
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_found_by_field_and_the_rest_said_at_the_top() {
        let mut p = Problems::field("serial", "too long");
        p.push("custom_fields.ram_gb", "RAM is a number");
        assert_eq!(p.of("serial"), Some("too long"));
        assert!(p.first_is("serial"));
        assert!(!p.first_is("custom_fields.ram_gb"));
        assert_eq!(
            p.unplaced(&["serial"]),
            vec!["custom_fields.ram_gb: RAM is a number".to_owned()]
        );
        let conflict = AppError::conflict("already_exists", "the tag is in use");
        let p = Problems::of_error(&conflict).unwrap();
        assert_eq!(p.unplaced(&[]), vec!["the tag is in use".to_owned()]);
        assert!(Problems::of_error(&AppError::NotFound("x".into())).is_none());
    }
}
