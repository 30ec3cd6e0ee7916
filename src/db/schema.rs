//! diesel's view of the tables; the source of truth lives in `schema/schema.rs`.
include!("../../schema/schema.rs");
