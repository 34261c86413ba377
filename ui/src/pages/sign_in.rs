//! `/sign-in`: email and password. With `?reason=session_expired` a cyan banner says the
//! session expired; a sign-out the person chose arrives without it. A wrong email and a wrong
//! password read the same (the backend words it); a lock-out names the local time.

use tenure_core::wire::SignInRequest;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::auth_card::AuthCard;
use crate::components::field::TextField;
use crate::components::icons;
use crate::components::loading::Loading;
use crate::components::redirect::Go;
use crate::hooks::use_session;
use crate::routes::{Route, SignInQuery, REASON_SESSION_EXPIRED};
use crate::state::session::Auth;

pub const EXPIRED_BANNER: &str = "Your session expired. Please sign in again.";

#[component]
pub fn SignInPage() -> Html {
    let session = use_session();
    let location = use_location();
    let email = use_state_eq(String::new);
    let password = use_state_eq(String::new);
    let busy = use_state_eq(|| false);
    let error = use_state_eq(|| None::<String>);

    match &session.auth {
        Auth::Booting => return html! { <main class="page page-center"><Loading /></main> },
        Auth::NeedsSetup => return html! { <Go to={Route::Setup} /> },
        Auth::SignedIn(_) => return html! { <Go to={Route::Account} /> },
        Auth::SignedOut { .. } => {}
    }

    let expired = location
        .and_then(|l| l.query::<SignInQuery>().ok())
        .and_then(|q| q.reason)
        .is_some_and(|r| r == REASON_SESSION_EXPIRED);

    let onsubmit = {
        let (email, password, busy, error) =
            (email.clone(), password.clone(), busy.clone(), error.clone());
        let session = session.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let missing = if email.trim().is_empty() {
                Some("Enter your email address.")
            } else if password.is_empty() {
                Some("Enter your password.")
            } else {
                None
            };
            if let Some(message) = missing {
                error.set(Some(message.to_owned()));
                return;
            }
            let request = SignInRequest {
                email: email.trim().to_owned(),
                password: (*password).clone(),
            };
            busy.set(true);
            error.set(None);
            let (busy, error, session) = (busy.clone(), error.clone(), session.clone());
            spawn_local(async move {
                match api::sign_in(request).await {
                    // Signed in: this page then sends the person on to their account.
                    Ok(view) => session.signed_in(view),
                    Err(e) => error.set(Some(api::describe(&e))),
                }
                busy.set(false);
            });
        })
    };
    let on_email = {
        let email = email.clone();
        Callback::from(move |v: String| email.set(v))
    };
    let on_password = {
        let password = password.clone();
        Callback::from(move |v: String| password.set(v))
    };

    html! {
        <AuthCard title="Sign in" intro="Sign in to your organisation's Tenure account.">
            if expired {
                <div id="expired-banner" class="alert alert-info" role="status">
                    { icons::info() }
                    <div class="alert-body"><p>{ EXPIRED_BANNER }</p></div>
                </div>
            }
            <form class="form" {onsubmit} novalidate=true>
                <TextField id="signin-email" label="Email" kind="email" autocomplete="username"
                    value={(*email).clone()} disabled={*busy} invalid={error.is_some()}
                    oninput={on_email} />
                <TextField id="signin-password" label="Password" kind="password"
                    autocomplete="current-password" value={(*password).clone()}
                    disabled={*busy} invalid={error.is_some()} oninput={on_password} />
                if let Some(message) = &*error {
                    <div id="signin-error" class="alert alert-danger" role="alert">
                        { icons::alert() }
                        <div class="alert-body"><p>{ message.clone() }</p></div>
                    </div>
                }
                <button id="signin-submit" type="submit" class="btn btn-primary btn-block"
                    disabled={*busy}>
                    { if *busy { "Signing in…" } else { "Sign in" } }
                </button>
            </form>
        </AuthCard>
    }
}
