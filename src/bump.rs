//! The global allocator of the `no_std` wasm: a bump allocator that wipes what it handed out.
//!
//! Every export is synchronous, and wasm-bindgen frees the argument strings and the returned
//! string once the call is over, so between two calls from JavaScript nothing is allocated.
//! The allocator counts live blocks; when the count returns to zero it overwrites the whole
//! region used since the last reset with zeros and starts again from its base. No password,
//! code verifier or token stays in wasm memory after the call that handled it.
//!
//! The heap starts at the end of the memory as it is at the first allocation and grows with
//! `memory.grow`. Freed blocks are not reused before the reset; `realloc` of the most recent
//! block grows or shrinks it in place (a shrunk tail is wiped at once), which is how strings and
//! vectors are usually built.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::UnsafeCell;
use core::ptr;

const PAGE: usize = 65_536;

struct State {
    /// First byte of the heap; 0 until the first allocation.
    base: usize,
    /// First free byte.
    next: usize,
    /// End of the memory (the heap's limit before it must grow).
    end: usize,
    /// Blocks allocated and not yet freed.
    live: usize,
}

struct Bump(UnsafeCell<State>);

// SAFETY: wasm32-unknown-unknown without the atomics feature has a single thread, so the state
// is never accessed concurrently.
unsafe impl Sync for Bump {}

#[global_allocator]
static HEAP: Bump = Bump(UnsafeCell::new(State {
    base: 0,
    next: 0,
    end: 0,
    live: 0,
}));

/// Overwrites `[from, to)` with zeros (nothing when `to <= from`). Volatile writes, so the wipe
/// is not optimised away as stores to memory that is never read again.
///
/// # Safety
/// `[from, to)` must be memory of this allocator that no live block uses.
unsafe fn wipe(from: usize, to: usize) {
    let mut p = from as *mut u8;
    while (p as usize) < to {
        // SAFETY: within `[from, to)`, which the caller owns.
        unsafe {
            ptr::write_volatile(p, 0);
            p = p.add(1);
        }
    }
}

impl State {
    /// Makes `[.., new_next)` part of the heap, growing the memory if needed.
    fn reserve(&mut self, new_next: usize) -> bool {
        if new_next > self.end {
            let pages = (new_next - self.end).div_ceil(PAGE);
            if wasm32::memory_grow(0, pages) == usize::MAX {
                return false;
            }
            self.end += pages * PAGE;
        }
        true
    }
}

unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: single thread (see `Sync`), and no reference to the state outlives this call.
        let s = unsafe { &mut *self.0.get() };
        if s.base == 0 {
            let end = wasm32::memory_size(0) * PAGE;
            *s = State {
                base: end,
                next: end,
                end,
                live: 0,
            };
        }
        // `align` is a power of two.
        let start = (s.next + layout.align() - 1) & !(layout.align() - 1);
        match start.checked_add(layout.size()) {
            Some(new_next) if start >= s.next && s.reserve(new_next) => {
                s.next = new_next;
                s.live += 1;
                start as *mut u8
            }
            // Out of memory: trap rather than return null, so no error path is linked.
            _ => wasm32::unreachable(),
        }
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {
        // SAFETY: as in `alloc`.
        let s = unsafe { &mut *self.0.get() };
        s.live -= 1;
        if s.live == 0 {
            // SAFETY: `[base, next)` is memory this allocator owns, and no block in it is live.
            unsafe { wipe(s.base, s.next) };
            s.next = s.base;
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as in `alloc`; the reference is dropped before `alloc`/`dealloc` below.
        let s = unsafe { &mut *self.0.get() };
        let start = ptr as usize;
        if start + layout.size() == s.next {
            // The most recent block: resize it where it is. A shrunk tail is wiped now: the
            // reset only wipes up to `next`.
            return match start.checked_add(new_size) {
                Some(new_next) if s.reserve(new_next) => {
                    // SAFETY: `[new_next, next)` is the end of the block being shrunk, which
                    // nothing else uses; empty when the block grows.
                    unsafe { wipe(new_next, s.next) };
                    s.next = new_next;
                    ptr
                }
                _ => wasm32::unreachable(),
            };
        }
        // SAFETY: `new_size` with the old alignment is a valid layout (GlobalAlloc's contract).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: the old block is live and `new` is a fresh block of at least the copied length;
        // they do not overlap because the bump allocator never hands out the same bytes twice.
        unsafe {
            let new = self.alloc(new_layout);
            ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            self.dealloc(ptr, layout);
            new
        }
    }
}
