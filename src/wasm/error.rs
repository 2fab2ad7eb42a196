//! The one place where core errors become JS `Error` objects.

use wasm_bindgen::prelude::*;

use crate::core::Error;

/// A JS `Error` whose message names the field; `error.field` holds the path
/// alone, for UIs that highlight a control.
pub fn to_js(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("OndeviceError");
    // Setting a property on a fresh Error cannot fail; if it did, the
    // message still names the field.
    let _ = js_sys::Reflect::set(
        &err,
        &JsValue::from_str("field"),
        &JsValue::from_str(e.path()),
    );
    err.into()
}

/// A thrown JS value in words, for error messages and storage notices.
pub fn describe(v: &JsValue) -> String {
    if let Some(e) = v.dyn_ref::<js_sys::Error>() {
        return format!("{}: {}", String::from(e.name()), String::from(e.message()));
    }
    v.as_string().unwrap_or_else(|| "unknown error".into())
}

/// The DOMException name of a thrown value (`QuotaExceededError`, ...).
pub fn name_of(v: &JsValue) -> String {
    js_sys::Reflect::get(v, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default()
}
