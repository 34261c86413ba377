//! The app's state behind the commands: the service, and the one session this desktop holds
//! (with its refresh token, which never leaves the backend).

use std::sync::Arc;

use tenure_core::wire::SessionView;
use tokio::sync::{watch, Mutex};
use uuid::Uuid;

use crate::auth::refresh::RefreshToken;
use crate::service::{Service, SignedIn};

/// The signed-in session of this desktop.
#[derive(Debug, Clone)]
pub struct LocalSession {
    pub view: SessionView,
    pub refresh: RefreshToken,
}

/// What the expiry watcher follows: the local session's id and its two expiries, or nothing.
pub type Watched = Option<SessionView>;

/// Cheap to clone: the watcher task and the commands share one state.
#[derive(Clone)]
pub struct AppState {
    pub service: Arc<Service>,
    local: Arc<Mutex<Option<LocalSession>>>,
    watched: Arc<watch::Sender<Watched>>,
    /// Wakes the watcher early (after the test clock moves).
    pub poke: Arc<tokio::sync::Notify>,
}

impl AppState {
    pub fn new(service: Arc<Service>) -> Self {
        let (watched, _) = watch::channel(None);
        Self {
            service,
            local: Arc::new(Mutex::new(None)),
            watched: Arc::new(watched),
            poke: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// A receiver of every change to the local session (sign-in, refresh, sign-out, revoke).
    pub fn subscribe(&self) -> watch::Receiver<Watched> {
        self.watched.subscribe()
    }

    pub async fn set_signed_in(&self, s: SignedIn) -> SessionView {
        let mut g = self.local.lock().await;
        self.keep(&mut g, s)
    }

    /// Holds `s` as the local session and tells the watcher.
    fn keep(&self, slot: &mut Option<LocalSession>, s: SignedIn) -> SessionView {
        let view = s.view.clone();
        *slot = Some(LocalSession {
            view: s.view,
            refresh: s.refresh,
        });
        self.watched.send_replace(Some(view.clone()));
        view
    }

    pub async fn local(&self) -> Option<LocalSession> {
        self.local.lock().await.clone()
    }

    /// Forgets the local session (it ended or was signed out); returns its id if there was one.
    pub async fn clear(&self) -> Option<Uuid> {
        let old = self.local.lock().await.take();
        self.watched.send_replace(None);
        old.map(|l| l.view.session_id)
    }

    /// Forgets the local session only if it is `id` (another sign-in may have replaced it).
    pub async fn clear_if(&self, id: Uuid) {
        let mut g = self.local.lock().await;
        if g.as_ref().is_some_and(|l| l.view.session_id == id) {
            *g = None;
            drop(g);
            self.watched.send_replace(None);
        }
    }

    /// Refreshes the local session, holding the lock so two refreshes from this desktop never
    /// race each other with the same token.
    pub async fn refresh(&self) -> Result<SessionView, tenure_core::AppError> {
        let mut g = self.local.lock().await;
        let Some(local) = g.as_ref() else {
            return Err(tenure_core::AppError::Unauthenticated);
        };
        match self
            .service
            .refresh(local.view.session_id, &local.refresh)
            .await
        {
            Ok(s) => Ok(self.keep(&mut g, s)),
            Err(e @ tenure_core::AppError::SessionEnded { .. })
            | Err(e @ tenure_core::AppError::Unauthenticated) => {
                *g = None;
                drop(g);
                self.watched.send_replace(None);
                Err(e)
            }
            Err(e) => Err(e),
        }
    }
}
