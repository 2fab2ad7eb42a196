//! The pure core: everything that decides something. No wasm, no JS, no
//! clock, no I/O beyond the `Store` trait; tested with plain `cargo test`.
//!
//! Nothing input can reach may panic (a panic kills the wasm instance): the
//! lint gate (scripts/lint.sh) refuses, outside tests, any `unwrap`,
//! `expect`, `panic!` or unchecked index or slice in the core.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

mod call_arguments;
pub mod catalogue;
pub mod error;
pub mod explain;
#[cfg(test)]
pub mod fixtures;
pub mod history;
pub mod json;
pub mod limits;
pub mod personalizer;
pub mod preferences;
pub mod privacy;
pub mod profile;
pub mod rank;
mod result_documents;
pub mod signals;
mod sort;
pub mod store;
mod typed_values;
pub mod weights;

pub use catalogue::{Catalogue, Warning};
pub use error::{Error, Result};
pub use personalizer::{Personalizer, Ranked, Summary};
pub use preferences::Preferences;
pub use store::{MemoryStore, Store, StoreError};
