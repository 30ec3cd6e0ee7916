//! The purchasing pages: an order raised from its form (a refused line
//! said beneath it, everything typed kept), moved by its buttons (a
//! coordinator told the limit), received by scanning serials (a second
//! click receives nothing more), and an invoice recorded and flagged.

use itdesk::auth::Role;
use serde_json::Value;

use crate::helpers::{
    TestApp, browser, csrf_of, login, page_text as text, post_form as post, spawn_app_with,
};
use crate::purchase_orders::{settings, vendor_and_model};

async fn signed_in(app: &TestApp, email: &str, role: Role) -> reqwest::Client {
    app.user_with_password(email, role, "purchasing password")
        .await;
    let c = browser();
    login(app, &c, email, "purchasing password").await;
    c
}

fn value_after<'a>(html: &'a str, marker: &str) -> &'a str {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap()
}

#[tokio::test]
async fn an_order_is_raised_approved_received_by_scanning_and_invoiced_from_pages() {
    let app = spawn_app_with(settings()).await;
    let token = app.token("setup@example.org", Role::AssetManager).await;
    let (vendor, model) = vendor_and_model(&app, &token).await;
    let am = signed_in(&app, "am@example.org", Role::AssetManager).await;
    let coord = signed_in(&app, "coord@example.org", Role::Coordinator).await;
    let admin = signed_in(&app, "boss@example.org", Role::Admin).await;

    let (status, form) = text(&am, app.url("/purchase-orders/new")).await;
    assert_eq!(status, 200);
    assert!(form.contains("Device: Lenovo ThinkPad T14"), "{form}");
    let csrf = csrf_of(&form);
    let item = format!("m:{model}");
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("vendor_id", vendor.as_str()),
        ("requested_by", ""),
        ("cost_centre", "IT-HW"),
        ("currency", "USD"),
        ("conversion_rate", ""),
        ("tax_percent", "10"),
        ("discount_percent", ""),
        ("shipping", "25.00"),
        ("expected_on", ""),
        ("notes", "For the January starters"),
        ("l0_item", item.as_str()),
        ("l0_description", ""),
        ("l0_metric", ""),
        ("l0_quantity", "3"),
        ("l0_cost", "1,299.00"),
        ("l1_item", ""),
        ("l1_description", "Set-up service"),
        ("l1_metric", ""),
        ("l1_quantity", "0"),
        ("l1_cost", "150"),
    ];
    // No units on a line: refused under its row, the rest kept.
    let (status, _, page) = post(&am, app.url("/purchase-orders/new"), &fields).await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("a whole number from 1 to 100000</p>"),
        "{page}"
    );
    assert!(page.contains("For the January starters") && page.contains("Set-up service"));
    assert!(
        page.contains("name=\"l1_quantity\" value=\"0\" inputmode=\"numeric\" size=\"5\" aria-label=\"Line 2: quantity\" aria-invalid=\"true\""),
        "the refused box is marked and keeps what was typed: {page}"
    );
    assert_eq!(app.count("purchase_orders").await, 0);
    // An item the form never offered is refused on its row, not taken as
    // free text; a row whose item box is missing is still read.
    let mut odd = fields.clone();
    odd[11] = ("l0_item", "x:zz");
    odd[19] = ("l1_quantity", "1");
    odd.retain(|(k, _)| *k != "l1_item");
    let (status, _, page) = post(&am, app.url("/purchase-orders/new"), &odd).await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("choose a model, a license product or free text"),
        "{page}"
    );
    assert!(
        page.contains("Set-up service"),
        "the second row is kept: {page}"
    );
    assert_eq!(app.count("purchase_orders").await, 0);
    fields[19] = ("l1_quantity", "1");
    let (status, location, _) = post(&am, app.url("/purchase-orders/new"), &fields).await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/purchase-orders/"), "{location}");
    let (_, order) = text(&am, app.url(&location)).await;
    assert!(
        order.contains("PO-00001") && order.contains("order is raised"),
        "{order}"
    );
    // 3 × 1,299.00 + 150.00 = 4,047.00 + 10 % = 4,451.70 + 25.00.
    assert!(order.contains("4,476.70"), "{order}");
    let id = location.trim_start_matches("/purchase-orders/").to_owned();
    let move_to = |c: &reqwest::Client, to: &'static str| {
        let (c, url, id) = (
            c.clone(),
            app.url(&format!("/purchase-orders/{id}/move")),
            id.clone(),
        );
        let show = app.url(&format!("/purchase-orders/{id}"));
        async move {
            let (_, page) = text(&c, show).await;
            let csrf = csrf_of(&page);
            post(
                &c,
                url,
                &[("csrf", csrf.as_str()), ("to", to), ("reason", "")],
            )
            .await
        }
    };
    assert_eq!(move_to(&am, "submitted").await.0, 303);
    // Under the limit of 5,000.00 a coordinator approves; here 4,476.70.
    let (status, _, _) = move_to(&coord, "approved").await;
    assert_eq!(status, 303);
    assert_eq!(move_to(&admin, "ordered").await.0, 303);

    // Ordered: the form offers the expected day and notes only, and saves
    // them.
    let edit = app.url(&format!("/purchase-orders/{id}/edit"));
    let (status, form) = text(&am, edit.clone()).await;
    assert_eq!(status, 200);
    assert!(
        form.contains("id=\"order-locked\"") && !form.contains("name=\"l0_item\""),
        "{form}"
    );
    let csrf = csrf_of(&form);
    let locked = [
        ("csrf", csrf.as_str()),
        ("locked", "ordered"),
        ("expected_on", "2027-01-15"),
        ("notes", "Arrives mid-January"),
    ];
    let (status, _, _) = post(&am, edit.clone(), &locked).await;
    assert_eq!(status, 303);
    let (_, order) = text(&am, app.url(&format!("/purchase-orders/{id}"))).await;
    assert!(
        order.contains("2027-01-15") && order.contains("Arrives mid-January"),
        "{order}"
    );
    let mut bad = locked;
    bad[2] = ("expected_on", "mid-January");
    let (status, _, form) = post(&am, edit, &bad).await;
    assert_eq!(status, 422);
    assert!(
        form.contains("value=\"mid-January\"") && form.contains("id=\"order-locked\""),
        "{form}"
    );

    // Receiving: two serials scanned, the count left empty.
    let (status, receive) = text(&am, app.url(&format!("/purchase-orders/{id}/receive"))).await;
    assert_eq!(status, 200, "{receive}");
    assert!(receive.contains("3 still to come"), "{receive}");
    let (csrf, key) = (
        csrf_of(&receive),
        value_after(&receive, "name=\"key\" value=\"").to_owned(),
    );
    let scan = [
        ("csrf", csrf.as_str()),
        ("key", key.as_str()),
        ("q1", ""),
        ("s1", "PF-100\r\nPF-101\r\n"),
        ("q2", ""),
        ("location_id", ""),
        ("received_on", ""),
    ];
    let (status, location, _) = post(
        &am,
        app.url(&format!("/purchase-orders/{id}/receive")),
        &scan,
    )
    .await;
    assert_eq!(status, 303);
    // The same form again (a double click): nothing more.
    let (status, _, _) = post(
        &am,
        app.url(&format!("/purchase-orders/{id}/receive")),
        &scan,
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(app.count("assets").await, 2);
    // Back in the browser, changed, sent under the used key: refused with a
    // fresh key, so that sending it again takes it.
    let mut changed = scan;
    changed[3] = ("s1", "PF-102\r\n");
    let (status, _, page) = post(
        &am,
        app.url(&format!("/purchase-orders/{id}/receive")),
        &changed,
    )
    .await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("This form was sent before with other lines"),
        "{page}"
    );
    let fresh = value_after(&page, "name=\"key\" value=\"").to_owned();
    assert_ne!(fresh, key);
    assert_eq!(app.count("assets").await, 2, "nothing received twice");
    let (_, order) = text(&am, app.url(&location)).await;
    assert!(
        order.contains("Partly received") && order.contains("IT-000001"),
        "{order}"
    );
    // A serial the register holds: refused, the scan kept.
    let (_, receive) = text(&am, app.url(&format!("/purchase-orders/{id}/receive"))).await;
    let (csrf, key) = (
        csrf_of(&receive),
        value_after(&receive, "name=\"key\" value=\"").to_owned(),
    );
    let again = [
        ("csrf", csrf.as_str()),
        ("key", key.as_str()),
        ("q1", ""),
        ("s1", "pf-100"),
        ("q2", "1"),
        ("location_id", ""),
        ("received_on", ""),
    ];
    let (status, _, page) = post(
        &am,
        app.url(&format!("/purchase-orders/{id}/receive")),
        &again,
    )
    .await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("already holds an asset with serial pf-100"),
        "{page}"
    );
    assert!(
        page.contains(">pf-100</textarea>"),
        "the scan is kept: {page}"
    );

    // An invoice far off what arrived is flagged.
    let (_, order) = text(&am, app.url(&format!("/purchase-orders/{id}"))).await;
    let csrf = csrf_of(&order);
    let (status, location, _) = post(
        &am,
        app.url(&format!("/purchase-orders/{id}/invoice")),
        &[
            ("csrf", csrf.as_str()),
            ("number", "INV-77"),
            ("amount", "9000"),
            ("received_on", "2026-12-01"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, order) = text(&am, app.url(&location)).await;
    assert!(
        order.contains("beyond the tolerance") && order.contains("Invoice off"),
        "{order}"
    );
    let (_, list) = text(&am, app.url("/purchase-orders?status=partially_received")).await;
    assert!(
        list.contains("PO-00001") && list.contains("2 of 4"),
        "{list}"
    );
    assert!(
        list.contains("4,476.70 USD"),
        "the total says its currency: {list}"
    );
    let (status, _) = text(&am, app.url("/purchase-orders?page=abc")).await;
    assert_eq!(status, 200, "a page that is no number is the first");
    let api: Value = app
        .get(&token, &format!("/api/v1/purchase-orders/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["invoice_flagged"], true);
}

#[tokio::test]
async fn a_coordinator_is_told_the_limit_beside_the_buttons() {
    let app = spawn_app_with(settings()).await;
    let token = app.token("setup@example.org", Role::AssetManager).await;
    let (vendor, model) = vendor_and_model(&app, &token).await;
    let o: Value = app
        .post_json(
            &token,
            "/api/v1/purchase-orders",
            &serde_json::json!({"vendor_id": vendor,
                "lines": [{"model_id": model, "quantity": 10, "unit_cost_minor": 99_900}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = o["id"].as_str().unwrap();
    app.post_json(
        &token,
        &format!("/api/v1/purchase-orders/{id}/transitions"),
        &serde_json::json!({"to": "submitted"}),
    )
    .await;
    let coord = signed_in(&app, "coord@example.org", Role::Coordinator).await;
    let (_, page) = text(&coord, app.url(&format!("/purchase-orders/{id}"))).await;
    assert!(page.contains("an admin approves it"), "{page}");
    assert!(
        !page.contains("id=\"move-approved\""),
        "no button that would be refused"
    );
    assert!(
        page.contains("id=\"move-cancelled\""),
        "the other moves stay"
    );
    let admin = signed_in(&app, "admin@example.org", Role::Admin).await;
    let (_, page) = text(&admin, app.url(&format!("/purchase-orders/{id}"))).await;
    assert!(
        page.contains("id=\"move-approved\""),
        "an admin approves it"
    );
    let (_, page) = text(&coord, app.url(&format!("/purchase-orders/{id}"))).await;
    let csrf = csrf_of(&page);
    let (status, _, page) = post(
        &coord,
        app.url(&format!("/purchase-orders/{id}/move")),
        &[
            ("csrf", csrf.as_str()),
            ("to", "approved"),
            ("reason", "urgent"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("above the approval limit of 5,000.00 USD"),
        "{page}"
    );
    assert!(page.contains("value=\"urgent\""), "the note is kept");
    let requester = signed_in(&app, "req@example.org", Role::Requester).await;
    let (status, _) = text(&requester, app.url("/purchase-orders")).await;
    assert_eq!(status, 403);
}
