//! `itdesk backup`: a consistent copy of a running SQLite database.
//! `VACUUM INTO` reads the database inside one read transaction — a
//! snapshot: every transaction committed before it began is in the copy,
//! none that commits later — while the service goes on writing (WAL). The
//! copy is written next to its destination and renamed into place when
//! complete, so a file at the destination is always a whole database.
//! PostgreSQL is backed up with its own tools (`pg_dump`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;

use super::{Backend, Db, DbConn};

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct Backup {
    pub path: PathBuf,
    pub bytes: u64,
    pub took: Duration,
}

/// Why a backup was not made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "itdesk backup copies SQLite databases; back up PostgreSQL with its own tools, e.g. \
         `pg_dump --format=custom --file=itdesk.dump \"$ITDESK_DATABASE_URL\"` (restore with pg_restore)"
    )]
    Postgres,
    #[error("{0} exists already; name a new file (a backup never overwrites one)")]
    Exists(String),
    #[error("cannot write the backup next to {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the database could not be copied: {0}")]
    Copy(String),
}

fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "''"))
}

/// Copies the database to `output` (which must not exist yet).
pub fn backup(db: &Db, output: &Path) -> Result<Backup, BackupError> {
    if db.backend() == Backend::Postgres {
        return Err(BackupError::Postgres);
    }
    if output.exists() {
        return Err(BackupError::Exists(output.display().to_string()));
    }
    let io = |source| BackupError::Io {
        path: output.display().to_string(),
        source,
    };
    let dir = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "itdesk.db".into());
    let partial = dir.join(format!(".{name}.{}.partial", crate::ids::new_id()));
    let started = Instant::now();
    let copied = db
        .with_writer(|conn| match conn {
            DbConn::Sqlite(c) => c
                .batch_execute(&format!("VACUUM INTO {}", quote(&partial)))
                .map_err(|e| BackupError::Copy(e.to_string())),
            DbConn::Postgres(_) => Err(BackupError::Postgres),
        })
        .map_err(|e| BackupError::Copy(e.to_string()))?;
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    // No overwrite, even if the destination appeared meanwhile.
    std::fs::hard_link(&partial, output).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            BackupError::Exists(output.display().to_string())
        } else {
            io(e)
        }
    })?;
    let _ = std::fs::remove_file(&partial);
    let bytes = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
    Ok(Backup {
        path: output.to_path_buf(),
        bytes,
        took: started.elapsed(),
    })
}
