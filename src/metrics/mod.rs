//! Monthly metrics for leadership: one report per calendar month in the
//! report's zone, every figure defined once (here and in
//! `schema/metrics.md`) and reproducible from the raw data. Queries live
//! with the registers that own the data; this context gathers them,
//! computes the figures without I/O and renders them.

use std::sync::Arc;

pub mod chart;
pub mod cli;
pub mod definitions;
pub mod figures;
pub mod gather;
pub mod handlers;
pub mod history;
pub mod html;
pub mod mailing;
pub mod month;
pub mod page;
mod page_registers;
pub mod png;
pub mod purchasing;
pub mod register_figures;
pub mod registers;
pub mod render;
mod repo;
pub mod report;
pub mod service;
pub mod settings;
pub mod sla_figures;
pub mod ticket_export;
pub mod ticket_figures;
pub mod workload;

/// The reports context of one process.
#[derive(Clone)]
pub struct Metrics {
    pub db: crate::db::Db,
    pub settings: Arc<settings::ReportSettings>,
    /// The report's zone defaults to `reports.calendar`'s; tickets' clocks
    /// count on their policies' calendars.
    pub calendars: Arc<crate::sla::registry::InForce>,
    /// The registers the report reads at the month's end.
    pub licenses: crate::licenses::Licenses,
    pub vendors: crate::vendors::Vendors,
    pub purchasing: crate::purchasing::Purchasing,
    /// The monthly mail comes from here.
    pub mail_from: Arc<crate::outbox::MailFrom>,
}
