//! The wasm's exports, called by the JavaScript layer's loader (`js/core.js`) without any
//! generated glue: `alloc(len)` reserves the bytes of a call, the loader writes the call into
//! them (an array in the [`wire`](crate::core::wire) format: the function's name, then its
//! arguments), `call(ptr, len)` runs it and answers a pointer to the answer's length (a
//! little-endian `u32`) followed by its UTF-8 text, and `free(ptr)` releases that answer.
//!
//! With the `no_std` build's allocator, freeing the answer frees the last block of the call, so
//! the whole heap the call used is wiped then.

use alloc::vec::Vec;

use wasm_bindgen::prelude::wasm_bindgen;

use crate::core::api;

/// Reserves `len` bytes for a call; [`call`] takes them back.
#[export_name = "alloc"]
pub extern "C" fn reserve(len: usize) -> *mut u8 {
    Vec::<u8>::with_capacity(len).leak().as_mut_ptr()
}

/// Runs the call in the `len` bytes at `ptr` (from [`reserve`], which this frees) and answers the
/// answer's address, for [`free`].
///
/// # Safety
/// `ptr` and `len` must come from one [`reserve`] call, and the bytes must not be used after.
// A wasm-bindgen export (numbers in, a number out, so its glue is never needed): wasm-pack's
// wasm-bindgen step fails on a module that links none of wasm-bindgen's intrinsics.
#[wasm_bindgen]
pub unsafe fn call(ptr: *mut u8, len: usize) -> *mut u8 {
    // SAFETY: a block of capacity `len` from `reserve`, handed over by the caller.
    let input = unsafe { Vec::from_raw_parts(ptr, len, len) };
    let answer = api::run(&input);
    drop(input);
    let mut out = Vec::with_capacity(4 + answer.len());
    out.extend_from_slice(&(answer.len() as u32).to_le_bytes());
    out.extend_from_slice(answer.as_bytes());
    out.leak().as_mut_ptr()
}

/// Frees an answer of [`call`].
///
/// # Safety
/// `ptr` must be an answer of [`call`] not freed before.
#[export_name = "free"]
pub unsafe extern "C" fn free(ptr: *mut u8) {
    // SAFETY: an answer of `call`: its length, then as many bytes, in one block of exactly that
    // capacity.
    unsafe {
        let len = 4 + u32::from_le_bytes(*(ptr as *const [u8; 4])) as usize;
        drop(Vec::from_raw_parts(ptr, len, len));
    }
}
