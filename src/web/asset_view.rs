//! How an asset's page says things: its facts, custom fields, book value,
//! warranty and the timeline of its life, in words.

use chrono::NaiveDate;

use super::format::{asset_field_words, asset_status_words, or_dash, plural, substate_words, when};
use crate::assets::Asset;
use crate::assets::domain::{Status, value_on};
use crate::assets::fields::FieldSpec;
use crate::assets::service::AssetView;
use crate::money::{Currency, Money};

pub(super) fn describe(action: &str, changes: &serde_json::Value) -> String {
    let reason = changes["reason"]
        .as_str()
        .map(|r| format!(" — {r}"))
        .unwrap_or_default();
    match action {
        "asset_registered" => format!(
            "registered as {}",
            asset_status_words(changes["status"].as_str().unwrap_or(""))
        ),
        "asset_discovered" => "found by an inventory agent".into(),
        "inventory_received" => format!(
            "inventory: {} new, {} removed",
            plural(
                changes["software_installed"].as_u64().unwrap_or(0) as usize,
                "package",
                "packages"
            ),
            changes["software_removed"].as_u64().unwrap_or(0)
        ),
        "asset_checked_out" => "checked out".into(),
        "asset_checked_in" => format!("checked in{reason}"),
        "asset_imported" if changes["status"].is_string() => format!(
            "imported as {}{reason}",
            asset_status_words(changes["status"].as_str().unwrap_or(""))
        ),
        "asset_updated" | "asset_imported" => {
            let mut fields: Vec<String> = changes
                .as_object()
                .map(|m| {
                    m.keys()
                        .filter(|k| *k != "reason")
                        .map(|k| asset_field_words(k))
                        .collect()
                })
                .unwrap_or_default();
            fields.dedup();
            let what = if action == "asset_updated" {
                "details changed"
            } else {
                "updated by import"
            };
            format!("{what}: {}{reason}", fields.join(", "))
        }
        "asset_checkout_accepted" => "receipt confirmed".into(),
        "ticket_linked" => format!("linked to ticket #{}", changes["ticket_number"]),
        "ticket_unlinked" => format!("unlinked from ticket #{}", changes["ticket_number"]),
        _ => match changes["status"].as_object() {
            Some(s) => format!(
                "{} → {}{reason}",
                asset_status_words(s.get("from").and_then(|v| v.as_str()).unwrap_or("")),
                asset_status_words(s.get("to").and_then(|v| v.as_str()).unwrap_or(""))
            ),
            None => format!("{}{reason}", action.replace('_', " ")),
        },
    }
}

/// The asset's facts as label and words.
pub(super) fn facts(v: &AssetView) -> Vec<(&'static str, String)> {
    let a = &v.asset;
    vec![
        ("Serial", or_dash(a.serial.clone())),
        (
            "Model",
            or_dash(
                v.model
                    .as_ref()
                    .map(|(m, maker)| format!("{} {} ({})", maker.name, m.name, m.category)),
            ),
        ),
        ("Host name", or_dash(a.hostname.clone())),
        (
            "Substate",
            or_dash(a.substate.map(|s| substate_words(s).to_owned())),
        ),
        (
            "With",
            or_dash(v.assignee.as_ref().map(|u| u.email.clone())),
        ),
        (
            "Location",
            or_dash(v.location.as_ref().map(|l| l.name.clone())),
        ),
        ("Purchased", or_dash(a.purchase_date.map(|d| d.to_string()))),
        (
            "Cost",
            or_dash(
                crate::money::Money::from_parts(a.cost_minor, a.currency.as_deref())
                    .map(|m| m.to_string()),
            ),
        ),
        (
            "Warranty ends",
            or_dash(a.warranty_end.map(|d| d.to_string())),
        ),
        (
            "Supplier / PO",
            format!(
                "{} / {}",
                or_dash(a.supplier.clone()),
                or_dash(a.po_number.clone())
            ),
        ),
    ]
}

/// The asset's history: when, who, what.
pub(super) fn timeline(v: &AssetView) -> Vec<(String, String, String)> {
    v.history
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|(e, who)| {
            let changes: serde_json::Value =
                serde_json::from_str(&e.changes).unwrap_or(serde_json::Value::Null);
            (
                when(e.occurred_at),
                who.as_ref()
                    .map(|u| u.display_name.clone())
                    .unwrap_or_else(|| "itdesk".into()),
                describe(&e.action, &changes),
            )
        })
        .collect()
}

/// Defined fields of the category first, under their labels, then the
/// free ones.
pub(super) fn custom_fields(specs: &[FieldSpec], a: &Asset) -> Vec<(String, String)> {
    let fields: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&a.custom_fields).unwrap_or_default();
    let shown = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(true) => "yes".into(),
        serde_json::Value::Bool(false) => "no".into(),
        other => other.to_string(),
    };
    let mine = |s: &&FieldSpec| Some(s.category) == a.category;
    let mut custom: Vec<(String, String)> = specs
        .iter()
        .filter(mine)
        .map(|s| {
            let value = fields.get(&s.name).filter(|v| !v.is_null()).map(shown);
            (s.label.clone(), or_dash(value))
        })
        .collect();
    for (k, v) in &fields {
        // The shown name heads the page rather than closing the list.
        if k != "name" && !specs.iter().filter(mine).any(|s| &s.name == k) {
            custom.push((k.clone(), shown(v)));
        }
    }
    custom
}

/// The open hand-over: person, since, expected back, confirmed.
pub(super) fn checkout_line(
    (c, person): (crate::assets::Checkout, Option<crate::auth::User>),
) -> (String, String, String, String) {
    (
        person.map(|p| p.email).unwrap_or_else(|| c.user_id.clone()),
        when(c.checked_out_at),
        or_dash(c.expected_return.map(|d| d.to_string())),
        c.accepted_at.map(when).unwrap_or_else(|| "not yet".into()),
    )
}

/// The asset's value on the books: cost, straight-line value today, the
/// monthly write-down and the day it reaches zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BookValue {
    pub cost: String,
    pub today: String,
    pub months: i32,
    pub per_month: String,
    pub written_off_on: String,
}

/// The book value, when the asset has a cost, a purchase date and a model.
pub(super) fn book_value(v: &AssetView, today: NaiveDate) -> Option<BookValue> {
    let a = &v.asset;
    let cost = Money::from_parts(a.cost_minor, a.currency.as_deref())?;
    let bought = a.purchase_date?;
    let months = v.model.as_ref()?.0.depreciation_months.max(0);
    let value = value_on(cost.amount_minor, bought, months as u32, today);
    let currency: Currency = cost.currency.clone();
    let per_month = if months == 0 {
        cost.amount_minor
    } else {
        cost.amount_minor / months as i64
    };
    Some(BookValue {
        cost: cost.to_string(),
        today: Money::new(value, currency.clone()).to_string(),
        months,
        per_month: Money::new(per_month, currency).to_string(),
        written_off_on: bought
            .checked_add_months(chrono::Months::new(months as u32))
            .map(|d| d.to_string())
            .unwrap_or_default(),
    })
}

/// The warranty in words and how to show it: `ended`, `soon` (within
/// `notice_days`) or `ok`; `None` without a warranty date.
pub(super) fn warranty(
    ends: Option<NaiveDate>,
    today: NaiveDate,
    notice_days: i64,
) -> Option<(String, &'static str)> {
    let ends = ends?;
    let days = (ends - today).num_days();
    Some(if days < 0 {
        (format!("ended on {ends}"), "ended")
    } else if days == 0 {
        (format!("ends today ({ends})"), "soon")
    } else if days <= notice_days {
        (
            format!(
                "ends on {ends}, in {}",
                plural(days as usize, "day", "days")
            ),
            "soon",
        )
    } else {
        (format!("until {ends}"), "ok")
    })
}

/// The button that moves an asset from `from` to `to`.
pub(super) fn move_verb(from: Status, to: Status) -> &'static str {
    match (from, to) {
        (Status::Ordered, Status::InStock) => "Receive into stock",
        (Status::InRepair, Status::InStock) => "Back from repair, to stock",
        (Status::InRepair, Status::Deployed) => "Back from repair, to its person",
        (Status::Missing | Status::Stolen, Status::InStock) => "Found: back to stock",
        (Status::Missing, Status::Deployed) => "Found: in use",
        (_, Status::InStock) => "Back to stock",
        (_, Status::Deployed) => "Deploy",
        (_, Status::InRepair) => "Send to repair",
        (_, Status::Retired) => "Retire",
        (_, Status::Missing) => "Report missing",
        (_, Status::Stolen) => "Report stolen",
        (_, Status::Disposed) => "Dispose",
        (_, Status::Ordered) => "Back to ordered",
    }
}

/// The moves the page offers as buttons (disposal has a form of its own):
/// (status code, verb).
pub(super) fn moves(from: Status) -> Vec<(&'static str, &'static str)> {
    from.allowed_next()
        .iter()
        .filter(|s| **s != Status::Disposed)
        .map(|s| (s.as_str(), move_verb(from, *s)))
        .collect()
}

/// The name people know a device by (an Intune "Device name", a Snipe-IT
/// "Asset Name"), kept as the custom field `name`.
pub(super) fn shown_name(a: &Asset) -> Option<String> {
    let fields: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&a.custom_fields).ok()?;
    fields
        .get("name")
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
}

/// How the asset left: (method, date, evidence).
pub(super) fn disposal_line(a: &Asset) -> Option<(String, String, String)> {
    match (&a.disposal_method, a.disposal_date, &a.disposal_evidence) {
        (Some(m), Some(d), Some(e)) => Some((m.replace('_', " "), d.to_string(), e.clone())),
        _ => None,
    }
}

/// The first packages of its inventory, as "name version".
pub(super) fn software_lines(software: &[crate::assets::inventory::Installation]) -> Vec<String> {
    software
        .iter()
        .take(50)
        .map(|s| format!("{} {}", s.name, s.version))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inventory_line_counts_its_packages_in_words() {
        let one = serde_json::json!({"software_installed": 1, "software_removed": 0});
        assert_eq!(
            describe("inventory_received", &one),
            "inventory: 1 package new, 0 removed"
        );
        let many = serde_json::json!({"software_installed": 12, "software_removed": 3});
        assert_eq!(
            describe("inventory_received", &many),
            "inventory: 12 packages new, 3 removed"
        );
        let moved = serde_json::json!({"status": {"from": "in_stock", "to": "deployed"}, "reason": "handed over"});
        assert_eq!(
            describe("asset_transition", &moved),
            "In stock → In use — handed over"
        );
    }

    #[test]
    fn warranties_say_ended_soon_or_until() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-12-03");
        assert_eq!(warranty(None, today, 30), None);
        assert_eq!(
            warranty(Some(d("2026-12-02")), today, 30),
            Some(("ended on 2026-12-02".into(), "ended"))
        );
        assert_eq!(
            warranty(Some(d("2026-12-04")), today, 30),
            Some(("ends on 2026-12-04, in 1 day".into(), "soon"))
        );
        assert_eq!(
            warranty(Some(d("2027-06-01")), today, 30),
            Some(("until 2027-06-01".into(), "ok"))
        );
    }

    #[test]
    fn the_buttons_are_the_moves_the_lifecycle_allows_but_disposal() {
        let retired: Vec<&str> = moves(Status::Retired).iter().map(|m| m.1).collect();
        assert_eq!(
            retired,
            vec!["Back to stock", "Report missing", "Report stolen"]
        );
        let repair: Vec<&str> = moves(Status::InRepair).iter().map(|m| m.0).collect();
        assert_eq!(
            repair,
            vec!["in_stock", "deployed", "retired", "missing", "stolen"]
        );
        assert!(moves(Status::Disposed).is_empty());
    }
}
