//! The demo's license book: the computers of the demo register report
//! their software through the inventory, a dozen products with the rules
//! that recognise them (and a few exclude rules for runtimes), and what
//! was bought — most of it covered, a few products deliberately short or
//! about to run out, one covered through downgrade rights — so a newcomer
//! sees a living register.

use chrono::{Duration, NaiveDateTime};

use crate::assets::Assets;
use crate::assets::domain::Status;
use crate::assets::inventory::{self, Report, Software};
use crate::auth::people as users;
use crate::error::AppError;
use crate::licenses::Licenses;
use crate::licenses::dto::{EntitlementInput, NewProduct, NewRule};
use crate::licenses::service;

/// (publisher, name, edition, family, version, rule pattern, metric,
/// units bought relative to what is used, unit cost in cents).
type Line = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    &'static str,
    i64,
    i64,
);

const BOOK: &[Line] = &[
    (
        "Microsoft",
        "Microsoft 365 Apps",
        Some("for enterprise"),
        None,
        None,
        "Microsoft 365 Apps*",
        "user",
        5,
        26_400,
    ),
    (
        "Microsoft",
        "Visio",
        Some("Professional 2021"),
        None,
        None,
        "Microsoft Visio Professional*",
        "device",
        -2,
        58_000,
    ),
    (
        "Microsoft",
        "Project",
        Some("Professional 2021"),
        None,
        None,
        "Microsoft Project Professional*",
        "device",
        1,
        112_000,
    ),
    (
        "Microsoft",
        "SQL Server 2022",
        Some("Standard"),
        Some("SQL Server Standard"),
        Some("2022"),
        "SQL Server 2022*",
        "core",
        4,
        189_900,
    ),
    (
        "Microsoft",
        "SQL Server 2019",
        Some("Standard"),
        Some("SQL Server Standard"),
        Some("2019"),
        "SQL Server 2019*",
        "core",
        -100,
        0,
    ),
    (
        "Adobe",
        "Acrobat Pro",
        None,
        None,
        None,
        "Adobe Acrobat*",
        "user",
        0,
        23_900,
    ),
    (
        "Adobe",
        "Creative Cloud",
        Some("All Apps"),
        None,
        None,
        "Adobe Creative Cloud*",
        "user",
        2,
        83_000,
    ),
    (
        "Autodesk",
        "AutoCAD LT",
        None,
        None,
        None,
        "AutoCAD LT*",
        "user",
        -1,
        59_000,
    ),
    (
        "JetBrains",
        "IntelliJ IDEA Ultimate",
        None,
        None,
        None,
        "IntelliJ IDEA*",
        "user",
        3,
        59_900,
    ),
    (
        "Salesforce",
        "Tableau Desktop",
        None,
        None,
        None,
        "Tableau*",
        "user",
        1,
        84_000,
    ),
    (
        "Zoom",
        "Zoom Workplace",
        None,
        None,
        None,
        "Zoom*",
        "site",
        0,
        0,
    ),
    (
        "TeamViewer",
        "TeamViewer",
        Some("Business"),
        None,
        None,
        "TeamViewer*",
        "device",
        2,
        42_000,
    ),
];

/// What each computer runs besides the base set: (package, publisher,
/// version, on every n-th computer, offset).
const SOFTWARE: &[(&str, &str, &str, usize, usize)] = &[
    (
        "Microsoft Visio Professional 2021",
        "Microsoft Corporation",
        "16.0.14332",
        3,
        0,
    ),
    (
        "Microsoft Project Professional 2021",
        "Microsoft Corporation",
        "16.0.14332",
        5,
        1,
    ),
    (
        "SQL Server 2022 Standard Edition",
        "Microsoft Corporation",
        "16.0.1000.6",
        9,
        2,
    ),
    (
        "SQL Server 2019 Standard Edition",
        "Microsoft Corporation",
        "15.0.2000.5",
        7,
        3,
    ),
    ("Adobe Acrobat (64-bit)", "Adobe Inc.", "24.002.20687", 2, 0),
    ("Adobe Creative Cloud", "Adobe Inc.", "6.2.0.554", 6, 4),
    ("AutoCAD LT 2024", "Autodesk, Inc.", "24.3.61.0", 6, 1),
    (
        "IntelliJ IDEA 2024.2",
        "JetBrains s.r.o.",
        "242.20224",
        4,
        2,
    ),
    ("Tableau Desktop 2024.2", "Tableau Software", "24.2.1", 8, 5),
    ("TeamViewer", "TeamViewer", "15.57.3", 4, 3),
];

/// Every computer's base set: licensed for everyone, runtimes, free tools.
const BASE: &[(&str, &str, &str)] = &[
    (
        "Microsoft 365 Apps for enterprise - en-us",
        "Microsoft Corporation",
        "16.0.17928",
    ),
    (
        "Zoom Workplace (64-bit)",
        "Zoom Video Communications, Inc.",
        "6.1.11",
    ),
    (
        "Microsoft Visual C++ 2015-2022 Redistributable (x64)",
        "Microsoft Corporation",
        "14.40.33810",
    ),
    ("Google Chrome", "Google LLC", "128.0.6613.120"),
    ("7-Zip 24.08 (x64)", "Igor Pavlov", "24.08"),
];

const EXCLUDES: &[&str] = &["Microsoft Visual C++*", "*Language Pack*", "*Update for*"];

/// Reports the demo computers' software; how many reported.
fn inventories(
    assets: &Assets,
    actor: &crate::auth::User,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let mut computers = 0;
    for n in 0..crate::demo::assets::DEVICES {
        // Models 0–3 of the demo are laptops and desktops.
        if n % 7 > 3 {
            continue;
        }
        let tag = format!("IT-{:06}", n + 1);
        let Ok(view) = crate::assets::service::get(&assets.db, actor, &tag, false) else {
            continue;
        };
        if matches!(view.asset.status, Status::Disposed | Status::Ordered) {
            continue;
        }
        let mut software: Vec<Software> = BASE
            .iter()
            .map(|(name, publisher, version)| Software {
                name: (*name).into(),
                version: (*version).into(),
                publisher: Some((*publisher).into()),
            })
            .collect();
        for (name, publisher, version, every, offset) in SOFTWARE {
            if computers % every == *offset {
                software.push(Software {
                    name: (*name).into(),
                    version: (*version).into(),
                    publisher: Some((*publisher).into()),
                });
            }
        }
        let (sockets, cores, cpu) = match n % 7 {
            3 => (1, 8, "Intel(R) Core(TM) i7-13700"),
            2 => (1, 8, "Apple M3"),
            _ => (1, 4, "Intel(R) Core(TM) Ultra 5 125U"),
        };
        let report = Report {
            device_id: format!("{}-demo", tag.to_lowercase()),
            hostname: view
                .asset
                .hostname
                .clone()
                .or_else(|| Some(format!("pc-{}", n + 1))),
            serial: view.asset.serial.clone(),
            asset_tag: Some(tag),
            os_name: Some("Windows 11 Enterprise".into()),
            cpu_name: Some(cpu.into()),
            cpu_cores: Some(cores),
            cpu_sockets: Some(sockets),
            software,
            ..Report::default()
        };
        // Retired machines last reported long ago (reclaim candidates).
        let at = if view.asset.status == Status::Retired {
            now - Duration::days(120)
        } else {
            now - Duration::days(1 + (n % 5) as i64)
        };
        inventory::apply(&assets.db, &report, at)?;
        computers += 1;
    }
    Ok(computers)
}

/// Loads the book (nothing when products exist already); how many products.
pub fn load_licenses(
    lic: &Licenses,
    assets: &Assets,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let Some(actor) = lic
        .db
        .read(|conn| Ok::<_, AppError>(users::find_user_by_email(conn, "assets@example.org")?))?
    else {
        return Ok(0);
    };
    if !service::products(&lic.db, &actor)?.is_empty() || inventories(assets, &actor, now)? == 0 {
        return Ok(0);
    }
    for p in EXCLUDES {
        let rule = NewRule {
            name_pattern: (*p).into(),
            exclude: true,
            ..NewRule::default()
        };
        service::create_rule(&lic.db, &actor, &rule, now)?;
    }
    let mut made = Vec::new();
    for (publisher, name, edition, family, version, pattern, ..) in BOOK {
        let p = service::create_product(
            &lic.db,
            &actor,
            &NewProduct {
                publisher: (*publisher).into(),
                name: (*name).into(),
                edition: edition.map(Into::into),
                family: family.map(Into::into),
                version: version.map(Into::into),
            },
            now,
        )?;
        let rule = NewRule {
            product_id: Some(p.id.clone()),
            name_pattern: (*pattern).into(),
            ..NewRule::default()
        };
        service::create_rule(&lic.db, &actor, &rule, now)?;
        made.push(p.id);
    }
    buy(lic, &actor, &made, now)?;
    Ok(made.len())
}

/// Buys one of each, sees what is used, then buys relative to that so
/// that some come out short.
fn buy(
    lic: &Licenses,
    actor: &crate::auth::User,
    made: &[String],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let mut bought = Vec::new();
    for (i, ((.., metric, _, cost), id)) in BOOK.iter().zip(made).enumerate() {
        let core = *metric == "core";
        let input = EntitlementInput {
            product_id: Some(id.clone()),
            metric: Some((*metric).into()),
            quantity: Some(i64::from(*metric != "site")),
            starts_on: Some(Some(now.date() - Duration::days(400))),
            // Tableau's subscription runs out within the warning window.
            ends_on: Some((i == 9).then(|| now.date() + Duration::days(40))),
            unit_cost_minor: Some((*cost > 0).then_some(*cost)),
            currency: Some((*cost > 0).then(|| "EUR".to_owned())),
            min_cores_per_processor: Some(core.then_some(4)),
            core_pack: Some(core.then_some(2)),
            downgrade_rights: Some(core),
            vendor: Some(Some(if core { "Bechtle" } else { "SoftwareONE" }.into())),
            po_number: Some(Some(format!("PO-77{i:02}"))),
            ..EntitlementInput::default()
        };
        bought.push(service::create_entitlement(&lic.db, actor, &input, now)?.id);
    }
    let used = service::positions(lic, actor, Some(now.date()))?;
    for (((.., metric, delta, _), id), e) in BOOK.iter().zip(made).zip(&bought) {
        if *metric == "site" {
            continue;
        }
        let consumed: i64 = used
            .items
            .iter()
            .filter(|i| &i.product_id == id && i.metric.as_str() == *metric)
            .map(|i| i.consumed)
            .sum();
        let quantity = consumed + delta;
        if quantity <= 0 {
            service::delete_entitlement(&lic.db, actor, e, now)?;
            continue;
        }
        let change = EntitlementInput {
            quantity: Some(quantity),
            ..EntitlementInput::default()
        };
        service::update_entitlement(&lic.db, actor, e, &change, now)?;
    }
    Ok(())
}
