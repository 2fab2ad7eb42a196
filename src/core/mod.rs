//! The pure core: everything that decides something. No wasm, no JS, no
//! clock, no I/O beyond the `Store` trait; tested with plain `cargo test`.

pub mod catalogue;
pub mod error;
pub mod explain;
mod fields;
#[cfg(test)]
pub mod fixtures;
pub mod history;
mod inputs;
pub mod json;
pub mod limits;
pub mod personalizer;
pub mod preferences;
pub mod privacy;
pub mod profile;
pub mod rank;
mod results;
pub mod signals;
mod sort;
pub mod store;

pub use catalogue::{Catalogue, Warning};
pub use error::{Error, Result};
pub use personalizer::{Personalizer, Ranked, Summary};
pub use preferences::Preferences;
pub use store::{MemoryStore, Store, StoreError};
