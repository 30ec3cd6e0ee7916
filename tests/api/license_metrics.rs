//! The metrics the unit tests work out by hand, through the API on both
//! backends: processors, a site licence, one product under two metrics
//! (the spill order), downgrade rights, and the day in `licenses.time_zone`.

use chrono::Timelike;
use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::fixtures::inventory_credentials;
use crate::helpers::spawn_app_with;
use crate::license_fixtures::{created, entitle, fleet, json_at, positions, product};

/// Every item of a product: (metric, entitled, consumed, status).
fn items(p: &Value, product: &str) -> Vec<(String, Option<i64>, i64, String)> {
    let mut out: Vec<_> = p["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["product_id"] == product)
        .map(|i| {
            (
                i["metric"].as_str().unwrap().to_owned(),
                i["entitled"].as_i64(),
                i["consumed"].as_i64().unwrap(),
                i["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn row(
    metric: &str,
    entitled: Option<i64>,
    consumed: i64,
    status: &str,
) -> (String, Option<i64>, i64, String) {
    (metric.into(), entitled, consumed, status.into())
}

#[tokio::test]
async fn processors_a_site_licence_two_metrics_and_downgrade_rights_count_as_by_hand() {
    let app = spawn_app_with(inventory_credentials()).await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    fleet(&app, &manager).await;
    // IT-1 kim (2 × Xeon 6 cores), IT-2 kim (i5), IT-3 lee (EPYC 13),
    // IT-4 nobody (no CPU reported). Visio on all four; SQL Server on 1,
    // 3, 4; Oracle 19c on 1 and 3.
    let visio = product(&app, &manager, "Visio", "Microsoft Visio*").await;
    let sql = product(&app, &manager, "SQL Server 2022", "SQL Server 2022*").await;
    let oracle19 = created(
        app.post_json(&manager, "/api/v1/licenses/products",
            &json!({"publisher": "Oracle", "name": "Oracle Database 19c", "family": "Oracle Database", "version": "19"}))
        .await,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    created(
        app.post_json(
            &manager,
            "/api/v1/licenses/rules",
            &json!({"product_id": oracle19, "name_pattern": "Oracle Database*"}),
        )
        .await,
    )
    .await;
    let oracle23 = created(
        app.post_json(&manager, "/api/v1/licenses/products",
            &json!({"publisher": "Oracle", "name": "Oracle Database 23ai", "family": "Oracle Database", "version": "23"}))
        .await,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Visio: one user seat, then two devices. IT-1 takes kim's user unit
    // and IT-2 is kim's too; IT-3 (lee) finds user full and goes to
    // device, as does IT-4.
    entitle(
        &app,
        &manager,
        json!({"product_id": visio, "metric": "user", "quantity": 1}),
    )
    .await;
    entitle(
        &app,
        &manager,
        json!({"product_id": visio, "metric": "device", "quantity": 2}),
    )
    .await;
    // SQL Server: a site licence, never short.
    entitle(&app, &manager, json!({"product_id": sql, "metric": "site"})).await;
    // Oracle 23ai per processor with downgrade rights: IT-1 has two
    // sockets, IT-3 one: 3 processors of 19c, covered by 23ai's 4.
    entitle(&app, &manager, json!({"product_id": oracle23, "metric": "processor", "quantity": 4, "downgrade_rights": true})).await;

    let p = positions(&app, &manager, "2026-12-31").await;
    assert_eq!(
        items(&p, &visio),
        vec![
            row("device", Some(2), 2, "at_risk"),
            row("user", Some(1), 1, "at_risk")
        ],
        "{p}"
    );
    let site = items(&p, &sql);
    assert_eq!(site, vec![row("site", None, 3, "compliant")], "{p}");
    let old = p["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["product_id"] == oracle19.as_str())
        .unwrap();
    // The older version's 3 processors move to the newer position.
    assert_eq!(
        (old["metric"].as_str(), old["consumed"].as_i64()),
        (Some("processor"), Some(0)),
        "{old}"
    );
    assert_eq!(
        (old["covered_by_newer"].as_i64(), old["status"].as_str()),
        (Some(3), Some("compliant")),
        "{old}"
    );
    let new = p["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["product_id"] == oracle23.as_str())
        .unwrap();
    assert_eq!(
        (new["entitled"].as_i64(), new["covers_older"].as_i64()),
        (Some(4), Some(3)),
        "{new}"
    );
    assert_eq!(
        (new["consumed"].as_i64(), new["balance"].as_i64()),
        (Some(3), Some(1)),
        "{new}"
    );

    // The evidence says which metric took each device.
    let detail = json_at(
        &app,
        &manager,
        &format!("/api/v1/licenses/positions/{visio}?as_of=2026-12-31"),
    )
    .await;
    let metric_of = |tag: &str| {
        detail["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["asset_tag"] == tag)
            .unwrap()["metric"]
            .clone()
    };
    assert_eq!(
        (metric_of("IT-1"), metric_of("IT-3"), metric_of("IT-4")),
        (json!("user"), json!("device"), json!("device"))
    );
}

#[tokio::test]
async fn a_day_ends_at_midnight_in_the_register_time_zone() {
    // A zone whose date differs from UTC's right now: UTC−12 before noon
    // UTC (it is still yesterday there), UTC+12 after (already tomorrow).
    let now = chrono::Utc::now();
    let (zone, as_of, counts_there) = if now.hour() < 12 {
        ("Etc/GMT+12", now.date_naive().pred_opt().unwrap(), true)
    } else {
        ("Etc/GMT-12", now.date_naive(), false)
    };
    let mut settings = inventory_credentials();
    settings.push(("licenses.time_zone".into(), json!(zone)));
    let app = spawn_app_with(settings).await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    fleet(&app, &manager).await;
    let visio = product(&app, &manager, "Visio", "Microsoft Visio*").await;
    entitle(
        &app,
        &manager,
        json!({"product_id": visio, "metric": "device", "quantity": 10}),
    )
    .await;
    // The installations were first seen a moment ago: they count on
    // `as_of` when its end in the zone is later than now.
    let p = positions(&app, &manager, &as_of.to_string()).await;
    let consumed = items(&p, &visio)[0].2;
    assert_eq!(
        consumed,
        if counts_there { 4 } else { 0 },
        "{zone} {as_of}: {p}"
    );
    // Without a day: today in the zone.
    let today = json_at(&app, &manager, "/api/v1/licenses/positions").await;
    let local = now
        .with_timezone(&zone.parse::<chrono_tz::Tz>().unwrap())
        .date_naive();
    assert_eq!(today["as_of"], local.to_string());
}
