//! Time as an input. The app is built with one [`Clock`]; nothing below the composition root
//! reads the system time directly, so tests can reach every expiry without waiting.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, DurationRound, Utc};

pub trait Clock: Send + Sync + 'static {
    /// The current wall-clock time, truncated to microseconds (the precision both databases keep,
    /// so a time read back compares equal to the one written).
    fn now(&self) -> DateTime<Utc>;
}

fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::microseconds(1)).unwrap_or(t)
}

/// The system's wall clock. The watcher re-checks against it, so a suspended laptop catches up.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        micros(Utc::now())
    }
}

/// A clock that tests set and move by hand.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(micros(start))))
    }

    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = micros(t);
    }

    pub fn advance(&self, d: Duration) {
        let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *g = micros(*g + d);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The system clock plus an offset that end-to-end tests move forward (feature `test-hooks`
/// only), so the real window can be taken past an expiry in milliseconds.
#[derive(Debug, Clone, Default)]
pub struct OffsetClock(Arc<Mutex<Duration>>);

impl OffsetClock {
    pub fn advance(&self, d: Duration) {
        let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *g += d;
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        micros(Utc::now() + *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}
