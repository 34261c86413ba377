//! The Active sessions card: who holds a live session, when each last signed in, and the two
//! ways to sign people out, each confirmed in a dialog that says what will happen.

use tenure_core::wire::{RevokeScope, SecuritySettings};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::icons;
use crate::components::modal::Modal;
use crate::components::relative_time::RelativeTime;
use crate::copy;
use crate::hooks::{use_now, use_session};

/// How long the owner sees "Signed out N sessions" before their own sign-out takes them to
/// Sign in.
const LEAVE_AFTER_MS: u32 = 1_500;

#[derive(Properties, PartialEq)]
pub struct SessionsCardProps {
    pub settings: SecuritySettings,
    /// Ask the page to load the settings again (after others were signed out).
    pub on_changed: Callback<()>,
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[component]
pub fn SessionsCard(props: &SessionsCardProps) -> Html {
    let session = use_session();
    let now = use_now(30_000);
    let confirming = use_state_eq(|| None::<RevokeScope>);
    let busy = use_state_eq(|| false);
    let error = use_state_eq(|| None::<String>);
    let notice = use_state_eq(|| None::<String>);
    let shown = use_state_eq(|| copy::ACTIVE_PAGE);

    let caller = props.settings.caller_user_id;
    let users = &props.settings.active_users;
    let caller_included = users.iter().any(|u| u.user_id == caller);
    let others = users.iter().filter(|u| u.user_id != caller).count();
    // The caller is signed in to read this, whether or not the list has caught up.
    let everyone = others + 1;

    let open = |scope: RevokeScope| {
        let (confirming, error, notice) = (confirming.clone(), error.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            error.set(None);
            notice.set(None);
            confirming.set(Some(scope));
        })
    };
    let close = {
        let (confirming, busy) = (confirming.clone(), busy.clone());
        Callback::from(move |()| {
            if !*busy {
                confirming.set(None);
            }
        })
    };
    let on_confirm = {
        let session = session.clone();
        let (confirming, busy, error, notice) = (
            confirming.clone(),
            busy.clone(),
            error.clone(),
            notice.clone(),
        );
        let on_changed = props.on_changed.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(scope) = *confirming else { return };
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let session = session.clone();
            let (confirming, busy, error, notice) = (
                confirming.clone(),
                busy.clone(),
                error.clone(),
                notice.clone(),
            );
            let on_changed = on_changed.clone();
            spawn_local(async move {
                if scope == RevokeScope::All {
                    session.begin_leaving();
                }
                let result = session
                    .authed(move |t| api::revoke_sessions(t, scope))
                    .await;
                busy.set(false);
                match result {
                    Ok(outcome) => {
                        confirming.set(None);
                        notice.set(Some(copy::revoked_notice(outcome.revoked)));
                        if outcome.signed_out_self {
                            session.leave_after(LEAVE_AFTER_MS);
                        } else {
                            if scope == RevokeScope::All {
                                session.cancel_leaving();
                            }
                            on_changed.emit(());
                        }
                    }
                    Err(e) => {
                        if scope == RevokeScope::All {
                            session.cancel_leaving();
                        }
                        error.set(Some(api::describe(&e)));
                    }
                }
            });
        })
    };

    let visible = (*shown).min(users.len());
    let more = copy::active_more(visible, users.len()).map(|(line, button)| {
        let shown = shown.clone();
        let onclick = Callback::from(move |_: MouseEvent| shown.set(visible + copy::ACTIVE_PAGE));
        html! {
            <div class="active-more">
                <span id="active-more-copy" class="active-more-copy">{ line }</span>
                <button id="active-more" type="button" class="btn btn-secondary"
                    {onclick}>{ button }</button>
            </div>
        }
    });
    let rows = users.iter().take(visible).map(|u| {
        let you = u.user_id == caller;
        html! {
            <li class={classes!("active-user", you.then_some("active-user-you"))}
                key={u.user_id.to_string()}>
                <span class="avatar" aria-hidden="true">{ initials(&u.name) }</span>
                <div class="active-main">
                    <div class="active-line">
                        <span class="active-name">{ u.name.clone() }</span>
                        if you {
                            { " " }<span class="you-tag">{ "(you)" }</span>
                        }
                    </div>
                    <span class="active-email">{ u.email.clone() }</span>
                </div>
                <RelativeTime class="active-last" at={u.last_login_at} now_ms={now}
                    prefix="last sign-in" never="never signed in" />
            </li>
        }
    });

    let modal = confirming.map(|scope| {
        let text = copy::revoke_copy(scope, others, everyone);
        let cancel = close.reform(|_: MouseEvent| ());
        html! {
            <Modal id="revoke-modal" title={text.title} body={text.body}
                initial_focus="revoke-cancel" on_close={close.clone()}>
                if let Some(message) = &*error {
                    <div id="revoke-error" class="alert alert-danger" role="alert">
                        { icons::alert() }
                        <div class="alert-body"><p>{ message.clone() }</p></div>
                    </div>
                }
                <div class="modal-actions">
                    <button id="revoke-cancel" type="button" class="btn btn-secondary"
                        disabled={*busy} onclick={cancel}>{ "Cancel" }</button>
                    <button id="revoke-confirm" type="button" class="btn btn-danger"
                        disabled={*busy} onclick={on_confirm.clone()}>
                        { if *busy { "Signing out…".to_owned() } else { text.confirm } }
                    </button>
                </div>
            </Modal>
        }
    });

    html! {
        <section class="card" aria-labelledby="sessions-title">
            <div class="card-header">
                <h2 class="card-title" id="sessions-title">{ "Active sessions" }</h2>
            </div>
            <p id="active-copy" class="card-lead">
                { copy::active_copy(users.len(), caller_included) }
            </p>
            if let Some(message) = &*notice {
                <div id="revoke-notice" class="alert alert-success" role="status">
                    { icons::check() }
                    <div class="alert-body"><p>{ message.clone() }</p></div>
                </div>
            }
            <ul class="active-list">{ for rows }</ul>
            { for more }
            <div class="card-actions card-actions-split">
                if others > 0 {
                    <button id="revoke-others" type="button" class="btn btn-secondary"
                        onclick={open(RevokeScope::Others)}>{ "Sign out everyone except me" }</button>
                }
                <button id="revoke-all" type="button" class="btn btn-danger btn-outline"
                    onclick={open(RevokeScope::All)}>{ "Sign out everyone, including me" }</button>
            </div>
            { modal }
        </section>
    }
}
