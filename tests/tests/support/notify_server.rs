//! A notification server for tests: owns `org.freedesktop.Notifications` on the session bus the
//! app uses, and records every `Notify` call (summary, body, actions).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use zbus::OwnedVariant;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notified {
    pub summary: String,
    pub body: String,
    pub actions: Vec<String>,
    pub at: std::time::Instant,
}

#[derive(Clone, Default)]
struct Recorder {
    calls: Arc<Mutex<Vec<Notified>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Recorder {
    #[allow(clippy::too_many_arguments)]
    async fn notify(
        &self,
        _app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedVariant>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut calls = self.calls.lock().unwrap();
        calls.push(Notified {
            summary,
            body,
            actions,
            at: std::time::Instant::now(),
        });
        calls.len() as u32
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into(), "actions".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "tenure-test".into(),
            "tenure".into(),
            "1.0".into(),
            "1.2".into(),
        )
    }

    fn close_notification(&self, _id: u32) {}
}

/// The running server; dropping it releases the name.
pub struct NotifyServer {
    _conn: zbus::Connection,
    calls: Arc<Mutex<Vec<Notified>>>,
}

impl NotifyServer {
    pub async fn start() -> Self {
        let rec = Recorder::default();
        let calls = rec.calls.clone();
        let conn = zbus::connection::Builder::session()
            .name("org.freedesktop.Notifications")
            .serve_at("/org/freedesktop/Notifications", rec)
            .build()
            .await
            .expect("the notification server could not own its name");
        Self { _conn: conn, calls }
    }

    /// Acts as the person clicking `action` on notification number `id` (1-based, the order
    /// of arrival): emits `ActionInvoked` as a real notification server does.
    pub async fn invoke_action(&self, id: u32, action: &str) {
        self._conn
            .emit_signal(
                None::<&str>,
                "/org/freedesktop/Notifications",
                "org.freedesktop.Notifications",
                "ActionInvoked",
                &(id, action),
            )
            .await
            .expect("emit ActionInvoked");
    }

    pub fn calls(&self) -> Vec<Notified> {
        self.calls.lock().unwrap().clone()
    }

    /// Waits until `n` notifications have arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Notified> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while std::time::Instant::now() < deadline {
            let c = self.calls();
            if c.len() >= n {
                return c;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("expected {n} notifications, got {:?}", self.calls());
    }
}
