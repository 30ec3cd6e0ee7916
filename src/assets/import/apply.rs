//! Planning and writing an import inside one write transaction. Every check
//! is made against what the register holds (loaded once, in chunks) plus
//! what earlier rows of the same file create, so a dry run and a refused
//! all-or-nothing import report exactly what a real run would do.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Map, Value, json};

use super::profiles::{Field, Kind, UnknownPerson, infer_category};
use super::read::{AppRow, DeviceRow, Table};
use super::{Change, ImportError, Options, Report, RowError, SoftwareSummary, Stage};
use crate::assets::domain::{self, Current, Move, MoveError, MoveField, Status, Substate};
use crate::assets::fields;
use crate::assets::inventory::{Software, replace_software};
use crate::assets::model::{Asset, AssetModel, Location, Manufacturer};
use crate::assets::repo;
use crate::audit::{self, Entry};
use crate::db::schema::{assets, users};
use crate::db::{Db, DbConn};
use crate::ids;

const CHUNK: usize = 500;

/// Ends the transaction without keeping anything (dry runs and refused
/// imports), carrying the report out.
enum Outcome {
    Keep(Report),
    RollBack(Report),
}

struct RollBack(Box<Report>);

impl From<diesel::result::Error> for RollBackOr {
    fn from(e: diesel::result::Error) -> Self {
        RollBackOr::Failed(e.into())
    }
}

impl From<crate::db::Unavailable> for RollBackOr {
    fn from(e: crate::db::Unavailable) -> Self {
        RollBackOr::Failed(e.into())
    }
}

enum RollBackOr {
    RollBack(RollBack),
    Failed(ImportError),
}

pub(super) fn apply(
    db: &Db,
    actor_id: Option<&str>,
    table: &Table,
    opts: &Options,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(Stage, u64),
) -> Result<Report, ImportError> {
    let result = db.write(|conn| {
        let mut report = Report {
            profile: opts.profile.name.clone(),
            file_name: opts.file_name.clone(),
            dry_run: opts.dry_run,
            partial: opts.partial,
            rows: table.rows,
            errors: table.errors.clone(),
            ..Report::default()
        };
        let outcome = match opts.profile.kind {
            Kind::Devices => devices(conn, actor_id, table, opts, now, report, progress)?,
            Kind::Apps => {
                report.rejected = rejected_lines(&report.errors);
                apps(conn, actor_id, table, opts, now, report)?
            }
        };
        match outcome {
            Outcome::Keep(r) => Ok(r),
            Outcome::RollBack(r) => Err(RollBackOr::RollBack(RollBack(Box::new(r)))),
        }
    });
    match result {
        Ok(r) => Ok(r),
        Err(RollBackOr::RollBack(RollBack(r))) => {
            let mut r = *r;
            r.applied = false;
            Ok(r)
        }
        Err(RollBackOr::Failed(e)) => Err(e),
    }
}

fn rejected_lines(errors: &[RowError]) -> usize {
    errors.iter().map(|e| e.line).collect::<HashSet<_>>().len()
}

/// Whether the planned writes happen: not on dry runs, and not when a row
/// was refused unless the import is partial.
fn will_write(report: &Report, opts: &Options) -> bool {
    !opts.dry_run && (report.errors.is_empty() || opts.partial)
}

/// One asset the import knows about: loaded from the register or planned.
struct Slot {
    asset: Asset,
    os: (Option<String>, Option<String>),
    /// A management system's id of the device (`assets.device_id`).
    device_id: Option<String>,
    /// The line that first named it in this file.
    claimed_by: Option<u64>,
    is_new: bool,
    /// Field → (from, to), for the history.
    changes: Map<String, Value>,
}

/// Indexes over the slots.
#[derive(Default)]
struct Known {
    slots: Vec<Slot>,
    by_tag: HashMap<String, usize>,
    by_serial: HashMap<String, usize>,
    by_host: HashMap<String, usize>,
    by_device: HashMap<String, usize>,
}

impl Known {
    fn add(&mut self, slot: Slot) -> usize {
        let i = self.slots.len();
        let a = &slot.asset;
        self.by_tag.insert(a.asset_tag.clone(), i);
        if a.status != Status::Disposed {
            if let Some(s) = &a.serial {
                self.by_serial.entry(s.clone()).or_insert(i);
            }
            if let Some(h) = &a.hostname {
                self.by_host.entry(h.clone()).or_insert(i);
            }
            if let Some(d) = &slot.device_id {
                self.by_device.entry(d.clone()).or_insert(i);
            }
        }
        self.slots.push(slot);
        i
    }

    /// Serial first, then asset tag, then host name: the order inventory
    /// agents are matched in too.
    fn find(&self, row: &DeviceRow) -> Option<(usize, Field)> {
        if let Some(i) = row.serial.as_ref().and_then(|s| self.by_serial.get(s)) {
            return Some((*i, Field::Serial));
        }
        if let Some(i) = row.asset_tag.as_ref().and_then(|t| self.by_tag.get(t)) {
            return Some((*i, Field::AssetTag));
        }
        if let Some(i) = row.device_id.as_ref().and_then(|d| self.by_device.get(d)) {
            return Some((*i, Field::DeviceId));
        }
        // A host name is reused when a device is replaced: it names the
        // same asset only if the serials do not say otherwise.
        let i = *row.hostname.as_ref().and_then(|h| self.by_host.get(h))?;
        match (&row.serial, &self.slots[i].asset.serial) {
            (Some(new), Some(old)) if new != old => None,
            _ => Some((i, Field::Hostname)),
        }
    }

    /// Keeps the indexes in step when a row renames an asset's keys.
    fn rekey(&mut self, i: usize, tag: &str, serial: &Option<String>, host: &Option<String>) {
        let a = &self.slots[i].asset;
        if a.asset_tag != tag {
            self.by_tag.remove(&a.asset_tag);
            self.by_tag.insert(tag.to_owned(), i);
        }
        if a.serial != *serial {
            if let Some(old) = &a.serial
                && self.by_serial.get(old) == Some(&i)
            {
                self.by_serial.remove(old);
            }
            if let Some(new) = serial {
                self.by_serial.entry(new.clone()).or_insert(i);
            }
        }
        if a.hostname != *host {
            if let Some(old) = &a.hostname
                && self.by_host.get(old) == Some(&i)
            {
                self.by_host.remove(old);
            }
            if let Some(new) = host {
                self.by_host.entry(new.clone()).or_insert(i);
            }
        }
    }
}

/// An asset with the inventory columns the import reads and writes.
type Loaded = (Asset, Option<String>, Option<String>, Option<String>);

fn load_known(conn: &mut DbConn, rows: &[DeviceRow]) -> QueryResult<Known> {
    let mut keys: [HashSet<String>; 4] = Default::default();
    for r in rows {
        keys[0].extend(r.asset_tag.clone());
        keys[1].extend(r.serial.clone());
        keys[2].extend(r.hostname.clone());
        keys[3].extend(r.device_id.clone());
    }
    let [tags, serials, hosts, devices] = keys.map(|k| k.into_iter().collect::<Vec<String>>());
    let mut found: Vec<Loaded> = Vec::new();
    let mut seen = HashSet::new();
    let select = (
        Asset::as_select(),
        assets::os_name,
        assets::os_version,
        assets::device_id,
    );
    macro_rules! load_by {
        ($column:expr, $keys:expr) => {
            for chunk in $keys.chunks(CHUNK) {
                let batch: Vec<Loaded> = assets::table
                    .filter($column.eq_any(chunk))
                    .select(select)
                    .load(conn)?;
                for row in batch {
                    if seen.insert(row.0.id.clone()) {
                        found.push(row);
                    }
                }
            }
        };
    }
    load_by!(assets::asset_tag, tags);
    load_by!(assets::serial, serials);
    load_by!(assets::hostname, hosts);
    load_by!(assets::device_id, devices);
    // Oldest first, so that a serial or host name shared by two assets
    // finds the older one, as the inventory feed does.
    found.sort_by(|a, b| (a.0.created_at, &a.0.id).cmp(&(b.0.created_at, &b.0.id)));
    let mut known = Known::default();
    for (asset, os_name, os_version, device_id) in found {
        known.add(Slot {
            asset,
            os: (os_name, os_version),
            device_id,
            claimed_by: None,
            is_new: false,
            changes: Map::new(),
        });
    }
    Ok(known)
}

/// Models, manufacturers and locations by lower-case name, and what the
/// import adds to them.
struct Catalog {
    makers: HashMap<String, Manufacturer>,
    models: HashMap<(String, String), AssetModel>,
    locations: HashMap<String, String>,
    new_makers: Vec<Manufacturer>,
    new_models: Vec<AssetModel>,
    new_locations: Vec<Location>,
}

impl Catalog {
    fn load(conn: &mut DbConn) -> QueryResult<Catalog> {
        let mut makers = HashMap::new();
        for m in repo::manufacturers(conn)? {
            makers.insert(maker_key(&m.name), m);
        }
        let mut models = HashMap::new();
        for (model, maker) in repo::models(conn)? {
            models.insert((maker_key(&maker.name), model.name.to_lowercase()), model);
        }
        let locations = repo::locations(conn)?
            .into_iter()
            .map(|l| (l.name.to_lowercase(), l.id))
            .collect();
        Ok(Catalog {
            makers,
            models,
            locations,
            new_makers: Vec::new(),
            new_models: Vec::new(),
            new_locations: Vec::new(),
        })
    }
}

/// A model a row needs: known, or to be created with the row.
enum ModelPlan {
    Known(AssetModel),
    New {
        maker: String,
        name: String,
        category: domain::Category,
    },
}

/// A manufacturer as compared: "Dell Inc." and "DELL" are one maker.
fn maker_key(name: &str) -> String {
    let cleaned: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    while words.len() > 1
        && matches!(
            *words.last().unwrap_or(&""),
            "inc"
                | "incorporated"
                | "corp"
                | "corporation"
                | "co"
                | "company"
                | "ltd"
                | "limited"
                | "llc"
                | "gmbh"
                | "ag"
                | "sa"
                | "plc"
                | "bv"
        )
    {
        words.pop();
    }
    words.join(" ")
}

fn persons(conn: &mut DbConn, rows: &[DeviceRow]) -> QueryResult<HashMap<String, String>> {
    let wanted: Vec<String> = rows
        .iter()
        .filter_map(|r| r.assignee.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut out = HashMap::new();
    for chunk in wanted.chunks(CHUNK) {
        let found: Vec<(String, String)> = users::table
            .filter(users::email.eq_any(chunk))
            .select((users::email, users::id))
            .load(conn)?;
        out.extend(found);
    }
    Ok(out)
}

fn at(table: &Table, line: u64, field: &Field, value: Option<&str>, reason: String) -> RowError {
    let (column, header) = table.column_of(field);
    RowError {
        line,
        column,
        header,
        value: value.map(str::to_owned),
        reason,
    }
}

fn set<T: PartialEq + Clone + Into<Value>>(
    changes: &mut Map<String, Value>,
    name: &str,
    slot: &mut T,
    new: T,
) {
    if *slot != new {
        changes.insert(name.into(), audit::change(slot.clone(), new.clone()));
        *slot = new;
    }
}

fn opt_date(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn devices(
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
        match hit {
            None => {
                let id = ids::new_id();
                let tag = row
                    .asset_tag
                    .clone()
                    .unwrap_or_else(|| format!("IMP-{}", &id.replace('-', "")[20..32]));
                let mut fields = Map::new();
                for (k, v) in &typed {
                    fields.insert(k.clone(), v.clone());
                }
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
                    cost_minor: row.cost.as_ref().map(|c| c.minor),
                    currency: row.cost.as_ref().map(|c| c.currency.clone()),
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
                    claimed_by: Some(line),
                    is_new: true,
                    changes: Map::new(),
                });
                report.created += 1;
                report.changes.push(Change {
                    line,
                    asset_tag: tag,
                    action: "created".into(),
                    fields: Vec::new(),
                });
            }
            Some((i, _)) => {
                let a = &known.slots[i].asset;
                let tag = row.asset_tag.clone().unwrap_or_else(|| a.asset_tag.clone());
                let serial = row.serial.clone().or_else(|| a.serial.clone());
                let host = row.hostname.clone().or_else(|| a.hostname.clone());
                known.rekey(i, &tag, &serial, &host);
                let slot = &mut known.slots[i];
                slot.claimed_by = Some(line);
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
                if let Some(m) = &model {
                    set(ch, "model_id", &mut a.model_id, Some(m.id.clone()));
                    let cat = Some(m.category.as_str().to_owned());
                    let mut current = a.category.map(|c| c.as_str().to_owned());
                    set(ch, "category", &mut current, cat);
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
                    set(ch, "cost_minor", &mut a.cost_minor, Some(c.minor));
                    set(ch, "currency", &mut a.currency, Some(c.currency.clone()));
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
                    for (k, v) in &typed {
                        fields.insert(k.clone(), v.clone());
                    }
                    let mut text = a.custom_fields.clone();
                    set(
                        ch,
                        "custom_fields",
                        &mut text,
                        Value::Object(fields).to_string(),
                    );
                    a.custom_fields = text;
                }
                let tag = a.asset_tag.clone();
                if ch.is_empty() {
                    report.unchanged += 1;
                    report.changes.push(Change {
                        line,
                        asset_tag: tag,
                        action: "unchanged".into(),
                        fields: Vec::new(),
                    });
                } else {
                    report.updated += 1;
                    report.changes.push(Change {
                        line,
                        asset_tag: tag,
                        action: "updated".into(),
                        fields: ch.keys().cloned().collect(),
                    });
                }
            }
        }
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

/// The column a custom field's value came from.
fn custom_source(table: &Table, key: &str) -> Field {
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

fn move_error(table: &Table, line: u64, row: &DeviceRow, e: MoveError) -> RowError {
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

fn write_devices(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    known: &Known,
    catalog: &Catalog,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    for m in &catalog.new_makers {
        repo::insert_manufacturer(conn, m)?;
    }
    for m in &catalog.new_models {
        repo::insert_model(conn, m)?;
    }
    for l in &catalog.new_locations {
        repo::insert_location(conn, l)?;
    }
    let new: Vec<&Slot> = known.slots.iter().filter(|s| s.is_new).collect();
    for chunk in new.chunks(CHUNK) {
        let rows: Vec<Asset> = chunk.iter().map(|s| s.asset.clone()).collect();
        crate::insert_all!(conn, assets::table, &rows)?;
        let changes: Vec<Value> = chunk
            .iter()
            .map(|s| {
                json!({
                    "asset_tag": s.asset.asset_tag,
                    "status": s.asset.status.as_str(),
                    "substate": s.asset.substate.map(|x| x.as_str()),
                    "reason": reason,
                })
            })
            .collect();
        let entries: Vec<Entry<'_>> = chunk
            .iter()
            .zip(&changes)
            .map(|(s, changes)| Entry {
                entity_type: "asset",
                entity_id: &s.asset.id,
                actor_id,
                action: "asset_imported",
                changes: changes.clone(),
                at: now,
            })
            .collect();
        audit::record_many(conn, &entries)?;
    }
    for s in known
        .slots
        .iter()
        .filter(|s| s.is_new && (s.os.0.is_some() || s.os.1.is_some() || s.device_id.is_some()))
    {
        diesel::update(assets::table.find(&s.asset.id))
            .set((
                assets::os_name.eq(&s.os.0),
                assets::os_version.eq(&s.os.1),
                assets::device_id.eq(&s.device_id),
            ))
            .execute(conn)?;
    }
    let changed: Vec<&Slot> = known
        .slots
        .iter()
        .filter(|s| !s.is_new && !s.changes.is_empty())
        .collect();
    for chunk in changed.chunks(CHUNK) {
        for s in chunk {
            let a = &s.asset;
            diesel::update(assets::table.find(&a.id))
                .set((
                    assets::asset_tag.eq(&a.asset_tag),
                    assets::serial.eq(&a.serial),
                    assets::model_id.eq(&a.model_id),
                    assets::category.eq(a.category),
                    assets::hostname.eq(&a.hostname),
                    assets::status.eq(a.status),
                    assets::substate.eq(a.substate),
                    assets::location_id.eq(&a.location_id),
                    assets::assignee_id.eq(&a.assignee_id),
                    assets::purchase_date.eq(a.purchase_date),
                    assets::cost_minor.eq(a.cost_minor),
                    assets::currency.eq(&a.currency),
                    assets::supplier.eq(&a.supplier),
                    assets::po_number.eq(&a.po_number),
                    assets::warranty_end.eq(a.warranty_end),
                    assets::notes.eq(&a.notes),
                    assets::custom_fields.eq(&a.custom_fields),
                    assets::os_name.eq(&s.os.0),
                    assets::os_version.eq(&s.os.1),
                    assets::device_id.eq(&s.device_id),
                    assets::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        let changes: Vec<Value> = chunk
            .iter()
            .map(|s| {
                let mut c = s.changes.clone();
                c.insert("reason".into(), Value::from(reason));
                Value::Object(c)
            })
            .collect();
        let entries: Vec<Entry<'_>> = chunk
            .iter()
            .zip(&changes)
            .map(|(s, changes)| Entry {
                entity_type: "asset",
                entity_id: &s.asset.id,
                actor_id,
                action: "asset_imported",
                changes: changes.clone(),
                at: now,
            })
            .collect();
        audit::record_many(conn, &entries)?;
    }
    Ok(())
}

/// Discovered apps: each device's rows replace its software list.
fn apps(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    table: &Table,
    opts: &Options,
    now: NaiveDateTime,
    mut report: Report,
) -> Result<Outcome, RollBackOr> {
    let mut order: Vec<String> = Vec::new();
    let mut by_device: HashMap<String, Vec<&AppRow>> = HashMap::new();
    for r in &table.apps {
        by_device
            .entry(r.device.clone())
            .or_insert_with(|| {
                order.push(r.device.clone());
                Vec::new()
            })
            .push(r);
    }
    let mut hosts: HashMap<String, String> = HashMap::new();
    for chunk in order.chunks(CHUNK) {
        let found: Vec<(Option<String>, String)> = assets::table
            .filter(assets::hostname.eq_any(chunk))
            .filter(assets::status.ne(Status::Disposed))
            .order((assets::created_at.asc(), assets::id.asc()))
            .select((assets::hostname, assets::id))
            .load(conn)?;
        for (h, id) in found {
            if let Some(h) = h {
                hosts.entry(h).or_insert(id);
            }
        }
    }
    let mut known_devices = Vec::new();
    for device in &order {
        match hosts.get(device) {
            Some(id) => known_devices.push((device, id.clone())),
            None => {
                for r in &by_device[device] {
                    report.errors.push(at(
                        table,
                        r.line,
                        &Field::DeviceName,
                        Some(&r.device),
                        format!("no asset has the host name {}: import the device list (profile intune) first", r.device),
                    ));
                }
            }
        }
    }
    report.errors.sort_by_key(|e| (e.line, e.column));
    report.rejected = rejected_lines(&report.errors);
    if !opts.dry_run && !report.errors.is_empty() && !opts.partial {
        return Ok(Outcome::RollBack(report));
    }
    let mut summary = SoftwareSummary::default();
    for (device, asset_id) in known_devices {
        let mut seen = HashSet::new();
        let software: Vec<Software> = by_device[device]
            .iter()
            .filter(|r| seen.insert((r.name.clone(), r.version.clone())))
            .map(|r| Software {
                name: r.name.clone(),
                version: r.version.clone(),
                publisher: r.publisher.clone(),
            })
            .collect();
        let (installed, still, removed) = replace_software(conn, &asset_id, &software, now)?;
        summary.devices += 1;
        summary.installed += installed;
        summary.still_installed += still;
        summary.removed += removed;
        audit::record(
            conn,
            Entry {
                entity_type: "asset",
                entity_id: &asset_id,
                actor_id,
                action: "software_imported",
                changes: json!({
                    "source": format!("import {} ({})", opts.file_name, opts.profile.name),
                    "software_installed": installed,
                    "software_still_installed": still,
                    "software_removed": removed,
                }),
                at: now,
            },
        )?;
    }
    report.software = Some(summary);
    if opts.dry_run || (!report.errors.is_empty() && !opts.partial) {
        return Ok(Outcome::RollBack(report));
    }
    report.applied = true;
    Ok(Outcome::Keep(report))
}

#[cfg(test)]
mod tests {
    use super::maker_key;

    #[test]
    fn one_maker_under_its_several_names() {
        assert_eq!(maker_key("Dell Inc."), "dell");
        assert_eq!(maker_key("DELL"), "dell");
        assert_eq!(maker_key("Hewlett-Packard Company"), "hewlett packard");
        assert_eq!(maker_key("Microsoft Corporation"), "microsoft");
        assert_eq!(maker_key("Co"), "co");
    }
}
