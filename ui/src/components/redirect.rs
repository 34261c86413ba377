//! Redirects that replace the current history entry, so Back does not return to a page the
//! person may no longer see. [`GoSignIn`] carries the expired banner's query when asked.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::routes::{Route, SignInQuery, REASON_SESSION_EXPIRED};

#[derive(Properties, PartialEq)]
pub struct GoProps {
    pub to: Route,
}

#[component]
pub fn Go(props: &GoProps) -> Html {
    let navigator = use_navigator();
    use_effect_with(props.to.clone(), move |to| {
        if let Some(navigator) = navigator {
            navigator.replace(to);
        }
    });
    Html::default()
}

#[derive(Properties, PartialEq)]
pub struct GoSignInProps {
    /// Show "Your session expired" on arrival.
    pub expired: bool,
}

#[component]
pub fn GoSignIn(props: &GoSignInProps) -> Html {
    let navigator = use_navigator();
    use_effect_with(props.expired, move |expired| {
        let Some(navigator) = navigator else { return };
        if *expired {
            let query = SignInQuery {
                reason: Some(REASON_SESSION_EXPIRED.to_owned()),
            };
            if navigator
                .replace_with_query(&Route::SignIn, &query)
                .is_err()
            {
                navigator.replace(&Route::SignIn);
            }
        } else {
            navigator.replace(&Route::SignIn);
        }
    });
    Html::default()
}
