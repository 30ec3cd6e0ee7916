//! Onboarding templates: what a department's or a role's new hire gets —
//! an OU, groups, a device from stock, license seats, technician tasks and
//! a welcome mail to the manager — and which template a person gets.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::FieldError;

/// A technician task raised for each run: a service-request ticket due
/// `due_days` business days after the start date (negative: before it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskSpec {
    pub title: String,
    /// The queue's slug (default: the ticket defaults).
    #[serde(default)]
    pub queue: Option<String>,
    #[serde(default)]
    pub due_days: i32,
}

/// One template (`[[onboarding_templates]]`, or `PUT
/// /api/v1/onboarding/templates/{name}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = OnboardingTemplate)]
pub struct TemplateSpec {
    pub name: String,
    /// People of this department get it.
    #[serde(default)]
    pub department: Option<String>,
    /// People with this title (job role) get it.
    #[serde(default)]
    pub role: Option<String>,
    /// Where the account is created (default `directory.new_users_ou`).
    #[serde(default)]
    pub ou: Option<String>,
    /// Group DNs the account joins.
    #[serde(default)]
    pub groups: Vec<String>,
    /// A device of this asset model (name or id) from stock …
    #[serde(default)]
    pub device_model: Option<String>,
    /// … or of this category.
    #[serde(default)]
    pub device_category: Option<String>,
    /// License products (names or ids) to give a seat of.
    #[serde(default)]
    pub license_products: Vec<String>,
    #[serde(default)]
    pub tasks: Vec<TaskSpec>,
    /// Mail the manager when the run is done (default true).
    #[serde(default = "yes")]
    pub welcome_mail: bool,
    /// The new hire must change the initial password at first logon (AD
    /// `pwdLastSet = 0`; default true).
    #[serde(default = "yes")]
    pub must_change_password: bool,
}

fn yes() -> bool {
    true
}

fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| s.trim().is_empty())
}

impl TemplateSpec {
    /// Every fault, by field.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !name_ok {
            out.push(FieldError::new(
                "name",
                "1 to 64 letters, digits, '-', '_' or '.'",
            ));
        }
        for (field, v) in [
            ("department", &self.department),
            ("role", &self.role),
            ("ou", &self.ou),
            ("device_model", &self.device_model),
            ("device_category", &self.device_category),
        ] {
            if blank(v) {
                out.push(FieldError::new(field, "leave it out rather than empty"));
            }
        }
        if self.ou.as_deref().is_some_and(|ou| !ou.contains('=')) {
            out.push(FieldError::new(
                "ou",
                "a DN, such as ou=people,dc=example,dc=org",
            ));
        }
        for (i, g) in self.groups.iter().enumerate() {
            if !g.contains('=') {
                out.push(FieldError::new(format!("groups[{i}]"), "a group's DN"));
            }
        }
        if self.device_model.is_some() && self.device_category.is_some() {
            out.push(FieldError::new(
                "device_category",
                "a device model or a category, not both",
            ));
        }
        for (i, p) in self.license_products.iter().enumerate() {
            if p.trim().is_empty() {
                out.push(FieldError::new(
                    format!("license_products[{i}]"),
                    "a product",
                ));
            }
        }
        for (i, t) in self.tasks.iter().enumerate() {
            if t.title.trim().is_empty() || t.title.chars().count() > 200 {
                out.push(FieldError::new(
                    format!("tasks[{i}].title"),
                    "1 to 200 characters",
                ));
            }
            if !(-60..=120).contains(&t.due_days) {
                out.push(FieldError::new(
                    format!("tasks[{i}].due_days"),
                    "-60 to 120 business days from the start date",
                ));
            }
        }
        out
    }

    /// Every fault, with the `ou` inside `people_base` (when that is set):
    /// an account made elsewhere is found by neither login nor sync.
    pub fn problems_in(&self, people_base: &str) -> Vec<FieldError> {
        let mut out = self.problems();
        if let Some(ou) = self.ou.as_deref()
            && ou.contains('=')
            && !people_base.trim().is_empty()
            && !crate::directory::client::within(ou, people_base)
        {
            out.push(FieldError::new(
                "ou",
                format!(
                    "inside directory.people_base ({}): login and sync look for people only there",
                    people_base.trim()
                ),
            ));
        }
        out
    }
}

/// The configuration's templates: each valid (an `ou` inside
/// `people_base` when that is set), names unique.
pub fn check_all(specs: &[TemplateSpec], people_base: &str) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for t in specs {
        if let Some(p) = t.problems_in(people_base).first() {
            return Err(format!(
                "onboarding template `{}`: {}: {}",
                t.name, p.field, p.message
            ));
        }
        if !seen.insert(t.name.as_str()) {
            return Err(format!("onboarding template `{}` is defined twice", t.name));
        }
    }
    Ok(())
}

/// The template for a person of `department` with `title`: one naming
/// both, else the department, else the role, else one naming neither
/// (the default); ties go to the first by name.
pub fn pick<'a>(
    templates: &'a [TemplateSpec],
    department: Option<&str>,
    title: Option<&str>,
) -> Option<&'a TemplateSpec> {
    let same = |a: &Option<String>, b: Option<&str>| match (a, b) {
        (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
        _ => false,
    };
    let score = |t: &TemplateSpec| -> Option<u8> {
        let dep = t.department.is_none() || same(&t.department, department);
        let role = t.role.is_none() || same(&t.role, title);
        (dep && role).then(|| u8::from(t.department.is_some()) * 2 + u8::from(t.role.is_some()))
    };
    let mut sorted: Vec<&TemplateSpec> = templates.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    sorted
        .into_iter()
        .filter_map(|t| score(t).map(|s| (s, t)))
        .max_by(|(a, _), (b, _)| a.cmp(b).then(std::cmp::Ordering::Greater))
        .map(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str, department: Option<&str>, role: Option<&str>) -> TemplateSpec {
        TemplateSpec {
            name: name.into(),
            department: department.map(Into::into),
            role: role.map(Into::into),
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

    #[test]
    fn the_most_specific_template_is_picked() {
        let all = [
            t("default", None, None),
            t("engineering", Some("Engineering"), None),
            t("engineering-lead", Some("Engineering"), Some("Team lead")),
            t("a-lead", None, Some("Team lead")),
            t("finance", Some("Finance"), None),
        ];
        let pick_name =
            |d: Option<&str>, r: Option<&str>| pick(&all, d, r).map(|t| t.name.as_str());
        assert_eq!(
            pick_name(Some("engineering "), Some("team lead")),
            Some("engineering-lead")
        );
        assert_eq!(
            pick_name(Some("Engineering"), Some("Developer")),
            Some("engineering")
        );
        assert_eq!(pick_name(Some("Sales"), Some("Team lead")), Some("a-lead"));
        assert_eq!(pick_name(Some("Sales"), None), Some("default"));
        assert_eq!(pick(&all[1..2], Some("Sales"), None), None);
        // Two alike: the first by name.
        let tie = [t("b", Some("X"), None), t("a", Some("X"), None)];
        assert_eq!(
            pick(&tie, Some("x"), None).map(|t| t.name.as_str()),
            Some("a")
        );
    }

    #[test]
    fn a_template_says_each_fault_by_field() {
        let mut bad = t("no spaces please", Some(" "), None);
        bad.groups = vec!["staff".into()];
        bad.device_model = Some("X1 Carbon".into());
        bad.device_category = Some("laptop".into());
        bad.tasks = vec![TaskSpec {
            title: "".into(),
            queue: None,
            due_days: 400,
        }];
        let fields: Vec<String> = bad.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                "name",
                "department",
                "groups[0]",
                "device_category",
                "tasks[0].title",
                "tasks[0].due_days"
            ]
        );
        assert!(t("engineering-2027", None, None).problems().is_empty());
        assert!(
            check_all(&[t("a", None, None), t("a", None, None)], "")
                .unwrap_err()
                .contains("twice")
        );
    }
}
