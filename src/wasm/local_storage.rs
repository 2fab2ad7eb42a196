//! `Store` over `window.localStorage`. Every failure becomes a `StoreError`;
//! nothing throws into the page.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::store::{MemoryStore, Store, StoreError};

use super::error::{describe, name_of};

#[wasm_bindgen]
extern "C" {
    /// `Storage` with a `getItem` that returns the JS value, so that the
    /// shell converts it with `rust_string` (see there).
    #[wasm_bindgen(js_name = Storage)]
    type StorageValues;
    #[wasm_bindgen(method, catch, js_name = getItem)]
    fn get_item_value(this: &StorageValues, key: &str) -> Result<JsValue, JsValue>;
}

pub struct LocalStorage {
    storage: Result<web_sys::Storage, String>,
}

impl LocalStorage {
    /// Opens `localStorage`; a sandboxed frame, disabled storage or a page
    /// without `window` (Node, workers) yields an unavailable store.
    pub fn open() -> Self {
        let storage = match web_sys::window() {
            None => Err("no window (not a browser page)".to_string()),
            Some(w) => match w.local_storage() {
                Ok(Some(s)) => Ok(s),
                Ok(None) => Err("localStorage is not available".to_string()),
                Err(e) => Err(describe(&e)),
            },
        };
        LocalStorage { storage }
    }

    fn get(&self) -> Result<&web_sys::Storage, StoreError> {
        self.storage
            .as_ref()
            .map_err(|m| StoreError::Unavailable(m.clone()))
    }
}

fn failure(e: wasm_bindgen::JsValue) -> StoreError {
    match name_of(&e).as_str() {
        // Chrome/Safari, and Firefox's older name.
        "QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED" => StoreError::QuotaExceeded,
        "SecurityError" => StoreError::Unavailable(describe(&e)),
        _ => StoreError::Failed(describe(&e)),
    }
}

impl Store for LocalStorage {
    fn load(&self, key: &str) -> Result<Option<String>, StoreError> {
        let value = self
            .get()?
            .unchecked_ref::<StorageValues>()
            .get_item_value(key)
            .map_err(failure)?;
        Ok(if value.is_string() {
            Some(super::rust_string(&value))
        } else {
            None
        })
    }

    fn save(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.get()?.set_item(key, value).map_err(failure)
    }

    fn clear(&mut self, key: &str) -> Result<(), StoreError> {
        self.get()?.remove_item(key).map_err(failure)
    }
}

/// The store chosen by `options.storage`.
pub enum AnyStore {
    Local(LocalStorage),
    Memory(MemoryStore),
}

impl Store for AnyStore {
    fn load(&self, key: &str) -> Result<Option<String>, StoreError> {
        match self {
            AnyStore::Local(s) => s.load(key),
            AnyStore::Memory(s) => s.load(key),
        }
    }

    fn save(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        match self {
            AnyStore::Local(s) => s.save(key, value),
            AnyStore::Memory(s) => s.save(key, value),
        }
    }

    fn clear(&mut self, key: &str) -> Result<(), StoreError> {
        match self {
            AnyStore::Local(s) => s.clear(key),
            AnyStore::Memory(s) => s.clear(key),
        }
    }
}
