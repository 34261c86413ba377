//! Tenure's backend: the store, credentials, the expiry watcher, notifications and the Tauri
//! commands. [`run`] is the composition root: the only place that reads the system clock, opens
//! the database and builds the app. Tests build the same app on `tauri::test::mock_builder()`
//! through [`configure`].

pub mod auth;
pub mod clock;
pub mod commands;
pub mod config;
pub mod demo;
pub mod service;
pub mod state;
pub mod store;
pub mod watcher;

use std::sync::Arc;

use tauri::{Emitter, Manager, Runtime};
use tenure_core::wire::{EndedBy, SessionEndedEvent, WarningEvent, EVENT_ENDED, EVENT_WARNING};

use crate::auth::tokens::TokenKeys;
use crate::clock::Clock;
use crate::service::{Device, Service};
use crate::state::AppState;

/// Registers every command. Shared by the real app and the tests.
pub fn configure<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(handler())
}

/// The app's commands, plus any extra ones (the test hooks), in one list.
macro_rules! app_handler {
    ($($extra:path),* $(,)?) => {
        tauri::generate_handler![
            commands::auth::app_status,
            commands::auth::setup,
            commands::auth::sign_in,
            commands::auth::refresh,
            commands::auth::sign_out,
            commands::auth::current_session,
            commands::security::current_warning,
            commands::security::security_settings,
            commands::security::update_policy,
            commands::security::revoke_sessions,
            commands::members::list_members,
            commands::members::add_member,
            $($extra,)*
        ]
    };
}

#[cfg(not(feature = "test-hooks"))]
fn handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    app_handler![]
}

#[cfg(feature = "test-hooks")]
fn handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    app_handler![commands::debug::debug_advance_clock]
}

/// Builds the service on an opened store.
pub fn build_service(
    store: Arc<dyn store::Store>,
    clock: Arc<dyn Clock>,
    settings: service::Settings,
) -> Service {
    Service::new(
        store,
        clock,
        TokenKeys::random(),
        settings,
        Device::this_machine(),
    )
}

/// The watcher's effects in the real app: OS notifications and events to the webview.
struct AppEffects<R: Runtime> {
    app: tauri::AppHandle<R>,
    missing_service: Arc<watcher::NotifyOnceLog>,
}

impl<R: Runtime> watcher::Effects for AppEffects<R> {
    fn notify(
        &self,
        reason: tenure_core::warning::WarningReason,
        title: &str,
        body: &str,
    ) -> Result<(), String> {
        use tauri_plugin_notification::NotificationExt;
        // The plugin delivers in the background and reports nothing, so ask the bus ourselves
        // whether anyone serves notifications; its absence is logged once, never retried.
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            let missing = self.missing_service.clone();
            std::thread::spawn(move || {
                if let Err(e) = notify_rust::get_server_information() {
                    missing.failed(&e.to_string());
                }
            });
        }
        let mut n = self.app.notification().builder().title(title).body(body);
        if reason == tenure_core::warning::WarningReason::Idle {
            n = n.action_type_id(IDLE_ACTION_TYPE);
        }
        n.show().map_err(|e| e.to_string())
    }

    fn warning(&self, event: &WarningEvent) {
        if let Err(e) = self.app.emit(EVENT_WARNING, event) {
            tracing::error!(error = %e, "could not send the warning to the window");
        }
    }

    fn ended(&self, by: EndedBy) {
        if let Err(e) = self.app.emit(EVENT_ENDED, SessionEndedEvent { by }) {
            tracing::error!(error = %e, "could not tell the window the session ended");
        }
    }
}

/// The notification action type of idle warnings, and its one button.
const IDLE_ACTION_TYPE: &str = "tenure-idle-warning";
const STAY_ACTION: &str = "stay-signed-in";

/// Brings the main window to the front (a click on a notification means "show me").
fn bring_to_front<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

/// Registers the "Stay signed in" button and what a click on a notification does: the window
/// comes to the front, and "Stay signed in" refreshes the session (a person's action, so it is
/// allowed to move the idle expiry). A platform without actions still shows the plain text.
fn register_notification_actions<R: Runtime>(app: &tauri::AppHandle<R>, state: AppState) {
    use tauri_plugin_notification::{Action, ActionType, NotificationExt};
    let stay = ActionType::builder(IDLE_ACTION_TYPE)
        .actions(vec![Action::builder(STAY_ACTION, "Stay signed in")
            .foreground(true)
            .build()])
        .build();
    if let Err(e) = app.notification().register_action_types(vec![stay]) {
        tracing::warn!(error = %e, "notification actions unavailable");
    }
    let handle = app.clone();
    let result = app.notification().on_action(move |performed| {
        bring_to_front(&handle);
        if performed.action_id() == STAY_ACTION {
            let state = state.clone();
            tauri::async_runtime::spawn(async move {
                if let Err(e) = state.refresh().await {
                    tracing::info!(error = %e, "stay signed in from the notification failed");
                }
            });
        }
    });
    if let Err(e) = result {
        tracing::warn!(error = %e, "notification clicks unavailable");
    }
}

/// Options from the command line, and the configuration `main` loaded (and checked) before
/// anything touched the display.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub demo: bool,
    pub config: config::Config,
}

/// Starts the desktop app. Returns an error message for a start-up failure (bad config, a
/// database that cannot be opened) instead of panicking: Tauri treats an error from a setup
/// hook as a panic, so nothing that can fail runs in one; it runs between `build` (GTK, the
/// plugins) and `run` (the window), before any window exists.
pub fn run(opts: RunOptions) -> Result<(), String> {
    let cfg = opts.config;
    // Open the database while Tauri starts GTK: on a shared PostgreSQL that is a network round
    // trip or several, and the first screen waits for neither.
    let url = cfg.database_url.clone();
    let opening = tauri::async_runtime::spawn(async move {
        let started = std::time::Instant::now();
        let store = store::open(&url).await;
        (store, started.elapsed())
    });
    let app = configure(tauri::Builder::default())
        .plugin(tauri_plugin_notification::init())
        .build(tauri::generate_context!())
        .map_err(|e| format!("could not start Tenure: {e}"))?;
    let url = &cfg.database_url;
    let waited = std::time::Instant::now();
    let cannot_open = |e: String| {
        format!(
            "could not open the database {}: {e}",
            store::redact_url(url)
        )
    };
    let (store, took) =
        tauri::async_runtime::block_on(opening).map_err(|e| cannot_open(e.to_string()))?;
    let store = store.map_err(|e| cannot_open(e.to_string()))?;
    tracing::info!(
        db = %store::redact_url(url),
        backend = store.backend(),
        open_ms = took.as_millis() as u64,
        waited_ms = waited.elapsed().as_millis() as u64,
        "database ready"
    );
    #[cfg(feature = "test-hooks")]
    let clock: Arc<dyn Clock> = {
        let c = clock::OffsetClock::default();
        app.manage(c.clone());
        Arc::new(c)
    };
    #[cfg(not(feature = "test-hooks"))]
    let clock: Arc<dyn Clock> = Arc::new(clock::SystemClock);
    let service = Arc::new(build_service(store, clock, cfg.settings));
    if opts.demo {
        match tauri::async_runtime::block_on(demo::seed(&service)) {
            Ok(true) => println!(
                "Demo account seeded. Sign in as {} with password {}",
                demo::OWNER_EMAIL,
                demo::OWNER_PASSWORD
            ),
            Ok(false) => println!(
                "The database already has an account; the demo owner (if seeded earlier) is {} / {}",
                demo::OWNER_EMAIL,
                demo::OWNER_PASSWORD
            ),
            Err(e) => return Err(format!("could not seed the demo: {e}")),
        }
    }
    let state = AppState::new(service);
    let effects: Arc<dyn watcher::Effects> = Arc::new(AppEffects {
        app: app.handle().clone(),
        missing_service: Arc::default(),
    });
    register_notification_actions(app.handle(), state.clone());
    tauri::async_runtime::spawn(watcher::run(state.clone(), effects, state.poke.clone()));
    app.manage(state);
    app.run(|handle, event| {
        // Quitting signs out: the session ends with the app, not 60 minutes later.
        if let tauri::RunEvent::Exit = event {
            if let Some(state) = handle.try_state::<AppState>() {
                let state = state.inner().clone();
                tauri::async_runtime::block_on(async move {
                    if let Some(id) = state.clear().await {
                        if let Err(e) = state.service.sign_out(id).await {
                            tracing::error!(error = %e, "could not sign out on exit");
                        }
                    }
                });
            }
        }
    });
    Ok(())
}
