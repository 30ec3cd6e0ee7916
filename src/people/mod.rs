//! People: employees with what HR and the directory know of them
//! (department, title, manager, location, dates, employment status, the
//! directory link). A person is a login account (`crate::auth`) with a
//! row in `people`; requesters known only by mail stay contacts.

pub mod domain;
pub mod dto;
pub mod handlers;
mod model;
mod repo;
pub mod service;

pub use model::Person;

/// The people register at run time.
#[derive(Clone)]
pub struct People {
    pub db: crate::db::Db,
}
