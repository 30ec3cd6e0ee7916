//! The staff dashboard over HTTP: figures that match the tickets, links
//! into the filtered queue, the weekly chart and its table, warranties
//! ending, and no dashboard for requesters.

use itdesk::auth::Role;
use serde_json::json;

use crate::fixtures::{NewAsset, NewTicket};
use crate::helpers::spawn_app;

fn tile(html: &str, link: &str) -> i64 {
    let at = html
        .find(&format!(r#"href="{link}""#))
        .unwrap_or_else(|| panic!("no tile linking to {link}"));
    let rest = &html[at..];
    let start = rest.find("<strong>").unwrap() + "<strong>".len();
    rest[start..].split('<').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_dashboard_counts_open_work_and_links_into_the_queue() {
    let app = spawn_app().await;
    let requester = app.requester("ria@example.org").await;
    let agent = app.agent("agent@example.org").await;
    let mut numbers = Vec::new();
    for subject in ["A", "B", "C"] {
        let t = app
            .file_ticket(
                &requester,
                NewTicket::about(subject).impact("high").urgency("high"),
            )
            .await;
        numbers.push(t["number"].clone());
    }
    let resp = app
        .patch_json(
            &agent,
            &format!("/api/v1/tickets/{}", numbers[0]),
            &json!({"status": "resolved"}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let coord = app.logged_in("coord@example.org", Role::Coordinator).await;
    let resp = app
        .patch_json(
            &agent,
            &format!("/api/v1/tickets/{}", numbers[1]),
            &json!({"assignee": "coord@example.org"}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let soon = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    let asset = NewAsset::tagged("LT-0042")
        .status("in_stock")
        .register(&app, &manager)
        .await;
    let resp = app
        .patch_json(
            &manager,
            &format!("/api/v1/assets/{}", asset["id"].as_str().unwrap()),
            &json!({"warranty_end": soon}),
        )
        .await;
    assert_eq!(resp.status(), 200, "{:?}", resp.text().await);

    let home = coord.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.headers()["location"], "/dashboard");
    let html = coord
        .get(app.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(tile(&html, "/queue?status=new"), 2);
    assert_eq!(tile(&html, "/queue?priority=P1"), 2, "high × high is P1");
    assert_eq!(tile(&html, "/queue?assignee=none"), 1);
    assert_eq!(tile(&html, "/queue?assignee=me"), 1);
    assert_eq!(tile(&html, "/queue?sla=breached"), 0);
    assert!(html.contains(r#"<svg class="chart""#), "a chart");
    let table = &html[html.find(r#"id="flow-table""#).unwrap()..];
    let last_row = table[..table.find("</tbody>").unwrap()]
        .rsplit("<tr>")
        .next()
        .unwrap();
    assert!(
        last_row.contains("<td>3</td><td>1</td>"),
        "this week: 3 filed, 1 resolved: {last_row}"
    );
    assert!(
        html.contains(r#"href="/assets/LT-0042""#),
        "warranty ending soon"
    );

    let requester_web = app.logged_in("rick@example.org", Role::Requester).await;
    let refused = requester_web
        .get(app.url("/dashboard"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}
