//! The webview's clock, re-read every `period_ms` so relative times ("12 minutes ago") and the
//! notice's countdown move on. Display only: nothing here refreshes a session.

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::time::now_ms;

/// The current time in milliseconds; the component renders again every `period_ms`.
#[hook]
pub fn use_now(period_ms: u32) -> f64 {
    let update = use_force_update();
    use_effect_with(period_ms, move |period| {
        let interval = Interval::new(*period, move || update.force_update());
        move || drop(interval)
    });
    now_ms()
}
