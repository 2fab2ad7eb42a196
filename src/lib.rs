//! ondevice: on-device personalization for websites.
//!
//! `core` decides everything and is plain Rust; `wasm` is the thin
//! wasm-bindgen shell that converts JS values and talks to `localStorage`.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// Talc instead of Rust's default dlmalloc: the module allocates a few large
/// arrays per catalogue and small strings for the profile, which talc serves
/// faster, in about a third of dlmalloc's 7 KB of wasm.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
