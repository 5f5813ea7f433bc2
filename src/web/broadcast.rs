//! `BroadcastChannel`: messages to every page of this origin (other tabs, and a callback page
//! that lost its opener).

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent};

/// Posts `message` on the channel `name` and closes it; nothing happens where the API is missing.
pub fn post(name: &str, message: &JsValue) -> bool {
    match BroadcastChannel::new(name) {
        Ok(channel) => {
            let sent = channel.post_message(message).is_ok();
            channel.close();
            sent
        }
        Err(_) => false,
    }
}

/// A channel and its message handler, open until dropped.
pub struct Listener {
    channel: BroadcastChannel,
    _handler: Closure<dyn FnMut(MessageEvent)>,
}

impl Listener {
    /// Opens the channel `name` and calls `handler` with each message's data.
    pub fn new(name: &str, mut handler: impl FnMut(JsValue) + 'static) -> Option<Listener> {
        let channel = BroadcastChannel::new(name).ok()?;
        let handler =
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| handler(e.data()));
        channel.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        Some(Listener {
            channel,
            _handler: handler,
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

thread_local! {
    static PAGE_LISTENERS: RefCell<Vec<Listener>> = const { RefCell::new(Vec::new()) };
}

/// Keeps a listener for the rest of the page's life.
pub fn keep(listener: Listener) {
    PAGE_LISTENERS.with_borrow_mut(|l| l.push(listener));
}
