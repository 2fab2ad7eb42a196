//! The exported `Personalizer` class. Each method converts its arguments,
//! calls the core, and converts the result; errors become JS `Error`s in
//! `error::to_js`.

use std::cell::{RefCell, RefMut};
use std::rc::Rc;

use js_sys::JSON;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::json::{Fields, Reader};
use crate::core::store::{profile_key, MemoryStore};
use crate::core::{self, Error};

use super::error::to_js;
use super::listeners::{Cause, Listeners};
use super::local_storage::{AnyStore, LocalStorage};
use super::{json_text, now, options_text};

type Core = core::Personalizer<AnyStore>;

struct Options {
    profile: String,
    storage: Option<String>,
}

impl Options {
    /// `{ profile?, storage? }`; errors name `options` (the object) as before.
    fn read(text: &str) -> Result<Options, Error> {
        let mut o = Options {
            profile: "default".into(),
            storage: None,
        };
        if text.is_empty() {
            return Ok(o);
        }
        let mut r = Reader::new(text);
        let mut fields = Fields::new(&["profile", "storage"]);
        r.object("struct Options", |r, key| {
            match fields.see_known(r, key)? {
                0 => r.string().map(|s| o.profile = s.into_owned()),
                _ => {
                    o.storage = if r.null()? {
                        None
                    } else {
                        Some(r.string()?.into_owned())
                    };
                    Ok(())
                }
            }
        })
        .and_then(|()| r.finish())
        .map_err(|e| Error::invalid("options", e.message()))?;
        Ok(o)
    }
}

/// On-device personalization: preferences and consented history kept in this
/// browser, an explained ranking of the site's catalogue, nothing sent anywhere.
///
/// @example
/// ```js
/// import init, { Personalizer } from 'ondevice';
/// await init();
/// const p = new Personalizer({ profile: 'default', storage: 'local' });
/// p.loadCatalogue(catalogue);
/// const top = p.rank({ limit: 10 });
/// ```
#[wasm_bindgen]
pub struct Personalizer {
    core: Rc<RefCell<Core>>,
    memory: bool,
    listeners: Rc<Listeners>,
    listener: Option<Closure<dyn FnMut(web_sys::StorageEvent)>>,
}

/// A catalogue's JSON from the bytes of the file: UTF-8, a leading byte
/// order mark skipped as `TextDecoder` does; the compact form is named.
fn json_bytes(bytes: &[u8]) -> Result<&str, Error> {
    if bytes.starts_with(crate::core::catalogue::COMPACT_MAGIC) {
        return Err(Error::invalid(
            "catalogue",
            "is the compact form (it starts with \"ODC\"); load it with loadCompactCatalogue",
        ));
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(text).map_err(|e| {
        Error::invalid(
            "catalogue",
            format!(
                "is not valid UTF-8 (at byte {})",
                e.valid_up_to() + bytes.len() - text.len()
            ),
        )
    })
}

fn throw(e: Error) -> JsValue {
    to_js(e)
}

#[wasm_bindgen]
impl Personalizer {
    /// Opens (or creates) a profile. `storage: 'local'` (default) keeps it in
    /// `localStorage` under `ondevice:profile:<profile>`; `'memory'` keeps
    /// nothing. Storage problems never throw: see `profileSummary().notices`.
    ///
    /// @example
    /// ```js
    /// const p = new Personalizer({ profile: 'default', storage: 'memory' });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "PersonalizerOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<Personalizer, JsValue> {
        let text =
            options_text(&options.unwrap_or(JsValue::UNDEFINED), "options").map_err(throw)?;
        let opts = Options::read(&text).map_err(throw)?;
        let memory = match opts.storage.as_deref() {
            None | Some("local") => false,
            Some("memory") => true,
            Some(other) => {
                return Err(throw(Error::invalid(
                    "options.storage",
                    format!(
                        "{} is not allowed; allowed: \"local\", \"memory\"",
                        crate::core::limits::quote(other)
                    ),
                )))
            }
        };
        let store = if memory {
            AnyStore::Memory(MemoryStore::default())
        } else {
            AnyStore::Local(LocalStorage::open())
        };
        let core = Rc::new(RefCell::new(
            Core::open(store, &opts.profile, now()).map_err(throw)?,
        ));
        let listeners = Rc::new(Listeners::default());
        let listener = if memory {
            None
        } else {
            listen(&core, &listeners, profile_key(&opts.profile))
        };
        Ok(Personalizer {
            core,
            memory,
            listeners,
            listener,
        })
    }

    fn core(&self) -> Result<RefMut<'_, Core>, JsValue> {
        self.core.try_borrow_mut().map_err(|_| {
            throw(Error::Refused(
                "ondevice is busy: a method was called from inside an onChange callback".into(),
            ))
        })
    }

    /// Loads (or replaces) the site's catalogue: an object, a JSON string, or
    /// the JSON file's bytes as a `Uint8Array` (fastest: no JS string is made).
    /// Returns warnings (e.g. dropped references to unknown items). A rejected
    /// catalogue throws and leaves the previous one in place.
    ///
    /// @example
    /// ```js
    /// const warnings = p.loadCatalogue({ version: 1, categories: [], items: [{ id: 'm1' }] });
    /// // or: p.loadCatalogue(new Uint8Array(await (await fetch('/catalogue.json')).arrayBuffer()));
    /// ```
    #[wasm_bindgen(js_name = loadCatalogue, unchecked_return_type = "CatalogueWarning[]")]
    pub fn load_catalogue(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Catalogue | string | Uint8Array")]
        catalogue: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (bytes, text);
        let json = match catalogue.dyn_ref::<js_sys::Uint8Array>() {
            Some(array) => {
                bytes = array.to_vec();
                json_bytes(&bytes).map_err(throw)?
            }
            None => {
                text = json_text(&catalogue, "catalogue").map_err(throw)?;
                text.as_str()
            }
        };
        let warnings = self.core()?.load_catalogue(json).map_err(throw)?;
        self.listeners.announce(Cause::Catalogue);
        super::to_js(&warnings)
    }

    /// Like `loadCatalogue`, from the compact binary form of a catalogue
    /// (see `COMPACT.md`): the same content and the same checks,
    /// loaded several times faster and a fraction of the JSON's size.
    ///
    /// @example
    /// ```js
    /// // `bytes`: a Uint8Array holding the compact catalogue the site published.
    /// const warnings = p.loadCompactCatalogue(bytes);
    /// ```
    #[wasm_bindgen(js_name = loadCompactCatalogue, unchecked_return_type = "CatalogueWarning[]")]
    pub fn load_compact_catalogue(&self, bytes: &[u8]) -> Result<JsValue, JsValue> {
        let warnings = self.core()?.load_compact_catalogue(bytes).map_err(throw)?;
        self.listeners.announce(Cause::Catalogue);
        super::to_js(&warnings)
    }

    /// The catalogue's categories (for building sliders).
    #[wasm_bindgen(unchecked_return_type = "CategoryInfo[]")]
    pub fn categories(&self) -> Result<JsValue, JsValue> {
        let core = self.core()?;
        super::to_js(core.catalogue().map_or(&[][..], |c| c.categories()))
    }

    /// The current preferences.
    #[wasm_bindgen(unchecked_return_type = "Preferences")]
    pub fn preferences(&self) -> Result<JsValue, JsValue> {
        super::to_js(self.core()?.preferences())
    }

    /// Changes some preferences; every field is checked first and a bad one
    /// throws an `Error` naming it, changing nothing.
    ///
    /// @example
    /// ```js
    /// p.setPreferences({ personalization: 0.8, categories: { 'sci-fi': 0.5 }, historyConsent: true });
    /// ```
    #[wasm_bindgen(js_name = setPreferences)]
    pub fn set_preferences(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Partial<Preferences>")] partial: JsValue,
    ) -> Result<(), JsValue> {
        let text = json_text(&partial, "preferences").map_err(throw)?;
        self.core()?.set_preferences(&text, now()).map_err(throw)?;
        self.listeners.announce(Cause::Preferences);
        Ok(())
    }

    /// Records an interaction if the person consented to history; returns
    /// whether it was recorded. Invalid events throw with or without consent.
    ///
    /// @example
    /// ```js
    /// p.record({ itemId: 'm1', kind: 'view' });
    /// ```
    pub fn record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "InteractionEvent")] event: JsValue,
    ) -> Result<bool, JsValue> {
        let text = json_text(&event, "event").map_err(throw)?;
        let recorded = self.core()?.record(&text, now()).map_err(throw)?;
        if recorded {
            self.listeners.announce(Cause::History);
        }
        Ok(recorded)
    }

    /// Counts that these items were shown today (for the frequency cap).
    /// Only with consent; returns how many were counted.
    #[wasm_bindgen(js_name = recordImpressions)]
    pub fn record_impressions(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] ids: JsValue,
    ) -> Result<u32, JsValue> {
        let text = json_text(&ids, "ids").map_err(throw)?;
        // Not announced: a page counts impressions of the list it has just
        // shown, and that list should not move because it was seen.
        let n = self
            .core()?
            .record_impressions(&text, now())
            .map_err(throw)?;
        Ok(n as u32)
    }

    /// Marks items out of stock (`available` false) or back (true): an
    /// unavailable item is left out of every list until it is available
    /// again. Site data, in memory only: never stored, kept when the
    /// catalogue is reloaded. Returns how many items changed.
    ///
    /// @example
    /// ondevice.setAvailability(['sku-12', 'sku-40'], false);
    #[wasm_bindgen(js_name = setAvailability)]
    pub fn set_availability(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] ids: JsValue,
        available: bool,
    ) -> Result<u32, JsValue> {
        let text = json_text(&ids, "ids").map_err(throw)?;
        let n = self
            .core()?
            .set_availability(&text, available)
            .map_err(throw)?;
        if n > 0 {
            self.listeners.announce(Cause::Catalogue);
        }
        Ok(n as u32)
    }

    /// The top items for this person, each with its reasons.
    ///
    /// @example
    /// ```js
    /// const top = p.rank({ limit: 10 });
    /// const complements = p.rank({ limit: 5, context: { itemId: 'm1' } });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "RankedItem[]")]
    pub fn rank(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "RankOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let text =
            options_text(&options.unwrap_or(JsValue::UNDEFINED), "options").map_err(throw)?;
        let ranked = self.core()?.rank(&text, now()).map_err(throw)?;
        super::to_js(&ranked)
    }

    /// The full factor breakdown of one item's score; `reasons` on ranked
    /// items are derived from it.
    ///
    /// @example
    /// ```js
    /// const why = p.explain('m2');
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(
        &self,
        #[wasm_bindgen(js_name = itemId)] item_id: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "RankOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let text =
            options_text(&options.unwrap_or(JsValue::UNDEFINED), "options").map_err(throw)?;
        let e = self.core()?.explain(item_id, &text, now()).map_err(throw)?;
        super::to_js(&e)
    }

    /// What is stored and learned: interests per category, event counts,
    /// oldest event, consent, bytes stored, whether storage is persistent.
    #[wasm_bindgen(js_name = profileSummary, unchecked_return_type = "ProfileSummary")]
    pub fn profile_summary(&self) -> Result<JsValue, JsValue> {
        let mut s = self.core()?.summary(now());
        if self.memory {
            s.persistent = false;
        }
        super::to_js(&s)
    }

    /// A versioned document of everything stored for this profile.
    #[wasm_bindgen(js_name = exportData, unchecked_return_type = "ExportDocument")]
    pub fn export_data(&self) -> Result<JsValue, JsValue> {
        JSON::parse(&self.core()?.export_data(now()))
    }

    /// Replaces everything stored with an export (object or JSON string).
    /// Bad input throws and changes nothing.
    #[wasm_bindgen(js_name = importData)]
    pub fn import_data(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ExportDocument | string")] data: JsValue,
    ) -> Result<(), JsValue> {
        let text = json_text(&data, "import").map_err(throw)?;
        self.core()?.import_data(&text, now()).map_err(throw)?;
        self.listeners.announce(Cause::Import);
        Ok(())
    }

    /// Deletes every key this profile wrote (profile and quarantine) and
    /// resets preferences and history to defaults.
    pub fn forget(&self) -> Result<(), JsValue> {
        self.core()?.forget(now()).map_err(throw)?;
        self.listeners.announce(Cause::Forget);
        Ok(())
    }

    /// A locally randomized report of the person's top interests (ε-local
    /// differential privacy, optimized unary encoding), only if they turned on
    /// `shareStatistics`; throws otherwise, and when this period's privacy
    /// budget is spent. ondevice sends nothing: the site decides.
    ///
    /// @example
    /// ```js
    /// p.setPreferences({ shareStatistics: true });
    /// const report = p.privateReport(); // { mechanism: 'oue', epsilon: 2, categories, bits }
    /// ```
    #[wasm_bindgen(js_name = privateReport, unchecked_return_type = "PrivateReport")]
    pub fn private_report(&self) -> Result<JsValue, JsValue> {
        let report = self.core()?.private_report(now()).map_err(throw)?;
        super::to_js(&report)
    }

    /// Re-reads storage; returns true if another tab had changed the profile.
    /// Called automatically on the browser's `storage` event.
    pub fn sync(&self) -> Result<bool, JsValue> {
        let changed = self.core()?.sync(now());
        if changed {
            self.listeners.announce(Cause::Sync);
        }
        Ok(changed)
    }

    /// Calls `callback(cause)` after every change of what `rank` depends on:
    /// preferences, history (`record`; not `recordImpressions`, so a list
    /// does not move because it was shown), the catalogue, an import,
    /// `forget()`, or another tab's change adopted (`"sync"`). Listeners add up (the page, the panel
    /// and a React hook can all listen); the returned function removes this
    /// one. `onChange(null)` removes every listener (it used to remove the
    /// single one; prefer the returned function).
    ///
    /// @example
    /// ```js
    /// const off = p.onChange((cause) => render(p.rank({ limit: 10 })));
    /// off(); // stop listening
    /// ```
    #[wasm_bindgen(js_name = onChange, unchecked_return_type = "() => void")]
    pub fn on_change(
        &self,
        #[wasm_bindgen(unchecked_param_type = "((cause: ChangeCause) => void) | null")]
        callback: JsValue,
    ) -> Result<JsValue, JsValue> {
        if callback.is_null() || callback.is_undefined() {
            self.listeners.clear();
            return Ok(JsValue::UNDEFINED);
        }
        let Some(f) = callback.dyn_ref::<js_sys::Function>() else {
            return Err(throw(Error::invalid(
                "callback",
                "expected a function, or null to remove every listener",
            )));
        };
        let id = self.listeners.add(f.clone());
        let listeners = Rc::clone(&self.listeners);
        Ok(Closure::<dyn FnMut()>::new(move || listeners.remove(id)).into_js_value())
    }

    /// How many changes `onChange` listeners were told of so far: a value
    /// that changes exactly when a ranking may have (for caches and
    /// `useSyncExternalStore` snapshots).
    #[wasm_bindgen(getter)]
    pub fn revision(&self) -> u32 {
        self.listeners.revision()
    }

    /// The site's own order: what `rank` returns to a visitor the site knows
    /// nothing about (personalization 0, nothing blocked, dismissed or
    /// bought). It depends only on the catalogue, the options and the time
    /// (`at`, default now), never on the stored profile, so a server renders
    /// exactly the list the browser hydrates; then `rank` reorders it.
    ///
    /// @example
    /// ```js
    /// const first = p.siteOrder({ limit: 10, at: renderedAt }); // server and hydration
    /// const mine = p.rank({ limit: 10 });                        // after hydration
    /// ```
    #[wasm_bindgen(js_name = siteOrder, unchecked_return_type = "RankedItem[]")]
    pub fn site_order(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SiteOrderOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<JsValue, JsValue> {
        let text =
            options_text(&options.unwrap_or(JsValue::UNDEFINED), "options").map_err(throw)?;
        let ranked = self.core()?.site_order(&text, now()).map_err(throw)?;
        super::to_js(&ranked)
    }

    /// The latest distinct items the person engaged with, newest first, for
    /// "Because you viewed ..." rows: `[{ itemId, kind, at }]`. Only items of
    /// the catalogue, never one in a blocked category or in a sensitive one
    /// the person has not turned on.
    ///
    /// @example
    /// ```js
    /// const [last] = p.recentItems({ limit: 1 });
    /// if (last) render(p.rank({ limit: 5, context: { itemId: last.itemId } }));
    /// ```
    #[wasm_bindgen(js_name = recentItems, unchecked_return_type = "RecentItem[]")]
    pub fn recent_items(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "RecentItemsOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<JsValue, JsValue> {
        let text =
            options_text(&options.unwrap_or(JsValue::UNDEFINED), "options").map_err(throw)?;
        let items = self.core()?.recent_items(&text).map_err(throw)?;
        super::to_js(&items)
    }
}

/// Listens for other tabs writing this profile's key.
fn listen(
    core: &Rc<RefCell<Core>>,
    listeners: &Rc<Listeners>,
    key: String,
) -> Option<Closure<dyn FnMut(web_sys::StorageEvent)>> {
    let window = web_sys::window()?;
    let core = Rc::clone(core);
    let listeners = Rc::clone(listeners);
    let closure =
        Closure::<dyn FnMut(web_sys::StorageEvent)>::new(move |event: web_sys::StorageEvent| {
            // A null key means the other tab cleared all storage.
            if event.key().is_some_and(|k| k != key) {
                return;
            }
            let changed = match core.try_borrow_mut() {
                Ok(mut c) => c.sync(now()),
                Err(_) => false,
            };
            if changed {
                listeners.announce(Cause::Sync);
            }
        });
    window
        .add_event_listener_with_callback("storage", closure.as_ref().unchecked_ref())
        .ok()?;
    Some(closure)
}

impl Drop for Personalizer {
    fn drop(&mut self) {
        if let (Some(window), Some(closure)) = (web_sys::window(), self.listener.as_ref()) {
            let _ = window
                .remove_event_listener_with_callback("storage", closure.as_ref().unchecked_ref());
        }
    }
}
