//! The Tauri commands, one file per area. Each is a few lines: authenticate, hand off to the
//! service, return its result. Errors cross as the tagged [`tenure_core::AppError`].

pub mod auth;
#[cfg(feature = "test-hooks")]
pub mod debug;
pub mod members;
pub mod security;
