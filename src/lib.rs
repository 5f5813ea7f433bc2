//! fitconnect: connect web users to fitness and gym platforms from the browser.
//!
//! [`core`] holds the protocol logic (authorise URLs, callback validation, token responses,
//! PKCE, state, expiry, errors) and has no browser dependency; [`core::api`] is its interface of
//! pure functions, each answering JSON text. On `wasm32` the `wasm` module exports one entry that
//! runs any of them on a call written in the [`core::wire`] format (with `alloc` and `free` for
//! its memory); the browser plumbing (popup, storage, fetch) is JavaScript.
//!
//! Without the `std` feature the crate is `no_std`: on `wasm32` it then brings its own bump
//! allocator, which wipes the heap whenever the last allocation is freed, and a panic handler
//! that traps.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
mod bump;

/// Without std a panic cannot unwind or print: it stops the call with a wasm trap, which
/// JavaScript sees as a `RuntimeError`.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo<'_>) -> ! {
    ::core::arch::wasm32::unreachable()
}
