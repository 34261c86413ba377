//! Inline SVG icons (the CSP allows no icon fonts or remote images). Strokes use
//! `currentColor`, so an icon takes the colour of the text around it. All are decorative:
//! the text next to them carries the meaning.

use yew::prelude::*;

fn icon(class: &'static str, shapes: Html) -> Html {
    html! {
        <svg class={classes!("icon", class)} viewBox="0 0 24 24" width="20" height="20"
            fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"
            stroke-linejoin="round" aria-hidden="true" focusable="false">
            { shapes }
        </svg>
    }
}

pub fn shield() -> Html {
    icon(
        "icon-shield",
        html! { <path d="M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z" /> },
    )
}

pub fn logo() -> Html {
    icon(
        "icon-logo",
        html! { <>
            <path d="M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z" />
            <path d="M12 7v5l3 2" />
        </> },
    )
}

pub fn close() -> Html {
    icon("icon-close", html! { <path d="M18 6L6 18M6 6l12 12" /> })
}

pub fn info() -> Html {
    icon(
        "icon-info",
        html! { <>
            <circle cx="12" cy="12" r="10" />
            <path d="M12 16v-4M12 8h.01" />
        </> },
    )
}

pub fn clock() -> Html {
    icon(
        "icon-clock",
        html! { <>
            <circle cx="12" cy="12" r="10" />
            <path d="M12 6v6l4 2" />
        </> },
    )
}

pub fn check() -> Html {
    icon("icon-check", html! { <path d="M20 6L9 17l-5-5" /> })
}

pub fn alert() -> Html {
    icon(
        "icon-alert",
        html! { <>
            <path d="M10.29 3.86L1.82 18a2 2 0 0 0 1.71 3h16.94a2 2 0 0 0 1.71-3L13.71 3.86a2 2 0 0 0-3.42 0z" />
            <path d="M12 9v4M12 17h.01" />
        </> },
    )
}

pub fn chevron_right() -> Html {
    icon("icon-chevron", html! { <path d="M9 18l6-6-6-6" /> })
}

pub fn users() -> Html {
    icon(
        "icon-users",
        html! { <>
            <path d="M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2" />
            <circle cx="9" cy="7" r="4" />
            <path d="M23 21v-2a4 4 0 0 0-3-3.87M16 3.13a4 4 0 0 1 0 7.75" />
        </> },
    )
}

pub fn user() -> Html {
    icon(
        "icon-user",
        html! { <>
            <path d="M20 21v-2a4 4 0 0 0-4-4H8a4 4 0 0 0-4 4v2" />
            <circle cx="12" cy="7" r="4" />
        </> },
    )
}

pub fn sign_out() -> Html {
    icon(
        "icon-sign-out",
        html! { <path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9" /> },
    )
}
