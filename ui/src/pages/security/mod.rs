//! `/account/security`, owners only: the session policy and who is signed in. The page loads
//! the settings once and hands them to its two cards; a save or a revoke hands back the new
//! settings (or asks for a reload), so both cards always show the same answer.

mod policy_card;
mod sessions_card;

use tenure_core::wire::SecuritySettings;

use yew::prelude::*;

use crate::api;
use crate::components::icons;
use crate::components::loading::{LoadError, Loading};
use crate::hooks::{use_owner_load, use_session, OwnerLoad};
use crate::pages::{owner_only, Load};
use policy_card::PolicyCard;
use sessions_card::SessionsCard;

const OWNER_ONLY: &str = "Only the account owner can change session security.";

#[component]
pub fn SecurityPage() -> Html {
    let session = use_session();
    let OwnerLoad {
        state: settings,
        reload,
        is_owner,
    } = use_owner_load(api::security_settings);
    let on_saved = {
        let settings = settings.clone();
        Callback::from(move |s: SecuritySettings| settings.set(Load::Ready(s)))
    };

    let account = session
        .session()
        .map(|v| v.account.name.clone())
        .unwrap_or_default();
    let body = if !is_owner {
        owner_only(OWNER_ONLY)
    } else {
        match &*settings {
            Load::Loading => html! { <Loading /> },
            Load::Forbidden => owner_only(OWNER_ONLY),
            Load::Failed(message) => html! {
                <LoadError message={message.clone()} on_retry={reload.clone()} />
            },
            Load::Ready(s) => html! { <>
                <PolicyCard settings={s.clone()} {on_saved} />
                <SessionsCard settings={s.clone()} on_changed={reload.clone()} />
            </> },
        }
    };

    html! {
        <div class="page-content">
            <header class="page-header page-header-icon">
                <span class="page-icon">{ icons::shield() }</span>
                <div>
                    <h1 class="page-title">{ "Session security" }</h1>
                    <p class="muted">{ format!(
                        "Decide how long people in {account} stay signed in, and sign them out when you need to."
                    ) }</p>
                </div>
            </header>
            { body }
        </div>
    }
}
