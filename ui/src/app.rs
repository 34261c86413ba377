//! The root component: the router, the session context, start-up (`app_status`, then
//! `current_session`), the backend's events, refresh on activity, and the `data-ready` mark
//! that start-up measurements wait for.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::SessionHandle;
use crate::components::icons;
use crate::hooks::{use_activity_refresh, use_backend_events, use_session_root};
use crate::routes::{switch, Route};

#[component]
pub fn App() -> Html {
    html! {
        <BrowserRouter>
            <Root />
        </BrowserRouter>
    }
}

fn mark_ready() {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-ready", "1");
    }
}

#[component]
fn Root() -> Html {
    let session = use_session_root();
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            session.boot();
            mark_ready();
        });
    }
    use_backend_events(&session);
    use_activity_refresh(&session);

    let body = match &session.boot_error {
        Some(message) => {
            let retry = {
                let session = session.clone();
                Callback::from(move |_: MouseEvent| session.boot())
            };
            html! {
                <main class="auth-page">
                    <section id="boot-error" class="card auth-card" role="alert">
                        <h1 class="page-title">{ icons::alert() }{ " Tenure could not start" }</h1>
                        <p>{ message.clone() }</p>
                        <button type="button" class="btn btn-primary" onclick={retry}>
                            { "Try again" }
                        </button>
                    </section>
                </main>
            }
        }
        None => html! { <Switch<Route> render={switch} /> },
    };

    html! {
        <ContextProvider<SessionHandle> context={session}>
            { body }
        </ContextProvider<SessionHandle>>
    }
}
