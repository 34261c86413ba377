//! [`SessionHandle`]: the signed-in session shared through a Yew context. It pairs the
//! rendered [`SessionState`] with the live values async code needs *now* (a component's state
//! snapshot is stale after an `await`): the current access token, when it was last refreshed,
//! and the refresh in flight. The access token lives only here, in memory; nothing is stored.
//!
//! It owns the rules of keeping a session: one refresh at a time (the backend rotates the
//! refresh token, so two racing refreshes could look like token theft); refresh only because
//! of the person (an action, or "Stay signed in"), never on a timer; a command refused as
//! `Unauthenticated` is retried once after a refresh; a session that ended sends the person
//! to Sign in.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_timers::future::TimeoutFuture;
use tenure_core::wire::{EndedBy, SessionView, WarningEvent};
use tenure_core::AppError;
use uuid::Uuid;
use wasm_bindgen_futures::spawn_local;
use yew::UseReducerHandle;

use super::error::{describe, log_warning};
use crate::state::session::{SessionAction, SessionState, Warning};
use crate::time::now_ms;

/// How long after a refresh (or sign-in) a person's action does not refresh again.
const ACTIVITY_REFRESH_AFTER_MS: f64 = 60_000.0;

type RefreshFuture = Shared<LocalBoxFuture<'static, Result<SessionView, AppError>>>;

/// The values async code reads at the moment it runs.
#[derive(Default)]
pub struct Live {
    view: Option<SessionView>,
    last_refresh_ms: f64,
    in_flight: Option<RefreshFuture>,
}

#[derive(Clone)]
pub struct SessionHandle {
    state: UseReducerHandle<SessionState>,
    live: Rc<RefCell<Live>>,
}

impl PartialEq for SessionHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.live, &other.live) && self.state == other.state
    }
}

impl std::ops::Deref for SessionHandle {
    type Target = SessionState;

    /// The state as of this render: for rendering only, not for code after an `await`.
    fn deref(&self) -> &SessionState {
        &self.state
    }
}

impl SessionHandle {
    pub fn new(state: UseReducerHandle<SessionState>, live: Rc<RefCell<Live>>) -> Self {
        Self { state, live }
    }

    fn live_session_id(&self) -> Option<Uuid> {
        self.live.borrow().view.as_ref().map(|v| v.session_id)
    }

    /// The current access token, if signed in.
    fn token(&self) -> Option<String> {
        self.live
            .borrow()
            .view
            .as_ref()
            .map(|v| v.access_token.clone())
    }

    /// Asks the backend whether it is set up and who is signed in, to pick the first screen.
    pub fn boot(&self) {
        let this = self.clone();
        spawn_local(async move {
            let answer = async {
                // Both at once: one IPC round trip before the first screen instead of two.
                // Without an account there is no local session, so the second answers None.
                let (status, session) =
                    futures::future::join(super::app_status(), super::current_session()).await;
                if status?.needs_setup {
                    return Ok((true, None));
                }
                Ok::<_, AppError>((false, session?))
            }
            .await;
            crate::mark("tenure-booted");
            match answer {
                Ok((needs_setup, session)) => {
                    {
                        let mut live = this.live.borrow_mut();
                        live.view = session.clone();
                        // Unknown when the restored session was last refreshed: let the
                        // person's first action refresh it.
                        live.last_refresh_ms = f64::NEG_INFINITY;
                    }
                    this.state.dispatch(SessionAction::Booted {
                        needs_setup,
                        session,
                    });
                }
                Err(e) => this.state.dispatch(SessionAction::BootFailed(describe(&e))),
            }
        });
    }

    /// A session from setup or sign-in.
    pub fn signed_in(&self, view: SessionView) {
        {
            let mut live = self.live.borrow_mut();
            live.view = Some(view.clone());
            live.last_refresh_ms = now_ms();
            live.in_flight = None;
        }
        self.state.dispatch(SessionAction::SignedIn(view));
    }

    /// Refreshes the session, joining a refresh already under way rather than starting a
    /// second one. A session that ended sends the person to Sign in with the expired banner.
    pub async fn refresh(&self) -> Result<SessionView, AppError> {
        let shared = {
            let mut live = self.live.borrow_mut();
            if live.view.is_none() {
                return Err(AppError::Unauthenticated);
            }
            match &live.in_flight {
                Some(f) => f.clone(),
                None => {
                    let this = self.clone();
                    let f = async move { this.refresh_once().await }
                        .boxed_local()
                        .shared();
                    live.in_flight = Some(f.clone());
                    f
                }
            }
        };
        shared.await
    }

    async fn refresh_once(self) -> Result<SessionView, AppError> {
        let asked_for = self.live_session_id();
        let result = super::refresh().await;
        self.live.borrow_mut().in_flight = None;
        if self.live_session_id() != asked_for {
            // Signed out, or signed in afresh, while the refresh ran: its answer is moot.
            return result;
        }
        match &result {
            Ok(view) => {
                {
                    let mut live = self.live.borrow_mut();
                    live.view = Some(view.clone());
                    live.last_refresh_ms = now_ms();
                }
                self.state.dispatch(SessionAction::Refreshed(view.clone()));
            }
            Err(AppError::SessionEnded { .. } | AppError::Unauthenticated) => self.end(true),
            Err(_) => {}
        }
        result
    }

    /// Called on a click or key press anywhere: refreshes when the last refresh is over a
    /// minute old, so a person at work is never signed out for inactivity.
    pub fn refresh_on_activity(&self) {
        let due = {
            let live = self.live.borrow();
            live.view.is_some()
                && live.in_flight.is_none()
                && now_ms() - live.last_refresh_ms >= ACTIVITY_REFRESH_AFTER_MS
        };
        if due {
            let this = self.clone();
            spawn_local(async move {
                if let Err(e) = this.refresh().await {
                    log_warning(&format!("refresh after activity failed: {e}"));
                }
            });
        }
    }

    /// Runs a command that needs the access token. When the token was refused as lapsed, it
    /// refreshes once and tries again once; a session that ended sends the person to Sign in.
    pub async fn authed<T, F, Fut>(&self, call: F) -> Result<T, AppError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        let token = self.token().ok_or(AppError::Unauthenticated)?;
        let session = self.live_session_id();
        let result = match call(token.clone()).await {
            Err(AppError::Unauthenticated) => {
                // Another caller may have refreshed meanwhile; its token will do.
                let fresh = match self.token() {
                    Some(t) if t != token => t,
                    _ => self.refresh().await?.access_token,
                };
                call(fresh).await
            }
            other => other,
        };
        if matches!(
            result,
            Err(AppError::SessionEnded { .. } | AppError::Unauthenticated)
        ) && self.live_session_id() == session
        {
            self.end(true);
        }
        result
    }

    /// Signs out at the person's request: no expired banner. The local session is dropped
    /// first, so nothing refreshes it while the backend revokes it.
    pub async fn sign_out(&self) {
        self.live.borrow_mut().view = None;
        if let Err(e) = super::sign_out().await {
            // Locally signed out regardless; the backend's watcher ends the session anyway.
            log_warning(&format!("sign out failed: {e}"));
        }
        self.state.dispatch(SessionAction::Ended { expired: false });
    }

    /// The owner is about to revoke every session, their own included. From now on the end
    /// of this session is expected: the backend's `session-ended` must not jump to Sign in
    /// with the expired banner before the outcome has been shown.
    pub fn begin_leaving(&self) {
        self.state.dispatch(SessionAction::Leaving);
    }

    /// The revoke did not sign the owner out: still signed in, unless the session ended
    /// while it ran (its end was held back meanwhile, and is applied now).
    pub fn cancel_leaving(&self) {
        self.state.dispatch(SessionAction::Stayed);
        if self.live.borrow().view.is_none() {
            self.state.dispatch(SessionAction::Ended { expired: true });
        }
    }

    /// The owner's own session was revoked: show the outcome for `delay_ms`, then Sign in
    /// without the banner (they did this on purpose).
    pub fn leave_after(&self, delay_ms: u32) {
        self.live.borrow_mut().view = None;
        self.state.dispatch(SessionAction::Leaving);
        let state = self.state.clone();
        // A detached task, not a component timer: leaving the page early must not cancel it.
        spawn_local(async move {
            TimeoutFuture::new(delay_ms).await;
            state.dispatch(SessionAction::Left);
        });
    }

    pub fn on_warning(&self, event: WarningEvent) {
        self.state.dispatch(SessionAction::Warning(Warning {
            event,
            received_ms: now_ms(),
        }));
    }

    pub fn on_ended(&self, by: EndedBy) {
        if self.state.leaving {
            return;
        }
        self.end(by != EndedBy::SignedOut);
    }

    /// Asks the backend whether the session is still live. Called when the window comes back
    /// after being hidden or minimised, when the webview's timers (and possibly events) stalled:
    /// a session that ended meanwhile goes straight to Sign in with the banner, never a stale
    /// notice.
    pub fn recheck(&self) {
        if self.live_session_id().is_none() || self.state.leaving {
            return;
        }
        let this = self.clone();
        spawn_local(async move {
            match super::current_session().await {
                Ok(Some(view)) => {
                    if this.live_session_id() == Some(view.session_id) {
                        this.live.borrow_mut().view = Some(view);
                    }
                }
                Ok(None) | Err(AppError::SessionEnded { .. }) => {
                    if this.live_session_id().is_some() && !this.state.leaving {
                        this.end(true);
                    }
                }
                Err(e) => log_warning(&format!("could not re-check the session: {e}")),
            }
        });
    }

    pub fn dismiss_notice(&self) {
        self.state.dispatch(SessionAction::DismissNotice);
    }

    fn end(&self, expired: bool) {
        self.live.borrow_mut().view = None;
        self.state.dispatch(SessionAction::Ended { expired });
    }
}
