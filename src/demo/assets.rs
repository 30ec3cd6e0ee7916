//! The demo's asset register: makers, models and places, and forty devices
//! bought over the last three years — most handed out to people, some in
//! stock, one in repair, old ones retired and one disposed of, a few
//! warranties ending soon. Written through the register's own services,
//! each step at the time it would have happened, so every asset's
//! timeline reads like a real one.

use chrono::{Duration, Months, NaiveDateTime};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{Map, Value, json};

use crate::assets::Assets;
use crate::assets::domain::{Category, Status};
use crate::assets::dto::{
    CheckoutRequest, CreateModel, CreateNamedThing, DisposalDto, Money, RegisterAsset,
    TransitionRequest,
};
use crate::assets::service;
use crate::auth::people as users;
use crate::auth::{Role, User};
use crate::error::AppError;

/// (maker, model, category, cost in cents).
const MODELS: &[(&str, &str, Category, i64)] = &[
    ("Dell", "Latitude 7440", Category::Laptop, 149_900),
    ("Lenovo", "ThinkPad T14 Gen 5", Category::Laptop, 139_900),
    ("Apple", "MacBook Air 13 M3", Category::Laptop, 129_900),
    ("Dell", "OptiPlex 7010", Category::Desktop, 89_900),
    ("Dell", "U2723QE", Category::Monitor, 54_999),
    ("Apple", "iPhone 15", Category::Phone, 79_900),
    ("Samsung", "Galaxy Tab S9", Category::Tablet, 69_900),
];

const PLACES: &[&str] = &["Berlin HQ", "Hamburg office", "Remote"];

/// How many devices the demo registers.
pub const DEVICES: usize = 40;

/// Loads the register (nothing when it already holds assets); returns how
/// many assets it registered.
pub fn load_assets(assets: &Assets, seed: u64, now: NaiveDateTime) -> Result<usize, AppError> {
    let (actor, people) = assets.db.read(|conn| {
        let actor = users::find_user_by_email(conn, "assets@example.org")?;
        let people = users::list_users(conn, &[Role::Requester])?;
        Ok::<_, AppError>((actor, people))
    })?;
    let Some(actor) = actor else {
        return Ok(0);
    };
    let (existing, _) = service::list(
        &assets.db,
        &actor,
        &crate::assets::dto::AssetListParams {
            limit: Some(1),
            ..Default::default()
        },
    )?;
    if !existing.is_empty() || people.is_empty() {
        return Ok(0);
    }
    let start = now - Duration::days(3 * 365);
    let mut models = Vec::new();
    for (maker, name, category, cost) in MODELS {
        let input = CreateModel {
            manufacturer: (*maker).into(),
            name: (*name).into(),
            category: *category,
            depreciation_months: None,
            warranty_months: Some(36),
        };
        let (m, _) = service::create_model(&assets.db, &actor, &input, start)?;
        models.push((m.id, *category, *cost));
    }
    let mut places = Vec::new();
    for name in PLACES {
        let input = CreateNamedThing {
            name: (*name).into(),
        };
        places.push(service::create_location(&assets.db, &actor, &input, start)?.id);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    for n in 0..DEVICES {
        let model = &models[n % models.len()];
        let place = &places[rng.random_range(0..places.len())];
        device(assets, &actor, &people, (n, model, place), &mut rng, now)?;
    }
    Ok(DEVICES)
}

/// One device's life: bought, registered, handed out, perhaps repaired,
/// retired or disposed of.
fn device(
    assets: &Assets,
    actor: &User,
    people: &[User],
    (n, (model_id, category, cost), place): (usize, &(String, Category, i64), &String),
    rng: &mut StdRng,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    // A few bought just under three years ago: their warranty ends soon.
    let age_days = if n % 13 == 5 {
        3 * 365 - rng.random_range(5..25)
    } else {
        rng.random_range(20..3 * 365)
    };
    let bought = now - Duration::days(age_days);
    let tag = format!("IT-{:06}", n + 1);
    let custom = custom_fields(*category, n, rng);
    let input = RegisterAsset {
        asset_tag: tag.clone(),
        serial: Some(format!(
            "{}{:07}",
            &tag[3..],
            rng.random_range(0..10_000_000)
        )),
        model_id: Some(model_id.clone()),
        status: Some(Status::InStock),
        location_id: Some(place.clone()),
        purchase_date: Some(bought.date()),
        cost: Some(Money {
            amount_minor: *cost,
            currency: "EUR".into(),
        }),
        supplier: Some(
            if n.is_multiple_of(2) {
                "Bechtle"
            } else {
                "Cancom"
            }
            .into(),
        ),
        po_number: Some(format!("PO-{}", 4100 + n / 4)),
        warranty_end: bought.date().checked_add_months(Months::new(36)),
        custom_fields: Some(custom),
        ..RegisterAsset::default()
    };
    service::register(&assets.db, &assets.fields, actor, &input, bought)?;
    life(assets, actor, people, (n, &tag, age_days, bought), rng, now)
}

/// What happened to the device after it was registered.
fn life(
    assets: &Assets,
    actor: &User,
    people: &[User],
    (n, tag, age_days, bought): (usize, &str, i64, NaiveDateTime),
    rng: &mut StdRng,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let handed = bought + Duration::days(rng.random_range(1..10));
    let old = age_days > 700;
    match n % 10 {
        // Old and replaced: retired, the oldest disposed of with evidence.
        _ if old && n.is_multiple_of(4) => {
            let at = (bought + Duration::days(rng.random_range(600..700))).min(now);
            move_to(
                assets,
                actor,
                tag,
                Status::Retired,
                "replaced by a new model",
                at,
            )?;
            if n.is_multiple_of(8) {
                let on = (at + Duration::days(20)).min(now);
                let input = TransitionRequest {
                    to: Some(Status::Disposed),
                    reason: "collected by the recycler".into(),
                    disposal: Some(DisposalDto {
                        method: "recycled".into(),
                        date: on.date(),
                        evidence: format!("WIPE-{}-{:03}", on.format("%Y"), n),
                    }),
                    ..TransitionRequest::default()
                };
                service::transition(&assets.db, actor, tag, &input, on)?;
            }
        }
        // Spares on the shelf.
        0 | 7 => {}
        // In repair.
        _ if n == 3 || n == 23 => {
            move_to(
                assets,
                actor,
                tag,
                Status::InRepair,
                "screen flickers: sent to the vendor",
                (now - Duration::days(4)).max(handed),
            )?;
        }
        // With someone.
        _ => {
            let person = &people[rng.random_range(0..people.len())];
            let req = CheckoutRequest {
                assignee: person.email.clone(),
                expected_return: None,
                require_acceptance: Some(false),
                note: Some("new starter kit".into()),
            };
            service::checkout(
                &assets.db,
                &assets.mail_from,
                actor,
                tag,
                &req,
                handed.min(now),
            )?;
        }
    }
    Ok(())
}

/// The custom fields a device of this category records.
fn custom_fields(category: Category, n: usize, rng: &mut StdRng) -> Map<String, Value> {
    let mut custom = Map::new();
    match category {
        Category::Laptop => {
            custom.insert(
                "ram_gb".into(),
                json!(if n.is_multiple_of(3) { 32 } else { 16 }),
            );
            custom.insert("encrypted".into(), Value::Bool(true));
        }
        Category::Phone => {
            custom.insert(
                "imei".into(),
                json!(format!("35{:013}", rng.random_range(0..10_i64.pow(13)))),
            );
            custom.insert("phone_number".into(), json!(format!("+49 30 555 {:04}", n)));
        }
        Category::Monitor => {
            custom.insert("screen_inches".into(), json!(27));
        }
        _ => {}
    }
    custom
}

fn move_to(
    assets: &Assets,
    actor: &User,
    tag: &str,
    to: Status,
    reason: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let input = TransitionRequest {
        to: Some(to),
        reason: reason.into(),
        ..TransitionRequest::default()
    };
    service::transition(&assets.db, actor, tag, &input, at).map(|_| ())
}
