//! A counting global allocator: bytes live on this thread and their peak
//! since the last `reset_peak`, so each input's peak memory can be checked
//! against a bound relative to its size. Counts are per thread, so tests
//! running in parallel (cargo test) do not inflate each other's peaks; the
//! thread-locals are const-initialized `Cell`s, which never allocate.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

pub struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn grew(by: usize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get().saturating_add(by as isize);
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

fn shrank(by: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(by as isize)));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes allocated on this thread and not yet freed (negative if this
/// thread freed memory that another allocated).
pub fn live() -> isize {
    LIVE.with(Cell::get)
}

/// Starts a new peak measurement at the current live size.
pub fn reset_peak() {
    let live = live();
    PEAK.with(|p| p.set(live));
}

/// Peak bytes above the live size at the last `reset_peak`.
pub fn peak_since(base: isize) -> usize {
    PEAK.with(Cell::get).saturating_sub(base).max(0) as usize
}
