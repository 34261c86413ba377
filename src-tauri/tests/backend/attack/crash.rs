//! Crash safety on SQLite: a bulk revoke of 10 000 sessions, in a child process (this test
//! binary again, running only [`crash_child_bulk_revoke`]), killed with SIGKILL after a random
//! delay, 20 times. Each time the database opens clean (`PRAGMA integrity_check` is `ok`) and
//! the revoke happened entirely (10 000 revoked and its audit record) or not at all.
//!
//! PostgreSQL is not in this test: killing a client mid-transaction is a dropped connection to
//! the server, which rolls back; the server's own crash safety is PostgreSQL's to prove.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::str::FromStr as _;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::Rng as _;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _};
use tenure_app::store::sqlite::SqliteStore;
use tenure_app::store::{AccountRecord, AuditEntry, Store, UserRecord};
use tenure_core::wire::Role;
use uuid::Uuid;

const SESSIONS: i64 = 10_000;
const ROUNDS: usize = 20;
const MEMBERS: usize = 20;
/// Tells the child which database to revoke on; unset, the child test does nothing.
const CHILD_DB: &str = "TENURE_ATTACK_CRASH_DB";
const CHILD_ACCOUNT: &str = "TENURE_ATTACK_CRASH_ACCOUNT";
const MARKER: &str = "crash-child: revoking";
const DONE_MARKER: &str = "crash-child: revoked";

fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 4, 9, 0, 0).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The child's half: open the database, say so, revoke every live session of the account.
#[test]
fn crash_child_bulk_revoke() {
    let Ok(path) = std::env::var(CHILD_DB) else {
        return; // Only meaningful as the child of the test below.
    };
    let account: Uuid = std::env::var(CHILD_ACCOUNT).unwrap().parse().unwrap();
    runtime().block_on(async {
        let store = SqliteStore::connect(&format!("sqlite:{path}"))
            .await
            .unwrap();
        println!("{MARKER}");
        let audit = AuditEntry {
            account_id: Some(account),
            actor_user_id: None,
            action: "sessions.revoke",
            at: now(),
            details: serde_json::json!({ "scope": "all" }),
        };
        let n = store
            .revoke_account_sessions(account, None, now() + Duration::minutes(1), audit)
            .await
            .unwrap();
        println!("{DONE_MARKER} {n}");
    });
}

/// The child test's name as the harness knows it (the module path without the crate).
fn child_name() -> String {
    let module = module_path!()
        .split_once("::")
        .map_or(module_path!(), |(_, m)| m);
    format!("{module}::crash_child_bulk_revoke")
}

/// A database with one account, its members, and 10 000 live sessions, built at `path` and
/// written whole to `base.db` beside it.
async fn prepare(path: &std::path::Path) -> Uuid {
    let store = SqliteStore::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    let account = Uuid::new_v4();
    let user = |role: Role, n: usize| UserRecord {
        id: Uuid::new_v4(),
        account_id: account,
        name: format!("User {n}"),
        email: format!("user{n}@example.com"),
        password_hash: "not a password hash".into(),
        role,
        created_at: now(),
        last_login_at: None,
    };
    store
        .create_account(
            AccountRecord {
                id: account,
                name: "Acme".into(),
                overrides: Default::default(),
                created_at: now(),
            },
            user(Role::Owner, 0),
        )
        .await
        .unwrap();
    for n in 1..=MEMBERS {
        store.add_user(user(Role::Member, n)).await.unwrap();
    }
    // One statement: 10 000 sessions spread over the members, valid UUIDs and unique hashes.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1), \
         m AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM users WHERE role = 'member') \
         INSERT INTO sessions (id, user_id, account_id, idle_minutes, refresh_hash, started_at, \
           last_refreshed_at, idle_expires_at, absolute_expires_at, revoked_at, device_label, app_version) \
         SELECT printf('00000000-0000-4000-8000-%012d', i), m.id, ?2, 60, randomblob(32), ?3, ?3, ?4, ?5, \
           NULL, 'crash test', '0.0.0' \
         FROM n JOIN m ON m.k = n.i % ?6",
    )
    .bind(SESSIONS)
    .bind(account.to_string())
    .bind(ts(now()))
    .bind(ts(now() + Duration::minutes(60)))
    .bind(ts(now() + Duration::minutes(1440)))
    .bind(MEMBERS as i64)
    .execute(store.pool())
    .await
    .unwrap();
    // A clean single-file copy, whatever the pool still holds in its WAL.
    let base = path.with_file_name("base.db");
    sqlx::query("VACUUM INTO ?")
        .bind(base.display().to_string())
        .execute(store.pool())
        .await
        .unwrap();
    store.pool().close().await;
    account
}

/// What a round left behind: integrity, sessions revoked, revoke audit records.
async fn inspect(path: &std::path::Path) -> (String, i64, i64) {
    let opts = SqliteConnectOptions::from_str(&format!("sqlite:{}", path.display())).unwrap();
    let mut c = opts.connect().await.unwrap();
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut c)
        .await
        .unwrap();
    let fk: Vec<String> = sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(&mut c)
        .await
        .unwrap();
    assert!(fk.is_empty(), "foreign key violations in {fk:?}");
    let revoked: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NOT NULL")
            .fetch_one(&mut c)
            .await
            .unwrap();
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(total, SESSIONS);
    let audits: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'sessions.revoke' \
         AND json_extract(details, '$.count') = ?",
    )
    .bind(SESSIONS)
    .fetch_one(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();
    (integrity.join("; "), revoked, audits)
}

/// Runs the child on `db`; kills it `delay` after it says it is revoking (never, for `None`).
/// Returns how long the revoke took (uninterrupted) or the child ran after the marker (killed),
/// and whether the kill ended it.
fn run_child(
    db: &std::path::Path,
    account: Uuid,
    delay: Option<StdDuration>,
) -> (StdDuration, bool) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", &child_name(), "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, db)
        .env(CHILD_ACCOUNT, account.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        match lines.next() {
            // The harness prints `test <name> ... ` on the same line first.
            Some(Ok(l)) if l.ends_with(MARKER) => break,
            Some(Ok(_)) => continue,
            other => panic!(
                "the child ended before revoking: {other:?}, {:?}",
                child.wait()
            ),
        }
    }
    let started = Instant::now();
    let mut took = None;
    match delay {
        Some(d) => {
            std::thread::sleep(d);
            let _ = child.kill(); // SIGKILL on Unix; harmless if it already exited.
        }
        // Uninterrupted: time the revoke itself, up to the child saying it returned.
        None => {
            for l in lines.by_ref() {
                if l.unwrap().starts_with(DONE_MARKER) {
                    took = Some(started.elapsed());
                    break;
                }
            }
        }
    }
    let status = child.wait().unwrap();
    let killed = {
        use std::os::unix::process::ExitStatusExt as _;
        status.signal() == Some(9)
    };
    if delay.is_none() {
        assert!(
            status.success(),
            "the uninterrupted child failed: {status:?}"
        );
    }
    (took.unwrap_or_else(|| started.elapsed()), killed)
}

#[test]
fn a_bulk_revoke_killed_at_random_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.db");
    let rt = runtime();
    let account = rt.block_on(prepare(&dir.path().join("prepare.db")));
    assert!(
        !dir.path().join("base.db-wal").exists(),
        "the base must be one file"
    );
    let copy = |name: &str| {
        let p = dir.path().join(name);
        std::fs::copy(&base, &p).unwrap();
        p
    };

    // Calibrate: how long the revoke takes here when nothing interrupts it.
    let calib = copy("calibrate.db");
    let (took, _) = run_child(&calib, account, None);
    assert_eq!(rt.block_on(inspect(&calib)), ("ok".into(), SESSIONS, 1));

    // Kill anywhere from the first instant of the revoke to half as long again after it would
    // have returned: one random instant in each of ROUNDS equal slices of that span, so the
    // kills cover the whole transaction, its commit, and the moments after.
    let span = took.mul_f64(1.5).max(StdDuration::from_millis(5));
    let mut rng = rand::thread_rng();
    let (mut none, mut all, mut by_signal) = (0, 0, 0);
    for round in 0..ROUNDS {
        let db = copy(&format!("round{round}.db"));
        let delay = span.mul_f64((round as f64 + rng.gen::<f64>()) / ROUNDS as f64);
        let (_, killed) = run_child(&db, account, Some(delay));
        by_signal += usize::from(killed);
        let (integrity, revoked, audits) = rt.block_on(inspect(&db));
        assert_eq!(integrity, "ok", "round {round} (killed after {delay:?})");
        match (revoked, audits) {
            (0, 0) => none += 1,
            (SESSIONS, 1) => all += 1,
            other => {
                panic!("round {round}: a partial revoke survived a kill after {delay:?}: {other:?}")
            }
        }
        std::fs::remove_file(&db).ok();
    }
    eprintln!(
        "crash safety: revoke of {SESSIONS} takes {took:?} here; {ROUNDS} kills in 0..{span:?}: \
         {by_signal} landed before exit, {none} left none revoked, {all} left all revoked"
    );
    assert!(by_signal > 0, "no kill landed while the child was running");
}
