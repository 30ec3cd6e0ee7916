//! Planning device rows (each row by [`RowContext::plan`]), keeping the
//! good rows' plans in memory, and writing them.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use serde_json::{Map, Value};

use crate::assets::domain::{self, MoveError, MoveField};
use crate::assets::import::profiles::{Field, Profile};
use crate::assets::import::read::{DeviceRow, Table};
use crate::assets::import::{Change, Options, Report, RowError, Stage};
use crate::assets::model::{Asset, AssetModel, Location, Manufacturer};
use crate::db::DbConn;
use crate::ids;

use super::known::{Catalog, Known, ModelPlan, Slot, load_known, maker_key, persons};
use super::plan_row::RowContext;
use super::write::write_devices;
use super::{Outcome, RollBackOr, at, opt_date, will_write};
use crate::audit::note_change as set;

/// Plans every device row against the register, then writes the plans
/// (unless this is a dry run, or a row was refused and the import is not
/// partial).
pub(super) fn devices(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    table: &Table,
    opts: &Options,
    now: NaiveDateTime,
    mut report: Report,
    progress: &mut dyn FnMut(Stage, u64),
) -> Result<Outcome, RollBackOr> {
    let mut known = load_known(conn, &table.devices)?;
    known.tags = Some(crate::assets::import::tags::TagCounter::load(
        conn,
        &opts.tag_pattern,
    )?);
    let mut catalog = Catalog::load(conn)?;
    let people = persons(conn, &table.devices)?;
    let total = table.devices.len() as u64;
    let ctx = RowContext {
        table,
        opts,
        profile: &opts.profile,
        people: &people,
        reason: format!("import {} ({})", opts.file_name, opts.profile.name),
        now,
    };
    let mut rejected: HashSet<u64> = report.errors.iter().map(|e| e.line).collect();
    for (n, row) in table.devices.iter().enumerate() {
        if n.is_multiple_of(1000) {
            progress(Stage::Applying { total }, n as u64);
        }
        let plan = match ctx.plan(&known, &catalog, row, &mut report.warnings) {
            Ok(plan) => plan,
            Err(errors) => {
                rejected.insert(row.line);
                report.errors.extend(errors);
                continue;
            }
        };
        if rejected.contains(&row.line) {
            continue;
        }
        let change = commit(&mut known, &mut catalog, &mut report, row, &ctx, plan);
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
    write_devices(conn, actor_id, &known, &catalog, &ctx.reason, now)?;
    report.applied = true;
    Ok(Outcome::Keep(report))
}

/// A good row's plan: what it matched, where, which model, its fields and
/// where its lifecycle ends.
pub(super) struct RowPlan {
    pub(super) hit: Option<usize>,
    pub(super) location: Option<(String, Option<Location>)>,
    pub(super) model: Option<ModelPlan>,
    pub(super) typed: Vec<(String, Value)>,
    pub(super) lifecycle: domain::Outcome,
}

/// Puts a good row's plan into memory (new locations and models first);
/// returns the change it makes.
fn commit(
    known: &mut Known,
    catalog: &mut Catalog,
    report: &mut Report,
    row: &DeviceRow,
    ctx: &RowContext<'_>,
    plan: RowPlan,
) -> Change {
    if let Some((_, Some(new_location))) = plan.location {
        catalog
            .locations
            .insert(new_location.name.to_lowercase(), new_location.id.clone());
        report.new_locations.push(new_location.name.clone());
        catalog.new_locations.push(new_location);
    }
    let model = plan.model.map(|m| model_of(catalog, report, m, ctx.now));
    match plan.hit {
        None => create(
            known,
            row,
            ctx.profile,
            model,
            plan.lifecycle,
            &plan.typed,
            ctx.now,
        ),
        Some(i) => update(known, i, row, model.as_ref(), plan.lifecycle, &plan.typed),
    }
}

/// The model a plan names, created (with its manufacturer) when new.
fn model_of(
    catalog: &mut Catalog,
    report: &mut Report,
    plan: ModelPlan,
    now: NaiveDateTime,
) -> AssetModel {
    let (maker, name, category) = match plan {
        ModelPlan::Known(m) => return m,
        ModelPlan::New {
            maker,
            name,
            category,
        } => (maker, name, category),
    };
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
        warranty_months: None,
        created_at: now,
    };
    catalog
        .models
        .insert((maker_key(&maker), name.to_lowercase()), m.clone());
    catalog.new_models.push(m.clone());
    report
        .new_models
        .push(format!("{maker} {name} ({category})"));
    m
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
    let tag = row.asset_tag.clone().unwrap_or_else(|| known.new_tag());
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
    set_identity(ch, a, row, model);
    set_lifecycle(ch, a, out);
    set_purchase(ch, a, row);
    if row.device_id.is_some() {
        set(ch, "device_id", &mut slot.device_id, row.device_id.clone());
    }
    if row.os_name.is_some() {
        set(ch, "os_name", &mut slot.os.0, row.os_name.clone());
    }
    if row.os_version.is_some() {
        set(ch, "os_version", &mut slot.os.1, row.os_version.clone());
    }
    set_custom(ch, a, typed);
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

type Changes = Map<String, Value>;

/// Tag, serial, host name and model: what the row fills.
fn set_identity(ch: &mut Changes, a: &mut Asset, row: &DeviceRow, model: Option<&AssetModel>) {
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
}

/// Where the lifecycle leaves the asset.
fn set_lifecycle(ch: &mut Changes, a: &mut Asset, out: domain::Outcome) {
    let mut status = a.status.as_str().to_owned();
    set(ch, "status", &mut status, out.status.as_str().to_owned());
    a.status = out.status;
    let mut substate = a.substate.map(|s| s.as_str().to_owned());
    let new = out.substate.map(|s| s.as_str().to_owned());
    set(ch, "substate", &mut substate, new);
    a.substate = out.substate;
    set(ch, "assignee_id", &mut a.assignee_id, out.assignee);
    set(ch, "location_id", &mut a.location_id, out.location);
}

/// Purchase, warranty and notes: what the row fills.
fn set_purchase(ch: &mut Changes, a: &mut Asset, row: &DeviceRow) {
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
}

/// The row's custom fields merged into the asset's.
fn set_custom(ch: &mut Changes, a: &mut Asset, typed: &[(String, Value)]) {
    if typed.is_empty() {
        return;
    }
    let mut fields: Map<String, Value> = serde_json::from_str(&a.custom_fields).unwrap_or_default();
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
