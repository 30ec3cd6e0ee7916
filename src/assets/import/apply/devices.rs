//! Planning device rows: person, asset, location, model, custom fields,
//! lifecycle; then the row's plan in memory.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use serde_json::{Map, Value};

use crate::assets::domain::{self, Current, Move, MoveError, MoveField, Status, Substate};
use crate::assets::fields;
use crate::assets::import::profiles::{Field, Profile, UnknownPerson, infer_category};
use crate::assets::import::read::{DeviceRow, Table};
use crate::assets::import::{Change, Options, Report, RowError, Stage};
use crate::assets::model::{Asset, AssetModel, Location, Manufacturer};
use crate::db::DbConn;
use crate::ids;

use super::known::{Catalog, Known, ModelPlan, Slot, load_known, maker_key, persons};
use super::write::write_devices;
use super::{Outcome, RollBackOr, at, opt_date, will_write};
use crate::audit::note_change as set;

pub(super) fn devices(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    table: &Table,
    opts: &Options,
    now: NaiveDateTime,
    mut report: Report,
    progress: &mut dyn FnMut(Stage, u64),
) -> Result<Outcome, RollBackOr> {
    let profile = &opts.profile;
    let mut known = load_known(conn, &table.devices)?;
    let mut catalog = Catalog::load(conn)?;
    let people = persons(conn, &table.devices)?;
    let total = table.devices.len() as u64;
    let reason = format!("import {} ({})", opts.file_name, profile.name);
    let mut rejected: HashSet<u64> = report.errors.iter().map(|e| e.line).collect();

    for (n, row) in table.devices.iter().enumerate() {
        if n.is_multiple_of(1000) {
            progress(Stage::Applying { total }, n as u64);
        }
        let line = row.line;
        let mut errors = Vec::new();
        let mut custom: Vec<(String, String)> = row.custom.clone();

        // The person.
        let assignee_id = match &row.assignee {
            Some(email) => match people.get(email) {
                Some(id) => Some(id.clone()),
                None => {
                    match profile.unknown_person {
                        UnknownPerson::Reject => errors.push(at(
                            table,
                            line,
                            &Field::Assignee,
                            Some(email),
                            format!("no person {email} in itdesk: add them first, or leave the cell empty"),
                        )),
                        UnknownPerson::Keep => {
                            report.warnings.push(at(
                                table,
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
            },
            None => None,
        };

        // The asset.
        let found = known.find(row);
        let hit = found.as_ref().map(|(i, _)| (*i, ()));
        if let Some((i, by)) = &found
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
        if let (Some((i, _)), Some(tag)) = (hit, &row.asset_tag)
            && known.slots[i].asset.asset_tag != *tag
            && let Some(other) = known.by_tag.get(tag)
        {
            errors.push(at(
                table,
                line,
                &Field::AssetTag,
                Some(tag),
                format!(
                    "this row's serial or host name is asset {}, but the tag {tag} belongs to another asset{}",
                    known.slots[i].asset.asset_tag,
                    known.slots[*other]
                        .asset
                        .serial
                        .as_ref()
                        .map(|s| format!(" (serial {s})"))
                        .unwrap_or_default()
                ),
            ));
        }

        // The location, by name.
        let location = match &row.location {
            Some(name) => match catalog.locations.get(&name.to_lowercase()) {
                Some(id) => Some((id.clone(), None)),
                None => {
                    let l = Location {
                        id: ids::new_id(),
                        name: name.clone(),
                        created_at: now,
                    };
                    Some((l.id.clone(), Some(l)))
                }
            },
            None => None,
        };

        // The model.
        let model = match &row.model {
            Some(name) => {
                let maker = row.manufacturer.clone().unwrap_or_default();
                let key = (maker_key(&maker), name.to_lowercase());
                match catalog.models.get(&key) {
                    Some(m) => Some(ModelPlan::Known(m.clone())),
                    None if maker.is_empty() => {
                        // A model named alone: find it if exactly one
                        // manufacturer has it.
                        let mut same = catalog
                            .models
                            .iter()
                            .filter(|((_, n), _)| *n == key.1)
                            .map(|(_, m)| m);
                        match (same.next(), same.next()) {
                            (Some(m), None) => Some(ModelPlan::Known(m.clone())),
                            _ => {
                                errors.push(at(
                                    table,
                                    line,
                                    &Field::Model,
                                    Some(name),
                                    "a new model needs its manufacturer (column Manufacturer)"
                                        .into(),
                                ));
                                None
                            }
                        }
                    }
                    None => {
                        let category = row.category.or_else(|| {
                            profile
                                .infer_category
                                .then(|| infer_category(row.os_name.as_deref(), name))
                        });
                        match category {
                            Some(category) => Some(ModelPlan::New {
                                maker,
                                name: name.clone(),
                                category,
                            }),
                            None => {
                                errors.push(at(
                                    table,
                                    line,
                                    &Field::Model,
                                    Some(name),
                                    format!("{maker} {name} is a new model: give its category (laptop, desktop, monitor, phone, tablet, server, network or peripheral)"),
                                ));
                                None
                            }
                        }
                    }
                }
            }
            None => {
                if let Some(maker) = &row.manufacturer {
                    custom.push(("manufacturer".into(), maker.clone()));
                }
                None
            }
        };

        // Custom fields: those defined for the category take its type.
        let category = match (&model, hit) {
            (Some(ModelPlan::Known(m)), _) => Some(m.category),
            (Some(ModelPlan::New { category, .. }), _) => Some(*category),
            (None, Some((i, _))) => known.slots[i].asset.category,
            (None, None) => None,
        };
        let mut typed: Vec<(String, Value)> = Vec::new();
        for (key, raw) in &custom {
            match fields::spec_for(&opts.fields, category, key) {
                Some(spec) => {
                    match fields::coerce(spec, raw, profile.date_order, profile.decimal) {
                        Ok(v) => typed.push((key.clone(), v)),
                        Err(e) => {
                            errors.push(at(table, line, &custom_source(table, key), Some(raw), e))
                        }
                    }
                }
                None => typed.push((key.clone(), Value::from(raw.clone()))),
            }
        }

        // The lifecycle.
        let location_id = location.as_ref().map(|(id, _)| id.clone());
        let mut lifecycle: Option<domain::Outcome>;
        match hit {
            Some((i, _)) => {
                let a = &known.slots[i].asset;
                let asks = row.status.is_some() || assignee_id.is_some() || location_id.is_some();
                lifecycle = Some(domain::Outcome {
                    status: a.status,
                    substate: a.substate,
                    assignee: a.assignee_id.clone(),
                    location: a.location_id.clone(),
                });
                if asks {
                    let current = Current {
                        status: a.status,
                        substate: a.substate,
                        assignee: a.assignee_id.clone(),
                        location: a.location_id.clone(),
                    };
                    let m = Move {
                        to: row.status.map(|s| s.0),
                        // Only a substate the cell names (Reserved, Ready to
                        // Deploy); a bare status keeps the current one.
                        substate: row.status.and_then(|s| s.1),
                        reason: reason.clone(),
                        assignee: assignee_id.clone().map(Some),
                        location: location_id.clone().map(Some),
                        disposal: None,
                    };
                    match domain::apply(&current, &m) {
                        Ok(out) => lifecycle = Some(out),
                        Err(e) => {
                            lifecycle = None;
                            errors.push(move_error(table, line, row, e));
                        }
                    }
                }
            }
            None => {
                let (status, substate) = row.status.unwrap_or(if assignee_id.is_some() {
                    (Status::Deployed, None)
                } else {
                    (profile.new_status, None)
                });
                let substate = substate.or(status.default_substate());
                let substate =
                    if status == Status::Deployed && assignee_id.is_none() && location_id.is_none()
                    {
                        if profile.needs_review {
                            Some(Substate::Discovered)
                        } else {
                            errors.push(at(
                                table,
                                line,
                                &Field::Status,
                                row.status.map(|s| s.0.as_str()),
                                "a deployed asset needs an assignee or a location".into(),
                            ));
                            None
                        }
                    } else {
                        substate
                    };
                lifecycle = Some(domain::Outcome {
                    status,
                    substate,
                    assignee: assignee_id.clone(),
                    location: location_id.clone(),
                });
            }
        }

        if !errors.is_empty() {
            rejected.insert(line);
            report.errors.extend(errors);
            continue;
        }
        if rejected.contains(&line) {
            continue;
        }

        // The row is good: commit its plan to memory.
        if let Some((_, Some(new_location))) = location {
            catalog
                .locations
                .insert(new_location.name.to_lowercase(), new_location.id.clone());
            report.new_locations.push(new_location.name.clone());
            catalog.new_locations.push(new_location);
        }
        let model = match model {
            Some(ModelPlan::Known(m)) => Some(m),
            Some(ModelPlan::New {
                maker,
                name,
                category,
            }) => {
                let maker_row = match catalog.makers.get(&maker_key(&maker)) {
                    Some(m) => m.clone(),
                    None => {
                        let m = Manufacturer {
                            id: ids::new_id(),
                            name: maker.clone(),
                            created_at: now,
                        };
                        catalog.makers.insert(maker_key(&maker), m.clone());
                        catalog.new_makers.push(m.clone());
                        m
                    }
                };
                let m = AssetModel {
                    id: ids::new_id(),
                    manufacturer_id: maker_row.id.clone(),
                    name: name.clone(),
                    category,
                    depreciation_months: crate::assets::service::default_months(category),
                    created_at: now,
                };
                catalog
                    .models
                    .insert((maker_key(&maker), name.to_lowercase()), m.clone());
                catalog.new_models.push(m.clone());
                report
                    .new_models
                    .push(format!("{maker} {name} ({category})"));
                Some(m)
            }
            None => None,
        };
        let out = lifecycle.expect("planned above");
        let change = match hit {
            None => create(&mut known, row, profile, model, out, &typed, now),
            Some((i, _)) => update(&mut known, i, row, model.as_ref(), out, &typed),
        };
        match change.action.as_str() {
            "created" => report.created += 1,
            "updated" => report.updated += 1,
            _ => report.unchanged += 1,
        }
        report.changes.push(change);
    }
    progress(Stage::Applying { total }, total);
    report.rejected = rejected.len();
    report.errors.sort_by_key(|e| (e.line, e.column));

    if !will_write(&report, opts) {
        return Ok(Outcome::RollBack(report));
    }
    write_devices(conn, actor_id, &known, &catalog, &reason, now)?;
    report.applied = true;
    Ok(Outcome::Keep(report))
}

/// A new asset from a planned row.
pub(super) fn create(
    known: &mut Known,
    row: &DeviceRow,
    profile: &Profile,
    model: Option<AssetModel>,
    out: domain::Outcome,
    typed: &[(String, Value)],
    now: NaiveDateTime,
) -> Change {
    let id = ids::new_id();
    let tag = row
        .asset_tag
        .clone()
        .unwrap_or_else(|| format!("IMP-{}", &id.replace('-', "")[20..32]));
    let fields: Map<String, Value> = typed.iter().cloned().collect();
    let asset = Asset {
        id,
        asset_tag: tag.clone(),
        serial: row.serial.clone(),
        category: model.as_ref().map(|m| m.category),
        model_id: model.map(|m| m.id),
        hostname: row.hostname.clone(),
        status: out.status,
        substate: out.substate,
        needs_review: profile.needs_review,
        location_id: out.location,
        assignee_id: out.assignee,
        purchase_date: row.purchase_date,
        cost_minor: row.cost.as_ref().map(|c| c.amount_minor),
        currency: row.cost.as_ref().map(|c| c.currency.to_string()),
        supplier: row.supplier.clone(),
        po_number: row.po_number.clone(),
        warranty_end: row.warranty_end,
        notes: row.notes.clone().unwrap_or_default(),
        custom_fields: Value::Object(fields).to_string(),
        disposal_method: None,
        disposal_date: None,
        disposal_evidence: None,
        created_at: now,
        updated_at: now,
    };
    known.add(Slot {
        asset,
        os: (row.os_name.clone(), row.os_version.clone()),
        device_id: row.device_id.clone(),
        claimed_by: Some(row.line),
        is_new: true,
        changes: Map::new(),
    });
    Change {
        line: row.line,
        asset_tag: tag,
        action: "created".into(),
        fields: Vec::new(),
    }
}

/// A planned row's cells written onto the asset it matched: only the
/// cells it fills, each change noted for the history.
pub(super) fn update(
    known: &mut Known,
    i: usize,
    row: &DeviceRow,
    model: Option<&AssetModel>,
    out: domain::Outcome,
    typed: &[(String, Value)],
) -> Change {
    let a = &known.slots[i].asset;
    let tag = row.asset_tag.clone().unwrap_or_else(|| a.asset_tag.clone());
    let serial = row.serial.clone().or_else(|| a.serial.clone());
    let host = row.hostname.clone().or_else(|| a.hostname.clone());
    known.rekey(i, &tag, &serial, &host);
    let slot = &mut known.slots[i];
    slot.claimed_by = Some(row.line);
    let ch = &mut slot.changes;
    let a = &mut slot.asset;
    if let Some(tag) = &row.asset_tag {
        set(ch, "asset_tag", &mut a.asset_tag, tag.clone());
    }
    if row.serial.is_some() {
        set(ch, "serial", &mut a.serial, row.serial.clone());
    }
    if row.hostname.is_some() {
        set(ch, "hostname", &mut a.hostname, row.hostname.clone());
    }
    if let Some(m) = model {
        set(ch, "model_id", &mut a.model_id, Some(m.id.clone()));
        let mut current = a.category.map(|c| c.as_str().to_owned());
        set(
            ch,
            "category",
            &mut current,
            Some(m.category.as_str().to_owned()),
        );
        a.category = Some(m.category);
    }
    let mut status = a.status.as_str().to_owned();
    set(ch, "status", &mut status, out.status.as_str().to_owned());
    a.status = out.status;
    let mut substate = a.substate.map(|s| s.as_str().to_owned());
    set(
        ch,
        "substate",
        &mut substate,
        out.substate.map(|s| s.as_str().to_owned()),
    );
    a.substate = out.substate;
    set(ch, "assignee_id", &mut a.assignee_id, out.assignee);
    set(ch, "location_id", &mut a.location_id, out.location);
    if let Some(d) = row.purchase_date {
        let mut cur = opt_date(a.purchase_date);
        set(ch, "purchase_date", &mut cur, opt_date(Some(d)));
        a.purchase_date = Some(d);
    }
    if let Some(c) = &row.cost {
        set(ch, "cost_minor", &mut a.cost_minor, Some(c.amount_minor));
        set(
            ch,
            "currency",
            &mut a.currency,
            Some(c.currency.to_string()),
        );
    }
    if row.supplier.is_some() {
        set(ch, "supplier", &mut a.supplier, row.supplier.clone());
    }
    if row.po_number.is_some() {
        set(ch, "po_number", &mut a.po_number, row.po_number.clone());
    }
    if let Some(d) = row.warranty_end {
        let mut cur = opt_date(a.warranty_end);
        set(ch, "warranty_end", &mut cur, opt_date(Some(d)));
        a.warranty_end = Some(d);
    }
    if let Some(n) = &row.notes {
        set(ch, "notes", &mut a.notes, n.clone());
    }
    if row.device_id.is_some() {
        set(ch, "device_id", &mut slot.device_id, row.device_id.clone());
    }
    if row.os_name.is_some() {
        set(ch, "os_name", &mut slot.os.0, row.os_name.clone());
    }
    if row.os_version.is_some() {
        set(ch, "os_version", &mut slot.os.1, row.os_version.clone());
    }
    if !typed.is_empty() {
        let mut fields: Map<String, Value> =
            serde_json::from_str(&a.custom_fields).unwrap_or_default();
        fields.extend(typed.iter().cloned());
        let mut text = a.custom_fields.clone();
        set(
            ch,
            "custom_fields",
            &mut text,
            Value::Object(fields).to_string(),
        );
        a.custom_fields = text;
    }
    Change {
        line: row.line,
        asset_tag: a.asset_tag.clone(),
        action: if ch.is_empty() {
            "unchanged"
        } else {
            "updated"
        }
        .into(),
        fields: ch.keys().cloned().collect(),
    }
}

/// The column a custom field's value came from.
pub(super) fn custom_source(table: &Table, key: &str) -> Field {
    [
        Field::Custom(key.to_owned()),
        Field::CustomDate(key.to_owned()),
        Field::Name,
        Field::Manufacturer,
        Field::Assignee,
    ]
    .into_iter()
    .find(|f| {
        table.column_of(f).0.is_some()
            && match f {
                Field::Name => key == "name",
                Field::Manufacturer => key == "manufacturer",
                Field::Assignee => key == "primary_user",
                _ => true,
            }
    })
    .unwrap_or(Field::Custom(key.to_owned()))
}

pub(super) fn move_error(table: &Table, line: u64, row: &DeviceRow, e: MoveError) -> RowError {
    match e {
        MoveError::NotAllowed { allowed, .. } => at(
            table,
            line,
            &Field::Status,
            row.status.map(|s| s.0.as_str()),
            format!(
                "{e}; from there it may go to {}",
                if allowed.is_empty() {
                    "nowhere".to_owned()
                } else {
                    allowed
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
        ),
        MoveError::Invalid(MoveField::Assignee, msg) => {
            at(table, line, &Field::Assignee, row.assignee.as_deref(), msg)
        }
        MoveError::Invalid(_, msg) => at(
            table,
            line,
            &Field::Status,
            row.status.map(|s| s.0.as_str()),
            msg,
        ),
    }
}
