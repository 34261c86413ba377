//! The expiry watcher: a task that follows this desktop's signed-in session and warns before it
//! ends. It wakes exactly at the next threshold and also every 30 seconds, reading the wall
//! clock each time (never a monotonic deadline computed once), so after a laptop sleeps past a
//! threshold it catches up within one tick. The decisions live in [`Schedule`], a pure state
//! machine the tests drive with a manual clock; [`run`] only sleeps and performs its actions.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tenure_core::session::{status, EndReason, SessionStatus};
use tenure_core::warning::{evaluate, next_threshold, WarningLevel, WarningReason};
use tenure_core::wire::{EndedBy, SessionView, WarningEvent};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::state::AppState;
use crate::store::SessionRecord;

/// How often the watcher re-reads the wall clock (and the database) even with nothing due.
pub const RECHECK: std::time::Duration = std::time::Duration::from_secs(30);

/// What the watcher must do after a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Enter `soon` for a new expiry instant: native notification and in-app notice.
    Warn(WarningEvent),
    /// The warning no longer applies (a refresh moved the idle expiry): hide the notice.
    Clear(Uuid),
    /// The session ended: end it locally and show Sign in.
    End { session_id: Uuid, by: EndedBy },
}

/// The watcher's memory between steps: which instant it already warned about.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    warned: Option<(Uuid, DateTime<Utc>)>,
    ended: Option<Uuid>,
    lead: Duration,
}

/// The session as the watcher sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watch {
    pub session_id: Uuid,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
    /// The database says the session was revoked (by an owner, possibly on another desktop).
    pub revoked: bool,
}

impl From<&SessionView> for Watch {
    fn from(v: &SessionView) -> Self {
        Self {
            session_id: v.session_id,
            idle_expires_at: v.idle_expires_at,
            absolute_expires_at: v.absolute_expires_at,
            revoked: false,
        }
    }
}

impl Schedule {
    pub fn new(lead_minutes: i64) -> Self {
        Self {
            lead: Duration::try_minutes(lead_minutes).unwrap_or(Duration::minutes(5)),
            ..Self::default()
        }
    }

    /// One evaluation at `now`. Returns the actions to perform and the next instant at which
    /// something is due (the caller also wakes every [`RECHECK`]).
    pub fn step(
        &mut self,
        watch: Option<Watch>,
        now: DateTime<Utc>,
    ) -> (Vec<Action>, Option<DateTime<Utc>>) {
        let Some(w) = watch else {
            self.warned = None;
            return (Vec::new(), None);
        };
        if self.ended == Some(w.session_id) {
            return (Vec::new(), None);
        }
        if w.revoked {
            self.ended = Some(w.session_id);
            return (
                vec![Action::End {
                    session_id: w.session_id,
                    by: EndedBy::Revoked,
                }],
                None,
            );
        }
        let state = evaluate(w.idle_expires_at, w.absolute_expires_at, now, self.lead);
        let mut actions = Vec::new();
        match state.level {
            WarningLevel::Now => {
                self.ended = Some(w.session_id);
                self.warned = None;
                actions.push(Action::End {
                    session_id: w.session_id,
                    by: EndedBy::Expired,
                });
                return (actions, None);
            }
            WarningLevel::Soon => {
                let instant = (w.session_id, state.expires_at);
                if self.warned != Some(instant) {
                    self.warned = Some(instant);
                    actions.push(Action::Warn(WarningEvent {
                        session_id: w.session_id,
                        level: WarningLevel::Soon,
                        reason: state.reason,
                        expires_at: state.expires_at,
                        minutes_left: state.minutes_left(now),
                    }));
                }
            }
            WarningLevel::None => {
                if self.warned.take().is_some() {
                    actions.push(Action::Clear(w.session_id));
                }
            }
        }
        (actions, next_threshold(&state, self.lead))
    }
}

/// The warning for a session at `now`, if it is in `soon`.
pub fn warning_event(
    s: &SessionRecord,
    now: DateTime<Utc>,
    lead_minutes: i64,
) -> Option<WarningEvent> {
    let lead = Duration::try_minutes(lead_minutes)?;
    let st = evaluate(s.idle_expires_at, s.absolute_expires_at, now, lead);
    (st.level == WarningLevel::Soon).then(|| WarningEvent {
        session_id: s.id,
        level: st.level,
        reason: st.reason,
        expires_at: st.expires_at,
        minutes_left: st.minutes_left(now),
    })
}

/// The native notification's title and body for a warning (SPEC §6).
pub fn notification_text(w: &WarningEvent) -> (String, String) {
    let n = w.minutes_left;
    let mins = if n == 1 {
        "1 minute".to_owned()
    } else {
        format!("{n} minutes")
    };
    match w.reason {
        WarningReason::Idle => (
            "Tenure: you will be signed out soon".to_owned(),
            format!("Your session ends in {mins} because of inactivity. Click to stay signed in."),
        ),
        WarningReason::Absolute => (
            "Tenure: session reaching its limit".to_owned(),
            format!("Your session reaches its maximum length in {mins}. Save your work; you will need to sign in again."),
        ),
    }
}

/// Where the watcher's effects go: the OS notification and the UI.
pub trait Effects: Send + Sync + 'static {
    /// Shows a native notification. An error means no notification service. Idle warnings
    /// carry a "Stay signed in" action; absolute ones cannot be helped and carry none.
    fn notify(&self, reason: WarningReason, title: &str, body: &str) -> Result<(), String>;
    fn warning(&self, event: &WarningEvent);
    fn ended(&self, by: EndedBy);
}

/// Logs a missing notification service once, then stays quiet (no retry storm).
#[derive(Debug, Default)]
pub struct NotifyOnceLog(AtomicBool);

impl NotifyOnceLog {
    pub fn failed(&self, error: &str) {
        if !self.0.swap(true, Ordering::Relaxed) {
            tracing::warn!(%error, "no notification service; the in-app notice still shows");
        }
    }
}

/// Runs the watcher until the app exits. `poke` wakes it early (tests moving the clock).
pub async fn run(state: AppState, effects: Arc<dyn Effects>, poke: Arc<Notify>) {
    let clock = state.service.clock().clone();
    let mut schedule = Schedule::new(state.service.settings().warning_lead_minutes);
    let mut rx = state.subscribe();
    let failed = NotifyOnceLog::default();
    // PostgreSQL pushes revocations from other desktops; elsewhere the re-check finds them.
    let mut signals = match state.service.store().revocation_signals().await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "no revocation push channel; re-checking every 30 s");
            None
        }
    };
    loop {
        let view = rx.borrow_and_update().clone();
        let mut watch = view.as_ref().map(Watch::from);
        if let Some(w) = watch.as_mut() {
            // The database is the truth for revocation, which may come from another desktop.
            if let Ok(Some(rec)) = state.service.store().session(w.session_id).await {
                w.idle_expires_at = rec.idle_expires_at;
                w.revoked = matches!(
                    status(&rec.times(), clock.now()),
                    SessionStatus::Ended(EndReason::Revoked)
                );
            }
        }
        let now = clock.now();
        let (actions, due) = schedule.step(watch, now);
        for a in actions {
            match a {
                Action::Warn(ev) => {
                    let (title, body) = notification_text(&ev);
                    if let Err(e) = effects.notify(ev.reason, &title, &body) {
                        failed.failed(&e);
                    }
                    effects.warning(&ev);
                }
                Action::Clear(id) => effects.warning(&WarningEvent {
                    session_id: id,
                    level: WarningLevel::None,
                    reason: WarningReason::Idle,
                    expires_at: now,
                    minutes_left: 0,
                }),
                Action::End { session_id, by } => {
                    state.clear_if(session_id).await;
                    effects.ended(by);
                }
            }
        }
        let sleep_for = match due {
            Some(t) => (t - clock.now()).to_std().unwrap_or_default().min(RECHECK),
            None => RECHECK,
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep_for) => {}
            changed = rx.changed() => if changed.is_err() { return; },
            _ = poke.notified() => {}
            signal = next_signal(&mut signals) => if signal.is_none() { signals = None; },
        }
    }
}

/// The next revocation signal; never resolves without a channel.
async fn next_signal(
    signals: &mut Option<tokio::sync::mpsc::UnboundedReceiver<Uuid>>,
) -> Option<Uuid> {
    match signals {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap() + Duration::minutes(min)
    }

    fn w(idle: i64, abs: i64) -> Watch {
        Watch {
            session_id: Uuid::nil(),
            idle_expires_at: t(idle),
            absolute_expires_at: t(abs),
            revoked: false,
        }
    }

    fn warns(a: &[Action]) -> Vec<(WarningReason, DateTime<Utc>)> {
        a.iter()
            .filter_map(|a| match a {
                Action::Warn(e) => Some((e.reason, e.expires_at)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn idle_soon_exactly_at_t_minus_5_and_once() {
        let mut s = Schedule::new(5);
        let (a, due) = s.step(Some(w(60, 600)), t(0));
        assert!(a.is_empty());
        assert_eq!(due, Some(t(55)));
        let (a, _) = s.step(Some(w(60, 600)), t(55) - Duration::seconds(1));
        assert!(a.is_empty());
        let (a, due) = s.step(Some(w(60, 600)), t(55));
        assert_eq!(warns(&a), vec![(WarningReason::Idle, t(60))]);
        assert_eq!(due, Some(t(60)));
        // Re-checks within the same instant do not warn again.
        let (a, _) = s.step(Some(w(60, 600)), t(57));
        assert!(a.is_empty());
    }

    #[test]
    fn refresh_makes_a_new_instant() {
        let mut s = Schedule::new(5);
        s.step(Some(w(60, 600)), t(56));
        // Stay signed in at 56: idle moves to 116; the notice clears.
        let (a, due) = s.step(Some(w(116, 600)), t(56));
        assert_eq!(a, vec![Action::Clear(Uuid::nil())]);
        assert_eq!(due, Some(t(111)));
        let (a, _) = s.step(Some(w(116, 600)), t(111));
        assert_eq!(warns(&a), vec![(WarningReason::Idle, t(116))]);
    }

    #[test]
    fn absolute_soon_and_refresh_never_helps() {
        let mut s = Schedule::new(5);
        let (a, _) = s.step(Some(w(600, 120)), t(115));
        assert_eq!(warns(&a), vec![(WarningReason::Absolute, t(120))]);
        // A refresh cannot move idle past absolute; the warning stays, not repeated.
        let (a, _) = s.step(Some(w(120, 120)), t(116));
        assert!(a.is_empty());
    }

    #[test]
    fn tie_is_absolute() {
        let mut s = Schedule::new(5);
        let (a, _) = s.step(Some(w(60, 60)), t(55));
        assert_eq!(warns(&a), vec![(WarningReason::Absolute, t(60))]);
    }

    #[test]
    fn now_at_t() {
        let mut s = Schedule::new(5);
        s.step(Some(w(60, 600)), t(55));
        let (a, due) = s.step(Some(w(60, 600)), t(60));
        assert_eq!(
            a,
            vec![Action::End {
                session_id: Uuid::nil(),
                by: EndedBy::Expired
            }]
        );
        assert_eq!(due, None);
        // Ended once only.
        assert!(s.step(Some(w(60, 600)), t(61)).0.is_empty());
    }

    #[test]
    fn sleep_past_t_gives_now_without_stale_soon() {
        let mut s = Schedule::new(5);
        s.step(Some(w(60, 600)), t(0));
        // The laptop slept from t(1) to t(90): the first re-check after waking sees `now`.
        let (a, _) = s.step(Some(w(60, 600)), t(90));
        assert!(warns(&a).is_empty());
        assert_eq!(
            a,
            vec![Action::End {
                session_id: Uuid::nil(),
                by: EndedBy::Expired
            }]
        );
    }

    #[test]
    fn revoked_elsewhere_ends_it() {
        let mut s = Schedule::new(5);
        let mut watch = w(60, 600);
        watch.revoked = true;
        let (a, _) = s.step(Some(watch), t(1));
        assert_eq!(
            a,
            vec![Action::End {
                session_id: Uuid::nil(),
                by: EndedBy::Revoked
            }]
        );
    }

    #[test]
    fn notification_wording() {
        let ev = WarningEvent {
            session_id: Uuid::nil(),
            level: WarningLevel::Soon,
            reason: WarningReason::Idle,
            expires_at: t(5),
            minutes_left: 5,
        };
        let (_, body) = notification_text(&ev);
        assert_eq!(
            body,
            "Your session ends in 5 minutes because of inactivity. Click to stay signed in."
        );
        let (_, body) = notification_text(&WarningEvent {
            reason: WarningReason::Absolute,
            minutes_left: 1,
            ..ev
        });
        assert!(body.starts_with("Your session reaches its maximum length in 1 minute."));
    }
}
