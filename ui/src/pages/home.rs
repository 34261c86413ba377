//! `/`: no screen of its own; sends the person where they belong.

use yew::prelude::*;

use crate::components::loading::Loading;
use crate::components::redirect::Go;
use crate::hooks::use_session;
use crate::routes::Route;
use crate::state::session::Auth;

#[component]
pub fn Home() -> Html {
    let session = use_session();
    match &session.auth {
        Auth::Booting => html! { <main class="page page-center"><Loading /></main> },
        Auth::NeedsSetup => html! { <Go to={Route::Setup} /> },
        Auth::SignedIn(_) => html! { <Go to={Route::Account} /> },
        Auth::SignedOut { .. } => html! { <Go to={Route::SignIn} /> },
    }
}
