//! Contracts other tools rely on: the OpenAPI document, migrations.

use itdesk::db::{Db, migrations};

use crate::helpers::{TestDb, spawn_app, test_settings};

#[tokio::test]
async fn served_openapi_matches_the_checked_in_copy() {
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/openapi.json"))
            .expect("schema/openapi.json exists");
    let generated = itdesk::openapi::document();
    assert!(
        checked_in == generated,
        "schema/openapi.json is out of date: run `cargo run -- openapi > schema/openapi.json` and commit it"
    );
    let app = spawn_app().await;
    let served = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(served, generated);
    let doc: serde_json::Value = serde_json::from_str(&served).unwrap();
    assert_eq!(doc["info"]["title"], "itdesk");
    for path in [
        "/api/v1/tickets",
        "/api/v1/tickets/{id}",
        "/api/v1/tickets/{id}/comments",
        "/api/v1/tickets/{id}/history",
        "/api/v1/tickets/{id}/attachments",
        "/healthz",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    assert!(doc["components"]["securitySchemes"]["token"].is_object());
}

#[test]
fn both_backends_have_the_same_migrations() {
    let names = |backend: &str| {
        let mut v: Vec<String> = std::fs::read_dir(format!(
            "{}/migrations/{backend}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
        v.sort();
        v
    };
    assert_eq!(names("sqlite"), names("postgres"));
    assert!(!names("sqlite").is_empty());
}

#[test]
fn migrations_go_up_down_and_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let settings = test_settings(&db, dir.path(), Vec::new());
    let handle = Db::connect(&settings.database).unwrap();
    assert!(!migrations::run(&handle).unwrap().is_empty());
    handle.with_writer(migrations::revert_all).unwrap().unwrap();
    let again = migrations::run(&handle).unwrap();
    assert_eq!(
        again.len(),
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
            .unwrap()
            .count()
    );
    assert!(migrations::run(&handle).unwrap().is_empty());
}

/// A database's tables, columns (name and whether it may be null) and
/// indexes (name, unique, columns), as the migrations leave it.
#[derive(Debug, Default, PartialEq)]
struct Shape {
    columns: std::collections::BTreeMap<String, Vec<(String, bool)>>,
    indexes: std::collections::BTreeMap<String, (String, bool, Vec<String>)>,
}

#[derive(diesel::QueryableByName)]
struct Row3 {
    #[diesel(sql_type = diesel::sql_types::Text)]
    a: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    b: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    c: String,
}

fn sqlite_shape(path: &std::path::Path) -> Shape {
    use diesel::{Connection, RunQueryDsl, SqliteConnection};
    let mut conn = SqliteConnection::establish(&path.display().to_string()).unwrap();
    let tables: Vec<Row3> = diesel::sql_query(
        "SELECT name AS a, type AS b, '' AS c FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__diesel%' AND sql NOT LIKE 'CREATE VIRTUAL%' \
         AND name NOT LIKE 'ticket_search_%'",
    )
    .load(&mut conn)
    .unwrap();
    let mut shape = Shape::default();
    for t in tables {
        let cols: Vec<Row3> = diesel::sql_query(format!(
            "SELECT name AS a, CAST(\"notnull\" AS TEXT) AS b, CAST(pk AS TEXT) AS c FROM pragma_table_info('{}') ORDER BY cid",
            t.a
        ))
        .load(&mut conn)
        .unwrap();
        shape.columns.insert(
            t.a.clone(),
            // A primary key column is never null, whatever its declaration says.
            cols.into_iter()
                .map(|c| (c.a, c.b == "0" && c.c == "0"))
                .collect(),
        );
        let idx: Vec<Row3> = diesel::sql_query(format!(
            "SELECT name AS a, CAST(\"unique\" AS TEXT) AS b, origin AS c FROM pragma_index_list('{}')",
            t.a
        ))
        .load(&mut conn)
        .unwrap();
        for i in idx.into_iter().filter(|i| i.c == "c") {
            let cols: Vec<Row3> = diesel::sql_query(format!(
                "SELECT COALESCE(name, '(expression)') AS a, '' AS b, '' AS c FROM pragma_index_info('{}') ORDER BY seqno",
                i.a
            ))
            .load(&mut conn)
            .unwrap();
            shape.indexes.insert(
                i.a,
                (
                    t.a.clone(),
                    i.b == "1",
                    cols.into_iter().map(|c| c.a).collect(),
                ),
            );
        }
    }
    shape
}

fn postgres_shape(url: &str) -> Shape {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    let mut conn = PgConnection::establish(url).unwrap();
    let cols: Vec<Row3> = diesel::sql_query(
        "SELECT table_name::text AS a, column_name::text AS b, is_nullable::text AS c \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         AND table_name NOT LIKE '__diesel%' ORDER BY table_name, ordinal_position",
    )
    .load(&mut conn)
    .unwrap();
    let mut shape = Shape::default();
    for c in cols {
        shape
            .columns
            .entry(c.a)
            .or_default()
            .push((c.b, c.c == "YES"));
    }
    let idx: Vec<Row3> = diesel::sql_query(
        "SELECT i.relname::text AS a, t.relname::text AS b, \
                (CASE WHEN x.indisunique THEN '1' ELSE '0' END) || ':' || \
                COALESCE((SELECT string_agg(COALESCE(a.attname::text, '(expression)'), ',' ORDER BY k.n) \
                          FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n) \
                          LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0), '') AS c \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace s ON s.oid = t.relnamespace \
         WHERE s.nspname = current_schema() AND NOT x.indisprimary AND t.relname NOT LIKE '__diesel%' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)",
    )
    .load(&mut conn)
    .unwrap();
    for i in idx {
        let (unique, cols) = i.c.split_once(':').unwrap();
        shape.indexes.insert(
            i.a,
            (
                i.b,
                unique == "1",
                cols.split(',')
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
        );
    }
    shape
}

/// Indexes one backend has for a reason of its own.
const BACKEND_ONLY_INDEXES: &[(&str, &str)] = &[
    // PostgreSQL searches a tsvector column through GIN; SQLite's FTS5
    // table is its own index (and is left out above with its shadow tables).
    ("ticket_search_document", "postgres"),
    ("ticket_search_ticket", "postgres"),
    // LIKE 'prefix%' needs text_pattern_ops on PostgreSQL (outside the C
    // locale); SQLite's plain index on hostname serves the same search.
    ("assets_hostname_pattern", "postgres"),
];

#[test]
fn both_backends_migrate_to_the_same_tables_columns_and_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = TestDb::sqlite_file(&dir.path().join("shape.db"));
    let handle = Db::connect(&test_settings(&sqlite, dir.path(), Vec::new()).database).unwrap();
    migrations::run(&handle).unwrap();
    let mut lite = sqlite_shape(&dir.path().join("shape.db"));
    let pg = TestDb::postgres();
    let handle = Db::connect(&test_settings(&pg, dir.path(), Vec::new()).database).unwrap();
    migrations::run(&handle).unwrap();
    let mut post = postgres_shape(&pg.url);
    // The search table: FTS5 on SQLite, a table with a tsvector on PostgreSQL.
    assert!(post.columns.remove("ticket_search").is_some());
    for (name, backend) in BACKEND_ONLY_INDEXES {
        let shape = if *backend == "postgres" {
            &mut post
        } else {
            &mut lite
        };
        assert!(
            shape.indexes.remove(*name).is_some(),
            "{name} is listed as {backend}-only but {backend} does not have it"
        );
    }
    assert!(lite.columns.len() > 20, "{:?}", lite.columns.keys());
    for (table, cols) in &lite.columns {
        assert_eq!(
            Some(cols),
            post.columns.get(table),
            "table {table}: SQLite and PostgreSQL columns (name, nullable) differ"
        );
    }
    assert_eq!(
        lite.columns.keys().collect::<Vec<_>>(),
        post.columns.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (name, index) in &lite.indexes {
        assert_eq!(
            Some(index),
            post.indexes.get(name),
            "index {name}: (table, unique, columns) differ"
        );
    }
    assert_eq!(
        lite.indexes.keys().collect::<Vec<_>>(),
        post.indexes.keys().collect::<Vec<_>>(),
        "the same indexes"
    );
}
