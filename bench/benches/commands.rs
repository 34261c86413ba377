//! The backend's commands, in process, against the bare SQL that does the same work through
//! sqlx, on SQLite and PostgreSQL, at 10 / 1 000 / 10 000 users with 10 live sessions each.
//! `cargo xtask bench` runs it and turns criterion's estimates into BENCHMARKS.md.
//!
//! Environment:
//! - `TENURE_BENCH_POSTGRES_URL`: an admin URL; each scale gets a fresh database on it.
//!   Without it only SQLite is measured.
//! - `TENURE_BENCH_SCALES`: user counts, comma-separated (default `10,1000,10000`).
//! - `TENURE_BENCH_OUT`: a directory for the query plans (`explain-<backend>.txt`).
//! - `TENURE_BENCH_QUICK=1`: shorter sampling, for trying the bench itself.
//!
//! What "bare" means for each command is written beside it: the fewest statements that give
//! the caller the same answer, with none of the command's checks, audit or token work.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use criterion::{BenchmarkId, Criterion};
use sqlx::{Connection as _, Executor as _, PgPool, Row as _, SqlitePool};
use tenure_app::auth::password;
use tenure_app::auth::refresh::RefreshToken;
use tenure_app::auth::tokens::TokenKeys;
use tenure_app::clock::{Clock, SystemClock};
use tenure_app::service::{Principal, Service};
use tenure_app::store;
use tenure_bench::{ts, OWNER_EMAIL, OWNER_PW};
use tenure_core::wire::{RevokeScope, Role, SignInRequest};
use uuid::Uuid;

const SESSIONS_PER_USER: usize = 10;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The bare side: a pool of its own on the same database, as another program would have.
enum Bare {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One seeded database: the service on it, the owner signed in, and the bare pool.
struct Fixture {
    backend: Backend,
    service: Service,
    bare: Bare,
    account_id: Uuid,
    owner_id: Uuid,
    session_id: Uuid,
    refresh: RefreshToken,
    url: String,
    _dir: Option<tempfile::TempDir>,
}

fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = admin_url
        .split_once('?')
        .map_or((admin_url, None), |(b, q)| (b, Some(q)));
    let base = match base.rfind('/') {
        Some(i) if i > base.find("://").map_or(0, |s| s + 2) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

async fn fixture(backend: Backend, users: usize) -> Fixture {
    let (url, dir) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite:{}", dir.path().join("tenure.db").display());
            (url, Some(dir))
        }
        Backend::Postgres => {
            let admin = std::env::var("TENURE_BENCH_POSTGRES_URL").expect("postgres url");
            let name = format!("tenure_bench_{users}");
            let mut c = sqlx::PgConnection::connect(&admin).await.expect("admin");
            c.execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
                .await
                .expect("drop");
            c.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create");
            (with_database(&admin, &name), None)
        }
    };
    // The bare SQL runs on the store's own pool: the same connections, settings and caches,
    // so the difference is the command's own work.
    let (store, bare): (Arc<dyn store::Store>, Bare) = match backend {
        Backend::Sqlite => {
            let s = store::sqlite::SqliteStore::connect(&url)
                .await
                .expect("open store");
            let pool = s.pool().clone();
            (Arc::new(s), Bare::Sqlite(pool))
        }
        Backend::Postgres => {
            let s = store::postgres::PgStore::connect(&url)
                .await
                .expect("open store");
            let pool = s.pool().clone();
            (Arc::new(s), Bare::Postgres(pool))
        }
    };
    let service = tenure_app::build_service(store, Arc::new(SystemClock), Default::default());
    let signed = service
        .setup(tenure_bench::owner_setup())
        .await
        .expect("setup");
    let account_id = signed.view.account.id;
    let owner_id = signed.view.user.id;
    let started = Instant::now();
    seed(&bare, account_id, users.saturating_sub(1), service.now()).await;
    eprintln!(
        "bench: {} seeded {users} users x {SESSIONS_PER_USER} sessions in {:.1} s",
        backend.name(),
        started.elapsed().as_secs_f64()
    );
    Fixture {
        backend,
        service,
        bare,
        account_id,
        owner_id,
        session_id: signed.view.session_id,
        refresh: signed.refresh,
        url,
        _dir: dir,
    }
}

/// `members` members beside the owner, each holding 10 live sessions.
async fn seed(bare: &Bare, account_id: Uuid, members: usize, now: DateTime<Utc>) {
    let hash = password::dummy_hash();
    match bare {
        Bare::Sqlite(pool) => {
            tenure_bench::seed_sqlite(pool, account_id, members, SESSIONS_PER_USER, now, hash).await
        }
        Bare::Postgres(pool) => {
            tenure_bench::seed_postgres(pool, account_id, members, SESSIONS_PER_USER, now, hash)
                .await
        }
    }
    .expect("seed");
}

impl Fixture {
    async fn principal(&self) -> (Principal, String) {
        let view = self.service.resume(self.session_id).await.expect("resume");
        let p = self
            .service
            .authenticate(&view.access_token)
            .await
            .expect("authenticate");
        (p, view.access_token)
    }

    /// Un-revokes every session (outside the timed part of the revoke benches).
    async fn unrevoke(&self) {
        match &self.bare {
            Bare::Sqlite(p) => {
                sqlx::query("UPDATE sessions SET revoked_at = NULL WHERE account_id = ?")
                    .bind(self.account_id.to_string())
                    .execute(p)
                    .await
                    .unwrap();
            }
            Bare::Postgres(p) => {
                sqlx::query("UPDATE sessions SET revoked_at = NULL WHERE account_id = $1")
                    .bind(self.account_id)
                    .execute(p)
                    .await
                    .unwrap();
            }
        }
    }

    /// Bare sign-in SQL: the user by email; then the session insert and the last-sign-in
    /// update in one transaction. (The argon2 verify is added by the caller.)
    async fn bare_sign_in_sql(&self, now: DateTime<Utc>) {
        let token = RefreshToken::generate().hash();
        match &self.bare {
            Bare::Sqlite(p) => {
                let row = sqlx::query(
                    "SELECT id, account_id, password_hash, role, name FROM users WHERE email = ?",
                )
                .bind(OWNER_EMAIL)
                .fetch_one(p)
                .await
                .unwrap();
                let uid: String = row.get("id");
                let mut tx = p.begin_with("BEGIN IMMEDIATE").await.unwrap();
                sqlx::query(
                    "INSERT INTO sessions (id, user_id, account_id, idle_minutes, refresh_hash, \
                     started_at, last_refreshed_at, idle_expires_at, absolute_expires_at, \
                     device_label, app_version) VALUES (?, ?, ?, 60, ?, ?, ?, ?, ?, 'bare', 'bare')",
                )
                .bind(Uuid::new_v4().to_string())
                .bind(&uid)
                .bind(row.get::<String, _>("account_id"))
                .bind(token.as_bytes())
                .bind(ts(now))
                .bind(ts(now))
                .bind(ts(now + chrono::Duration::hours(1)))
                .bind(ts(now + chrono::Duration::hours(24)))
                .execute(&mut *tx)
                .await
                .unwrap();
                sqlx::query("UPDATE users SET last_login_at = ? WHERE id = ?")
                    .bind(ts(now))
                    .bind(&uid)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
            Bare::Postgres(p) => {
                let row = sqlx::query(
                    "SELECT id, account_id, password_hash, role, name FROM users WHERE email = $1",
                )
                .bind(OWNER_EMAIL)
                .fetch_one(p)
                .await
                .unwrap();
                let uid: Uuid = row.get("id");
                let mut tx = p.begin().await.unwrap();
                sqlx::query(
                    "INSERT INTO sessions (id, user_id, account_id, idle_minutes, refresh_hash, \
                     started_at, last_refreshed_at, idle_expires_at, absolute_expires_at, \
                     device_label, app_version) VALUES ($1, $2, $3, 60, $4, $5, $5, $6, $7, 'bare', 'bare')",
                )
                .bind(Uuid::new_v4())
                .bind(uid)
                .bind(row.get::<Uuid, _>("account_id"))
                .bind(token.as_bytes())
                .bind(now)
                .bind(now + chrono::Duration::hours(1))
                .bind(now + chrono::Duration::hours(24))
                .execute(&mut *tx)
                .await
                .unwrap();
                sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(uid)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }
    }

    /// Inserts a session for the bare refresh to rotate; returns its id and token hash.
    async fn bare_session(&self, now: DateTime<Utc>) -> (Uuid, Vec<u8>) {
        let id = Uuid::new_v4();
        let hash = RefreshToken::generate().hash().as_bytes().to_vec();
        match &self.bare {
            Bare::Sqlite(p) => {
                sqlx::query(
                    "INSERT INTO sessions (id, user_id, account_id, idle_minutes, refresh_hash, \
                     started_at, last_refreshed_at, idle_expires_at, absolute_expires_at, \
                     device_label, app_version) VALUES (?, ?, ?, 60, ?, ?, ?, ?, ?, 'bare', 'bare')",
                )
                .bind(id.to_string())
                .bind(self.owner_id.to_string())
                .bind(self.account_id.to_string())
                .bind(&hash)
                .bind(ts(now))
                .bind(ts(now))
                .bind(ts(now + chrono::Duration::hours(1)))
                .bind(ts(now + chrono::Duration::hours(24)))
                .execute(p)
                .await
                .unwrap();
            }
            Bare::Postgres(p) => {
                sqlx::query(
                    "INSERT INTO sessions (id, user_id, account_id, idle_minutes, refresh_hash, \
                     started_at, last_refreshed_at, idle_expires_at, absolute_expires_at, \
                     device_label, app_version) VALUES ($1, $2, $3, 60, $4, $5, $5, $6, $7, 'bare', 'bare')",
                )
                .bind(id)
                .bind(self.owner_id)
                .bind(self.account_id)
                .bind(&hash)
                .bind(now)
                .bind(now + chrono::Duration::hours(1))
                .bind(now + chrono::Duration::hours(24))
                .execute(p)
                .await
                .unwrap();
            }
        }
        (id, hash)
    }

    /// Bare refresh: one conditional UPDATE that rotates the token and moves the idle expiry
    /// if the session is live, returning it; then the user and account in one join.
    async fn bare_refresh(&self, id: Uuid, old: &[u8], now: DateTime<Utc>) -> Vec<u8> {
        let new = RefreshToken::generate().hash().as_bytes().to_vec();
        match &self.bare {
            Bare::Sqlite(p) => {
                let now_s = ts(now);
                let row = sqlx::query(
                    "UPDATE sessions SET refresh_hash = ?1, previous_hash = refresh_hash, \
                     rotated_at = ?2, last_refreshed_at = ?2, \
                     idle_expires_at = min(?3, absolute_expires_at) \
                     WHERE id = ?4 AND refresh_hash = ?5 AND revoked_at IS NULL \
                     AND idle_expires_at > ?2 AND absolute_expires_at > ?2 \
                     RETURNING user_id, idle_expires_at, absolute_expires_at, started_at",
                )
                .bind(&new)
                .bind(&now_s)
                .bind(ts(now + chrono::Duration::hours(1)))
                .bind(id.to_string())
                .bind(old)
                .fetch_one(p)
                .await
                .unwrap();
                let uid: String = row.get("user_id");
                sqlx::query(
                    "SELECT u.name, u.email, u.role, a.name AS account_name FROM users u \
                     JOIN accounts a ON a.id = u.account_id WHERE u.id = ?",
                )
                .bind(uid)
                .fetch_one(p)
                .await
                .unwrap();
            }
            Bare::Postgres(p) => {
                let row = sqlx::query(
                    "UPDATE sessions SET refresh_hash = $1, previous_hash = refresh_hash, \
                     rotated_at = $2, last_refreshed_at = $2, \
                     idle_expires_at = least($3, absolute_expires_at) \
                     WHERE id = $4 AND refresh_hash = $5 AND revoked_at IS NULL \
                     AND idle_expires_at > $2 AND absolute_expires_at > $2 \
                     RETURNING user_id, idle_expires_at, absolute_expires_at, started_at",
                )
                .bind(&new)
                .bind(now)
                .bind(now + chrono::Duration::hours(1))
                .bind(id)
                .bind(old)
                .fetch_one(p)
                .await
                .unwrap();
                let uid: Uuid = row.get("user_id");
                sqlx::query(
                    "SELECT u.name, u.email, u.role, a.name AS account_name FROM users u \
                     JOIN accounts a ON a.id = u.account_id WHERE u.id = $1",
                )
                .bind(uid)
                .fetch_one(p)
                .await
                .unwrap();
            }
        }
        new
    }

    /// Bare settings read: the account's overrides, and the users holding a live session.
    async fn bare_settings(&self, now: DateTime<Utc>) -> usize {
        match &self.bare {
            Bare::Sqlite(p) => {
                sqlx::query("SELECT idle_minutes, absolute_minutes FROM accounts WHERE id = ?")
                    .bind(self.account_id.to_string())
                    .fetch_one(p)
                    .await
                    .unwrap();
                sqlx::query(ACTIVE_USERS_SQLITE)
                    .bind(self.account_id.to_string())
                    .bind(ts(now))
                    .fetch_all(p)
                    .await
                    .unwrap()
                    .len()
            }
            Bare::Postgres(p) => {
                sqlx::query("SELECT idle_minutes, absolute_minutes FROM accounts WHERE id = $1")
                    .bind(self.account_id)
                    .fetch_one(p)
                    .await
                    .unwrap();
                sqlx::query(ACTIVE_USERS_POSTGRES)
                    .bind(self.account_id)
                    .bind(now)
                    .fetch_all(p)
                    .await
                    .unwrap()
                    .len()
            }
        }
    }

    /// Bare revoke: one UPDATE of the account's live sessions except the caller's.
    async fn bare_revoke(&self, now: DateTime<Utc>) -> u64 {
        match &self.bare {
            Bare::Sqlite(p) => sqlx::query(
                "UPDATE sessions SET revoked_at = ?1 WHERE account_id = ?2 AND revoked_at IS NULL \
                 AND idle_expires_at > ?1 AND absolute_expires_at > ?1 AND user_id <> ?3",
            )
            .bind(ts(now))
            .bind(self.account_id.to_string())
            .bind(self.owner_id.to_string())
            .execute(p)
            .await
            .unwrap()
            .rows_affected(),
            Bare::Postgres(p) => sqlx::query(
                "UPDATE sessions SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL \
                 AND idle_expires_at > $1 AND absolute_expires_at > $1 AND user_id <> $3",
            )
            .bind(now)
            .bind(self.account_id)
            .bind(self.owner_id)
            .execute(p)
            .await
            .unwrap()
            .rows_affected(),
        }
    }

    /// Bare session check: the session and its user by id, one join.
    async fn bare_check(&self) {
        match &self.bare {
            Bare::Sqlite(p) => {
                sqlx::query(CHECK_SQLITE)
                    .bind(self.session_id.to_string())
                    .fetch_one(p)
                    .await
                    .unwrap();
            }
            Bare::Postgres(p) => {
                sqlx::query(CHECK_POSTGRES)
                    .bind(self.session_id)
                    .fetch_one(p)
                    .await
                    .unwrap();
            }
        }
    }

    /// The plans of the queries the commands run, at this scale.
    async fn explain(&self, now: DateTime<Utc>) -> String {
        let mut out = String::new();
        // SQLite's planner may look at the values (its statistics), so it gets real ones.
        let account = self.account_id.to_string();
        let session = self.session_id.to_string();
        let owner = self.owner_id.to_string();
        let now_s = ts(now);
        // (what, SQL, SQLite's values, PostgreSQL's parameter types)
        let queries: [(&str, &str, Vec<&str>, &str); 5] = match self.backend {
            Backend::Sqlite => [
                ("sign in: user by email", "SELECT * FROM users WHERE email = ?1", vec![OWNER_EMAIL], ""),
                ("session check", CHECK_SQLITE, vec![&session], ""),
                (
                    "refresh: the conditional rotation",
                    "UPDATE sessions SET refresh_hash = ?1, previous_hash = ?2, rotated_at = ?3 \
                     WHERE id = ?4 AND refresh_hash = ?2 AND revoked_at IS NULL \
                     AND idle_expires_at > ?3 AND absolute_expires_at > ?3",
                    vec!["x", "y", &now_s, &session],
                    "",
                ),
                ("security settings: active users", ACTIVE_USERS_SQLITE, vec![&account, &now_s], ""),
                (
                    "bulk revoke",
                    "UPDATE sessions SET revoked_at = ?2 WHERE account_id = ?1 AND revoked_at IS NULL \
                     AND idle_expires_at > ?2 AND absolute_expires_at > ?2 AND (?3 IS NULL OR user_id <> ?3)",
                    vec![&account, &now_s, &owner],
                    "",
                ),
            ],
            Backend::Postgres => [
                ("sign in: user by email", "SELECT * FROM users WHERE email = $1", vec![], "text"),
                ("session check", CHECK_POSTGRES, vec![], "uuid"),
                (
                    "refresh: the conditional rotation",
                    "UPDATE sessions SET refresh_hash = $1, previous_hash = $2, rotated_at = $3 \
                     WHERE id = $4 AND refresh_hash = $2 AND revoked_at IS NULL \
                     AND idle_expires_at > $3 AND absolute_expires_at > $3",
                    vec![],
                    "bytea, bytea, timestamptz, uuid",
                ),
                ("security settings: active users", ACTIVE_USERS_POSTGRES, vec![], "uuid, timestamptz"),
                (
                    "bulk revoke",
                    "UPDATE sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL \
                     AND idle_expires_at > $2 AND absolute_expires_at > $2 AND ($3::uuid IS NULL OR user_id <> $3)",
                    vec![],
                    "uuid, timestamptz, uuid",
                ),
            ],
        };
        for (what, sql, values, types) in queries {
            let _ = writeln!(out, "-- {what}");
            match &self.bare {
                Bare::Sqlite(p) => {
                    let text = format!("EXPLAIN QUERY PLAN {sql}");
                    let mut q = sqlx::query(&text);
                    for v in values {
                        q = q.bind(v);
                    }
                    let rows = q.fetch_all(p).await.unwrap();
                    for r in rows {
                        let _ = writeln!(out, "{}", r.get::<String, _>("detail"));
                    }
                }
                Bare::Postgres(_) => {
                    // A prepared statement with typed parameters and a generic plan: the plan
                    // the server uses for any value, as the app's prepared statements would.
                    // On a connection of its own: the pool's prepared statements stay intact.
                    let mut c = sqlx::PgConnection::connect(&self.url).await.unwrap();
                    c.execute("SET plan_cache_mode = force_generic_plan")
                        .await
                        .unwrap();
                    c.execute(format!("PREPARE q ({types}) AS {sql}").as_str())
                        .await
                        .unwrap();
                    let n = types.split(',').filter(|t| !t.trim().is_empty()).count();
                    let args = vec!["NULL"; n].join(", ");
                    let rows = sqlx::query(&format!("EXPLAIN EXECUTE q({args})"))
                        .fetch_all(&mut c)
                        .await
                        .unwrap();
                    for r in rows {
                        let _ = writeln!(out, "{}", r.get::<String, _>(0));
                    }
                    c.close().await.unwrap();
                }
            }
            out.push('\n');
        }
        out
    }
}

const ACTIVE_USERS_SQLITE: &str = "SELECT u.id, u.name, u.email, u.last_login_at FROM users u \
     WHERE u.account_id = ?1 AND EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id \
       AND s.account_id = ?1 AND s.revoked_at IS NULL AND s.idle_expires_at > ?2 \
       AND s.absolute_expires_at > ?2) \
     ORDER BY u.last_login_at IS NULL, u.last_login_at DESC, u.name";
const ACTIVE_USERS_POSTGRES: &str = "SELECT u.id, u.name, u.email, u.last_login_at FROM users u \
     WHERE u.account_id = $1 AND EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id \
       AND s.account_id = $1 AND s.revoked_at IS NULL AND s.idle_expires_at > $2 \
       AND s.absolute_expires_at > $2) \
     ORDER BY u.last_login_at DESC NULLS LAST, u.name";
const CHECK_SQLITE: &str =
    "SELECT s.*, u.id AS u_id, u.account_id AS u_account_id, u.role AS u_role \
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?1";
const CHECK_POSTGRES: &str =
    "SELECT s.*, u.id AS u_id, u.account_id AS u_account_id, u.role AS u_role \
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1";

fn quick() -> bool {
    std::env::var("TENURE_BENCH_QUICK").as_deref() == Ok("1")
}

fn configure(group: &mut Group<'_>) {
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(if quick() { 100 } else { 500 }))
        .measurement_time(Duration::from_secs(if quick() { 1 } else { 3 }))
        .sampling_mode(criterion::SamplingMode::Flat);
}

type Group<'a> = criterion::BenchmarkGroup<'a, criterion::measurement::WallTime>;

/// Registers `name` at `users`: criterion's iterations of `f` on the runtime, each after an
/// untimed `prepare` (resetting what the last run changed), only `f` timed.
fn measure<P, PFut, F, Fut>(
    group: &mut Group<'_>,
    rt: &tokio::runtime::Runtime,
    name: &str,
    users: usize,
    prepare: P,
    f: F,
) where
    P: Fn() -> PFut,
    PFut: std::future::Future<Output = ()>,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    group.bench_with_input(BenchmarkId::new(name, users), &users, |b, _| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    prepare().await;
                    let t = Instant::now();
                    f().await;
                    total += t.elapsed();
                }
                total
            })
        })
    });
}

async fn nothing() {}

fn bench_scale(c: &mut Criterion, rt: &tokio::runtime::Runtime, backend: Backend, users: usize) {
    let fx = rt.block_on(fixture(backend, users));
    let fx = &fx;
    if let Ok(dir) = std::env::var("TENURE_BENCH_OUT") {
        let plans = rt.block_on(fx.explain(fx.service.now()));
        let path =
            std::path::Path::new(&dir).join(format!("explain-{}-{users}.txt", backend.name()));
        std::fs::write(path, plans).expect("write plans");
    }
    let mut group = c.benchmark_group(format!("commands-{}", backend.name()));
    configure(&mut group);
    let g = &mut group;
    let now = || SystemClock.now();

    measure(g, rt, "sign_in", users, nothing, || async {
        fx.service
            .sign_in(SignInRequest {
                email: OWNER_EMAIL.into(),
                password: OWNER_PW.into(),
            })
            .await
            .expect("sign in");
    });
    let owner_hash = rt
        .block_on(fx.service.store().user_by_email(OWNER_EMAIL))
        .unwrap()
        .unwrap()
        .password_hash;
    measure(g, rt, "sign_in_bare", users, nothing, || async {
        assert!(password::verify(OWNER_PW, &owner_hash));
        fx.bare_sign_in_sql(now()).await;
    });

    let token = std::cell::RefCell::new(fx.refresh.clone());
    measure(g, rt, "refresh", users, nothing, || async {
        let current = token.borrow().clone();
        let next = fx
            .service
            .refresh(fx.session_id, &current)
            .await
            .expect("refresh");
        *token.borrow_mut() = next.refresh;
    });
    let (bare_id, bare_hash) = rt.block_on(fx.bare_session(now()));
    let bare_token = std::cell::RefCell::new(bare_hash);
    measure(g, rt, "refresh_bare", users, nothing, || async {
        let current = bare_token.borrow().clone();
        let next = fx.bare_refresh(bare_id, &current, now()).await;
        *bare_token.borrow_mut() = next;
    });

    let (principal, access) = rt.block_on(fx.principal());
    measure(g, rt, "session_check", users, nothing, || async {
        fx.service.authenticate(&access).await.expect("check");
    });
    measure(g, rt, "session_check_bare", users, nothing, || {
        fx.bare_check()
    });

    let expected = rt.block_on(fx.bare_settings(now()));
    assert_eq!(expected, users, "every user holds a live session");
    measure(g, rt, "security_settings", users, nothing, || async {
        let s = fx
            .service
            .security_settings(&principal)
            .await
            .expect("settings");
        assert_eq!(s.active_users.len(), users);
    });
    measure(g, rt, "security_settings_bare", users, nothing, || async {
        assert_eq!(fx.bare_settings(now()).await, users);
    });

    let members = ((users - 1) * SESSIONS_PER_USER) as u64;
    measure(
        g,
        rt,
        "revoke_others",
        users,
        || fx.unrevoke(),
        || async {
            let out = fx
                .service
                .revoke(&principal, RevokeScope::Others)
                .await
                .expect("revoke");
            assert_eq!(out.revoked, members);
        },
    );
    measure(
        g,
        rt,
        "revoke_others_bare",
        users,
        || fx.unrevoke(),
        || async {
            assert_eq!(fx.bare_revoke(now()).await, members);
        },
    );
    group.finish();
    rt.block_on(fx.unrevoke());
}

/// The pieces without a database: the JWT check every command starts with, and argon2id at
/// the parameters the app uses (the floor under every sign-in).
fn bench_crypto(c: &mut Criterion) {
    let mut group = c.benchmark_group("crypto");
    configure(&mut group);
    let keys = TokenKeys::random();
    let now = SystemClock.now();
    let (token, _) = keys
        .issue(
            Uuid::new_v4(),
            Uuid::new_v4(),
            Role::Owner,
            Uuid::new_v4(),
            now,
        )
        .expect("issue");
    group.bench_function("jwt_verify", |b| {
        b.iter(|| {
            keys.verify(std::hint::black_box(&token), now)
                .expect("verify")
        })
    });
    group.bench_function("jwt_issue", |b| {
        b.iter(|| {
            keys.issue(Uuid::nil(), Uuid::nil(), Role::Member, Uuid::nil(), now)
                .expect("issue")
        })
    });
    let hash = password::hash(OWNER_PW).expect("hash");
    group.bench_function("argon2id_verify", |b| {
        b.iter(|| assert!(password::verify(std::hint::black_box(OWNER_PW), &hash)))
    });
    // As the service runs it: on tokio's blocking pool, so the runtime's workers stay free.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    group.bench_function("argon2id_verify_blocking", |b| {
        b.iter(|| {
            let hash = hash.clone();
            let ok = rt
                .block_on(async move {
                    tokio::task::spawn_blocking(move || password::verify(OWNER_PW, &hash)).await
                })
                .expect("join");
            assert!(ok);
        })
    });
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let scales: Vec<usize> = std::env::var("TENURE_BENCH_SCALES")
        .unwrap_or_else(|_| "10,1000,10000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("TENURE_BENCH_SCALES: numbers"))
        .collect();
    bench_crypto(&mut c);
    let mut backends = vec![Backend::Sqlite];
    if std::env::var("TENURE_BENCH_POSTGRES_URL").is_ok_and(|u| !u.is_empty()) {
        backends.push(Backend::Postgres);
    } else {
        eprintln!("bench: TENURE_BENCH_POSTGRES_URL is not set; PostgreSQL is not measured");
    }
    for backend in backends {
        for &users in &scales {
            bench_scale(&mut c, &rt, backend, users);
        }
    }
    c.final_summary();
}
