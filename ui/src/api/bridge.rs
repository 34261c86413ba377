//! The two JavaScript functions Tauri puts on `window.__TAURI__` (the config sets
//! `withGlobalTauri`): `core.invoke` for commands and `event.listen` for backend events.
//! Nothing else in the UI touches the global. The namespace is resolved at call time, so
//! outside Tauri (a plain browser) a call fails with an error instead of breaking start-up.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Resolves with the command's value; rejects with its serialised `AppError` (or a plain
    /// string when Tauri itself refuses, e.g. arguments it cannot decode).
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    pub async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    /// Resolves with the function that stops listening.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], catch)]
    pub async fn listen(
        event: &str,
        handler: &Closure<dyn FnMut(JsValue)>,
    ) -> Result<JsValue, JsValue>;
}
