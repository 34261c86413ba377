//! The app's state as plain structs with action enums implementing `yew::Reducible`: no DOM,
//! no JavaScript, no clock, so `cargo test -p tenure-ui` runs them natively.

pub mod person_form;
pub mod policy_form;
pub mod session;
