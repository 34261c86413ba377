//! Loads an owner-only resource for a page: fetched when the signed-in person is an owner (and
//! again whenever the page asks), `Forbidden` kept apart so the page can say why. Members never
//! trigger the request; the backend would refuse it anyway.

use std::future::Future;

use tenure_core::wire::Role;
use tenure_core::AppError;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::hooks::use_session;
use crate::pages::Load;

/// What an owner-only page gets: the resource, a callback that reloads it, and whether the
/// person is an owner.
pub struct OwnerLoad<T: 'static> {
    pub state: UseStateHandle<Load<T>>,
    pub reload: Callback<()>,
    pub is_owner: bool,
}

#[hook]
pub fn use_owner_load<T, F, Fut>(call: F) -> OwnerLoad<T>
where
    T: 'static,
    F: Fn(String) -> Fut + Clone + 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
{
    let session = use_session();
    let state = use_state(|| Load::<T>::Loading);
    let is_owner = session
        .session()
        .is_some_and(|v| v.user.role == Role::Owner);
    let reload = {
        let state = state.clone();
        Callback::from(move |()| {
            let (session, state, call) = (session.clone(), state.clone(), call.clone());
            spawn_local(async move {
                state.set(match session.authed(call).await {
                    Ok(v) => Load::Ready(v),
                    Err(AppError::Forbidden { .. }) => Load::Forbidden,
                    Err(e) => Load::Failed(api::describe(&e)),
                });
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with(is_owner, move |owner| {
            if *owner {
                reload.emit(());
            }
        });
    }
    OwnerLoad {
        state,
        reload,
        is_owner,
    }
}
