//! Hooks for the session context: [`use_session_root`] creates it once at the root of the app,
//! [`use_session`] reads it anywhere below.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::api::{Live, SessionHandle};
use crate::state::session::SessionState;

/// Creates the app's one session handle; the root provides it as a context.
#[hook]
pub fn use_session_root() -> SessionHandle {
    let state = use_reducer(SessionState::default);
    let live = use_memo((), |_| RefCell::new(Live::default()));
    // `use_memo` hands out an `Rc` to the same value on every render.
    SessionHandle::new(state, Rc::clone(&live))
}

/// The session handle provided by the app's root.
///
/// # Panics
/// Outside the root's context provider, which would be a wiring mistake.
#[hook]
pub fn use_session() -> SessionHandle {
    use_context::<SessionHandle>().expect("use_session is used below the session provider")
}
