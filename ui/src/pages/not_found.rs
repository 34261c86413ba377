//! Any path the app does not know.

use yew::prelude::*;

use crate::components::nav_link::RouteLink;
use crate::routes::Route;

#[component]
pub fn NotFound() -> Html {
    html! {
        <main class="page page-center">
            <section class="card card-narrow">
                <h1 class="page-title">{ "Page not found" }</h1>
                <p class="muted">{ "There is nothing at this address." }</p>
                <RouteLink id="not-found-home" class="btn btn-primary" to={Route::Home}>
                    { "Go to Tenure" }
                </RouteLink>
            </section>
        </main>
    }
}
