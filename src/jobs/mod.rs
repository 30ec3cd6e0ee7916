//! The durable job queue every background worker runs on: rows in the
//! `jobs` table, enqueued in the same transaction as the change that needs
//! them, leased with a deadline, retried with backoff, and idempotent, so a
//! killed process loses nothing and several processes share the work.

pub mod queue;
pub mod runner;
pub mod schedule;

pub use runner::{Handler, Kind, Periodic};
pub use schedule::Schedule;

/// A context's job kinds and what it wants run on a schedule.
#[derive(Clone, Default)]
pub struct Jobs {
    pub kinds: Vec<Kind>,
    pub periodic: Vec<Periodic>,
}

impl Jobs {
    /// Adds a kind.
    pub fn kind(
        mut self,
        name: &'static str,
        run: impl Fn(&queue::Job) -> Result<(), crate::error::AppError> + Send + Sync + 'static,
    ) -> Jobs {
        self.kinds.push(Kind::new(name, run));
        self
    }

    /// Enqueues `kind` every `every`.
    pub fn every(self, kind: &'static str, every: chrono::Duration) -> Jobs {
        self.on(kind, Schedule::Every(every))
    }

    /// Enqueues `kind` on a schedule.
    pub fn on(mut self, kind: &'static str, schedule: Schedule) -> Jobs {
        self.periodic.push(Periodic { kind, schedule });
        self
    }

    /// The jobs of several contexts together.
    pub fn join(all: impl IntoIterator<Item = Jobs>) -> Jobs {
        all.into_iter().fold(Jobs::default(), |mut acc, j| {
            acc.kinds.extend(j.kinds);
            acc.periodic.extend(j.periodic);
            acc
        })
    }
}

/// The job runner's settings: `[jobs]`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSettings {
    pub poll_ms: u64,
}
