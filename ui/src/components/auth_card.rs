//! The frame of the signed-out screens (Set up, Sign in): the app's name above one centred
//! card.

use yew::prelude::*;

use crate::components::icons;

#[derive(Properties, PartialEq)]
pub struct AuthCardProps {
    pub title: AttrValue,
    pub intro: AttrValue,
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn AuthCard(props: &AuthCardProps) -> Html {
    html! {
        <main class="auth-page">
            <div class="auth-brand">
                { icons::logo() }
                <span class="brand-name">{ "Tenure" }</span>
            </div>
            <section class="card auth-card" aria-labelledby="auth-title">
                <h1 class="page-title" id="auth-title">{ props.title.clone() }</h1>
                <p class="muted">{ props.intro.clone() }</p>
                { props.children.clone() }
            </section>
        </main>
    }
}
