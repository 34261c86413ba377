//! What a screen shows while it waits for the backend, and when loading failed.

use yew::prelude::*;

use crate::components::icons;

#[component]
pub fn Loading() -> Html {
    html! {
        <div class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{ "Loading…" }</span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct LoadErrorProps {
    pub message: String,
    #[prop_or_default]
    pub on_retry: Option<Callback<()>>,
}

#[component]
pub fn LoadError(props: &LoadErrorProps) -> Html {
    html! {
        <div class="alert alert-danger" role="alert">
            { icons::alert() }
            <div class="alert-body">
                <p>{ props.message.clone() }</p>
                if let Some(retry) = props.on_retry.clone() {
                    <button type="button" class="btn btn-secondary btn-sm"
                        onclick={retry.reform(|_: MouseEvent| ())}>{ "Try again" }</button>
                }
            </div>
        </div>
    }
}
