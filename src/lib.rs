//! ondevice: on-device personalization for websites.
//!
//! `core` decides everything and is plain Rust; `wasm` is the thin
//! wasm-bindgen shell that converts JS values and talks to `localStorage`.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
