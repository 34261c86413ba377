//! The frame of every signed-in page: the header (app name, who is signed in, navigation,
//! Sign out) and the expiry notice above the page's own content. It is also the guard of the
//! `/account` pages: anyone not signed in is sent to Sign in, with the expired banner when the
//! session ended without them asking.

use tenure_core::wire::Role;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::expiry_notice::ExpiryNotice;
use crate::components::icons;
use crate::components::loading::Loading;
use crate::components::nav_link::RouteLink;
use crate::components::redirect::{Go, GoSignIn};
use crate::copy;
use crate::hooks::use_session;
use crate::routes::Route;
use crate::state::session::Auth;

#[derive(Properties, PartialEq)]
pub struct AppLayoutProps {
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn AppLayout(props: &AppLayoutProps) -> Html {
    let session = use_session();
    let route = use_route::<Route>();
    let view = match &session.auth {
        Auth::Booting => return html! { <main class="page page-center"><Loading /></main> },
        Auth::NeedsSetup => return html! { <Go to={Route::Setup} /> },
        Auth::SignedOut { expired } => return html! { <GoSignIn expired={*expired} /> },
        Auth::SignedIn(view) => view.clone(),
    };
    let is_owner = view.user.role == Role::Owner;
    let on_sign_out = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| {
            let session = session.clone();
            spawn_local(async move { session.sign_out().await });
        })
    };
    let current = |r: Route| route.as_ref() == Some(&r);

    html! {
        <div class="app-shell">
            <header class="app-header">
                <div class="brand">
                    { icons::logo() }
                    <span class="brand-name">{ "Tenure" }</span>
                    <span class="brand-account">{ view.account.name.clone() }</span>
                </div>
                <nav class="app-nav" aria-label="Main">
                    <RouteLink id="nav-account" class="nav-link" to={Route::Account}
                        current={current(Route::Account)}>{ "Account settings" }</RouteLink>
                    if is_owner {
                        <RouteLink id="nav-security" class="nav-link" to={Route::Security}
                            current={current(Route::Security)}>{ "Session security" }</RouteLink>
                        <RouteLink id="nav-members" class="nav-link" to={Route::Members}
                            current={current(Route::Members)}>{ "Members" }</RouteLink>
                    }
                </nav>
                <div class="header-user">
                    <span id="header-user" class="user-chip">
                        <span class="user-name">{ view.user.name.clone() }</span>
                        { " " }
                        <span class="role-badge">{ copy::role_label(view.user.role) }</span>
                    </span>
                    <button id="sign-out" type="button" class="btn btn-ghost btn-sm"
                        onclick={on_sign_out}>
                        { icons::sign_out() }<span>{ "Sign out" }</span>
                    </button>
                </div>
            </header>
            <main class="page" id="main">
                <div class="notice-region">
                    <ExpiryNotice />
                </div>
                { props.children.clone() }
            </main>
        </div>
    }
}
