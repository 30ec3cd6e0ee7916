//! Vendors and their contacts.

use crate::assets::service::suppliers;
use chrono::NaiveDateTime;
use serde_json::json;

use super::{clean, may_change, may_read, record};
use crate::auth::User;
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::ids::{self, utc};
use crate::vendors::domain::VendorKind;
use crate::vendors::dto::{ContactDto, ContactInput, VendorDto, VendorInput};
use crate::vendors::model::{Contact, Vendor};
use crate::vendors::repo;

fn dto(v: &Vendor, contacts: &[Contact]) -> VendorDto {
    VendorDto {
        id: v.id.clone(),
        name: v.name.clone(),
        kind: v.kind,
        website: v.website.clone(),
        account_number: v.account_number.clone(),
        notes: v.notes.clone(),
        contacts: contacts
            .iter()
            .map(|c| ContactDto {
                id: c.id.clone(),
                name: c.name.clone(),
                role: c.role.clone(),
                email: c.email.clone(),
                phone: c.phone.clone(),
                escalation_order: c.escalation_order,
            })
            .collect(),
        created_at: utc(v.created_at),
        updated_at: utc(v.updated_at),
    }
}

/// Puts the input on `v`, collecting faults.
fn apply(v: &mut Vendor, input: &VendorInput, errors: &mut Vec<FieldError>) {
    if let Some(n) = &input.name {
        let n = n.trim();
        if n.is_empty() || n.chars().count() > 200 {
            errors.push(FieldError::new("name", "1 to 200 characters"));
        }
        v.name = n.to_owned();
    }
    if let Some(k) = &input.kind {
        match k.trim().parse::<VendorKind>() {
            Ok(k) => v.kind = k,
            Err(e) => errors.push(FieldError::new("kind", e.to_string())),
        }
    }
    if let Some(w) = &input.website {
        v.website = clean(w);
    }
    if let Some(a) = &input.account_number {
        v.account_number = clean(a);
    }
    if let Some(n) = &input.notes {
        v.notes = n.clone();
    }
}

/// The contacts as stored, each checked.
fn contacts_of(vendor: &str, list: &[ContactInput], errors: &mut Vec<FieldError>) -> Vec<Contact> {
    list.iter()
        .enumerate()
        .map(|(i, c)| {
            let name = c.name.trim().to_owned();
            if name.is_empty() {
                errors.push(FieldError::new(format!("contacts[{i}].name"), "a name"));
            }
            let email = clean(&c.email);
            if email.as_deref().is_some_and(|e| !e.contains('@')) {
                errors.push(FieldError::new(
                    format!("contacts[{i}].email"),
                    "an email address",
                ));
            }
            Contact {
                id: ids::new_id(),
                vendor_id: vendor.to_owned(),
                name,
                role: clean(&c.role),
                email,
                phone: clean(&c.phone),
                escalation_order: c.escalation_order.unwrap_or(i as i32 + 1),
            }
        })
        .collect()
}

fn same_name(e: AppError, name: &str) -> AppError {
    match e {
        AppError::Conflict { .. } => AppError::conflict(
            "already_exists",
            format!("a vendor called {name} exists already"),
        ),
        other => other,
    }
}

fn load(conn: &mut DbConn, id: &str) -> Result<Vendor, AppError> {
    repo::vendor(conn, id)?.ok_or_else(|| AppError::NotFound(format!("vendor {id}")))
}

pub fn create_vendor(
    db: &Db,
    actor: &User,
    input: &VendorInput,
    now: NaiveDateTime,
) -> Result<VendorDto, AppError> {
    may_change(actor)?;
    let mut errors = Vec::new();
    if input.name.is_none() {
        errors.push(FieldError::new("name", "the vendor's name"));
    }
    let mut v = Vendor {
        id: ids::new_id(),
        name: String::new(),
        kind: VendorKind::Other,
        website: None,
        account_number: None,
        notes: String::new(),
        created_at: now,
        updated_at: now,
    };
    apply(&mut v, input, &mut errors);
    let contacts = contacts_of(&v.id, input.contacts.as_deref().unwrap_or(&[]), &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    db.write(|conn| {
        repo::insert_vendor(conn, &v)?;
        repo::replace_contacts(conn, &v.id, &contacts)?;
        // Assets whose supplier text names it are its own from now on.
        let linked = suppliers::link_supplier(conn, &v.id, &v.name)?;
        let changes = json!({"name": v.name, "kind": v.kind.as_str(), "assets_linked": linked});
        record(conn, actor, ("vendor", &v.id), "created", changes, now)?;
        Ok(dto(&v, &contacts))
    })
    .map_err(|e| same_name(e, &v.name))
}

/// Vendors by name; `q` keeps names containing it, `kind` one kind.
pub fn vendors(
    db: &Db,
    actor: &User,
    q: Option<&str>,
    kind: Option<VendorKind>,
) -> Result<Vec<VendorDto>, AppError> {
    may_read(actor)?;
    let q = q.map(str::to_lowercase);
    db.read(|conn| {
        let mut out = Vec::new();
        for v in repo::vendors(conn)? {
            if q.as_deref()
                .is_some_and(|q| !v.name.to_lowercase().contains(q))
                || kind.is_some_and(|k| k != v.kind)
            {
                continue;
            }
            let contacts = repo::contacts(conn, &v.id)?;
            out.push(dto(&v, &contacts));
        }
        Ok(out)
    })
}

pub fn vendor(db: &Db, actor: &User, id: &str) -> Result<VendorDto, AppError> {
    may_read(actor)?;
    db.read(|conn| {
        let v = load(conn, id)?;
        let contacts = repo::contacts(conn, id)?;
        Ok(dto(&v, &contacts))
    })
}

pub fn update_vendor(
    db: &Db,
    actor: &User,
    id: &str,
    input: &VendorInput,
    now: NaiveDateTime,
) -> Result<VendorDto, AppError> {
    may_change(actor)?;
    db.write(|conn| {
        let mut v = load(conn, id)?;
        let mut errors = Vec::new();
        apply(&mut v, input, &mut errors);
        let contacts = input
            .contacts
            .as_ref()
            .map(|list| contacts_of(id, list, &mut errors));
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        v.updated_at = now;
        repo::save_vendor(conn, &v)?;
        suppliers::link_supplier(conn, &v.id, &v.name)?;
        if let Some(list) = &contacts {
            repo::replace_contacts(conn, id, list)?;
        }
        let changes = json!({"name": v.name, "kind": v.kind.as_str(),
            "contacts": contacts.as_ref().map(Vec::len)});
        record(conn, actor, ("vendor", id), "updated", changes, now)?;
        let contacts = repo::contacts(conn, id)?;
        Ok(dto(&v, &contacts))
    })
    .map_err(|e| same_name(e, input.name.as_deref().unwrap_or("")))
}

/// The vendor's name (for other contexts' pages and checks).
pub fn vendor_name(conn: &mut DbConn, id: &str) -> Result<Option<String>, AppError> {
    Ok(repo::vendor(conn, id)?.map(|v| v.name))
}

/// How many assets the vendor supplied, and the newest 20.
pub fn vendor_assets(
    db: &Db,
    actor: &User,
    id: &str,
) -> Result<(i64, Vec<suppliers::AssetRef>), AppError> {
    may_read(actor)?;
    db.read(|conn| suppliers::supplied_by(conn, id, 20))
}
