//! One connection type over SQLite and PostgreSQL, chosen by the URL scheme.
//!
//! Reads use a pool. Writes go through [`Db::write`], which opens the
//! transaction: on SQLite every write of the process runs on one dedicated
//! connection (a pool of one) inside `BEGIN IMMEDIATE`, because SQLite has a
//! single writer and its busy handler collapses under contention; on
//! PostgreSQL writes share the pool. Read connections on SQLite are
//! `query_only`, so a write that bypasses [`Db::write`] fails loudly in tests.

pub mod backup;
mod checkpoint;
mod connect;
mod group_commit;
mod insert_all;
pub use self::group_commit::{AtCommit, at_commit};
pub use self::insert_all::ROWS_PER_INSERT;
pub mod migrations;
mod read_gate;
pub mod schema;
pub mod text_enum;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2;
use diesel::sqlite::SqliteConnection;

pub use self::connect::ConnManager;
use self::group_commit::{GroupWriter, WriteFailure};
use crate::config::{DatabaseSettings, redact_url};

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// diesel's backend type for [`DbConn`] (dispatches to the real one).
pub type DbBackend = <DbConn as Connection>::Backend;

/// The database products itdesk runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from a URL's scheme; anything else is refused.
    pub fn from_url(url: &str) -> Result<Backend, DbError> {
        if url.starts_with("sqlite://") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::UnsupportedUrl(redact_url(url)))
        }
    }

    /// The name `/healthz` reports.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Fixed key of the advisory lock start-up seeding holds (PostgreSQL).
const PG_SEEDING_LOCK: i64 = 0x17de_5c01;

impl DbConn {
    /// Serialises start-up seeding (the session key, configured calendars
    /// and policies) between processes starting together on one PostgreSQL
    /// database: held until the caller's transaction ends, so the second
    /// process reads what the first wrote instead of inserting it again.
    /// SQLite's single writer needs nothing.
    pub fn lock_for_seeding(&mut self) -> QueryResult<()> {
        self.lock_turn(PG_SEEDING_LOCK)
    }

    /// Holds the advisory lock `key` until the caller's transaction ends
    /// (PostgreSQL; SQLite's single writer needs nothing): writers that
    /// must see each other's work take turns.
    pub fn lock_turn(&mut self, key: i64) -> QueryResult<()> {
        if let DbConn::Postgres(c) = self {
            c.batch_execute(&format!("SELECT pg_advisory_xact_lock({key})"))?;
        }
        Ok(())
    }

    /// Which backend this connection talks to.
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Sqlite(_) => Backend::Sqlite,
            DbConn::Postgres(_) => Backend::Postgres,
        }
    }
}

/// `(?, ?), (?, ?)` (SQLite) or `($1, $2), ($3, $4)` (PostgreSQL, with a
/// cast per column) for a multi-row raw statement.
pub fn placeholders(conn: &DbConn, rows: usize, cols: usize, casts: &[&str]) -> String {
    let mut n = 0;
    (0..rows)
        .map(|_| {
            let cells: Vec<String> = (0..cols)
                .map(|c| {
                    n += 1;
                    match conn {
                        DbConn::Sqlite(_) => "?".to_owned(),
                        DbConn::Postgres(_) => {
                            format!("${n}{}", casts.get(c).copied().unwrap_or(""))
                        }
                    }
                })
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Failures to reach or prepare the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    #[error("cannot create the SQLite folder {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("migrations failed: {0}")]
    Migration(String),
}

type Pool = r2d2::Pool<ConnManager>;
/// A pooled connection.
pub type PooledConn = r2d2::PooledConnection<ConnManager>;

/// Where writes go: SQLite's one connection with group commit, or
/// PostgreSQL's pool (one transaction per request; the server groups commits).
#[derive(Clone)]
enum Writer {
    Group(Arc<GroupWriter>),
    Pool(Pool),
}

/// The database handle the whole application shares (cheap to clone).
#[derive(Clone)]
pub struct Db {
    backend: Backend,
    readers: Pool,
    writer: Writer,
    /// Reads in turn, at most so many at once.
    gate: Arc<read_gate::ReadGate>,
    /// The database file, on SQLite.
    sqlite_path: Option<String>,
    /// Keeps the service's checkpoint thread going (SQLite).
    _checkpoints: Option<Arc<()>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

/// How a process uses its pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    Service,
    Command,
    OneTask,
}

/// No connection could be had in time.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct Unavailable(pub String);

impl From<r2d2::PoolError> for Unavailable {
    fn from(e: r2d2::PoolError) -> Unavailable {
        Unavailable(e.to_string())
    }
}

/// Errors of [`Db::read`] and [`Db::write`] convert from these two.
pub trait DbFailure: From<diesel::result::Error> + From<Unavailable> {}
impl<E: From<diesel::result::Error> + From<Unavailable>> DbFailure for E {}

impl Db {
    /// Connects (creating the SQLite folder if needed) and checks that the
    /// database answers. Does not migrate: see [`migrations::run`].
    pub fn connect(settings: &DatabaseSettings) -> Result<Db, DbError> {
        Db::open(settings, Profile::Service)
    }

    /// For a command that does its work and exits (`itdesk admin …`,
    /// `itdesk mail poll`, `itdesk export …`): connections only on demand.
    pub fn connect_for_command(settings: &DatabaseSettings) -> Result<Db, DbError> {
        Db::open(settings, Profile::Command)
    }

    /// Like [`Db::connect`], for a process that does one piece of work and
    /// exits (`itdesk mailgate` runs once per message): no idle connections
    /// are kept or opened ahead in the background, and at most two readers.
    pub fn connect_for_one_task(settings: &DatabaseSettings) -> Result<Db, DbError> {
        Db::open(settings, Profile::OneTask)
    }

    fn open(settings: &DatabaseSettings, profile: Profile) -> Result<Db, DbError> {
        let backend = Backend::from_url(&settings.url)?;
        if backend == Backend::Sqlite {
            let path = &settings.url["sqlite://".len()..];
            if let Some(parent) = Path::new(path).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(|source| DbError::CreateDir {
                    path: parent.display().to_string(),
                    source,
                })?;
            }
        }
        let timeout = Duration::from_millis(settings.connection_timeout_ms);
        let (min_idle, max_size) = match profile {
            // The service keeps one idle connection: r2d2 also uses the
            // minimum to replace connections it discards (a panic in a
            // transaction), and wakes waiting requests when it does.
            Profile::Service => (1, settings.pool_size),
            // A command that exits soon keeps none: with a minimum, r2d2
            // opens a replacement on a background thread after every
            // checkout, and exiting while such a thread is inside
            // libpq/OpenSSL can end the process with a signal.
            Profile::Command => (0, settings.pool_size),
            Profile::OneTask => (0, 2),
        };
        // r2d2 runs its upkeep on a pool of three threads by default; a
        // process that exits soon needs one (each costs it a thread start).
        let helpers = match profile {
            Profile::Service => 3,
            Profile::Command | Profile::OneTask => 1,
        };
        let build = |manager: ConnManager, test_on_checkout: bool| {
            r2d2::Pool::builder()
                .thread_pool(Arc::new(
                    scheduled_thread_pool::ScheduledThreadPool::builder()
                        .num_threads(helpers)
                        .thread_name_pattern("r2d2-worker-{}")
                        .build(),
                ))
                .max_size(max_size)
                .min_idle(Some(min_idle))
                .connection_timeout(timeout)
                .test_on_check_out(test_on_checkout)
                .build(manager)
                .map_err(|e| DbError::Connect(e.to_string()))
        };
        let mut checkpoints = None;
        let (readers, writer) = match backend {
            Backend::Sqlite => {
                let (conn, started) = sqlite_writer(settings, profile)?;
                checkpoints = started;
                let writer = Writer::Group(Arc::new(GroupWriter::new(conn, timeout)));
                // A SQLite file does not go away under a connection: no ping per checkout.
                let readers = build(ConnManager::new(settings, true)?, false)?;
                (readers, writer)
            }
            Backend::Postgres => {
                let pool = build(ConnManager::new(settings, false)?, true)?;
                (pool.clone(), Writer::Pool(pool))
            }
        };
        let gate = match settings.read_concurrency {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
            n => n as usize,
        };
        Ok(Db {
            backend,
            readers,
            writer,
            gate: Arc::new(read_gate::ReadGate::new(gate)),
            sqlite_path: settings.url.strip_prefix("sqlite://").map(str::to_owned),
            _checkpoints: checkpoints,
        })
    }

    /// Makes every commit so far durable. PostgreSQL commits are; SQLite's
    /// WAL is synced to disk (the service commits with `synchronous =
    /// NORMAL`, which leaves that to checkpoints).
    pub fn sync(&self) -> std::io::Result<()> {
        if let Some(path) = &self.sqlite_path {
            match std::fs::File::open(format!("{path}-wal")) {
                Ok(wal) => wal.sync_data()?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The backend behind this handle.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for reading.
    pub fn reader(&self) -> Result<PooledConn, r2d2::PoolError> {
        self.readers.get()
    }

    /// Runs `f` on a read connection, in turn with other reads
    /// (`database.read_concurrency` at once).
    pub fn read<T, E: DbFailure>(
        &self,
        f: impl FnOnce(&mut DbConn) -> Result<T, E>,
    ) -> Result<T, E> {
        let _turn = self.gate.enter();
        let mut conn = self.readers.get().map_err(Unavailable::from)?;
        f(&mut conn)
    }

    /// Runs `f` in a write transaction and returns once it is committed;
    /// when `f` returns `Err` its work is rolled back, leaving the database
    /// as it was.
    pub fn write<T, E: DbFailure>(
        &self,
        f: impl FnOnce(&mut DbConn) -> Result<T, E>,
    ) -> Result<T, E> {
        match &self.writer {
            Writer::Group(group) => group.write(f).map_err(|failure| match failure {
                WriteFailure::Closure(e) => e,
                WriteFailure::Database(e) => E::from(e),
                WriteFailure::Timeout => E::from(Unavailable(
                    "timed out waiting for the database writer".into(),
                )),
            }),
            Writer::Pool(pool) => {
                let mut conn = pool.get().map_err(Unavailable::from)?;
                write_transaction(&mut conn, f)
            }
        }
    }

    /// Runs `f` on the writing connection outside any transaction
    /// (migrations, bulk loads).
    pub fn with_writer<T>(&self, f: impl FnOnce(&mut DbConn) -> T) -> Result<T, Unavailable> {
        match &self.writer {
            Writer::Group(group) => group
                .exclusive(f)
                .ok_or_else(|| Unavailable("timed out waiting for the database writer".into())),
            Writer::Pool(pool) => {
                let mut conn = pool.get()?;
                Ok(f(&mut conn))
            }
        }
    }
}

/// SQLite's one writing connection (opened first: it turns WAL on) and,
/// for the service, the thread that checkpoints beside it.
fn sqlite_writer(
    settings: &DatabaseSettings,
    profile: Profile,
) -> Result<(DbConn, Option<Arc<()>>), DbError> {
    let manager = ConnManager::new(settings, false)?;
    let mut conn = manager.connect()?;
    if profile != Profile::Service {
        return Ok((conn, None));
    }
    let checkpoints = checkpoint::start(&manager)?;
    conn.batch_execute(&format!(
        "PRAGMA wal_autocheckpoint = {}",
        checkpoint::WRITER_FALLBACK_PAGES
    ))?;
    Ok((conn, Some(checkpoints)))
}

/// Begins `BEGIN IMMEDIATE` on SQLite (take the write lock now, wait on
/// `busy_timeout` for other processes) or a plain transaction on PostgreSQL.
pub fn write_transaction<T, E: From<diesel::result::Error>>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E> {
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(err) => match <DbConn as Connection>::TransactionManager::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(err),
            Err(rollback) => Err(rollback.into()),
        },
    }
}
