//! The periodic directory sync (`directory.sync_interval_minutes`).

use super::People;
use super::sync::{self, Trigger};
use crate::error::AppError;
use crate::jobs::Jobs;

const JOB: &str = "people.directory_sync";

impl People {
    /// The sync job, scheduled when a directory is in use and the interval
    /// is not 0.
    pub fn jobs(&self) -> Jobs {
        let me = self.clone();
        let jobs = Jobs::default().kind(JOB, move |_job| run(&me));
        let minutes = self.directory.sync_interval_minutes;
        if self.directory.in_use() && minutes > 0 {
            jobs.every(JOB, chrono::Duration::minutes(i64::from(minutes)))
        } else {
            jobs
        }
    }
}

fn run(people: &People) -> Result<(), AppError> {
    let trigger = Trigger {
        started_by: "schedule",
        actor_id: None,
        dry_run: false,
    };
    let r = sync::run(people, trigger)?;
    tracing::info!(
        created = r.created,
        updated = r.updated,
        deactivated = r.deactivated,
        unchanged = r.unchanged,
        skipped = r.skipped,
        "directory sync"
    );
    Ok(())
}
