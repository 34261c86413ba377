//! The app-wide session state as the screens render it: where start-up got to, who is signed
//! in, why a session ended (which decides the sign-in banner), and the expiry notice with its
//! dismissal. A plain [`Reducible`]; times arrive in actions, so it is tested without a clock.

use std::rc::Rc;

use chrono::{DateTime, Utc};
use tenure_core::warning::{WarningLevel, WarningReason};
use tenure_core::wire::{SessionView, WarningEvent};
use yew::Reducible;

/// Where the person stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    /// `app_status` / `current_session` have not answered yet.
    Booting,
    /// Empty database: the first run shows Set up.
    NeedsSetup,
    /// Nobody is signed in. `expired` is true when the session ended without the person asking
    /// (idle, absolute, revoked by someone else): sign-in then shows the expired banner.
    SignedOut {
        expired: bool,
    },
    SignedIn(Box<SessionView>),
}

/// The warning the backend's watcher last sent, and when it arrived (for the countdown).
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub event: WarningEvent,
    pub received_ms: f64,
}

impl Warning {
    /// Minutes left as the notice says them: the event's figure, counted down by the whole
    /// minutes since it arrived, never below 1 (at 0 the backend ends the session instead).
    pub fn minutes_left(&self, now_ms: f64) -> i64 {
        let elapsed = ((now_ms - self.received_ms) / 60_000.0).floor().max(0.0) as i64;
        self.event.minutes_left.saturating_sub(elapsed).max(1)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionState {
    pub auth: Auth,
    /// Start-up could not reach the backend; shown instead of any screen.
    pub boot_error: Option<String>,
    pub warning: Option<Warning>,
    /// The expiry instant whose notice the person dismissed.
    pub dismissed: Option<DateTime<Utc>>,
    /// The owner revoked their own session and is being shown the outcome before leaving;
    /// a `session-ended` arriving meanwhile must not jump to sign-in with the expired banner.
    pub leaving: bool,
}

impl Default for SessionState {
    fn default() -> Self {
        Self {
            auth: Auth::Booting,
            boot_error: None,
            warning: None,
            dismissed: None,
            leaving: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SessionAction {
    Booted {
        needs_setup: bool,
        session: Option<SessionView>,
    },
    BootFailed(String),
    /// A fresh session from setup or sign-in.
    SignedIn(SessionView),
    /// The same session with a new access token and idle expiry.
    Refreshed(SessionView),
    Warning(Warning),
    DismissNotice,
    /// Revoke `all` is under way: the session's end is expected and must not show the expired
    /// banner. Followed by [`SessionAction::Left`], or by [`SessionAction::Stayed`] if it failed.
    Leaving,
    Stayed,
    /// The session ended: `expired` as in [`Auth::SignedOut`]. Ignored while leaving.
    Ended {
        expired: bool,
    },
    /// The end of [`SessionAction::Leaving`]: signed out, no banner.
    Left,
}

impl SessionState {
    pub fn session(&self) -> Option<&SessionView> {
        match &self.auth {
            Auth::SignedIn(view) => Some(view),
            _ => None,
        }
    }

    /// The notice to show at the top of every page, if any.
    pub fn notice(&self) -> Option<&Warning> {
        self.warning.as_ref().filter(|w| {
            !self.leaving
                && w.event.level == WarningLevel::Soon
                && self.dismissed != Some(w.event.expires_at)
        })
    }

    fn signed_out(expired: bool) -> Self {
        Self {
            auth: Auth::SignedOut { expired },
            ..Self::default()
        }
    }
}

impl Reducible for SessionState {
    type Action = SessionAction;

    fn reduce(self: Rc<Self>, action: SessionAction) -> Rc<Self> {
        let next = match action {
            SessionAction::Booted {
                needs_setup,
                session,
            } => Self {
                auth: match (needs_setup, session) {
                    (true, _) => Auth::NeedsSetup,
                    (false, Some(view)) => Auth::SignedIn(Box::new(view)),
                    (false, None) => Auth::SignedOut { expired: false },
                },
                ..Self::default()
            },
            SessionAction::BootFailed(message) => Self {
                boot_error: Some(message),
                ..(*self).clone()
            },
            SessionAction::SignedIn(view) => Self {
                auth: Auth::SignedIn(Box::new(view)),
                ..Self::default()
            },
            SessionAction::Refreshed(view) => {
                let same = self.session().map(|s| s.session_id) == Some(view.session_id);
                if !same {
                    // A refresh that answers for another session only happens after a new
                    // sign-in raced it; the newer state wins.
                    return self;
                }
                let mut next = (*self).clone();
                // The refresh moved the idle expiry, so an idle warning is about an instant that
                // no longer exists; the watcher sends a new one if the new instant is near too.
                if next
                    .warning
                    .as_ref()
                    .is_some_and(|w| w.event.reason == WarningReason::Idle)
                {
                    next.warning = None;
                }
                next.auth = Auth::SignedIn(Box::new(view));
                next
            }
            SessionAction::Warning(warning) => {
                let ours = self.session().map(|s| s.session_id) == Some(warning.event.session_id);
                if !ours || self.leaving {
                    return self;
                }
                let mut next = (*self).clone();
                next.warning = match warning.event.level {
                    WarningLevel::Soon => {
                        // The same warning again (a late page asking) keeps its countdown.
                        let same = self
                            .warning
                            .as_ref()
                            .is_some_and(|w| w.event.expires_at == warning.event.expires_at);
                        if same {
                            self.warning.clone()
                        } else {
                            Some(warning)
                        }
                    }
                    // `now` is followed by `session-ended`, which does the rest.
                    WarningLevel::None | WarningLevel::Now => None,
                };
                next
            }
            SessionAction::DismissNotice => {
                let mut next = (*self).clone();
                next.dismissed = self.notice().map(|w| w.event.expires_at).or(self.dismissed);
                next
            }
            SessionAction::Leaving | SessionAction::Stayed => Self {
                leaving: action == SessionAction::Leaving,
                ..(*self).clone()
            },
            SessionAction::Ended { expired } => {
                if self.leaving || !matches!(self.auth, Auth::SignedIn(_)) {
                    return self;
                }
                Self::signed_out(expired)
            }
            SessionAction::Left => Self::signed_out(false),
        };
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use tenure_core::wire::{AccountView, Role, UserView};
    use uuid::Uuid;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap() + Duration::minutes(min)
    }

    fn view(session: u128) -> SessionView {
        SessionView {
            access_token: "token".into(),
            session_id: Uuid::from_u128(session),
            user: UserView {
                id: Uuid::from_u128(10),
                name: "Ada".into(),
                email: "ada@example.com".into(),
                role: Role::Owner,
            },
            account: AccountView {
                id: Uuid::from_u128(20),
                name: "Analytical".into(),
            },
            started_at: t(0),
            idle_expires_at: t(60),
            absolute_expires_at: t(1440),
            warning_lead_minutes: 5,
        }
    }

    fn warning(session: u128, level: WarningLevel, reason: WarningReason, at: i64) -> Warning {
        Warning {
            event: WarningEvent {
                session_id: Uuid::from_u128(session),
                level,
                reason,
                expires_at: t(at),
                minutes_left: 5,
            },
            received_ms: 0.0,
        }
    }

    fn run(actions: impl IntoIterator<Item = SessionAction>) -> Rc<SessionState> {
        actions
            .into_iter()
            .fold(Rc::new(SessionState::default()), |s, a| s.reduce(a))
    }

    fn signed_in() -> SessionAction {
        SessionAction::SignedIn(view(1))
    }

    #[test]
    fn boot_decides_the_first_screen() {
        let boot = |needs_setup, session| {
            run([SessionAction::Booted {
                needs_setup,
                session,
            }])
        };
        assert_eq!(boot(true, None).auth, Auth::NeedsSetup);
        assert_eq!(boot(false, None).auth, Auth::SignedOut { expired: false });
        assert!(boot(false, Some(view(1))).session().is_some());
    }

    #[test]
    fn soon_shows_the_notice_and_none_clears_it() {
        let soon = warning(1, WarningLevel::Soon, WarningReason::Idle, 60);
        let s = run([signed_in(), SessionAction::Warning(soon.clone())]);
        assert_eq!(s.notice(), Some(&soon));
        let s = s.reduce(SessionAction::Warning(warning(
            1,
            WarningLevel::None,
            WarningReason::Idle,
            60,
        )));
        assert_eq!(s.notice(), None);
    }

    #[test]
    fn warnings_for_another_session_are_ignored() {
        let s = run([
            signed_in(),
            SessionAction::Warning(warning(2, WarningLevel::Soon, WarningReason::Idle, 60)),
        ]);
        assert_eq!(s.notice(), None);
    }

    #[test]
    fn a_dismissed_notice_stays_away_for_the_same_expiry_only() {
        let first = warning(1, WarningLevel::Soon, WarningReason::Absolute, 1440);
        let s = run([
            signed_in(),
            SessionAction::Warning(first.clone()),
            SessionAction::DismissNotice,
            SessionAction::Warning(first),
        ]);
        assert_eq!(s.notice(), None);
        let s = s.reduce(SessionAction::Warning(warning(
            1,
            WarningLevel::Soon,
            WarningReason::Idle,
            70,
        )));
        assert!(s.notice().is_some());
    }

    #[test]
    fn the_same_warning_again_keeps_its_countdown() {
        let mut first = warning(1, WarningLevel::Soon, WarningReason::Idle, 60);
        first.received_ms = 1_000.0;
        let mut again = first.clone();
        again.received_ms = 99_000.0;
        let s = run([
            signed_in(),
            SessionAction::Warning(first.clone()),
            SessionAction::Warning(again),
        ]);
        assert_eq!(s.notice(), Some(&first));
    }

    #[test]
    fn a_refresh_clears_an_idle_warning_but_not_an_absolute_one() {
        let idle = run([
            signed_in(),
            SessionAction::Warning(warning(1, WarningLevel::Soon, WarningReason::Idle, 60)),
            SessionAction::Refreshed(view(1)),
        ]);
        assert_eq!(idle.notice(), None);
        let absolute = run([
            signed_in(),
            SessionAction::Warning(warning(1, WarningLevel::Soon, WarningReason::Absolute, 60)),
            SessionAction::Refreshed(view(1)),
        ]);
        assert!(absolute.notice().is_some());
    }

    #[test]
    fn a_refresh_for_a_replaced_session_is_ignored() {
        let s = run([signed_in(), SessionAction::Refreshed(view(2))]);
        assert_eq!(s.session().map(|v| v.session_id), Some(Uuid::from_u128(1)));
    }

    #[test]
    fn ending_records_whether_to_show_the_banner() {
        let s = run([signed_in(), SessionAction::Ended { expired: true }]);
        assert_eq!(s.auth, Auth::SignedOut { expired: true });
        let s = run([signed_in(), SessionAction::Ended { expired: false }]);
        assert_eq!(s.auth, Auth::SignedOut { expired: false });
    }

    #[test]
    fn leaving_ignores_the_end_event_until_left() {
        let s = run([
            signed_in(),
            SessionAction::Leaving,
            SessionAction::Ended { expired: true },
        ]);
        assert!(s.session().is_some());
        let s = s.reduce(SessionAction::Left);
        assert_eq!(s.auth, Auth::SignedOut { expired: false });
        assert!(!s.leaving);
    }

    #[test]
    fn a_failed_revoke_all_stays_signed_in() {
        let soon = warning(1, WarningLevel::Soon, WarningReason::Idle, 60);
        let s = run([
            signed_in(),
            SessionAction::Warning(soon),
            SessionAction::Leaving,
        ]);
        assert_eq!(s.notice(), None);
        let s = s.reduce(SessionAction::Stayed);
        assert!(!s.leaving);
        assert!(s.notice().is_some());
        let s = s.reduce(SessionAction::Ended { expired: true });
        assert_eq!(s.auth, Auth::SignedOut { expired: true });
    }

    #[test]
    fn a_new_sign_in_forgets_the_old_warning_and_dismissal() {
        let s = run([
            signed_in(),
            SessionAction::Warning(warning(1, WarningLevel::Soon, WarningReason::Idle, 60)),
            SessionAction::DismissNotice,
            SessionAction::Ended { expired: true },
            SessionAction::SignedIn(view(3)),
        ]);
        assert_eq!(s.warning, None);
        assert_eq!(s.dismissed, None);
    }

    #[test]
    fn countdown_never_reads_zero() {
        let w = warning(1, WarningLevel::Soon, WarningReason::Idle, 60);
        assert_eq!(w.minutes_left(0.0), 5);
        assert_eq!(w.minutes_left(59_999.0), 5);
        assert_eq!(w.minutes_left(60_000.0), 4);
        assert_eq!(w.minutes_left(10.0 * 60_000.0), 1);
        assert_eq!(w.minutes_left(-60_000.0), 5);
    }
}
