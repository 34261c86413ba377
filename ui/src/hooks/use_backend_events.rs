//! Listens to the backend's `session-warning` and `session-ended` events for the life of the
//! app, and asks for the current warning whenever a session begins or is restored, so a page
//! that loads after the watcher spoke still shows the notice. When the window becomes visible
//! or focused again it re-checks the session, since a hidden webview's timers stall.

use gloo_events::EventListener;
use tenure_core::wire::{SessionEndedEvent, WarningEvent, EVENT_ENDED, EVENT_WARNING};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{self, events, SessionHandle};

#[hook]
pub fn use_backend_events(session: &SessionHandle) {
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            let on_warning = session.clone();
            let warning = events::subscribe::<WarningEvent, _>(EVENT_WARNING, move |e| {
                on_warning.on_warning(e)
            });
            let ended = events::subscribe::<SessionEndedEvent, _>(EVENT_ENDED, move |e| {
                session.on_ended(e.by)
            });
            move || drop((warning, ended))
        });
    }

    // Back from hidden or minimised: re-check at once rather than trust a stalled page.
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            let listeners = web_sys::window()
                .and_then(|w| Some((w.document()?, w)))
                .map(|(document, window)| {
                    let on_visible = session.clone();
                    let doc = document.clone();
                    let visible = EventListener::new(&document, "visibilitychange", move |_| {
                        if !doc.hidden() {
                            on_visible.recheck();
                        }
                    });
                    let on_focus = session.clone();
                    let focus = EventListener::new(&window, "focus", move |_| on_focus.recheck());
                    (visible, focus)
                });
            move || drop(listeners)
        });
    }

    let session_id = session.session().map(|v| v.session_id);
    let session = session.clone();
    use_effect_with(session_id, move |id| {
        if id.is_some() {
            spawn_local(async move {
                match session.authed(api::current_warning).await {
                    Ok(Some(w)) => session.on_warning(w),
                    Ok(None) => {}
                    Err(e) => api::log_warning(&format!("could not read the current warning: {e}")),
                }
            });
        }
    });
}
