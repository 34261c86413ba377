//! Session windows and status. A session is live when it is not revoked and `now` is before both
//! its idle and its absolute expiry; [`status`] answers why it is not, given `now`.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::policy::EffectivePolicy;

/// Why a session is no longer live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    Idle,
    Absolute,
    Revoked,
}

impl std::fmt::Display for EndReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EndReason::Idle => "signed out after inactivity",
            EndReason::Absolute => "reached its maximum length",
            EndReason::Revoked => "signed out",
        })
    }
}

/// The times that decide whether a session is live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTimes {
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    Live,
    Ended(EndReason),
}

/// The status of a session at `now`. Revocation wins; of the two expiries, absolute wins when
/// both have passed, since no refresh could have helped.
pub fn status(s: &SessionTimes, now: DateTime<Utc>) -> SessionStatus {
    if s.revoked_at.is_some_and(|r| r <= now) {
        SessionStatus::Ended(EndReason::Revoked)
    } else if now >= s.absolute_expires_at {
        SessionStatus::Ended(EndReason::Absolute)
    } else if now >= s.idle_expires_at {
        SessionStatus::Ended(EndReason::Idle)
    } else {
        SessionStatus::Live
    }
}

fn minutes(m: i64) -> Result<Duration, AppError> {
    Duration::try_minutes(m).ok_or_else(|| AppError::internal("session length out of range"))
}

fn add(t: DateTime<Utc>, m: i64) -> Result<DateTime<Utc>, AppError> {
    t.checked_add_signed(minutes(m)?)
        .ok_or_else(|| AppError::internal("session expiry out of range"))
}

/// The windows of a session started at `now` under `policy`. Arithmetic is checked: a huge
/// value is an error, never a panic.
pub fn new_windows(
    now: DateTime<Utc>,
    policy: &EffectivePolicy,
) -> Result<(DateTime<Utc>, DateTime<Utc>), AppError> {
    let absolute = add(now, policy.absolute_minutes)?;
    let idle = add(now, policy.idle_minutes)?.min(absolute);
    Ok((idle, absolute))
}

/// The idle expiry after a refresh at `now`: `min(now + idle, absolute_expires_at)`. The
/// absolute expiry never moves.
pub fn refreshed_idle_expiry(
    now: DateTime<Utc>,
    idle_minutes: i64,
    absolute_expires_at: DateTime<Utc>,
) -> Result<DateTime<Utc>, AppError> {
    Ok(add(now, idle_minutes)?.min(absolute_expires_at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rstest::rstest;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(min)
    }

    fn s(idle: i64, abs: i64, revoked: Option<i64>) -> SessionTimes {
        SessionTimes {
            idle_expires_at: t(idle),
            absolute_expires_at: t(abs),
            revoked_at: revoked.map(t),
        }
    }

    #[rstest]
    #[case::live(s(60, 120, None), 59, SessionStatus::Live)]
    #[case::idle_at_instant(s(60, 120, None), 60, SessionStatus::Ended(EndReason::Idle))]
    #[case::absolute(s(60, 120, None), 120, SessionStatus::Ended(EndReason::Absolute))]
    #[case::both_passed(s(60, 60, None), 61, SessionStatus::Ended(EndReason::Absolute))]
    #[case::revoked(s(60, 120, Some(10)), 30, SessionStatus::Ended(EndReason::Revoked))]
    #[case::revoked_and_expired(
        s(60, 120, Some(10)),
        200,
        SessionStatus::Ended(EndReason::Revoked)
    )]
    fn statuses(#[case] sess: SessionTimes, #[case] now: i64, #[case] want: SessionStatus) {
        assert_eq!(status(&sess, t(now)), want);
    }

    #[test]
    fn windows_and_refresh() {
        let p = EffectivePolicy {
            idle_minutes: 60,
            absolute_minutes: 90,
        };
        let (idle, abs) = new_windows(t(0), &p).unwrap();
        assert_eq!((idle, abs), (t(60), t(90)));
        assert_eq!(refreshed_idle_expiry(t(10), 60, abs).unwrap(), t(70));
        // Refreshing near the end never passes the absolute expiry.
        assert_eq!(refreshed_idle_expiry(t(50), 60, abs).unwrap(), t(90));
    }

    #[test]
    fn huge_minutes_are_errors_not_panics() {
        let p = EffectivePolicy {
            idle_minutes: i64::MAX,
            absolute_minutes: i64::MAX,
        };
        assert!(new_windows(t(0), &p).is_err());
        assert!(refreshed_idle_expiry(t(0), i64::MAX / 2, t(10)).is_err());
    }
}
