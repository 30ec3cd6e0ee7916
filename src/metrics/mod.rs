//! Monthly metrics for leadership: one report per calendar month in the
//! report's zone, every figure defined once (here and in
//! `schema/metrics.md`) and reproducible from the raw data. Queries live
//! with the registers that own the data; this context gathers them,
//! computes the figures without I/O and renders them.

pub mod month;
pub mod ticket_figures;
