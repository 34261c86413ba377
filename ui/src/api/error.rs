//! Turning a rejected command into an [`AppError`], and an `AppError` into words for people.
//! The backend rejects with a serialised `AppError`; Tauri itself rejects with a plain string
//! (e.g. when it cannot decode the arguments), which becomes `Internal` with that text.

use tenure_core::AppError;
use wasm_bindgen::{JsCast, JsValue};

use crate::{copy, time};

/// Decodes what a command's promise rejected with.
pub fn decode(value: JsValue) -> AppError {
    serde_wasm_bindgen::from_value::<AppError>(value.clone())
        .unwrap_or_else(|_| AppError::internal(js_text(&value)))
}

/// Best-effort text of any JavaScript value, for messages and the console.
pub fn js_text(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        return s;
    }
    if let Some(e) = value.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}

/// The error as people read it. `AppError`'s own wording is already for people, except the
/// lock-out time, which it gives in UTC: people want their own wall clock.
pub fn describe(error: &AppError) -> String {
    match error {
        AppError::LockedOut { until } => {
            let (hour, minute) = time::local_hour_minute(*until);
            copy::locked_out(hour, minute)
        }
        other => other.to_string(),
    }
}

/// Logs to the webview console; for failures nobody can act on (an event that did not decode).
pub fn log_warning(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(message));
}
