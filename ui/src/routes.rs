//! The app's routes and what each renders. Pages under `/account` sit inside [`AppLayout`],
//! which also guards them: a signed-out visitor goes to Sign in.

use serde::{Deserialize, Serialize};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::layout::AppLayout;
use crate::pages::{
    account::AccountPage, home::Home, members::MembersPage, not_found::NotFound,
    security::SecurityPage, setup::SetupPage, sign_in::SignInPage,
};

#[derive(Debug, Clone, PartialEq, Eq, Routable)]
pub enum Route {
    /// Decides: Set up, Account, or Sign in.
    #[at("/")]
    Home,
    #[at("/setup")]
    Setup,
    /// `?reason=session_expired` shows the expired banner.
    #[at("/sign-in")]
    SignIn,
    #[at("/account")]
    Account,
    #[at("/account/security")]
    Security,
    #[at("/account/members")]
    Members,
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// The query of the Sign in route.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The `reason` value that shows the expired banner.
pub const REASON_SESSION_EXPIRED: &str = "session_expired";

pub fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Setup => html! { <SetupPage /> },
        Route::SignIn => html! { <SignInPage /> },
        Route::Account => html! { <AppLayout><AccountPage /></AppLayout> },
        Route::Security => html! { <AppLayout><SecurityPage /></AppLayout> },
        Route::Members => html! { <AppLayout><MembersPage /></AppLayout> },
        Route::NotFound => html! { <NotFound /> },
    }
}
