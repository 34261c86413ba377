//! Typed subscriptions to the backend's events (`session-warning`, `session-ended`). A
//! [`Subscription`] stops listening when dropped, even if Tauri has not yet answered the
//! `listen` call.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

use super::bridge;
use super::error::{js_text, log_warning};

pub struct Subscription {
    inner: Rc<Inner>,
}

struct Inner {
    // Must outlive the registration: Tauri calls it until `unlisten` runs.
    handler: Closure<dyn FnMut(JsValue)>,
    unlisten: RefCell<Option<js_sys::Function>>,
    dropped: Cell<bool>,
}

fn stop(unlisten: &js_sys::Function) {
    if let Err(e) = unlisten.call0(&JsValue::NULL) {
        log_warning(&format!("could not stop listening: {}", js_text(&e)));
    }
}

/// Calls `on_event` with each payload of event `name` that decodes as `T`.
pub fn subscribe<T, F>(name: &'static str, on_event: F) -> Subscription
where
    T: DeserializeOwned + 'static,
    F: Fn(T) + 'static,
{
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let payload = js_sys::Reflect::get(&event, &JsValue::from_str("payload"))
            .unwrap_or(JsValue::UNDEFINED);
        match serde_wasm_bindgen::from_value::<T>(payload) {
            Ok(value) => on_event(value),
            Err(e) => log_warning(&format!("event {name} did not decode: {e}")),
        }
    });
    let inner = Rc::new(Inner {
        handler,
        unlisten: RefCell::new(None),
        dropped: Cell::new(false),
    });
    let task = inner.clone();
    spawn_local(async move {
        match bridge::listen(name, &task.handler).await {
            Ok(f) => {
                let Ok(f) = f.dyn_into::<js_sys::Function>() else {
                    return;
                };
                if task.dropped.get() {
                    stop(&f);
                } else {
                    *task.unlisten.borrow_mut() = Some(f);
                }
            }
            Err(e) => log_warning(&format!("could not listen to {name}: {}", js_text(&e))),
        }
    });
    Subscription { inner }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.inner.dropped.set(true);
        if let Some(f) = self.inner.unlisten.borrow_mut().take() {
            stop(&f);
        }
    }
}
