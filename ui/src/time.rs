//! Time as people read it: the clock (the webview's), relative times through the platform's
//! `Intl.RelativeTimeFormat`, and exact local times. Times arrive in UTC; only this module turns
//! them into the local zone. Choosing the unit is pure and tested; the formatting calls are the
//! platform's, so they follow the system's language.

use chrono::{DateTime, Utc};
use js_sys::{Array, Date, Intl, JsString};
use wasm_bindgen::prelude::*;

/// What a relative time should say, before it is put into words.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Relative {
    /// Within the last minute, or slightly in the future (clocks of two desktops differ).
    JustNow,
    /// `value` units ago; `value` is negative, as `Intl.RelativeTimeFormat` wants for the past.
    Ago { value: f64, unit: &'static str },
}

/// Picks the largest unit that keeps the number whole and readable.
pub fn relative_parts(then: DateTime<Utc>, now: DateTime<Utc>) -> Relative {
    const MINUTE: i64 = 60;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    let ago = (now - then).num_seconds();
    let (n, unit) = if ago < MINUTE {
        return Relative::JustNow;
    } else if ago < HOUR {
        (ago / MINUTE, "minute")
    } else if ago < DAY {
        (ago / HOUR, "hour")
    } else if ago < 7 * DAY {
        (ago / DAY, "day")
    } else if ago < 30 * DAY {
        (ago / (7 * DAY), "week")
    } else if ago < 365 * DAY {
        (ago / (30 * DAY), "month")
    } else {
        (ago / (365 * DAY), "year")
    };
    // Whole units fit f64 exactly: a count of years or minutes is far below 2^53.
    Relative::Ago {
        value: -(n as f64),
        unit,
    }
}

/// The webview's clock, in milliseconds since the epoch.
pub fn now_ms() -> f64 {
    Date::now()
}

thread_local! {
    static RELATIVE: Intl::RelativeTimeFormat = {
        let options = Intl::RelativeTimeFormatOptions::new();
        options.set_numeric(Intl::RelativeTimeFormatNumeric::Auto);
        // An empty locale list means the system's language.
        Intl::RelativeTimeFormat::new(&Array::new(), &options)
    };
}

/// "12 minutes ago", "yesterday", "just now".
pub fn relative(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    match relative_parts(then, now) {
        Relative::JustNow => "just now".to_owned(),
        Relative::Ago { value, unit } => RELATIVE.with(|f| String::from(f.format(value, unit))),
    }
}

#[wasm_bindgen]
extern "C" {
    /// A `Date` seen through a binding of our own: js-sys binds `toLocaleString` only with an
    /// explicit locale, and without arguments the platform uses the system's language and
    /// time zone, which is what a hover title should show.
    #[wasm_bindgen(extends = Date)]
    type SystemDate;

    #[wasm_bindgen(method, js_name = toLocaleString)]
    fn to_locale_string_default(this: &SystemDate) -> JsString;
}

fn js_date(t: DateTime<Utc>) -> Date {
    Date::new(&JsValue::from_f64(t.timestamp_millis() as f64))
}

/// The exact local date and time, e.g. for a `title` attribute.
pub fn local_exact(t: DateTime<Utc>) -> String {
    js_date(t)
        .unchecked_into::<SystemDate>()
        .to_locale_string_default()
        .into()
}

/// The local wall-clock hour and minute.
pub fn local_hour_minute(t: DateTime<Utc>) -> (u32, u32) {
    let d = js_date(t);
    (d.get_hours(), d.get_minutes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn at(secs_ago: i64) -> Relative {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        relative_parts(now - Duration::seconds(secs_ago), now)
    }

    fn ago(value: f64, unit: &'static str) -> Relative {
        Relative::Ago { value, unit }
    }

    #[test]
    fn a_moment_ago_or_ahead_is_just_now() {
        assert_eq!(at(0), Relative::JustNow);
        assert_eq!(at(59), Relative::JustNow);
        assert_eq!(at(-5), Relative::JustNow);
        assert_eq!(at(-5 * 3600), Relative::JustNow);
    }

    #[test]
    fn picks_the_unit() {
        assert_eq!(at(60), ago(-1.0, "minute"));
        assert_eq!(at(12 * 60 + 30), ago(-12.0, "minute"));
        assert_eq!(at(3600), ago(-1.0, "hour"));
        assert_eq!(at(23 * 3600), ago(-23.0, "hour"));
        assert_eq!(at(86_400), ago(-1.0, "day"));
        assert_eq!(at(8 * 86_400), ago(-1.0, "week"));
        assert_eq!(at(40 * 86_400), ago(-1.0, "month"));
        assert_eq!(at(800 * 86_400), ago(-2.0, "year"));
    }
}
