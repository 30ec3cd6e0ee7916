//! Every figure is defined once, in the code and in `schema/metrics.md`,
//! in the same words, and every figure a report emits has a definition.

use itdesk::auth::Role;
use itdesk::metrics::definitions::DEFINITIONS;
use itdesk::metrics::report::{DEFINITIONS_VERSION, Report};

use crate::helpers::spawn_app_with;
use crate::report_script::write;
use crate::reports::{cast, october};

#[test]
fn the_schema_says_what_the_code_says() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/metrics.md")).unwrap();
    assert!(doc.contains(&format!("`definitions_version`: **{DEFINITIONS_VERSION}**")));
    let rows: Vec<(String, String)> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once("` | "))
        .map(|(k, d)| (k.to_owned(), d.trim_end_matches(" |").to_owned()))
        .collect();
    let code: Vec<(String, String)> = DEFINITIONS
        .iter()
        .map(|(s, m, d)| (format!("{s}.{m}"), (*d).to_owned()))
        .collect();
    assert_eq!(
        rows, code,
        "schema/metrics.md and src/metrics/definitions.rs differ"
    );
}

#[tokio::test]
async fn every_figure_of_a_report_has_a_definition() {
    let app = spawn_app_with(vec![]).await;
    let c = cast(&app).await;
    let agent = c.agent_id.clone();
    write(&app, october(&c, &agent)).await;
    let viewer = app.token("viewer@example.org", Role::Viewer).await;
    let report: Report = app
        .get(&viewer, "/api/v1/reports/monthly/2026-10")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        itdesk::metrics::render::undefined(&report),
        Vec::<String>::new()
    );
    // The workbook's last sheet, Definitions, has every sentence.
    let xlsx = app
        .get(&viewer, "/api/v1/reports/monthly/2026-10?format=xlsx")
        .await
        .bytes()
        .await
        .unwrap();
    let last = itdesk::metrics::figures::SECTIONS.len() + 2;
    let sheet = crate::zip::member(&xlsx, &format!("xl/worksheets/sheet{last}.xml")).unwrap();
    let text = sheet.replace("&apos;", "'").replace("&quot;", "\"");
    for (section, metric, sentence) in DEFINITIONS {
        let sentence = sentence
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(
            text.contains(&sentence),
            "{section}.{metric} is not on the Definitions sheet"
        );
    }
}
