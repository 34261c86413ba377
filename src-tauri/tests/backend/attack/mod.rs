//! The attack and fault suite (issue 7): bad input sent straight to the commands, tampered
//! tokens, members at the owner's door, racing refreshes, throttling, a bulk revoke killed with
//! SIGKILL, and the webview's lock-down. Every case asserts the exact outcome, on both back ends
//! wherever a store is involved. `SECURITY.md` lists each case and what it proves.
//!
//! The helpers here extend the suite's [`Env`](super::Env): an app on Tauri's mock runtime over
//! either back end, a service whose token key the test knows (to forge tokens), and a raw dump
//! of a table for "byte-for-byte unchanged" checks.

mod crash;
mod lockdown;
mod members;
mod policy_input;
mod refresh;
mod throttle;
mod tokens;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use sqlx::{Connection as _, Row as _};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};
use tenure_app::auth::tokens::TokenKeys;
use tenure_app::clock::ManualClock;
use tenure_app::service::{Device, Service, Settings};
use tenure_app::state::AppState;

use super::{Backend, Env, OWNER_PW};

/// The HMAC secret of [`env_with_known_key`]'s service, so a test can sign tokens it accepts.
pub(crate) const KNOWN_SECRET: &[u8; 32] = b"tenure-attack-suite-known-secret";

/// Like [`Env::new`], but the service signs with [`KNOWN_SECRET`] instead of a random key.
pub(crate) async fn env_with_known_key(backend: Backend) -> Option<Env> {
    let (db, url) = backend.database().await?;
    let store = tenure_app::store::open(&url).await.unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 5, 4, 9, 0, 0).unwrap());
    let service = Arc::new(Service::new(
        store,
        Arc::new(clock.clone()),
        TokenKeys::from_secret(KNOWN_SECRET),
        Settings::default(),
        Device::this_machine(),
    ));
    Some(Env {
        url,
        clock,
        service,
        _db: db,
    })
}

/// The app on Tauri's mock runtime over `backend`, with the real command handler.
pub(crate) struct CmdApp {
    pub env: Env,
    _app: tauri::App<tauri::test::MockRuntime>,
    window: WebviewWindow<tauri::test::MockRuntime>,
}

impl CmdApp {
    pub async fn new(backend: Backend) -> Option<Self> {
        let env = Env::new(backend).await?;
        let app = tenure_app::configure(mock_builder())
            .build(mock_context(noop_assets()))
            .unwrap();
        app.manage(AppState::new(env.service.clone()));
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        Some(Self {
            env,
            _app: app,
            window,
        })
    }

    /// Invokes `cmd` as the webview would, with an already parsed JSON body. The command runs on
    /// Tauri's runtime while this thread waits, so the test runtime must be multi-threaded.
    pub fn call(
        &self,
        cmd: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        tokio::task::block_in_place(|| {
            get_ipc_response(&self.window, request)
                .map(|b| b.deserialize::<serde_json::Value>().unwrap())
        })
    }

    /// Invokes `cmd` with a raw JSON body as it arrives over the IPC protocol. Tauri parses the
    /// body with `serde_json::from_slice::<Value>` before any command runs
    /// (`tauri::ipc::protocol`); a body it cannot parse is answered with the parser's message.
    pub fn call_raw(&self, cmd: &str, body: &[u8]) -> Result<serde_json::Value, serde_json::Value> {
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(args) => self.call(cmd, args),
            Err(e) => Err(serde_json::Value::String(e.to_string())),
        }
    }

    /// Runs set-up through the command and returns the owner's access token.
    pub fn setup_owner(&self) -> String {
        let view = self
            .call(
                "setup",
                serde_json::json!({"request": {"account_name": "Acme", "owner_name": "Olive Owner",
                    "email": "olive@example.com", "password": OWNER_PW}}),
            )
            .unwrap();
        view["access_token"].as_str().unwrap().to_owned()
    }

    /// Signs in through the command; the access token on success.
    pub fn sign_in(&self, email: &str, password: &str) -> Result<String, serde_json::Value> {
        self.call(
            "sign_in",
            serde_json::json!({"request": {"email": email, "password": password}}),
        )
        .map(|v| v["access_token"].as_str().unwrap().to_owned())
    }
}

/// Every row of `table`, each as one exact text (SQLite: `quote()` of every column, so type and
/// value both count; PostgreSQL: the row's text form), sorted. Read over a connection of its own.
pub(crate) async fn dump(url: &str, table: &str) -> Vec<String> {
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        let rows: Vec<String> =
            sqlx::query_scalar(&format!("SELECT t::text FROM {table} t ORDER BY 1"))
                .fetch_all(&mut c)
                .await
                .unwrap();
        c.close().await.unwrap();
        rows
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        let cols: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                .bind(table)
                .fetch_all(&mut c)
                .await
                .unwrap();
        assert!(!cols.is_empty(), "no table {table}");
        let expr = cols
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let rows = sqlx::query(&format!("SELECT {expr} AS r FROM {table} ORDER BY 1"))
            .fetch_all(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
        rows.iter().map(|r| r.get::<String, _>("r")).collect()
    }
}

/// The tables an owner command could change, dumped: "the database is unchanged".
pub(crate) async fn dump_state(url: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for t in ["accounts", "users", "sessions", "login_throttle"] {
        out.push((t.to_owned(), dump(url, t).await));
    }
    out
}
