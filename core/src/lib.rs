//! Tenure's domain: the session policy and its validation, session status, the expiry-warning
//! evaluation, and the wire contract shared by the backend and the WebAssembly UI.
//!
//! Nothing here performs I/O or reads a clock: every function that depends on time takes `now`.
//! The same code runs in the backend (authoritative) and in the UI (inline validation), so the
//! owner sees exactly the message the backend would return.

pub mod error;
pub mod policy;
pub mod session;
pub mod warning;
pub mod wire;

pub use error::AppError;
