//! Spawning the real application for a test: its own database (a SQLite
//! file, or a PostgreSQL schema when ITDESK_TEST_DATABASE_URL names a
//! server), a random port, the same `startup` code `itdesk serve` runs.

use std::net::TcpListener;
use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use itdesk::auth::Role;
use itdesk::config::Sources;
use itdesk::settings::Settings;
use itdesk::startup::{Application, prepare};
use itdesk::state::AppState;
use serde_json::{Value, json};
use tempfile::TempDir;

/// The PostgreSQL server the suite runs against, if any.
pub fn postgres_base_url() -> Option<String> {
    std::env::var("ITDESK_TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

/// A database of the test's own, removed when the test ends.
pub struct TestDb {
    pub url: String,
    schema: Option<(String, String)>,
}

impl TestDb {
    pub fn new(dir: &std::path::Path) -> TestDb {
        match postgres_base_url() {
            None => TestDb {
                url: format!("sqlite://{}", dir.join("itdesk.db").display()),
                schema: None,
            },
            Some(base) => TestDb::new_postgres(&base),
        }
    }

    /// A PostgreSQL schema of its own, whichever backend the suite runs
    /// on: ITDESK_TEST_DATABASE_URL's server, else the local one
    /// (`ITDESK_TEST_PG_ADMIN_URL`, default postgres://postgres@127.0.0.1:5432/postgres).
    pub fn postgres() -> TestDb {
        let base = postgres_base_url().unwrap_or_else(|| {
            std::env::var("ITDESK_TEST_PG_ADMIN_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
        });
        TestDb::new_postgres(&base)
    }

    fn new_postgres(base: &str) -> TestDb {
        // Loopback needs no TLS, and libpq's OpenSSL tears down its global
        // state at process exit while pool threads may still hold
        // connections: the test binary once died with SIGSEGV after every
        // test had passed. Plain connections avoid it.
        let base = if base.contains("sslmode=") {
            base.to_owned()
        } else {
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}sslmode=disable")
        };
        let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::establish(&base).unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is not reachable at {base} ({e}).\n\
                 Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n\
                 or install it with: apt-get install postgresql (tests/run.sh does both)"
            )
        });
        conn.batch_execute(&format!("CREATE SCHEMA {schema}"))
            .expect("create test schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        TestDb {
            url: format!("{base}{sep}options=-csearch_path%3D{schema}"),
            schema: Some((base, schema)),
        }
    }

    /// An existing SQLite file (e.g. a backup), left in place afterwards.
    pub fn sqlite_file(path: &std::path::Path) -> TestDb {
        TestDb {
            url: format!("sqlite://{}", path.display()),
            schema: None,
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.schema.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.schema
            && let Ok(mut conn) = PgConnection::establish(base)
        {
            let _ = conn.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
        }
    }
}

/// Settings for a test: defaults plus its database, a free port and
/// its own attachments folder.
pub fn test_settings(db: &TestDb, dir: &std::path::Path, extra: Vec<(String, Value)>) -> Settings {
    let mut overrides = vec![
        ("server.bind".to_owned(), json!("127.0.0.1:0")),
        ("server.workers".to_owned(), json!(2)),
        ("database.pool_size".to_owned(), json!(4)),
        (
            "attachments.dir".to_owned(),
            json!(dir.join("attachments").display().to_string()),
        ),
        ("log.level".to_owned(), json!("warn")),
    ];
    overrides.extend(extra);
    Settings::load(&Sources {
        database_url: Some(db.url.clone()),
        overrides,
        ..Sources::default()
    })
    .expect("test settings load")
}

/// A running application and a client for it.
pub struct TestApp {
    pub address: String,
    pub state: AppState,
    pub client: reqwest::Client,
    pub db: TestDb,
    pub dir: TempDir,
    /// What the drop check allows (see [`TestApp::allow_failed_jobs`]).
    guard: std::sync::Mutex<Guard>,
}

/// How many jobs of each kind a run of the harness ran.
#[derive(Debug, Clone, Default)]
pub struct JobsRun(std::collections::BTreeMap<&'static str, usize>);

impl JobsRun {
    pub fn of(&self, kind: &str) -> usize {
        self.0.get(kind).copied().unwrap_or(0)
    }
}

/// What a test declared it expects of the background work.
#[derive(Debug, Default)]
struct Guard {
    /// The test ran the jobs: mail left queued afterwards is a fault.
    ran_jobs: bool,
    /// The test makes jobs fail on purpose (an SMTP outage, say).
    failed_jobs_expected: bool,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Vec::new()).await
}

pub async fn spawn_app_with(extra: Vec<(String, Value)>) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = TestDb::new(dir.path());
    let settings = test_settings(&db, dir.path(), extra);
    let state = tokio::task::spawn_blocking(move || prepare(settings))
        .await
        .unwrap()
        .expect("prepare app");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let app = Application::with_listener(state.clone(), listener).expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        state,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(IDLE)
            .build()
            .unwrap(),
        db,
        dir,
        guard: std::sync::Mutex::new(Guard::default()),
    }
}

impl TestApp {
    /// Runs every context's ready jobs the way `itdesk serve` does, as of
    /// now, until none is ready; returns how many of each kind ran.
    pub async fn run_jobs_until_idle(&self) -> JobsRun {
        self.run_jobs_at(chrono::Duration::zero()).await
    }

    /// [`Self::run_jobs_until_idle`] as if the clock said `now + ahead`
    /// (to reach retries after a backoff, or timers due later).
    pub async fn run_jobs_at(&self, ahead: chrono::Duration) -> JobsRun {
        self.guard.lock().unwrap().ran_jobs = true;
        let state = self.state.clone();
        tokio::task::spawn_blocking(move || {
            let counts = std::sync::Arc::new(std::sync::Mutex::new(JobsRun::default()));
            let kinds: Vec<itdesk::jobs::Kind> = itdesk::startup::jobs(&state)
                .kinds
                .into_iter()
                .map(|k| {
                    let (counts, run) = (counts.clone(), k.run.clone());
                    itdesk::jobs::Kind::new(k.name, move |job| {
                        *counts.lock().unwrap().0.entry(k.name).or_default() += 1;
                        run(job)
                    })
                })
                .collect();
            for _ in 0..1000 {
                let ran = itdesk::jobs::runner::run_ready(
                    &state.db,
                    &kinds,
                    "test-worker",
                    100,
                    itdesk::ids::now() + ahead,
                )
                .expect("run jobs");
                if ran == 0 {
                    return counts.lock().unwrap().clone();
                }
            }
            panic!("jobs still ready after 1000 rounds: a job that keeps enqueuing itself?");
        })
        .await
        .unwrap()
    }

    /// This test makes jobs fail on purpose: the drop check allows it.
    pub fn allow_failed_jobs(&self) {
        self.guard.lock().unwrap().failed_jobs_expected = true;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A token for a user with this role (created if missing).
    pub async fn token(&self, email: &str, role: Role) -> String {
        let db = self.state.db.clone();
        let email = email.to_owned();
        tokio::task::spawn_blocking(move || {
            itdesk::auth::tokens::create_token(&db, &email, role, "test", None)
        })
        .await
        .unwrap()
        .expect("create token")
        .token
    }

    /// A user who can log in with this password.
    pub async fn user_with_password(&self, email: &str, role: Role, password: &str) {
        let db = self.state.db.clone();
        let (email, password) = (email.to_owned(), password.to_owned());
        tokio::task::spawn_blocking(move || {
            itdesk::auth::service::create_user(&db, &email, None, role, &password)
        })
        .await
        .unwrap()
        .expect("create user");
    }

    pub async fn post_json(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch_json(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// Files a ticket and returns its JSON (asserting 201).
    pub async fn create_ticket(&self, token: &str, body: Value) -> Value {
        let resp = self.post_json(token, "/api/v1/tickets", &body).await;
        let status = resp.status();
        let json: Value = resp.json().await.unwrap();
        assert_eq!(status, 201, "create ticket failed: {json}");
        json
    }

    /// Creates a queue or category as an admin.
    pub async fn seed_catalog(&self) -> String {
        let admin = self.token("catalog-admin@example.org", Role::Admin).await;
        for (slug, name) in [("service-desk", "Service Desk"), ("network", "Network")] {
            let r = self
                .post_json(
                    &admin,
                    "/api/v1/queues",
                    &json!({"slug": slug, "name": name}),
                )
                .await;
            assert_eq!(r.status(), 201);
        }
        for (slug, name) in [("hardware", "Hardware"), ("access", "Access")] {
            let r = self
                .post_json(
                    &admin,
                    "/api/v1/categories",
                    &json!({"slug": slug, "name": name}),
                )
                .await;
            assert_eq!(r.status(), 201);
        }
        admin
    }

    /// Runs a closure on a database connection (read pool).
    pub async fn count(&self, sql_table: &'static str) -> i64 {
        let db = self.state.db.clone();
        tokio::task::spawn_blocking(move || {
            use diesel::RunQueryDsl;
            #[derive(diesel::QueryableByName)]
            struct N {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            let mut conn = db.reader().unwrap();
            let rows: Vec<N> = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {sql_table}"))
                .load(&mut *conn)
                .unwrap();
            rows[0].n
        })
        .await
        .unwrap()
    }

    pub fn attachments_dir(&self) -> PathBuf {
        self.dir.path().join("attachments")
    }
}

/// Asserts a problem response and returns its body.
pub async fn assert_problem(resp: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(resp.status().as_u16(), status, "unexpected status");
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body: Value = resp.json().await.expect("problem body");
    assert_eq!(ct, "application/problem+json", "content type of {body}");
    assert_eq!(body["code"], code, "problem: {body}");
    assert_eq!(body["status"], status);
    body
}

/// The guard: a test that ends with a job failed for good (unless it said
/// it expects that), or — once it ran the jobs — with mail still waiting in
/// the outbox, fails.
impl Drop for TestApp {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let guard = self.guard.lock().unwrap();
        let db = self.state.db.clone();
        let (failed, unsent) = std::thread::spawn(move || {
            db.read(|conn| {
                let failed = itdesk::jobs::queue::failed(conn)?;
                let unsent = itdesk::outbox::list(conn, Some("queued"), 20)?;
                Ok::<_, itdesk::error::AppError>((failed, unsent))
            })
        })
        .join()
        .unwrap()
        .expect("read what the jobs left");
        if !guard.failed_jobs_expected && !failed.is_empty() {
            panic!(
                "jobs failed for good: {:?}",
                failed
                    .iter()
                    .map(|j| format!("{} ({})", j.kind, j.last_error.clone().unwrap_or_default()))
                    .collect::<Vec<_>>()
            );
        }
        if guard.ran_jobs && !unsent.is_empty() {
            panic!(
                "mail left unsent after the jobs ran: {:?}",
                unsent
                    .iter()
                    .map(|m| format!(
                        "{} to {} ({})",
                        m.kind,
                        m.recipients,
                        m.last_error.clone().unwrap_or_default()
                    ))
                    .collect::<Vec<_>>()
            );
        }
    }
}

/// How long a test client keeps an idle connection: well under the
/// server's keep-alive (actix: 5 s), so that a request after a slow step in
/// a test never goes out on a connection the server is closing.
const IDLE: std::time::Duration = std::time::Duration::from_secs(2);

/// A browser-like client with its own cookie jar.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(IDLE)
        .build()
        .unwrap()
}

pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("page has a csrf field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

pub async fn login(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let page = client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap()
}

/// A page as a browser gets it: its status and body.
pub async fn page_text(c: &reqwest::Client, url: String) -> (u16, String) {
    let resp = c.get(url).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// A form posted as a browser posts it: the status, where it sends you
/// (`Location`, empty when nowhere) and the body.
pub async fn post_form(
    c: &reqwest::Client,
    url: String,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let resp = c.post(url).form(form).send().await.unwrap();
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, resp.text().await.unwrap())
}
