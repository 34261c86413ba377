//! Refreshes the session because of the person: any click or key press in the window, at most
//! once a minute (the throttle lives in `SessionHandle::refresh_on_activity`). Listening in the
//! capture phase sees every action, even one a dialog stops from reaching the page.

use gloo_events::{EventListener, EventListenerOptions};
use yew::prelude::*;

use crate::api::SessionHandle;

#[hook]
pub fn use_activity_refresh(session: &SessionHandle) {
    let session = session.clone();
    use_effect_with((), move |_| {
        let listeners = web_sys::window()
            .and_then(|w| w.document())
            .map(|document| {
                ["click", "keydown"].map(|kind| {
                    let session = session.clone();
                    EventListener::new_with_options(
                        &document,
                        kind,
                        EventListenerOptions::run_in_capture_phase(),
                        move |_| session.refresh_on_activity(),
                    )
                })
            });
        move || drop(listeners)
    });
}
