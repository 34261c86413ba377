//! Tenure's WebAssembly front end (Yew). Data flows one way: a click in a page or component, a
//! typed call in [`api`], a Tauri command in the backend. The backend decides everything that
//! matters (validation, who may do what, when a session ends); the UI checks inputs with the
//! same `tenure_core` functions so people see the backend's words as they type.
//!
//! The access token lives only in memory ([`api::SessionHandle`]); the refresh token never
//! reaches the webview. The state modules are plain reducers, tested natively with
//! `cargo test -p tenure-ui`.

mod api;
mod app;
mod components;
mod copy;
mod hooks;
mod pages;
mod routes;
mod state;
mod time;

/// A `performance.mark` for start-up profiling (Web Inspector's timeline; `cargo xtask bench`
/// reads them): `tenure-main` when the wasm starts, `tenure-booted` when the backend's first
/// answer arrives.
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

fn main() {
    mark("tenure-main");
    yew::Renderer::<app::App>::new().render();
}
