//! A flag that turns itself off after a while, for brief confirmations such as "Saved".

use std::time::Duration;

use gloo_timers::callback::Timeout;
use yew::prelude::*;

/// Returns whether the confirmation shows, and a callback that shows it for `duration`. The
/// timer is held by the component, so it is cancelled if the component goes away.
#[hook]
pub fn use_flash(duration: Duration) -> (bool, Callback<()>) {
    let visible = use_state_eq(|| false);
    let timer = use_mut_ref(|| None::<Timeout>);
    let show = {
        let visible = visible.clone();
        let millis = u32::try_from(duration.as_millis()).unwrap_or(u32::MAX);
        Callback::from(move |()| {
            visible.set(true);
            let hide = visible.setter();
            *timer.borrow_mut() = Some(Timeout::new(millis, move || hide.set(false)));
        })
    };
    (*visible, show)
}
