//! Planning one device row, step by step: the person, the asset it is, the
//! location, the model, its custom fields and where its lifecycle ends.
//! Each step reports what is wrong with its cells; a row with any fault is
//! refused whole.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde_json::Value;

use crate::assets::domain::{self, Current, Move, Status, Substate};
use crate::assets::fields;
use crate::assets::import::category::categorize;
use crate::assets::import::profiles::{Field, Profile, UnknownPerson};
use crate::assets::import::read::{DeviceRow, Table};
use crate::assets::import::{Options, RowError};
use crate::assets::model::Location;
use crate::ids;

use super::at;
use super::devices::{RowPlan, custom_source, move_error};
use super::known::{Catalog, Known, ModelPlan, maker_key};

/// What every row of one import is planned with.
pub(super) struct RowContext<'a> {
    pub(super) table: &'a Table,
    pub(super) opts: &'a Options,
    pub(super) profile: &'a Profile,
    /// Person ids by email, for the rows' assignees.
    pub(super) people: &'a HashMap<String, String>,
    /// The history's reason for every change of the import.
    pub(super) reason: String,
    pub(super) now: NaiveDateTime,
}

impl RowContext<'_> {
    /// The row's plan, or every fault found in it. Warnings (a person kept
    /// as a custom field) are added to `warnings`.
    pub(super) fn plan(
        &self,
        known: &Known,
        catalog: &Catalog,
        row: &DeviceRow,
        warnings: &mut Vec<RowError>,
    ) -> Result<RowPlan, Vec<RowError>> {
        let mut errors = Vec::new();
        let mut custom: Vec<(String, String)> = row.custom.clone();
        let assignee = self.person(row, &mut errors, warnings, &mut custom);
        let found = known.find(row);
        errors.extend(self.identity_faults(known, row, found.as_ref()));
        let hit = found.map(|(i, _)| i);
        let location = self.location(catalog, row);
        let model = self.model(catalog, row, &mut errors, &mut custom);
        let category = match (&model, hit) {
            (Some(ModelPlan::Known(m)), _) => Some(m.category),
            (Some(ModelPlan::New { category, .. }), _) => Some(*category),
            (None, Some(i)) => known.slots[i].asset.category,
            (None, None) => None,
        };
        let typed = self.custom_fields(row, category, &custom, &mut errors);
        let location_id = location.as_ref().map(|(id, _)| id.clone());
        let lifecycle = self.lifecycle(known, hit, row, assignee, location_id, &mut errors);
        match lifecycle {
            Some(lifecycle) if errors.is_empty() => Ok(RowPlan {
                hit,
                location,
                model,
                typed,
                lifecycle,
            }),
            _ => Err(errors),
        }
    }

    /// The assignee named by email: a person here, or (as the profile
    /// says) a fault or a custom field `primary_user` with a warning.
    fn person(
        &self,
        row: &DeviceRow,
        errors: &mut Vec<RowError>,
        warnings: &mut Vec<RowError>,
        custom: &mut Vec<(String, String)>,
    ) -> Option<String> {
        let email = row.assignee.as_ref()?;
        if let Some(id) = self.people.get(email) {
            return Some(id.clone());
        }
        let line = row.line;
        match self.profile.unknown_person {
            UnknownPerson::Reject => errors.push(at(
                self.table,
                line,
                &Field::Assignee,
                Some(email),
                format!("no person {email} in itdesk: add them first, or leave the cell empty"),
            )),
            UnknownPerson::Keep => {
                warnings.push(at(
                    self.table,
                    line,
                    &Field::Assignee,
                    Some(email),
                    format!("{email} is not a person in itdesk: kept as custom field primary_user, not assigned"),
                ));
                custom.push(("primary_user".into(), email.clone()));
            }
        }
        None
    }

    /// Faults in which asset the row is: the same device as an earlier row,
    /// or a tag that belongs to another asset than its serial's.
    fn identity_faults(
        &self,
        known: &Known,
        row: &DeviceRow,
        found: Option<&(usize, Field)>,
    ) -> Vec<RowError> {
        let mut errors = Vec::new();
        let table = self.table;
        let line = row.line;
        if let Some((i, by)) = found
            && let Some(first) = known.slots[*i].claimed_by
        {
            let by_name = match by {
                Field::Serial => "serial",
                Field::AssetTag => "asset tag",
                Field::DeviceId => "device id",
                _ => "host name",
            };
            // The column the match came from (a host name may come from a
            // name column).
            let field = if *by == Field::Hostname && table.column_of(by).0.is_none() {
                Field::Name
            } else {
                by.clone()
            };
            errors.push(at(
                table,
                line,
                &field,
                None,
                format!(
                    "the same device as line {first} (same {by_name}, asset {})",
                    known.slots[*i].asset.asset_tag
                ),
            ));
        }
        if let (Some((i, _)), Some(tag)) = (found, &row.asset_tag)
            && known.slots[*i].asset.asset_tag != *tag
            && let Some(other) = known.by_tag.get(tag)
        {
            errors.push(at(
                table,
                line,
                &Field::AssetTag,
                Some(tag),
                format!(
                    "this row's serial or host name is asset {}, but the tag {tag} belongs to another asset{}",
                    known.slots[*i].asset.asset_tag,
                    known.slots[*other]
                        .asset
                        .serial
                        .as_ref()
                        .map(|s| format!(" (serial {s})"))
                        .unwrap_or_default()
                ),
            ));
        }
        errors
    }

    /// The location by name; a new one is planned when unknown.
    fn location(&self, catalog: &Catalog, row: &DeviceRow) -> Option<(String, Option<Location>)> {
        let name = row.location.as_ref()?;
        match catalog.locations.get(&name.to_lowercase()) {
            Some(id) => Some((id.clone(), None)),
            None => {
                let l = Location {
                    id: ids::new_id(),
                    name: name.clone(),
                    created_at: self.now,
                };
                Some((l.id.clone(), Some(l)))
            }
        }
    }

    /// The model by manufacturer and name: a known one, or a new one when
    /// its category is known or can be guessed.
    fn model(
        &self,
        catalog: &Catalog,
        row: &DeviceRow,
        errors: &mut Vec<RowError>,
        custom: &mut Vec<(String, String)>,
    ) -> Option<ModelPlan> {
        let Some(name) = &row.model else {
            if let Some(maker) = &row.manufacturer {
                custom.push(("manufacturer".into(), maker.clone()));
            }
            return None;
        };
        let maker = row.manufacturer.clone().unwrap_or_default();
        let key = (maker_key(&maker), name.to_lowercase());
        if let Some(m) = catalog.models.get(&key) {
            return Some(ModelPlan::Known(m.clone()));
        }
        let fault = |errors: &mut Vec<RowError>, reason: String| {
            errors.push(at(self.table, row.line, &Field::Model, Some(name), reason));
            None
        };
        if maker.is_empty() {
            // A model named alone: found if exactly one manufacturer has it.
            let mut same = catalog
                .models
                .iter()
                .filter(|((_, n), _)| *n == key.1)
                .map(|(_, m)| m);
            return match (same.next(), same.next()) {
                (Some(m), None) => Some(ModelPlan::Known(m.clone())),
                _ => fault(
                    errors,
                    "a new model needs its manufacturer (column Manufacturer)".into(),
                ),
            };
        }
        let category = row.category.or_else(|| {
            self.profile
                .infer_category
                .then(|| categorize(&self.opts.category_rules, row.os_name.as_deref(), name))
        });
        match category {
            Some(category) => Some(ModelPlan::New {
                maker,
                name: name.clone(),
                category,
            }),
            None => fault(
                errors,
                format!(
                    "{maker} {name} is a new model: give its category (laptop, desktop, monitor, phone, tablet, server, network or peripheral)"
                ),
            ),
        }
    }

    /// Custom fields: those defined for the category take its type.
    fn custom_fields(
        &self,
        row: &DeviceRow,
        category: Option<domain::Category>,
        custom: &[(String, String)],
        errors: &mut Vec<RowError>,
    ) -> Vec<(String, Value)> {
        let mut typed = Vec::new();
        for (key, raw) in custom {
            match fields::spec_for(&self.opts.fields, category, key) {
                Some(spec) => {
                    match fields::coerce(spec, raw, self.profile.date_order, self.profile.decimal) {
                        Ok(v) => typed.push((key.clone(), v)),
                        Err(e) => errors.push(at(
                            self.table,
                            row.line,
                            &custom_source(self.table, key),
                            Some(raw),
                            e,
                        )),
                    }
                }
                None => typed.push((key.clone(), Value::from(raw.clone()))),
            }
        }
        typed
    }

    /// Where the row leaves the asset's lifecycle: a known asset moves as
    /// the lifecycle allows (only when the row asks for a status, person or
    /// place); a new one starts where the row or the profile says.
    fn lifecycle(
        &self,
        known: &Known,
        hit: Option<usize>,
        row: &DeviceRow,
        assignee: Option<String>,
        location: Option<String>,
        errors: &mut Vec<RowError>,
    ) -> Option<domain::Outcome> {
        let Some(i) = hit else {
            return self.new_lifecycle(row, assignee, location, errors);
        };
        let a = &known.slots[i].asset;
        let current = Current {
            status: a.status,
            substate: a.substate,
            assignee: a.assignee_id.clone(),
            location: a.location_id.clone(),
        };
        if row.status.is_none() && assignee.is_none() && location.is_none() {
            return Some(domain::Outcome {
                status: current.status,
                substate: current.substate,
                assignee: current.assignee,
                location: current.location,
            });
        }
        let m = Move {
            to: row.status.map(|s| s.0),
            // Only a substate the cell names (Reserved, Ready to Deploy); a
            // bare status keeps the current one.
            substate: row.status.and_then(|s| s.1),
            reason: self.reason.clone(),
            assignee: assignee.map(Some),
            location: location.map(Some),
            disposal: None,
        };
        match domain::apply(&current, &m) {
            Ok(out) => Some(out),
            Err(e) => {
                errors.push(move_error(self.table, row.line, row, e));
                None
            }
        }
    }

    fn new_lifecycle(
        &self,
        row: &DeviceRow,
        assignee: Option<String>,
        location: Option<String>,
        errors: &mut Vec<RowError>,
    ) -> Option<domain::Outcome> {
        let (status, substate) = row.status.unwrap_or(if assignee.is_some() {
            (Status::Deployed, None)
        } else {
            (self.profile.new_status, None)
        });
        let substate = substate.or(status.default_substate());
        let substate = if status == Status::Deployed && assignee.is_none() && location.is_none() {
            if !self.profile.needs_review {
                errors.push(at(
                    self.table,
                    row.line,
                    &Field::Status,
                    row.status.map(|s| s.0.as_str()),
                    "a deployed asset needs an assignee or a location".into(),
                ));
                return None;
            }
            Some(Substate::Discovered)
        } else {
            substate
        };
        Some(domain::Outcome {
            status,
            substate,
            assignee,
            location,
        })
    }
}
