//! End-to-end: the real Tenure window under Xvfb, driven over WebDriver (tauri-driver +
//! WebKitWebDriver). `cargo xtask test` starts the display, the bus and the driver and sets
//! `TENURE_E2E=1`; run alone without it, these tests say so and pass nothing off as checked.
//! Screenshots of every screen land in `target/e2e/`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

mod support {
    pub mod notify_server;
}
use support::notify_server::NotifyServer;

/// One window at a time: tauri-driver serves sessions one after another, and the notification
/// server's bus name can have one owner.
static WINDOW: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
use serde_json::json;
use tenure_app::clock::SystemClock;
use tenure_core::wire::SignInRequest;

struct Harness {
    client: Client,
    data_dir: tempfile::TempDir,
    shots: PathBuf,
    prefix: &'static str,
}

fn enabled() -> bool {
    if std::env::var("TENURE_E2E").as_deref() == Ok("1") {
        return true;
    }
    eprintln!("end-to-end tests need the window stack: run them with `cargo xtask test`");
    false
}

impl Harness {
    async fn start(prefix: &'static str, extra_args: &[&str]) -> Self {
        let app = std::env::var("TENURE_E2E_APP").expect("TENURE_E2E_APP");
        let url = std::env::var("TENURE_WEBDRIVER_URL_OVERRIDE")
            .or_else(|_| std::env::var("TENURE_WEBDRIVER_URL"))
            .expect("TENURE_WEBDRIVER_URL");
        let shots = PathBuf::from(
            std::env::var("TENURE_E2E_SCREENSHOTS").unwrap_or_else(|_| "target/e2e".into()),
        );
        std::fs::create_dir_all(&shots).unwrap();
        let data_dir = tempfile::tempdir().unwrap();
        let mut args = vec![json!("--data-dir"), json!(data_dir.path())];
        args.extend(extra_args.iter().map(|a| json!(a)));
        let caps = json!({
            "browserName": "wry",
            "tauri:options": { "application": app, "args": args },
        });
        // Two crypto back ends reach rustls in this test binary; it cannot choose by itself.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = ClientBuilder::rustls()
            .expect("tls")
            .capabilities(caps.as_object().unwrap().clone())
            .connect(&url)
            .await
            .expect("WebDriver session");
        Self {
            client,
            data_dir,
            shots,
            prefix,
        }
    }

    fn db_url(&self) -> String {
        format!(
            "sqlite:{}",
            self.data_dir.path().join("tenure.db").display()
        )
    }

    async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(e) => {
                self.shot("FAILED").await;
                let html = self.client.source().await.unwrap_or_default();
                panic!(
                    "element {css} never appeared: {e}\npage: {}",
                    &html[..html.len().min(3000)]
                );
            }
        }
    }

    async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map(|v| v.len())
            .unwrap_or(0)
    }

    /// Polls until `css`'s text contains `want` (the wasm renders asynchronously).
    async fn wait_text(&self, css: &str, want: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(e) = self.client.find(Locator::Css(css)).await {
                last = e.text().await.unwrap_or_default();
                if last.contains(want) {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.shot("FAILED").await;
        panic!("{css} never read {want:?}; last read {last:?}");
    }

    async fn wait_count(&self, css: &str, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if self.count(css).await == n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.shot("FAILED").await;
        panic!(
            "{css} never matched {n} elements (has {})",
            self.count(css).await
        );
    }

    async fn wait_gone(&self, css: &str) {
        self.wait_count(css, 0).await
    }

    async fn fill(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Scrolls the element to the middle of the window (for the screenshot that follows).
    async fn scroll_to(&self, css: &str) {
        let e = self.find(css).await;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(e).unwrap()],
            )
            .await
            .unwrap();
    }

    async fn shot(&self, name: &str) {
        // Let the last render and transitions settle before the picture.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(self.shots.join(format!("{}-{name}.png", self.prefix)), png).unwrap();
    }

    async fn sign_in(&self, email: &str, password: &str) {
        self.fill("#signin-email", email).await;
        self.fill("#signin-password", password).await;
        self.click("#signin-submit").await;
    }

    /// Moves the backend clock (feature `test-hooks`) and returns when the backend has moved it.
    /// Returns the backend's time right after the move.
    async fn advance_clock(&self, seconds: i64) -> chrono::DateTime<chrono::Utc> {
        let script = format!(
            "const done = arguments[arguments.length - 1];\
             window.__TAURI__.core.invoke('debug_advance_clock', {{ seconds: {seconds} }})\
               .then(t => done('ok ' + t), e => done('error ' + JSON.stringify(e)));"
        );
        let out = self.client.execute_async(&script, vec![]).await.unwrap();
        let text = out.as_str().unwrap_or("");
        let at = text
            .strip_prefix("ok ")
            .unwrap_or_else(|| panic!("advance_clock: {out:?}"));
        chrono::DateTime::parse_from_rfc3339(at).unwrap().to_utc()
    }

    /// First run: sets up "Acme Robotics" with Olive Owner, who is then signed in.
    async fn set_up_owner(&self) {
        self.find("#setup-account").await;
        self.fill("#setup-account", "Acme Robotics").await;
        self.fill("#setup-name", "Olive Owner").await;
        self.fill("#setup-email", "olive@example.com").await;
        self.fill("#setup-password", "owner-password-1").await;
        self.click("#setup-submit").await;
    }

    /// The app's database, opened beside the app, and the owner [`Self::set_up_owner`] made.
    async fn store_and_owner(
        &self,
    ) -> (
        Arc<dyn tenure_app::store::Store>,
        tenure_app::store::UserRecord,
    ) {
        let store = tenure_app::store::open(&self.db_url()).await.unwrap();
        let owner = store
            .user_by_email("olive@example.com")
            .await
            .unwrap()
            .unwrap();
        (store, owner)
    }

    /// Set up an account with `idle`/`absolute` minutes and sign in again so they apply.
    async fn owner_with_policy(&self, idle: i64, absolute: i64) {
        self.set_up_owner().await;
        self.click("#row-security").await;
        self.click("#preset-custom").await;
        self.fill("#idle-minutes", &idle.to_string()).await;
        self.fill("#absolute-minutes", &absolute.to_string()).await;
        self.click("#policy-save").await;
        self.wait_text("#policy-saved", "Saved").await;
        self.click("#sign-out").await;
        self.sign_in("olive@example.com", "owner-password-1").await;
        self.find("#row-security").await;
    }

    async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// Signs a member in from "another desktop": the backend library on the same database file.
async fn sign_in_elsewhere(db_url: &str, email: &str, password: &str) {
    let store = tenure_app::store::open(db_url).await.unwrap();
    let service = tenure_app::build_service(store, Arc::new(SystemClock), Default::default());
    service
        .sign_in(SignInRequest {
            email: email.into(),
            password: password.into(),
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn owner_sets_policy_and_signs_others_out() {
    if !enabled() {
        return;
    }
    let _one = WINDOW.lock().await;
    let h = Harness::start("skeleton", &[]).await;

    // First run: Set up.
    h.find("#setup-account").await;
    h.shot("01-setup").await;
    h.fill("#setup-account", "Acme Robotics").await;
    h.fill("#setup-name", "Olive Owner").await;
    h.fill("#setup-email", "olive@example.com").await;
    h.fill("#setup-password", "owner-password-1").await;
    h.click("#setup-submit").await;
    h.wait_text("#header-user", "Olive Owner").await;

    // Sign out and sign in again as the owner.
    h.click("#sign-out").await;
    h.find("#signin-email").await;
    assert_eq!(
        h.count("#expired-banner").await,
        0,
        "no banner after a chosen sign-out"
    );
    h.sign_in("olive@example.com", "wrong-password").await;
    h.wait_text("#signin-error", "not right").await;
    h.shot("02-sign-in-error").await;
    h.sign_in("OLIVE@example.com", "owner-password-1").await;
    h.find("#row-security").await;
    h.shot("03-account-settings").await;

    // Session security: Custom with an invalid pair shows the backend's own message inline.
    h.click("#row-security").await;
    h.find("#preset-standard").await;
    h.wait_text("#effective-summary", "60").await;
    h.shot("04-security").await;
    assert!(h
        .find("#idle-minutes")
        .await
        .attr("disabled")
        .await
        .unwrap()
        .is_some());
    h.click("#preset-custom").await;
    assert!(h
        .find("#idle-minutes")
        .await
        .attr("disabled")
        .await
        .unwrap()
        .is_none());
    assert_eq!(h.value("#idle-minutes").await, "60");
    assert_eq!(h.value("#absolute-minutes").await, "1440");
    h.fill("#idle-minutes", "43200").await;
    h.wait_text(
        "#idle-error",
        "Idle timeout (43200 minutes) cannot be longer than the absolute timeout (1440 minutes)",
    )
    .await;
    assert!(h
        .find("#policy-save")
        .await
        .attr("disabled")
        .await
        .unwrap()
        .is_some());
    h.shot("05-invalid-pair").await;

    // A valid pair saves, and reads back after a reload.
    h.fill("#idle-minutes", "30").await;
    h.fill("#absolute-minutes", "600").await;
    h.wait_gone("#idle-error").await;
    h.click("#policy-save").await;
    h.wait_text("#policy-saved", "Saved").await;
    h.shot("06-saved").await;
    h.client.refresh().await.unwrap();
    h.find("#preset-custom").await;
    h.wait_text("#effective-summary", "30").await;
    assert_eq!(h.value("#idle-minutes").await, "30");
    assert_eq!(h.value("#absolute-minutes").await, "600");
    assert!(
        h.find("#preset-custom")
            .await
            .prop("checked")
            .await
            .unwrap()
            .as_deref()
            == Some("true")
    );

    // Add a member, and sign them in from another desktop on the same database.
    h.click("#nav-members").await;
    h.fill("#member-name", "Max Member").await;
    h.fill("#member-email", "max@example.com").await;
    h.fill("#member-password", "member-password-1").await;
    h.click("#member-add").await;
    h.wait_count(".member-row", 2).await;
    h.shot("07-members").await;
    sign_in_elsewhere(&h.db_url(), "max@example.com", "member-password-1").await;

    // Two active users; sign out everyone except me; one remains.
    h.click("#nav-account").await;
    h.click("#row-security").await;
    h.wait_count(".active-user", 2).await;
    h.wait_text("#active-copy", "2 people are signed in").await;
    h.wait_text(".active-user .you-tag", "(you)").await;
    h.shot("08-two-active").await;
    h.click("#revoke-others").await;
    h.find("#revoke-modal").await;
    h.shot("09-revoke-modal").await;
    h.click("#revoke-confirm").await;
    h.wait_text("#revoke-notice", "Signed out 1 session").await;
    h.wait_count(".active-user", 1).await;
    h.wait_text("#active-copy", "Only you are signed in").await;
    assert_eq!(
        h.count("#revoke-others").await,
        0,
        "hidden when only the caller is active"
    );
    h.shot("10-one-active").await;

    // The database agrees: only the owner's session is live.
    let (store, owner) = h.store_and_owner().await;
    let live = store
        .live_sessions(owner.account_id, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].user_id, owner.id);
    h.close().await;
}

#[tokio::test]
async fn expiry_warnings_arrive_on_time() {
    if !enabled() {
        return;
    }
    let _one = WINDOW.lock().await;
    let server = NotifyServer::start().await;
    let h = Harness::start("warn", &[]).await;
    // Idle 10, absolute 15: after one "Stay signed in" at T+5 the two expiries meet.
    h.owner_with_policy(10, 15).await;
    assert_eq!(h.count("#expiry-notice").await, 0);

    // Two seconds short of the idle warning: the watcher must wake by itself at T-5 min.
    // The test clock is the system clock plus the whole seconds moved, so the backend's time
    // of the Notify call is its wall time plus those seconds.
    let moved = 5 * 60 - 2;
    let (ref_instant, ref_wall) = (Instant::now(), chrono::Utc::now());
    let backend_now = h.advance_clock(moved).await;
    let (store, owner) = h.store_and_owner().await;
    let session = store
        .live_sessions(owner.account_id, backend_now)
        .await
        .unwrap()
        .remove(0);
    let threshold = session.idle_expires_at - chrono::Duration::minutes(5);
    let calls = server.wait_for(1).await;
    let at_call = ref_wall
        + chrono::Duration::from_std(calls[0].at.saturating_duration_since(ref_instant)).unwrap()
        + chrono::Duration::seconds(moved);
    let delay = (at_call - threshold).num_microseconds().unwrap() as f64 / 1e6;
    let line = format!(
        "idle warning punctuality: Notify arrived {:.0} ms after the threshold\n",
        delay * 1000.0
    );
    std::fs::write(h.shots.join("punctuality.txt"), &line).unwrap();
    eprint!("{line}");
    assert!(
        calls[0].actions.iter().any(|a| a == "stay-signed-in"),
        "the idle notification offers Stay signed in: {calls:?}"
    );
    assert!(
        calls[0]
            .body
            .contains("ends in 5 minutes because of inactivity"),
        "{calls:?}"
    );
    h.find("#expiry-notice.notice-idle").await;
    h.wait_text("#expiry-notice", "5 minutes").await;
    h.find("#stay-signed-in").await;
    h.shot("01-idle-notice").await;

    // Stay signed in: the notice goes away; the idle expiry moved (to the absolute one).
    h.click("#stay-signed-in").await;
    h.wait_gone("#expiry-notice").await;
    h.shot("02-after-stay").await;
    assert_eq!(
        server.calls().len(),
        1,
        "no second notification for the same instant"
    );

    // T+10: the absolute limit is 5 minutes away: cyan notice, no stay button.
    h.advance_clock(5 * 60).await;
    let calls = server.wait_for(2).await;
    assert!(
        calls[1].body.contains("maximum length in 5 minutes"),
        "{calls:?}"
    );
    assert!(
        !calls[1].actions.iter().any(|a| a == "stay-signed-in"),
        "staying cannot help an absolute limit: {calls:?}"
    );
    h.find("#expiry-notice.notice-absolute").await;
    assert_eq!(h.count("#stay-signed-in").await, 0);
    h.find("#sign-in-now").await;
    h.shot("03-absolute-notice").await;

    // Past the absolute expiry: Sign in with the expired banner.
    h.advance_clock(5 * 60).await;
    h.wait_text(
        "#expired-banner",
        "Your session expired. Please sign in again.",
    )
    .await;
    h.find("#signin-email").await;
    h.shot("04-expired-banner").await;
    assert_eq!(
        server.calls().len(),
        2,
        "no stale notification after expiry"
    );
    h.close().await;
}

/// 150 people signed in: the list opens with the 100 most recent sign-ins and says so; "Show
/// 50 more" shows the rest; the revoke buttons still count everyone.
#[tokio::test]
async fn a_long_active_list_opens_with_the_most_recent_and_shows_more_on_request() {
    if !enabled() {
        return;
    }
    let _one = WINDOW.lock().await;
    let h = Harness::start("long-list", &[]).await;
    h.set_up_owner().await;
    h.find("#row-security").await;
    let (_, owner) = h.store_and_owner().await;
    let pool = sqlx::SqlitePool::connect(&h.db_url()).await.unwrap();
    // Signed in one second apart, all before the owner, so the owner comes first.
    tenure_bench::seed_sqlite(
        &pool,
        owner.account_id,
        149,
        1,
        chrono::Utc::now() - chrono::Duration::minutes(1),
        tenure_app::auth::password::dummy_hash(),
    )
    .await
    .unwrap();
    pool.close().await;
    h.click("#row-security").await;
    h.wait_count(".active-user", 100).await;
    h.wait_text("#active-copy", "150 people are signed in")
        .await;
    h.wait_text(
        "#active-more-copy",
        "Showing the 100 most recent of 150 people",
    )
    .await;
    h.wait_text("#active-more", "Show 50 more").await;
    let first = h
        .find(".active-user .active-name")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(first, "Olive Owner", "the most recent sign-in comes first");
    h.scroll_to("#active-more").await;
    h.shot("01-first-100").await;
    h.click("#active-more").await;
    h.wait_count(".active-user", 150).await;
    h.wait_gone("#active-more").await;
    h.scroll_to("#revoke-others").await;
    h.shot("02-all-150").await;
    h.close().await;
}

#[tokio::test]
async fn without_a_notification_service_the_notice_still_shows() {
    if !enabled() {
        return;
    }
    let _one = WINDOW.lock().await;
    let h = Harness::start("nodaemon", &[]).await;
    h.owner_with_policy(10, 60).await;
    h.advance_clock(5 * 60).await;
    h.find("#expiry-notice.notice-idle").await;
    h.shot("01-notice-without-daemon").await;
    // The app keeps working: a command still answers.
    h.click("#stay-signed-in").await;
    h.wait_gone("#expiry-notice").await;
    h.click("#nav-account").await;
    h.find("#row-security").await;
    h.close().await;
}

#[tokio::test]
async fn stay_signed_in_from_the_notification() {
    if !enabled() {
        return;
    }
    let _one = WINDOW.lock().await;
    let server = NotifyServer::start().await;
    let h = Harness::start("notify-action", &[]).await;
    h.owner_with_policy(10, 60).await;
    h.advance_clock(5 * 60).await;
    server.wait_for(1).await;
    h.find("#expiry-notice.notice-idle").await;
    let (store, owner) = h.store_and_owner().await;
    let before = store
        .live_sessions(owner.account_id, chrono::Utc::now())
        .await
        .unwrap()[0]
        .idle_expires_at;
    // The person clicks "Stay signed in" on the notification itself.
    server.invoke_action(1, "stay-signed-in").await;
    h.wait_gone("#expiry-notice").await;
    let after = store
        .live_sessions(owner.account_id, chrono::Utc::now())
        .await
        .unwrap()[0]
        .idle_expires_at;
    assert!(after > before, "the idle expiry moved: {before} -> {after}");
    h.shot("01-after-notification-action").await;
    h.close().await;
}

/// Moves focus with Tab `n` times and returns the id of the focused element.
async fn tab_and_focused(h: &Harness, n: usize) -> String {
    for _ in 0..n {
        h.client
            .active_element()
            .await
            .unwrap()
            .send_keys("\u{E004}")
            .await
            .unwrap();
    }
    h.client
        .execute(
            "return document.activeElement && document.activeElement.id",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn security_page_modal_guard_and_sign_in_details() {
    if !enabled() {
        return;
    }
    let _one = WINDOW.lock().await;
    let h = Harness::start("details", &[]).await;
    h.set_up_owner().await;

    // Members: inline validation, then a duplicate address gets the backend's clear conflict.
    h.click("#nav-members").await;
    h.fill("#member-name", "Max Member").await;
    h.fill("#member-email", "not-an-email").await;
    h.fill("#member-password", "short").await;
    h.click("#member-add").await;
    h.wait_text("#member-email-error", "Enter an email address")
        .await;
    h.wait_text("#member-password-error", "at least 10 characters")
        .await;
    h.shot("01-member-validation").await;
    h.fill("#member-email", "max@example.com").await;
    h.fill("#member-password", "member-password-1").await;
    h.click("#member-add").await;
    h.wait_count(".member-row", 2).await;
    h.fill("#member-name", "Max Again").await;
    h.fill("#member-email", "MAX@example.com").await;
    h.fill("#member-password", "member-password-1").await;
    h.click("#member-add").await;
    h.wait_text(
        "#member-error",
        "max@example.com already has an account in Tenure.",
    )
    .await;
    h.shot("02-member-duplicate").await;
    sign_in_elsewhere(&h.db_url(), "max@example.com", "member-password-1").await;

    // The modal: copy by scope, Escape and Cancel close it, Tab stays inside.
    h.click("#nav-account").await;
    h.click("#row-security").await;
    h.wait_count(".active-user", 2).await;
    h.click("#revoke-all").await;
    h.find("#revoke-modal").await;
    h.wait_text("#revoke-modal-title", "everyone").await;
    let inside = ["revoke-cancel", "revoke-confirm"];
    for n in 1..=4 {
        let id = tab_and_focused(&h, 1).await;
        assert!(
            inside.contains(&id.as_str()),
            "Tab {n} left the dialog for {id:?}"
        );
    }
    // The page behind neither scrolls nor takes a click: what lies under the "Sign out
    // everyone" button is now the overlay.
    let behind = h
        .client
        .execute(
            "const b = document.querySelector('#revoke-all').getBoundingClientRect(); \
             const top = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2); \
             return [getComputedStyle(document.body).overflow, \
                     !!(top && top.closest('.modal-overlay'))];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        behind,
        json!(["hidden", true]),
        "the page behind is blocked"
    );
    h.shot("03-revoke-all-modal").await;
    h.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E00C}")
        .await
        .unwrap();
    h.wait_gone("#revoke-modal").await;
    h.click("#revoke-others").await;
    h.wait_text("#revoke-modal-title", "except").await;
    h.click("#revoke-cancel").await;
    h.wait_gone("#revoke-modal").await;

    // A member who types the route sees a clear page (and the backend refuses anyway).
    h.click("#sign-out").await;
    h.sign_in("max@example.com", "member-password-1").await;
    h.find("#header-user").await;
    assert_eq!(
        h.count("#row-security").await,
        0,
        "members see no Session security row"
    );
    let script = "history.pushState({}, '', '/account/security'); \
                  dispatchEvent(new PopStateEvent('popstate', { state: {} }));";
    h.client.execute(script, vec![]).await.unwrap();
    h.wait_text(
        "#owner-only",
        "Only the account owner can change session security.",
    )
    .await;
    h.shot("04-member-owner-only").await;

    // Sign-in throttling, in people's words.
    h.click("#sign-out").await;
    for _ in 0..5 {
        h.sign_in("olive@example.com", "wrong-password").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let msg = h.wait_text("#signin-error", "Try again after").await;
    assert!(
        msg.chars().any(|c| c.is_ascii_digit()) && msg.contains(':'),
        "names the time: {msg}"
    );
    h.shot("05-locked-out").await;
    h.advance_clock(15 * 60).await;

    // Sign out everyone, including me: the count, then Sign in without the expired banner.
    h.sign_in("olive@example.com", "owner-password-1").await;
    h.click("#row-security").await;
    h.find("#revoke-all").await;
    h.click("#revoke-all").await;
    h.click("#revoke-confirm").await;
    // The owner's session and Max's on the other desktop.
    h.wait_text("#revoke-notice", "Signed out 2 sessions").await;
    h.shot("06-signed-out-all").await;
    h.find("#signin-email").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        h.count("#expired-banner").await,
        0,
        "the owner did this on purpose"
    );
    h.shot("07-sign-in-without-banner").await;
    h.close().await;
}

/// A tauri-driver of this test's own, so the app runs in another time zone.
struct OwnDriver {
    child: std::process::Child,
    url: String,
}

impl OwnDriver {
    fn start(tz: &str) -> Self {
        Self::start_with(&[("TZ", tz)])
    }

    /// With extra environment for the app it launches (tauri-driver passes its own on).
    fn start_with(env: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let native = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = std::env::var("TENURE_TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
        let child = std::process::Command::new(driver)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("tauri-driver");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not listen");
            std::thread::sleep(Duration::from_millis(100));
        }
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for OwnDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn times_read_in_the_local_zone() {
    if !enabled() {
        return;
    }
    let _one = WINDOW.lock().await;
    // UTC and Tokyo (UTC+9, no daylight saving): the hover time follows the zone, the words
    // ("just now") do not, and nothing a moment ago reads "in 9 hours".
    for (tz, offset) in [("UTC", 0), ("Asia/Tokyo", 9)] {
        let driver = OwnDriver::start(tz);
        std::env::set_var("TENURE_WEBDRIVER_URL_OVERRIDE", &driver.url);
        let h = Harness::start(if offset == 0 { "tz-utc" } else { "tz-tokyo" }, &[]).await;
        h.set_up_owner().await;
        h.click("#row-security").await;
        let text = h.wait_text(".active-user .active-last", "just now").await;
        assert!(!text.contains(" in "), "{tz}: {text}");
        let title = h
            .find(".active-user .active-last")
            .await
            .attr("title")
            .await
            .unwrap()
            .unwrap_or_default();
        let at = h.store_and_owner().await.1.last_login_at.unwrap();
        let local = at + chrono::Duration::hours(offset);
        use chrono::Timelike;
        let (hour, minute) = (local.hour(), local.minute());
        let h12 = if hour % 12 == 0 { 12 } else { hour % 12 };
        let forms = [
            format!("{hour}:{minute:02}"),
            format!("{hour:02}:{minute:02}"),
            format!("{h12}:{minute:02}"),
        ];
        assert!(
            forms.iter().any(|f| title.contains(f.as_str())),
            "{tz}: hover title {title:?} shows none of {forms:?}"
        );
        h.shot("01-active-user").await;
        h.close().await;
        std::env::remove_var("TENURE_WEBDRIVER_URL_OVERRIDE");
    }
}

/// Two desktops on one PostgreSQL: this window (B) holds a member's session; the owner on
/// desktop A (the backend library with its own pool) signs everyone else out. B shows Sign in
/// with the banner within 2 seconds, pushed by LISTEN/NOTIFY rather than found by a re-check.
#[tokio::test]
async fn revocation_from_another_desktop_shows_the_banner() {
    if !enabled() {
        return;
    }
    let _one = WINDOW.lock().await;
    let admin = std::env::var("TENURE_TEST_POSTGRES_URL").expect("TENURE_TEST_POSTGRES_URL");
    let name = format!("tenure_e2e_{}", uuid::Uuid::new_v4().simple());
    {
        use sqlx::{Connection as _, Executor as _};
        let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
        c.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
    }
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    // Desktop A: the owner sets up the account and adds a member.
    let store_a = tenure_app::store::open(&url).await.unwrap();
    let a = tenure_app::build_service(store_a, Arc::new(SystemClock), Default::default());
    let owner = a
        .setup(tenure_core::wire::SetupRequest {
            account_name: "Acme Robotics".into(),
            owner_name: "Olive Owner".into(),
            email: "olive@example.com".into(),
            password: "owner-password-1".into(),
        })
        .await
        .unwrap();
    let p = a.authenticate(&owner.view.access_token).await.unwrap();
    a.add_member_as(
        p.account_id,
        Some(p.user_id),
        tenure_core::wire::AddMemberRequest {
            name: "Max Member".into(),
            email: "max@example.com".into(),
            password: "member-password-1".into(),
        },
    )
    .await
    .unwrap();

    // Desktop B: the real window, on the same database.
    let driver = OwnDriver::start_with(&[("TENURE_DATABASE_URL", url.as_str())]);
    std::env::set_var("TENURE_WEBDRIVER_URL_OVERRIDE", &driver.url);
    let h = Harness::start("two-desktops", &[]).await;
    std::env::remove_var("TENURE_WEBDRIVER_URL_OVERRIDE");
    h.sign_in("max@example.com", "member-password-1").await;
    h.wait_text("#header-user", "Max Member").await;
    h.shot("01-member-signed-in").await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    let started = Instant::now();
    let out = a
        .revoke(&p, tenure_core::wire::RevokeScope::Others)
        .await
        .unwrap();
    assert_eq!(out.revoked, 1);
    h.wait_text(
        "#expired-banner",
        "Your session expired. Please sign in again.",
    )
    .await;
    let delay = started.elapsed();
    let line = format!(
        "revocation A -> B window: banner shown {:.0} ms after the revoke returned\n",
        delay.as_secs_f64() * 1000.0
    );
    std::fs::write(h.shots.join("propagation.txt"), &line).unwrap();
    eprint!("{line}");
    assert!(delay < Duration::from_secs(2), "took {delay:?}");
    h.shot("02-banner-after-remote-revoke").await;
    h.close().await;
    drop(driver);
}
