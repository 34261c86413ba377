//! The notice at the top of every signed-in page when the session is about to end. Idle: amber,
//! "Stay signed in" refreshes. Absolute: cyan, only "Sign in now" helps, so there is no stay
//! button. Either can be dismissed for its expiry instant. The minutes count down for display
//! only; the backend's watcher, not this timer, decides when the session ends.

use tenure_core::warning::WarningReason;
use tenure_core::AppError;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::describe;
use crate::components::icons;
use crate::copy;
use crate::hooks::{use_now, use_session};

#[component]
pub fn ExpiryNotice() -> Html {
    let session = use_session();
    let now = use_now(15_000);
    let busy = use_state_eq(|| false);
    let error = use_state_eq(|| None::<String>);

    let Some(warning) = session.notice().cloned() else {
        return Html::default();
    };
    let minutes = warning.minutes_left(now);

    let on_dismiss = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.dismiss_notice())
    };

    let body = match warning.event.reason {
        WarningReason::Idle => {
            let on_stay = {
                let session = session.clone();
                let busy = busy.clone();
                let error = error.clone();
                Callback::from(move |_: MouseEvent| {
                    let session = session.clone();
                    let busy = busy.clone();
                    let error = error.clone();
                    busy.set(true);
                    error.set(None);
                    spawn_local(async move {
                        // Success clears the notice through the session state; an ended
                        // session goes to Sign in. Anything else is worth saying here.
                        match session.refresh().await {
                            Ok(_) | Err(AppError::SessionEnded { .. }) => {}
                            Err(e) => error.set(Some(describe(&e))),
                        }
                        busy.set(false);
                    });
                })
            };
            html! { <>
                { icons::clock() }
                <div class="notice-body">
                    <p class="notice-text">{ copy::idle_notice(minutes) }</p>
                    if let Some(e) = &*error {
                        <p class="notice-error">{ e.clone() }</p>
                    }
                </div>
                <div class="notice-actions">
                    <button id="stay-signed-in" type="button" class="btn btn-amber btn-sm"
                        disabled={*busy} onclick={on_stay}>{ "Stay signed in" }</button>
                </div>
            </> }
        }
        WarningReason::Absolute => {
            let on_sign_in = {
                let session = session.clone();
                Callback::from(move |e: MouseEvent| {
                    // Sign out first; the layout then sends the person to Sign in, with no
                    // banner, since they chose to go.
                    e.prevent_default();
                    let session = session.clone();
                    spawn_local(async move { session.sign_out().await });
                })
            };
            html! { <>
                { icons::info() }
                <div class="notice-body">
                    <p class="notice-text">{ copy::absolute_notice(minutes) }</p>
                </div>
                <div class="notice-actions">
                    <a id="sign-in-now" href="/sign-in" class="btn btn-cyan btn-sm"
                        onclick={on_sign_in}>{ "Sign in now" }</a>
                </div>
            </> }
        }
    };
    let tone = match warning.event.reason {
        WarningReason::Idle => "notice-idle",
        WarningReason::Absolute => "notice-absolute",
    };

    html! {
        <div id="expiry-notice" class={classes!("notice", tone)} role="alert">
            { body }
            <button id="notice-dismiss" type="button" class="btn-icon" aria-label="Dismiss"
                title="Dismiss" onclick={on_dismiss}>{ icons::close() }</button>
        </div>
    }
}
