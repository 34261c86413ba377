//! A time shown relative to now ("12 minutes ago", "just now"), with the exact local time in
//! its `title`, so hovering tells precisely when.

use chrono::{DateTime, Utc};
use yew::prelude::*;

use crate::time;

#[derive(Properties, PartialEq)]
pub struct RelativeTimeProps {
    pub at: Option<DateTime<Utc>>,
    /// The clock to compare with, from `use_now`, so the words move on.
    pub now_ms: f64,
    #[prop_or_default]
    pub class: Classes,
    /// Words before the relative time, e.g. "last sign-in".
    #[prop_or_default]
    pub prefix: Option<AttrValue>,
    /// What to say when there is no time.
    #[prop_or(AttrValue::Static("never"))]
    pub never: AttrValue,
}

#[component]
pub fn RelativeTime(props: &RelativeTimeProps) -> Html {
    let Some(at) = props.at else {
        return html! { <span class={props.class.clone()}>{ props.never.clone() }</span> };
    };
    let now = DateTime::from_timestamp_millis(props.now_ms as i64).unwrap_or(at);
    html! {
        <span class={props.class.clone()} title={time::local_exact(at)}>
            if let Some(prefix) = &props.prefix {
                { prefix.clone() }{ " " }
            }
            <time datetime={at.to_rfc3339()}>{ time::relative(at, now) }</time>
        </span>
    }
}
