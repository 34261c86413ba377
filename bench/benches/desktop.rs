//! The desktop app against a bare Tauri v2 app, in real windows under Xvfb, over WebDriver:
//! start-up to the first painted screen, memory of every process, and warning punctuality.
//! `cargo xtask bench` starts the display, the bus and tauri-driver, builds both apps and
//! reads the JSON this writes.
//!
//! Environment (all set by xtask):
//! - `TENURE_BENCH_APP`: the release Tenure binary; `TENURE_BENCH_HELLO`: the release hello app.
//! - `TENURE_BENCH_TEST_APP`: a build with `test-hooks`, whose clock the punctuality runs move.
//! - `TENURE_WEBDRIVER_URL`: tauri-driver. `DBUS_SESSION_BUS_ADDRESS`: the private bus.
//! - `TENURE_BENCH_OUT`: where `desktop.json` and the screenshots go.
//! - `TENURE_BENCH_RUNS` (default 11) start-ups per app; `TENURE_BENCH_WARNINGS` (default 20).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde::Serialize;
use serde_json::json;
use tenure_app::clock::SystemClock;
use tenure_app::service::Service;
use tenure_bench::{OWNER_EMAIL, OWNER_PW};
use tenure_core::policy::MinutesInput;
use tenure_core::wire::UpdatePolicyRequest;

#[path = "../../tests/tests/support/notify_server.rs"]
#[allow(dead_code)] // the tests also click actions; this bench only counts calls
mod notify_server;
use notify_server::NotifyServer;

const ACTIVE_USERS: usize = 1000;

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run `cargo xtask bench`"))
}

fn count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Serialize, Default, Clone)]
struct Memory {
    /// Kilobytes, summed over the processes.
    rss_kb: u64,
    pss_kb: u64,
    processes: Vec<Process>,
}

#[derive(Serialize, Clone)]
struct Process {
    pid: u32,
    name: String,
    rss_kb: u64,
    pss_kb: u64,
}

#[derive(Serialize, Default)]
struct Report {
    startup_ms: Startup,
    memory: MemoryReport,
    /// Milliseconds from the threshold (the backend's clock reaching T-5 min) to the D-Bus
    /// Notify call, one per warning.
    punctuality_ms: Vec<f64>,
    /// Milliseconds from the click on "Session security" to its list of 1 000 active people on
    /// screen (`security_rows` rows of it; the rest behind "Show more").
    security_page_ms: f64,
    security_rows: usize,
}

#[derive(Serialize, Default)]
struct Startup {
    tenure: Vec<f64>,
    hello: Vec<f64>,
    /// Of each start-up above, the milliseconds inside the page (see [`Start::page`]).
    tenure_page: Vec<f64>,
    hello_page: Vec<f64>,
    /// Tenure's milestones inside the page, per start-up (see [`Start`]).
    tenure_main: Vec<f64>,
    tenure_booted: Vec<f64>,
}

#[derive(Serialize, Default)]
struct MemoryReport {
    hello: Memory,
    tenure_sign_in: Memory,
    tenure_security_1000: Memory,
}

/// An app's data directory with an account in it, so the first screen is Sign in.
async fn data_dir(active_users: usize, policy: Option<(i64, i64)>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("tenure.db").display());
    let service = service(&url).await;
    let signed = service
        .setup(tenure_bench::owner_setup())
        .await
        .expect("setup");
    if let Some((idle, absolute)) = policy {
        let p = service
            .authenticate(&signed.view.access_token)
            .await
            .expect("authenticate");
        service
            .update_policy(
                &p,
                UpdatePolicyRequest {
                    idle_minutes: MinutesInput::Whole(idle),
                    absolute_minutes: MinutesInput::Whole(absolute),
                },
            )
            .await
            .expect("policy");
    }
    service
        .sign_out(signed.view.session_id)
        .await
        .expect("sign out");
    if active_users > 1 {
        let pool = sqlx::SqlitePool::connect(&url).await.expect("pool");
        tenure_bench::seed_sqlite(
            &pool,
            signed.view.account.id,
            active_users - 1,
            1,
            service.now(),
            tenure_app::auth::password::dummy_hash(),
        )
        .await
        .expect("seed");
        pool.close().await;
    }
    dir
}

async fn service(url: &str) -> Service {
    let store = tenure_app::store::open(url).await.expect("open store");
    tenure_app::build_service(store, Arc::new(SystemClock), Default::default())
}

async fn launch(app: &str, args: &[&Path]) -> Client {
    let caps = json!({
        "browserName": "wry",
        "tauri:options": { "application": app, "args": args },
    });
    ClientBuilder::rustls()
        .expect("tls")
        .capabilities(caps.as_object().expect("object").clone())
        .connect(&var("TENURE_WEBDRIVER_URL"))
        .await
        .expect("WebDriver session")
}

async fn find(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(30))
        .every(Duration::from_millis(5))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
}

/// One start-up, in milliseconds.
#[derive(Clone, Copy)]
struct Start {
    /// From asking for the window to `ready_css` being in the page.
    total: f64,
    /// The part of it inside the page: from the webview starting to load the first document
    /// (the page's time origin) to `ready_css`. The rest is before the page: the process, GTK,
    /// the window, the web process and whatever the app's start-up hook does.
    page: f64,
    /// Tenure only, on the page's clock: the wasm's `main` started
    /// (`performance.mark("tenure-main")`), the backend's first answer in (`tenure-booted`).
    /// (WebKitGTK keeps no resource timing for the app's own scheme, so the wasm fetch alone
    /// cannot be told apart from its compile.)
    main: Option<f64>,
    booted: Option<f64>,
}

/// Asks for the window and waits for `ready_css` to be on screen.
async fn start_once(app: &str, args: &[&Path], ready_css: &str) -> (Start, Client) {
    let t = Instant::now();
    let c = launch(app, args).await;
    find(&c, ready_css).await;
    let total = t.elapsed().as_secs_f64() * 1000.0;
    // The page's clock, read one round trip later: what it shows beyond `total` is the time
    // before its origin.
    let marks = c
        .execute(
            "const at = (n) => { const e = performance.getEntriesByName(n)[0]; \
               return e ? e.startTime : null; };\
             return { now: performance.now(), main: at('tenure-main'), \
               booted: at('tenure-booted') };",
            vec![],
        )
        .await
        .unwrap_or_default();
    let before_page = marks["now"]
        .as_f64()
        .map_or(0.0, |now| t.elapsed().as_secs_f64() * 1000.0 - now);
    let page = (total - before_page).max(0.0);
    let at = |k: &str| marks[k].as_f64();
    (
        Start {
            total,
            page,
            main: at("main"),
            booted: at("booted"),
        },
        c,
    )
}

async fn close(c: Client) {
    let _ = c.close().await;
    // Let the processes exit before the next launch measures anything.
    tokio::time::sleep(Duration::from_millis(500)).await;
}

/// Every process that is `exe` or descends from it (WebKitWebProcess, WebKitNetworkProcess).
fn memory_of(exe: &str) -> Memory {
    let exe = std::fs::canonicalize(exe).expect("binary path");
    let mut parents: Vec<(u32, u32)> = Vec::new();
    let mut roots = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if std::fs::read_link(entry.path().join("exe")).is_ok_and(|p| p == exe) {
            roots.push(pid);
        }
        if let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) {
            // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
            if let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) {
                if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
                    parents.push((pid, ppid));
                }
            }
        }
    }
    assert_eq!(roots.len(), 1, "exactly one {} is running", exe.display());
    let mut family = roots.clone();
    let mut i = 0;
    while i < family.len() {
        let parent = family[i];
        family.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    let mut m = Memory::default();
    for pid in family {
        let rollup =
            std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
        let field = |name: &str| {
            rollup
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let p = Process {
            pid,
            name: std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .unwrap_or_default()
                .trim()
                .to_owned(),
            rss_kb: field("Rss:"),
            pss_kb: field("Pss:"),
        };
        m.rss_kb += p.rss_kb;
        m.pss_kb += p.pss_kb;
        m.processes.push(p);
    }
    m
}

async fn shot(c: &Client, out: &Path, name: &str) {
    if let Ok(png) = c.screenshot().await {
        let _ = std::fs::write(out.join(format!("{name}.png")), png);
    }
}

async fn sign_in(c: &Client) {
    let email = find(c, "#signin-email").await;
    email.send_keys(OWNER_EMAIL).await.expect("type");
    find(c, "#signin-password")
        .await
        .send_keys(OWNER_PW)
        .await
        .expect("type");
    find(c, "#signin-submit")
        .await
        .click()
        .await
        .expect("click");
    find(c, "#row-security").await;
}

async fn startup_and_memory(report: &mut Report, out: &Path) {
    let tenure = var("TENURE_BENCH_APP");
    let hello = var("TENURE_BENCH_HELLO");
    let runs = count("TENURE_BENCH_RUNS", 11);
    let dir = data_dir(1, None).await;
    let args = ["--data-dir".as_ref(), dir.path()];
    // Alternate the two apps so a noisy minute falls on both.
    for i in 0..runs {
        let (s, c) = start_once(&hello, &[], "#hello").await;
        report.startup_ms.hello.push(s.total);
        report.startup_ms.hello_page.push(s.page);
        close(c).await;
        let (s, c) = start_once(&tenure, &args, "#signin-email").await;
        report.startup_ms.tenure.push(s.total);
        report.startup_ms.tenure_page.push(s.page);
        let st = &mut report.startup_ms;
        for (v, x) in [
            (&mut st.tenure_main, s.main),
            (&mut st.tenure_booted, s.booted),
        ] {
            v.extend(x);
        }
        if i == 0 {
            shot(&c, out, "startup-sign-in").await;
        }
        close(c).await;
        eprintln!(
            "desktop: start-up run {}: hello {:.0} ms, tenure {:.0} ms",
            i + 1,
            report.startup_ms.hello[i],
            report.startup_ms.tenure[i]
        );
    }

    let (_, c) = start_once(&hello, &[], "#hello").await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    report.memory.hello = memory_of(&hello);
    close(c).await;

    let (_, c) = start_once(&tenure, &args, "#signin-email").await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    report.memory.tenure_sign_in = memory_of(&tenure);
    close(c).await;

    let many = data_dir(ACTIVE_USERS, None).await;
    let args = ["--data-dir".as_ref(), many.path()];
    let (_, c) = start_once(&tenure, &args, "#signin-email").await;
    sign_in(&c).await;
    let t = Instant::now();
    find(&c, "#row-security")
        .await
        .click()
        .await
        .expect("click");
    // The list opens with the most recent sign-ins and a "Show more" for the rest.
    loop {
        let rows = c
            .find_all(Locator::Css("li.active-user"))
            .await
            .map(|v| v.len())
            .unwrap_or(0);
        let more = c.find(Locator::Css("#active-more")).await.is_ok();
        if rows == ACTIVE_USERS || (rows > 0 && more) {
            report.security_rows = rows;
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "Session security showed {rows} of {ACTIVE_USERS} people"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    report.security_page_ms = t.elapsed().as_secs_f64() * 1000.0;
    tokio::time::sleep(Duration::from_secs(10)).await;
    report.memory.tenure_security_1000 = memory_of(&tenure);
    shot(&c, out, "security-1000-active").await;
    close(c).await;
}

/// Moves the backend clock (feature `test-hooks`); returns the backend's time after the move.
async fn advance_clock(c: &Client, seconds: i64) -> chrono::DateTime<chrono::Utc> {
    let script = format!(
        "const done = arguments[arguments.length - 1];\
         window.__TAURI__.core.invoke('debug_advance_clock', {{ seconds: {seconds} }})\
           .then(t => done('ok ' + t), e => done('error ' + JSON.stringify(e)));"
    );
    let out = c.execute_async(&script, vec![]).await.expect("advance");
    let at = out
        .as_str()
        .and_then(|t| t.strip_prefix("ok "))
        .unwrap_or_else(|| panic!("advance_clock: {out:?}"));
    chrono::DateTime::parse_from_rfc3339(at)
        .expect("time")
        .to_utc()
}

/// The idle warning, again and again: take the backend's clock to 1.5 s before the warning
/// threshold, let the watcher wake by itself, time the Notify call, click "Stay signed in".
async fn punctuality(report: &mut Report) {
    let app = var("TENURE_BENCH_TEST_APP");
    let n = count("TENURE_BENCH_WARNINGS", 20);
    let server = NotifyServer::start().await;
    // Idle 10 min, absolute 12 h: every warning is an idle one, 5 min after the last refresh.
    let dir = data_dir(1, Some((10, 720))).await;
    let url = format!("sqlite:{}", dir.path().join("tenure.db").display());
    let (_, c) = start_once(&app, &["--data-dir".as_ref(), dir.path()], "#signin-email").await;
    sign_in(&c).await;
    let store = tenure_app::store::open(&url).await.expect("store");
    let owner = store
        .user_by_email(OWNER_EMAIL)
        .await
        .expect("read")
        .expect("owner");
    // The test clock is the system clock plus whole seconds moved by `debug_advance_clock`, so
    // the backend's time of any instant here is its wall time plus the seconds moved so far.
    // Instants (the Notify server's timestamps) map to wall time through one reference pair.
    let (ref_instant, ref_wall) = (Instant::now(), tenure_app::clock::Clock::now(&SystemClock));
    let backend_at = |at: Instant, moved: i64| {
        let since =
            chrono::Duration::from_std(at.saturating_duration_since(ref_instant)).expect("short");
        ref_wall + since + chrono::Duration::seconds(moved)
    };
    let mut moved = 0i64;
    for i in 0..n {
        let backend_now = backend_at(Instant::now(), moved);
        let session = store
            .live_sessions(owner.account_id, backend_now)
            .await
            .expect("read")
            .into_iter()
            .max_by_key(|s| s.last_refreshed_at)
            .expect("a live session");
        let threshold = session.idle_expires_at - chrono::Duration::minutes(5);
        let step = (threshold - backend_now - chrono::Duration::milliseconds(1500)).num_seconds();
        let moved_to = advance_clock(&c, step).await;
        moved += step;
        let drift = (moved_to - backend_at(Instant::now(), moved)).num_milliseconds();
        assert!(
            drift.abs() < 1000,
            "the backend clock is not the system clock + {moved} s"
        );
        let calls = server.wait_for(i + 1).await;
        let delay = backend_at(calls[i].at, moved) - threshold;
        let delay_ms = delay.num_microseconds().expect("small") as f64 / 1000.0;
        report.punctuality_ms.push(delay_ms);
        eprintln!(
            "desktop: warning {}: Notify {delay_ms:.1} ms after the threshold",
            i + 1
        );
        find(&c, "#stay-signed-in")
            .await
            .click()
            .await
            .expect("stay");
        let deadline = Instant::now() + Duration::from_secs(15);
        while c.find(Locator::Css("#expiry-notice")).await.is_ok() {
            assert!(
                Instant::now() < deadline,
                "the notice stayed after Stay signed in"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    close(c).await;
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; this harness takes no arguments.
    let out = PathBuf::from(var("TENURE_BENCH_OUT"));
    std::fs::create_dir_all(&out).expect("out dir");
    // Both ring (sqlx) and aws-lc-rs (fantoccini) reach rustls here: pick one for the process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut report = Report::default();
    startup_and_memory(&mut report, &out).await;
    punctuality(&mut report).await;
    std::fs::write(
        out.join("desktop.json"),
        serde_json::to_string_pretty(&report).expect("json"),
    )
    .expect("write desktop.json");
    eprintln!("desktop: wrote {}", out.join("desktop.json").display());
}
