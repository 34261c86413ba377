//! One module per screen. Pages fetch what they show through `api` and keep it in a [`Load`].

pub mod account;
pub mod home;
pub mod members;
pub mod not_found;
pub mod security;
pub mod setup;
pub mod sign_in;

use yew::prelude::*;

/// What a page knows of data it asked the backend for.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    /// The backend refused because the caller is not an owner.
    Forbidden,
    Failed(String),
}

/// What a member sees on an owner's page. The backend refuses them too; this is the courtesy.
pub fn owner_only(message: &'static str) -> Html {
    html! {
        <section class="card">
            <div id="owner-only" class="empty-state" role="status">
                <p>{ message }</p>
            </div>
        </section>
    }
}
