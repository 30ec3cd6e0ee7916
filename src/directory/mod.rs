//! The LDAP / Active Directory client: one interface, two flavors
//! (`openldap`, `ad`), built on `ldap3`. Sessions are blocking: open them
//! on a blocking thread (a job, `web::block`), never in async code.
//!
//! Every filter value is escaped per RFC 4515 (`ldap3::ldap_escape`) and
//! every DN value per RFC 4514 (`ldap3::dn_escape`) where it is built.

mod allocate;
pub mod bind;
pub mod client;
pub mod error;
pub mod login;
pub mod names;
pub mod ppolicy;
mod provision;
pub mod settings;
mod tls;

pub use bind::{BindOutcome, check_password};
pub use client::{Entry, NewAccount, Session};
pub use error::DirectoryError;
pub use ppolicy::{Disabled, Disabling};
pub use settings::{DirectorySettings, Flavor};
