//! The thin shell: converts JS values to JSON text for the core and the
//! core's results back to JS values, and talks to `localStorage`. It decides
//! nothing.

mod error;
mod listeners;
mod local_storage;
pub mod personalizer;
mod types;

pub use personalizer::Personalizer;

use js_sys::JSON;
use wasm_bindgen::prelude::*;

use crate::core::json::ToJson;
use crate::core::Error;

/// The page's clock, in ms since the epoch (the core never reads one).
pub(crate) fn now() -> i64 {
    js_sys::Date::now() as i64
}

#[wasm_bindgen]
extern "C" {
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, text: &JsValue) -> js_sys::Uint8Array;
}

thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
}

/// A JS string as a Rust `String`, through the browser's `TextEncoder` and
/// one copy into wasm memory; used for the stored profile. wasm-bindgen's own
/// conversion copies ASCII one character at a time in JS, which is slow on a
/// page's first call (the stored profile is read while opening: instantiate +
/// open measured 17-18 ms that way, 10-13.5 ms this way) but, once warm,
/// faster than `TextEncoder` for large strings (a 10k-item JSON catalogue:
/// 54 ms against 72 ms), so API arguments keep it (`json_text`).
/// `TextEncoder` always writes valid UTF-8 (a lone surrogate becomes U+FFFD,
/// as with wasm-bindgen), so the empty fallback is never taken.
pub(crate) fn rust_string(text: &JsValue) -> String {
    String::from_utf8(ENCODER.with(|e| e.encode(text)).to_vec()).unwrap_or_default()
}

/// A JS value as JSON text: strings pass through (they are JSON already),
/// anything else goes through `JSON.stringify`. The text enters wasm through
/// wasm-bindgen's conversion (see `rust_string` for why not `TextEncoder`).
pub(crate) fn json_text(value: &JsValue, path: &str) -> Result<String, Error> {
    if let Some(s) = value.as_string() {
        return Ok(s);
    }
    if value.is_undefined() || value.is_function() || value.is_symbol() {
        return Err(Error::invalid(path, "expected an object or a JSON string"));
    }
    match JSON::stringify(value) {
        Ok(s) => s
            .as_string()
            .ok_or_else(|| Error::invalid(path, "expected an object or a JSON string")),
        Err(e) => Err(Error::invalid(
            path,
            format!("cannot be converted to JSON: {}", error::describe(&e)),
        )),
    }
}

/// Optional options object: `undefined`/`null` mean none.
pub(crate) fn options_text(value: &JsValue, path: &str) -> Result<String, Error> {
    if value.is_undefined() || value.is_null() {
        Ok(String::new())
    } else {
        json_text(value, path)
    }
}

/// A core result as a plain JS value: written as JSON text by the core and
/// parsed by `JSON.parse`, which is faster than building objects field by
/// field across the boundary.
pub(crate) fn to_js<T: ToJson + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    JSON::parse(&value.to_json())
}
