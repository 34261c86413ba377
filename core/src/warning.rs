//! The expiry-warning evaluation: given a session's two expiries and `now`, whether to warn
//! (`none`, `soon`, `now`), about which expiry, and when the next threshold falls. The backend's
//! watcher sleeps until [`next_threshold`] and re-evaluates; the UI only renders the result.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningLevel {
    None,
    Soon,
    Now,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningReason {
    Idle,
    Absolute,
}

/// The warning state of a session at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningState {
    pub level: WarningLevel,
    pub reason: WarningReason,
    /// The closer expiry: the instant this warning is about.
    pub expires_at: DateTime<Utc>,
}

impl WarningState {
    /// Whole minutes left, rounded up, so "ends in 5 minutes" at exactly T-5.
    pub fn minutes_left(&self, now: DateTime<Utc>) -> i64 {
        let secs = (self.expires_at - now).num_seconds().max(0);
        (secs + 59) / 60
    }
}

/// Evaluates the warning state. The reason is the closer expiry, absolute on a tie (refreshing
/// cannot help it).
pub fn evaluate(
    idle_expires_at: DateTime<Utc>,
    absolute_expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
    lead: Duration,
) -> WarningState {
    let (reason, expires_at) = if absolute_expires_at <= idle_expires_at {
        (WarningReason::Absolute, absolute_expires_at)
    } else {
        (WarningReason::Idle, idle_expires_at)
    };
    let soon_at = expires_at.checked_sub_signed(lead).unwrap_or(expires_at);
    let level = if now >= expires_at {
        WarningLevel::Now
    } else if now >= soon_at {
        WarningLevel::Soon
    } else {
        WarningLevel::None
    };
    WarningState {
        level,
        reason,
        expires_at,
    }
}

/// The next instant, strictly after `now`, at which the state can change; `None` once expired.
pub fn next_threshold(state: &WarningState, lead: Duration) -> Option<DateTime<Utc>> {
    match state.level {
        WarningLevel::None => Some(
            state
                .expires_at
                .checked_sub_signed(lead)
                .unwrap_or(state.expires_at),
        ),
        WarningLevel::Soon => Some(state.expires_at),
        WarningLevel::Now => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rstest::rstest;

    fn t(sec: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::seconds(sec)
    }
    const LEAD: i64 = 300;

    #[rstest]
    #[case::idle_none(1000, 5000, 699, WarningLevel::None, WarningReason::Idle)]
    #[case::idle_soon_exactly(1000, 5000, 700, WarningLevel::Soon, WarningReason::Idle)]
    #[case::idle_now(1000, 5000, 1000, WarningLevel::Now, WarningReason::Idle)]
    #[case::absolute_soon(5000, 1000, 700, WarningLevel::Soon, WarningReason::Absolute)]
    #[case::tie_is_absolute(1000, 1000, 700, WarningLevel::Soon, WarningReason::Absolute)]
    fn evaluates(
        #[case] idle: i64,
        #[case] abs: i64,
        #[case] now: i64,
        #[case] level: WarningLevel,
        #[case] reason: WarningReason,
    ) {
        let w = evaluate(t(idle), t(abs), t(now), Duration::seconds(LEAD));
        assert_eq!((w.level, w.reason), (level, reason));
    }

    #[test]
    fn thresholds_and_minutes() {
        let lead = Duration::seconds(LEAD);
        let w = evaluate(t(1000), t(5000), t(0), lead);
        assert_eq!(next_threshold(&w, lead), Some(t(700)));
        let w = evaluate(t(1000), t(5000), t(700), lead);
        assert_eq!(w.minutes_left(t(700)), 5);
        assert_eq!(w.minutes_left(t(941)), 1);
        assert_eq!(next_threshold(&w, lead), Some(t(1000)));
        let w = evaluate(t(1000), t(5000), t(1000), lead);
        assert_eq!(next_threshold(&w, lead), None);
    }
}
