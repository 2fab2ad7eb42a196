//! `onChange` subscribers: every change this personalizer made or adopted
//! from another tab is announced to each of them, with its cause.

use std::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;

/// Why the profile or catalogue changed, as listeners receive it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    Preferences,
    History,
    Catalogue,
    Import,
    Forget,
    /// Another tab wrote the profile, and this one adopted it.
    Sync,
}

impl Cause {
    fn name(self) -> &'static str {
        match self {
            Cause::Preferences => "preferences",
            Cause::History => "history",
            Cause::Catalogue => "catalogue",
            Cause::Import => "import",
            Cause::Forget => "forget",
            Cause::Sync => "sync",
        }
    }
}

/// A listener that changes the profile again would announce again from
/// inside the announcement; such nested changes are announced after the
/// current round, and at most this many rounds follow one change, so two
/// listeners that keep answering each other cannot loop forever.
const MAX_ROUNDS: u32 = 8;

#[derive(Default)]
pub struct Listeners {
    list: RefCell<Vec<(u32, js_sys::Function)>>,
    next_id: Cell<u32>,
    /// Changes announced so far (the `revision` getter).
    revision: Cell<u32>,
    dispatching: Cell<bool>,
    pending: Cell<Option<Cause>>,
}

impl Listeners {
    pub fn add(&self, f: js_sys::Function) -> u32 {
        let id = self.next_id.get().wrapping_add(1);
        self.next_id.set(id);
        self.list.borrow_mut().push((id, f));
        id
    }

    pub fn remove(&self, id: u32) {
        self.list.borrow_mut().retain(|(i, _)| *i != id);
    }

    pub fn clear(&self) {
        self.list.borrow_mut().clear();
    }

    pub fn revision(&self) -> u32 {
        self.revision.get()
    }

    /// Calls every listener with the cause's name. Must be called with the
    /// core not borrowed, so that listeners can call the personalizer. A
    /// listener that throws does not stop the others: its exception is
    /// reported as an unhandled rejection, as an event listener's would be.
    pub fn announce(&self, cause: Cause) {
        self.revision.set(self.revision.get().wrapping_add(1));
        if self.dispatching.get() {
            self.pending.set(Some(cause));
            return;
        }
        self.dispatching.set(true);
        let mut cause = Some(cause);
        let mut rounds = 0;
        while let Some(c) = cause.take() {
            // A copy: listeners may subscribe or unsubscribe while called.
            let list: Vec<js_sys::Function> =
                self.list.borrow().iter().map(|(_, f)| f.clone()).collect();
            let name = JsValue::from_str(c.name());
            for f in list {
                if let Err(e) = f.call1(&JsValue::NULL, &name) {
                    let _ = js_sys::Promise::reject(&e);
                }
            }
            rounds += 1;
            cause = self.pending.take().filter(|_| rounds < MAX_ROUNDS);
        }
        self.pending.set(None);
        self.dispatching.set(false);
    }
}
