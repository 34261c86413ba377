//! The backend as a specification: the service rules and the store on every back end, and the
//! commands through Tauri's mock runtime. Time is a manual clock.
//!
//! Each store test runs once per [`Backend`]: on a temporary SQLite file, and on a fresh
//! PostgreSQL database when `TENURE_TEST_POSTGRES_URL` names a server to create it on (an admin
//! URL to a throwaway cluster; `cargo xtask test` starts one). Without it the PostgreSQL variants
//! skip with a note, except under `TENURE_E2E=1`, where a skipped back end would be a silent gap.

use std::io::Write as _;
use std::sync::{Arc, Once};
use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use rstest::rstest;
use serde_json::json;
use sqlx::{Connection as _, Executor as _, PgConnection};
use tenure_app::auth::refresh::RefreshToken;
use tenure_app::clock::ManualClock;
use tenure_app::service::{Device, Service, Settings, SignedIn};
use tenure_app::store::{
    self, AuditEntry, NewSession, SessionRecord, Store, ThrottleRule, UserRecord,
};
use tenure_core::policy::MinutesInput;
use tenure_core::session::EndReason;
use tenure_core::wire::{
    AddMemberRequest, RevokeScope, Role, SetupRequest, SignInRequest, UpdatePolicyRequest,
};
use tenure_core::AppError;
use uuid::Uuid;

#[path = "backend/attack/mod.rs"]
mod attack;

const OWNER_PW: &str = "owner-password-1";
const MEMBER_PW: &str = "member-password-1";
const POSTGRES_URL_VAR: &str = "TENURE_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

/// A test's own empty database, removed when the test ends (pass or panic).
enum Database {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { admin_url: String, name: String },
}

impl Backend {
    /// A fresh database and its URL, or `None` when this back end is not available here.
    async fn database(self) -> Option<(Database, String)> {
        match self {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite:{}", dir.path().join("tenure.db").display());
                Some((Database::Sqlite { _dir: dir }, url))
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url()?;
                let name = format!("tenure_test_{}", Uuid::new_v4().simple());
                let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
                    panic!("cannot reach the server {POSTGRES_URL_VAR} names: {e}")
                });
                admin
                    .execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                let url = with_database(&admin_url, &name);
                Some((Database::Postgres { admin_url, name }, url))
            }
        }
    }
}

fn postgres_admin_url() -> Option<String> {
    if let Some(url) = std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|u| !u.is_empty())
    {
        return Some(url);
    }
    assert!(
        std::env::var("TENURE_E2E").as_deref() != Ok("1"),
        "{POSTGRES_URL_VAR} is not set: under TENURE_E2E=1 both back ends must run"
    );
    static NOTE: Once = Once::new();
    NOTE.call_once(|| {
        // Straight to stderr: the harness hides a passing test's eprintln!, and a skip must show.
        let _ = writeln!(
            std::io::stderr(),
            "note: {POSTGRES_URL_VAR} is not set; the PostgreSQL variants pass without running"
        );
    });
    None
}

/// The admin URL pointed at another database on the same server, its query kept.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority = base.find("://").map_or(0, |i| i + 3);
    let server = base[authority..]
        .find('/')
        .map_or(base, |i| &base[..authority + i]);
    match query {
        Some(q) => format!("{server}/{db}?{q}"),
        None => format!("{server}/{db}"),
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let Database::Postgres { admin_url, name } = self else {
            return;
        };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Drop runs on the test's runtime, which cannot block on itself: use a thread with its
        // own. FORCE ends the pool's connections, which the service may still hold.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                admin.execute(sql.as_str()).await.ok()
            })
        })
        .join();
    }
}

struct Env {
    url: String,
    clock: ManualClock,
    service: Arc<Service>,
    // Last, so the service lets go of its connections first (FORCE ends any still open).
    _db: Database,
}

impl Env {
    /// A service on a fresh database of `backend`, or `None` (skip) when it is not available.
    async fn new(backend: Backend) -> Option<Self> {
        let (db, url) = backend.database().await?;
        let store = store::open(&url).await.unwrap();
        assert_eq!(
            store.backend(),
            match backend {
                Backend::Sqlite => "sqlite",
                Backend::Postgres => "postgres",
            }
        );
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 5, 4, 9, 0, 0).unwrap());
        let service = Arc::new(tenure_app::build_service(
            store,
            Arc::new(clock.clone()),
            Settings::default(),
        ));
        Some(Self {
            url,
            clock,
            service,
            _db: db,
        })
    }

    fn store(&self) -> &Arc<dyn Store> {
        self.service.store()
    }

    async fn setup(&self) -> SignedIn {
        self.service
            .setup(SetupRequest {
                account_name: "Acme".into(),
                owner_name: "Olive Owner".into(),
                email: "Olive@Example.com".into(),
                password: OWNER_PW.into(),
            })
            .await
            .unwrap()
    }

    async fn add_member(&self, owner: &SignedIn, name: &str, email: &str) {
        let p = self
            .service
            .authenticate(&owner.view.access_token)
            .await
            .unwrap();
        self.service
            .add_member(
                &p,
                AddMemberRequest {
                    name: name.into(),
                    email: email.into(),
                    password: MEMBER_PW.into(),
                },
            )
            .await
            .unwrap();
    }

    async fn sign_in(&self, email: &str, password: &str) -> Result<SignedIn, AppError> {
        self.service
            .sign_in(SignInRequest {
                email: email.into(),
                password: password.into(),
            })
            .await
    }

    /// A member written straight to the store, skipping argon2: for tests that need many.
    async fn quick_member(&self, account_id: Uuid, n: usize) -> Uuid {
        let id = Uuid::new_v4();
        self.store()
            .add_user(UserRecord {
                id,
                account_id,
                name: format!("Member {n}"),
                email: format!("member{n}@example.com"),
                password_hash: "not a password hash".into(),
                role: Role::Member,
                created_at: self.service.now(),
                last_login_at: None,
            })
            .await
            .unwrap();
        id
    }

    /// A live session (standard 60/1440-minute windows) started straight in the store, skipping
    /// the password check, and the refresh token that continues it.
    async fn quick_session(&self, user_id: Uuid, account_id: Uuid) -> (Uuid, RefreshToken) {
        let now = self.service.now();
        let token = RefreshToken::generate();
        let record = SessionRecord {
            id: Uuid::new_v4(),
            user_id,
            account_id,
            idle_minutes: 60,
            started_at: now,
            last_refreshed_at: now,
            idle_expires_at: now + Duration::minutes(60),
            absolute_expires_at: now + Duration::minutes(1440),
            revoked_at: None,
            device_label: "test desktop".into(),
            app_version: "0.0.0".into(),
        };
        let id = record.id;
        let audit = AuditEntry {
            account_id: Some(account_id),
            actor_user_id: Some(user_id),
            action: "sign_in.success",
            at: now,
            details: json!({ "session_id": id }),
        };
        self.store()
            .start_session(
                NewSession {
                    record,
                    refresh_hash: token.hash(),
                },
                audit,
            )
            .await
            .unwrap();
        (id, token)
    }

    async fn actions(&self) -> Vec<String> {
        self.store()
            .audit_log(None)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .collect()
    }
}

#[rstest]
#[tokio::test]
async fn setup_signs_the_owner_in_and_only_once(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    assert!(env.service.status().await.unwrap().needs_setup);
    let owner = env.setup().await;
    assert_eq!(owner.view.user.role, Role::Owner);
    assert_eq!(owner.view.user.email, "olive@example.com");
    assert_eq!(
        owner.view.idle_expires_at - owner.view.started_at,
        Duration::minutes(60)
    );
    assert_eq!(
        owner.view.absolute_expires_at - owner.view.started_at,
        Duration::minutes(1440)
    );
    assert!(!env.service.status().await.unwrap().needs_setup);
    let again = env
        .service
        .setup(SetupRequest {
            account_name: "Other".into(),
            owner_name: "Eve".into(),
            email: "eve@example.com".into(),
            password: OWNER_PW.into(),
        })
        .await;
    assert!(matches!(again, Err(AppError::Conflict { .. })));
}

#[rstest]
#[case::short_password("Acme", "Olive", "olive@example.com", "short", "password")]
#[case::bad_email("Acme", "Olive", "olive", OWNER_PW, "email")]
#[case::no_account_name("  ", "Olive", "olive@example.com", OWNER_PW, "account_name")]
#[case::no_owner_name("Acme", "", "olive@example.com", OWNER_PW, "owner_name")]
#[tokio::test]
async fn setup_validates(
    #[case] account: &str,
    #[case] name: &str,
    #[case] email: &str,
    #[case] password: &str,
    #[case] field: &str,
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let err = env
        .service
        .setup(SetupRequest {
            account_name: account.into(),
            owner_name: name.into(),
            email: email.into(),
            password: password.into(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Validation { field: ref f, .. } if f == field),
        "{err:?}"
    );
    assert!(
        env.service.status().await.unwrap().needs_setup,
        "nothing stored"
    );
}

#[rstest]
#[tokio::test]
async fn sign_in_right_wrong_and_unknown_get_the_same_message(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    env.setup().await;
    let ok = env.sign_in("  OLIVE@example.COM ", OWNER_PW).await.unwrap();
    assert_eq!(ok.view.user.name, "Olive Owner");
    let wrong = env
        .sign_in("olive@example.com", "nope-nope-nope")
        .await
        .unwrap_err();
    let unknown = env
        .sign_in("nobody@example.com", OWNER_PW)
        .await
        .unwrap_err();
    assert_eq!(wrong, AppError::InvalidCredentials);
    assert_eq!(unknown, AppError::InvalidCredentials);
    assert_eq!(wrong.to_string(), unknown.to_string());
    let actions = env.actions().await;
    assert_eq!(
        actions.iter().filter(|a| *a == "sign_in.failure").count(),
        2
    );
    assert!(actions.iter().filter(|a| *a == "sign_in.success").count() >= 2);
    // The user's last sign-in moved.
    let u = env
        .store()
        .user_by_email("olive@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.last_login_at, Some(env.service.now()));
}

#[rstest]
#[tokio::test]
async fn repeated_failures_lock_the_address_then_expire(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    env.setup().await;
    for _ in 0..4 {
        assert_eq!(
            env.sign_in("olive@example.com", "wrong-password")
                .await
                .unwrap_err(),
            AppError::InvalidCredentials
        );
    }
    let until = match env
        .sign_in("olive@example.com", "wrong-password")
        .await
        .unwrap_err()
    {
        AppError::LockedOut { until } => until,
        e => panic!("{e:?}"),
    };
    assert_eq!(until, env.service.now() + Duration::minutes(15));
    // Even the right password waits out the lock.
    assert!(matches!(
        env.sign_in("olive@example.com", OWNER_PW).await,
        Err(AppError::LockedOut { .. })
    ));
    // An unknown address locks the same way: the lock tells nothing about existence.
    for _ in 0..5 {
        let _ = env.sign_in("ghost@example.com", "wrong-password").await;
    }
    assert!(matches!(
        env.sign_in("ghost@example.com", "wrong-password").await,
        Err(AppError::LockedOut { .. })
    ));
    env.clock.advance(Duration::minutes(15));
    env.sign_in("olive@example.com", OWNER_PW).await.unwrap();
}

#[rstest]
#[tokio::test]
async fn refresh_extends_idle_never_absolute(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let start = owner.view.started_at;
    env.clock.advance(Duration::minutes(30));
    let r = env
        .service
        .refresh(owner.view.session_id, &owner.refresh)
        .await
        .unwrap();
    assert_eq!(r.view.idle_expires_at, start + Duration::minutes(90));
    assert_eq!(r.view.absolute_expires_at, owner.view.absolute_expires_at);
    assert_eq!(
        r.view.session_id, owner.view.session_id,
        "the family keeps its id"
    );
    assert_ne!(r.refresh, owner.refresh, "the token rotates");
    // Near the absolute end, refreshing stops at the absolute expiry.
    let mut tok = r.refresh;
    for _ in 0..30 {
        env.clock.advance(Duration::minutes(50));
        match env.service.refresh(owner.view.session_id, &tok).await {
            Ok(next) => {
                assert!(next.view.idle_expires_at <= owner.view.absolute_expires_at);
                tok = next.refresh;
            }
            Err(e) => {
                assert_eq!(
                    e,
                    AppError::SessionEnded {
                        reason: EndReason::Absolute
                    }
                );
                return;
            }
        }
    }
    panic!("absolute expiry never reached");
}

/// The store computes the new idle expiry itself (in SQL on both back ends): to the
/// microsecond the rule `min(now + idle, absolute)`, read back the same as it was answered,
/// across a day and a year boundary.
#[rstest]
#[tokio::test]
async fn the_refreshed_idle_expiry_is_exact_to_the_microsecond(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    env.clock.set(
        Utc.with_ymd_and_hms(2026, 12, 31, 23, 1, 2).unwrap() + Duration::microseconds(987_654),
    );
    let owner = env.setup().await;
    env.clock.advance(Duration::microseconds(123_457));
    let now = env.service.now();
    let r = env
        .service
        .refresh(owner.view.session_id, &owner.refresh)
        .await
        .unwrap();
    let want = tenure_core::session::refreshed_idle_expiry(now, 60, owner.view.absolute_expires_at)
        .unwrap();
    assert_eq!(r.view.idle_expires_at, want);
    assert_eq!(want.timestamp_subsec_micros(), 111_111);
    let stored = env
        .service
        .store()
        .session(owner.view.session_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.idle_expires_at, want);
    assert_eq!(stored.last_refreshed_at, now);
}

#[rstest]
#[case::idle(61, EndReason::Idle)]
#[case::absolute(24 * 60, EndReason::Absolute)]
#[tokio::test]
async fn refresh_refused_after_expiry_with_reason(
    #[case] minutes: i64,
    #[case] reason: EndReason,
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    env.clock.advance(Duration::minutes(minutes));
    let err = env
        .service
        .refresh(owner.view.session_id, &owner.refresh)
        .await
        .unwrap_err();
    assert_eq!(err, AppError::SessionEnded { reason });
    assert_eq!(
        env.service
            .authenticate(&owner.view.access_token)
            .await
            .unwrap_err(),
        // The access token itself has expired (5 minutes) before the session did.
        AppError::Unauthenticated
    );
}

#[rstest]
#[tokio::test]
async fn refresh_refused_after_revoke_and_commands_stop_at_once(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    env.service.sign_out(owner.view.session_id).await.unwrap();
    assert_eq!(
        env.service
            .refresh(owner.view.session_id, &owner.refresh)
            .await
            .unwrap_err(),
        AppError::SessionEnded {
            reason: EndReason::Revoked
        }
    );
    // The access token is still within its 5 minutes, but the session is not live.
    assert_eq!(
        env.service
            .authenticate(&owner.view.access_token)
            .await
            .unwrap_err(),
        AppError::SessionEnded {
            reason: EndReason::Revoked
        }
    );
}

/// A revoke written by a desktop whose clock runs ahead is still a revoke here: the refresh
/// is refused and nothing is rotated (the token still names the session, unchanged).
#[rstest]
#[tokio::test]
async fn a_revoke_dated_ahead_of_this_clock_still_refuses_the_refresh(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let ahead = env.service.now() + Duration::minutes(2);
    let store = env.service.store();
    assert!(store
        .revoke_session(owner.view.session_id, ahead)
        .await
        .unwrap());
    let before = store.session(owner.view.session_id).await.unwrap().unwrap();
    assert!(env
        .service
        .refresh(owner.view.session_id, &owner.refresh)
        .await
        .is_err());
    let after = store.session(owner.view.session_id).await.unwrap().unwrap();
    assert_eq!(before, after, "nothing moved");
}

#[rstest]
#[tokio::test]
async fn replayed_refresh_token_ends_the_session(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let next = env
        .service
        .refresh(owner.view.session_id, &owner.refresh)
        .await
        .unwrap();
    // Within the grace window a second refresh with the old token is a benign race.
    assert!(matches!(
        env.service
            .refresh(owner.view.session_id, &owner.refresh)
            .await,
        Err(AppError::Conflict { .. })
    ));
    env.clock.advance(Duration::seconds(11));
    assert_eq!(
        env.service
            .refresh(owner.view.session_id, &owner.refresh)
            .await
            .unwrap_err(),
        AppError::SessionEnded {
            reason: EndReason::Revoked
        }
    );
    // The successor died with the family.
    assert!(env
        .service
        .refresh(owner.view.session_id, &next.refresh)
        .await
        .is_err());
}

#[rstest]
#[tokio::test]
async fn active_users_are_live_distinct_and_ordered(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    env.add_member(&owner, "Ann", "ann@example.com").await;
    env.add_member(&owner, "Bob", "bob@example.com").await;
    env.add_member(&owner, "Cid", "cid@example.com").await;
    env.add_member(&owner, "Dee", "dee@example.com").await;
    // Bob signs in twice (two desktops): listed once.
    env.clock.advance(Duration::minutes(1));
    env.sign_in("bob@example.com", MEMBER_PW).await.unwrap();
    env.clock.advance(Duration::minutes(1));
    env.sign_in("bob@example.com", MEMBER_PW).await.unwrap();
    env.clock.advance(Duration::minutes(1));
    let ann = env.sign_in("ann@example.com", MEMBER_PW).await.unwrap();
    // Cid's session has expired but was never revoked: not active.
    let other_clock = ManualClock::new(env.service.now() - Duration::minutes(120));
    let past = env
        .service
        .with_clock(Arc::new(other_clock), Device::this_machine());
    past.sign_in(SignInRequest {
        email: "cid@example.com".into(),
        password: MEMBER_PW.into(),
    })
    .await
    .unwrap();
    env.clock.advance(Duration::minutes(1));
    let owner_now = env
        .service
        .refresh(owner.view.session_id, &owner.refresh)
        .await
        .unwrap();
    let p = env
        .service
        .authenticate(&owner_now.view.access_token)
        .await
        .unwrap();
    let s = env.service.security_settings(&p).await.unwrap();
    let emails: Vec<_> = s.active_users.iter().map(|u| u.email.as_str()).collect();
    // Most recent sign-in first: Ann (t+3), Bob (t+2), the owner (t+0). Cid expired, Dee never.
    assert_eq!(
        emails,
        ["ann@example.com", "bob@example.com", "olive@example.com"]
    );
    assert_eq!(s.caller_user_id, owner.view.user.id);
    assert_eq!(s.effective.idle_minutes, 60);
    drop(ann);
}

#[rstest]
#[tokio::test]
async fn revoke_others_keeps_the_callers_sessions_and_all_ends_all(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let owner2 = env.sign_in("olive@example.com", OWNER_PW).await.unwrap(); // a second desktop
    env.add_member(&owner, "Ann", "ann@example.com").await;
    env.add_member(&owner, "Bob", "bob@example.com").await;
    let ann = env.sign_in("ann@example.com", MEMBER_PW).await.unwrap();
    let bob1 = env.sign_in("bob@example.com", MEMBER_PW).await.unwrap();
    let bob2 = env.sign_in("bob@example.com", MEMBER_PW).await.unwrap();
    let p = env
        .service
        .authenticate(&owner.view.access_token)
        .await
        .unwrap();
    let out = env.service.revoke(&p, RevokeScope::Others).await.unwrap();
    assert_eq!(out.revoked, 3);
    assert!(!out.signed_out_self);
    for s in [&ann, &bob1, &bob2] {
        assert_eq!(
            env.service
                .refresh(s.view.session_id, &s.refresh)
                .await
                .unwrap_err(),
            AppError::SessionEnded {
                reason: EndReason::Revoked
            }
        );
    }
    // Both of the owner's sessions survive.
    env.service
        .authenticate(&owner2.view.access_token)
        .await
        .unwrap();
    let s = env.service.security_settings(&p).await.unwrap();
    assert_eq!(s.active_users.len(), 1);

    let out = env.service.revoke(&p, RevokeScope::All).await.unwrap();
    assert_eq!((out.revoked, out.signed_out_self), (2, true));
    assert!(env
        .service
        .authenticate(&owner.view.access_token)
        .await
        .is_err());
    let log = env.store().audit_log(None).await.unwrap();
    let revokes: Vec<_> = log
        .iter()
        .filter(|a| a.action == "sessions.revoke")
        .collect();
    assert_eq!(revokes[0].details, json!({"scope": "others", "count": 3}));
    assert_eq!(revokes[1].details, json!({"scope": "all", "count": 2}));
}

#[rstest]
#[tokio::test]
async fn members_are_refused_every_owner_command(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    env.add_member(&owner, "Ann", "ann@example.com").await;
    let ann = env.sign_in("ann@example.com", MEMBER_PW).await.unwrap();
    let p = env
        .service
        .authenticate(&ann.view.access_token)
        .await
        .unwrap();
    let before = env.store().account(owner.view.account.id).await.unwrap();
    let forbidden = AppError::forbidden_owner_only();
    assert_eq!(
        env.service.security_settings(&p).await.unwrap_err(),
        forbidden
    );
    let req = UpdatePolicyRequest {
        idle_minutes: MinutesInput::Whole(15),
        absolute_minutes: MinutesInput::Whole(720),
    };
    assert_eq!(
        env.service.update_policy(&p, req).await.unwrap_err(),
        forbidden
    );
    assert_eq!(
        env.service.revoke(&p, RevokeScope::All).await.unwrap_err(),
        forbidden
    );
    assert_eq!(
        env.service
            .revoke(&p, RevokeScope::Others)
            .await
            .unwrap_err(),
        forbidden
    );
    assert_eq!(env.service.list_members(&p).await.unwrap_err(), forbidden);
    let add = AddMemberRequest {
        name: "Eve".into(),
        email: "eve@example.com".into(),
        password: MEMBER_PW.into(),
    };
    assert_eq!(
        env.service.add_member(&p, add).await.unwrap_err(),
        forbidden
    );
    assert_eq!(
        env.store().account(owner.view.account.id).await.unwrap(),
        before
    );
    assert!(env
        .store()
        .user_by_email("eve@example.com")
        .await
        .unwrap()
        .is_none());
    env.service
        .authenticate(&owner.view.access_token)
        .await
        .unwrap();
    assert_eq!(
        env.actions()
            .await
            .iter()
            .filter(|a| *a == "forbidden")
            .count(),
        6
    );
}

#[rstest]
#[tokio::test]
async fn role_comes_from_the_database_not_the_token(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    env.store()
        .set_role(owner.view.user.id, Role::Member)
        .await
        .unwrap();
    let p = env
        .service
        .authenticate(&owner.view.access_token)
        .await
        .unwrap();
    assert_eq!(p.role, Role::Member);
    assert!(matches!(
        env.service.security_settings(&p).await,
        Err(AppError::Forbidden { .. })
    ));
}

#[rstest]
#[case::strict(json!({"idle_minutes": 15, "absolute_minutes": 720}), Some(15), Some(720))]
#[case::standard(json!({"idle_minutes": null, "absolute_minutes": null}), None, None)]
#[case::idle_only(json!({"idle_minutes": 30, "absolute_minutes": null}), Some(30), None)]
#[tokio::test]
async fn policy_updates_are_stored_and_audited(
    #[case] body: serde_json::Value,
    #[case] idle: Option<i64>,
    #[case] abs: Option<i64>,
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let p = env
        .service
        .authenticate(&owner.view.access_token)
        .await
        .unwrap();
    // Start from a custom value so every case is a change.
    env.service
        .update_policy(
            &p,
            serde_json::from_value(json!({"idle_minutes": 45, "absolute_minutes": 900})).unwrap(),
        )
        .await
        .unwrap();
    let s = env
        .service
        .update_policy(&p, serde_json::from_value(body).unwrap())
        .await
        .unwrap();
    assert_eq!(
        (s.overrides.idle_minutes, s.overrides.absolute_minutes),
        (idle, abs)
    );
    let log = env
        .store()
        .audit_log(Some(owner.view.account.id))
        .await
        .unwrap();
    let last = log
        .iter()
        .rev()
        .find(|a| a.action == "policy.update")
        .unwrap();
    assert_eq!(
        last.details["old_override"],
        json!({"idle_minutes": 45, "absolute_minutes": 900})
    );
    assert_eq!(
        last.details["new_override"],
        json!({"idle_minutes": idle, "absolute_minutes": abs})
    );
    assert_eq!(
        last.details["old_effective"],
        json!({"idle_minutes": 45, "absolute_minutes": 900})
    );
    assert_eq!(last.actor_user_id, Some(owner.view.user.id));
}

#[rstest]
#[case(json!({"idle_minutes": 4, "absolute_minutes": 60}), "idle_minutes", "Idle timeout must be between 5 and 43200 minutes")]
#[case(json!({"idle_minutes": 43200, "absolute_minutes": null}), "idle_minutes",
    "Idle timeout (43200 minutes) cannot be longer than the absolute timeout (1440 minutes)")]
#[case(json!({"idle_minutes": 10.5, "absolute_minutes": 60}), "idle_minutes", "Idle timeout must be a whole number of minutes between 5 and 43200")]
#[case(json!({"idle_minutes": "15", "absolute_minutes": 60}), "idle_minutes", "Idle timeout must be a whole number of minutes between 5 and 43200")]
#[case(json!({"idle_minutes": 30, "absolute_minutes": 9223372036854775807i64}), "absolute_minutes", "Absolute timeout must be between 15 and 129600 minutes")]
#[case(json!({"idle_minutes": 30}), "absolute_minutes",
    "Absolute timeout is missing: send a whole number of minutes between 15 and 129600, or null for the system default")]
#[tokio::test]
async fn rejected_policy_changes_store_nothing(
    #[case] body: serde_json::Value,
    #[case] field: &str,
    #[case] message: &str,
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let p = env
        .service
        .authenticate(&owner.view.access_token)
        .await
        .unwrap();
    let before = env.store().account(owner.view.account.id).await.unwrap();
    let audit_before = env.store().audit_log(None).await.unwrap().len();
    let err = env
        .service
        .update_policy(&p, serde_json::from_value(body).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err, AppError::validation(field, message));
    assert_eq!(
        env.store().account(owner.view.account.id).await.unwrap(),
        before
    );
    assert_eq!(
        env.store().audit_log(None).await.unwrap().len(),
        audit_before
    );
}

#[rstest]
#[tokio::test]
async fn new_policy_applies_at_next_sign_in_only(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let p = env
        .service
        .authenticate(&owner.view.access_token)
        .await
        .unwrap();
    env.service
        .update_policy(
            &p,
            serde_json::from_value(json!({"idle_minutes": 15, "absolute_minutes": 720})).unwrap(),
        )
        .await
        .unwrap();
    // The running session keeps its 60-minute idle window on refresh.
    env.clock.advance(Duration::minutes(1));
    let r = env
        .service
        .refresh(owner.view.session_id, &owner.refresh)
        .await
        .unwrap();
    assert_eq!(
        r.view.idle_expires_at - env.service.now(),
        Duration::minutes(60)
    );
    let fresh = env.sign_in("olive@example.com", OWNER_PW).await.unwrap();
    assert_eq!(
        fresh.view.idle_expires_at - fresh.view.started_at,
        Duration::minutes(15)
    );
    assert_eq!(
        fresh.view.absolute_expires_at - fresh.view.started_at,
        Duration::minutes(720)
    );
}

#[rstest]
#[tokio::test]
async fn duplicate_member_email_is_a_clear_conflict(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    env.add_member(&owner, "Ann", "ann@example.com").await;
    let p = env
        .service
        .authenticate(&owner.view.access_token)
        .await
        .unwrap();
    let err = env
        .service
        .add_member(
            &p,
            AddMemberRequest {
                name: "Ann 2".into(),
                email: "ANN@example.com".into(),
                password: MEMBER_PW.into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AppError::Conflict {
            field: Some("email".into()),
            message: "ann@example.com already has an account in Tenure.".into()
        }
    );
    let members = env.service.list_members(&p).await.unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].role, Role::Owner);
}

#[rstest]
#[tokio::test]
async fn a_second_process_sees_the_same_file(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let other = store::open(&env.url).await.unwrap();
    let u = other.user(owner.view.user.id).await.unwrap().unwrap();
    assert_eq!(u.email, "olive@example.com");
}

#[test]
fn postgres_errors_never_show_the_password() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = rt
        .block_on(store::open(
            "postgres://tenure:s3cret-pw@db.example:notaport/tenure",
        ))
        .err()
        .expect("an invalid URL is refused");
    assert!(!format!("{err} {err:?}").contains("s3cret-pw"), "{err:?}");
}

#[rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_setups_at_once_make_one_account(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let setup = |email: &'static str| {
        let service = env.service.clone();
        tokio::spawn(async move {
            service
                .setup(SetupRequest {
                    account_name: "Acme".into(),
                    owner_name: "Olive".into(),
                    email: email.into(),
                    password: OWNER_PW.into(),
                })
                .await
        })
    };
    let (a, b) = (setup("a@example.com"), setup("b@example.com"));
    let results = [a.await.unwrap(), b.await.unwrap()];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(AppError::Conflict { .. }))),
        "{results:?}"
    );
}

#[rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_failures_are_each_counted(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let rule = ThrottleRule {
        max_failures: 1000,
        window: Duration::minutes(15),
        lock_for: Duration::minutes(15),
    };
    let now = env.service.now();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = env.store().clone();
            tokio::spawn(async move { store.record_failure("new@example.com", now, rule).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    // Every one of the 20, the first failures of a fresh address included, is in the count.
    assert_eq!(
        env.store()
            .throttle("new@example.com")
            .await
            .unwrap()
            .unwrap()
            .failures,
        20
    );
}

/// 50 refreshes of distinct sessions, a bulk revoke of `others` and reads of the active users, all
/// at once: nothing the caller sees is a database error (no "database is locked"), the revoke
/// takes every member session, and every refresh either lands before it or is refused by it.
#[rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn refreshes_revoke_and_reads_at_once_all_succeed(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    const SESSIONS: usize = 50;
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let account = owner.view.account.id;
    let mut members = Vec::new();
    for n in 0..5 {
        members.push(env.quick_member(account, n).await);
    }
    let mut sessions = Vec::new();
    for n in 0..SESSIONS {
        sessions.push(env.quick_session(members[n % members.len()], account).await);
    }
    let p = env
        .service
        .authenticate(&owner.view.access_token)
        .await
        .unwrap();
    env.clock.advance(Duration::minutes(1));

    let started = Instant::now();
    let refreshes: Vec<_> = sessions
        .iter()
        .cloned()
        .map(|(id, token)| {
            let service = env.service.clone();
            tokio::spawn(async move { service.refresh(id, &token).await })
        })
        .collect();
    let revoke = {
        let (service, p) = (env.service.clone(), p.clone());
        tokio::spawn(async move { service.revoke(&p, RevokeScope::Others).await })
    };
    let reads: Vec<_> = (0..20)
        .map(|_| {
            let (service, p) = (env.service.clone(), p.clone());
            tokio::spawn(async move { service.security_settings(&p).await })
        })
        .collect();

    let revoked = revoke.await.unwrap().unwrap();
    assert_eq!(
        (revoked.revoked, revoked.signed_out_self),
        (SESSIONS as u64, false)
    );
    let (mut landed, mut refused) = (0, 0);
    for r in refreshes {
        match r.await.unwrap() {
            Ok(_) => landed += 1,
            Err(AppError::SessionEnded {
                reason: EndReason::Revoked,
            }) => refused += 1,
            Err(e) => panic!("a refresh failed with {e:?}"),
        }
    }
    for r in reads {
        let s = r.await.unwrap().unwrap();
        assert!(s.active_users.iter().any(|u| u.user_id == p.user_id));
    }
    let elapsed = started.elapsed();
    eprintln!("{backend:?}: {SESSIONS} refreshes ({landed} before the revoke, {refused} refused by it), 1 revoke, 20 reads in {elapsed:?}");

    let live = env
        .store()
        .live_sessions(account, env.service.now())
        .await
        .unwrap();
    assert_eq!(
        live.iter().map(|s| s.id).collect::<Vec<_>>(),
        [owner.view.session_id]
    );
    for (id, _) in &sessions {
        assert!(env
            .store()
            .session(*id)
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_some());
    }
}

/// The spec's promise: after a revoke returns, no revoked session can be refreshed or used,
/// including one whose refresh was in flight while the revoke ran. Raced 200 times.
#[rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refresh_racing_a_revoke_never_survives_it(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    const ROUNDS: usize = 200;
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let account = owner.view.account.id;
    let member = env.quick_member(account, 0).await;
    let p = env
        .service
        .authenticate(&owner.view.access_token)
        .await
        .unwrap();
    let member_live = || async {
        let live = env
            .store()
            .live_sessions(account, env.service.now())
            .await
            .unwrap();
        live.iter().filter(|s| s.user_id == member).count()
    };

    let started = Instant::now();
    let (mut landed, mut refused) = (0, 0);
    for round in 0..ROUNDS {
        let (id, token) = env.quick_session(member, account).await;
        let go = Arc::new(tokio::sync::Barrier::new(2));
        let refresh = {
            let (service, go) = (env.service.clone(), go.clone());
            tokio::spawn(async move {
                go.wait().await;
                service.refresh(id, &token).await
            })
        };
        let revoke = {
            let (service, p, go) = (env.service.clone(), p.clone(), go.clone());
            tokio::spawn(async move {
                go.wait().await;
                service.revoke(&p, RevokeScope::Others).await
            })
        };
        assert_eq!(revoke.await.unwrap().unwrap().revoked, 1, "round {round}");
        // The refresh may still be in flight; whatever it does next, the session stays revoked.
        assert_eq!(
            member_live().await,
            0,
            "round {round}: a session outlived the revoke"
        );
        match refresh.await.unwrap() {
            Ok(won) => {
                landed += 1;
                // It rotated before the revoke; the token and access it got are dead now.
                assert_eq!(
                    env.service.refresh(id, &won.refresh).await.unwrap_err(),
                    AppError::SessionEnded {
                        reason: EndReason::Revoked
                    },
                    "round {round}"
                );
                assert_eq!(
                    env.service
                        .authenticate(&won.view.access_token)
                        .await
                        .unwrap_err(),
                    AppError::SessionEnded {
                        reason: EndReason::Revoked
                    },
                    "round {round}"
                );
            }
            Err(AppError::SessionEnded {
                reason: EndReason::Revoked,
            }) => refused += 1,
            Err(e) => panic!("round {round}: the refresh failed with {e:?}"),
        }
        assert_eq!(
            member_live().await,
            0,
            "round {round}: a session outlived the revoke"
        );
    }
    eprintln!(
        "{backend:?}: {ROUNDS} revoke/refresh races ({landed} refreshes landed first, {refused} refused) in {:?}",
        started.elapsed()
    );
}

/// The watcher's effects, recorded: which way the session ended, and when.
struct Recorded(tokio::sync::mpsc::UnboundedSender<(tenure_core::wire::EndedBy, Instant)>);

impl tenure_app::watcher::Effects for Recorded {
    fn notify(
        &self,
        _: tenure_core::warning::WarningReason,
        _: &str,
        _: &str,
    ) -> Result<(), String> {
        Ok(())
    }
    fn warning(&self, _: &tenure_core::wire::WarningEvent) {}
    fn ended(&self, by: tenure_core::wire::EndedBy) {
        let _ = self.0.send((by, Instant::now()));
    }
}

/// Two desktops on one PostgreSQL: the owner on A signs everyone else out; B's watcher hears of
/// it through LISTEN/NOTIFY and ends the member's session within 2 seconds (B's UI then shows
/// Sign in with the banner, as for any `session-ended` that is not the person's own doing).
#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn revocation_reaches_another_desktop_within_two_seconds(
    #[values(Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    env.add_member(&owner, "Ann", "ann@example.com").await;
    // Desktop B: its own pool on the same database, its own app state and watcher.
    let store_b = store::open(&env.url).await.unwrap();
    let service_b = Arc::new(tenure_app::build_service(
        store_b,
        Arc::new(env.clock.clone()),
        Settings::default(),
    ));
    let state_b = tenure_app::state::AppState::new(service_b.clone());
    let ann = service_b
        .sign_in(SignInRequest {
            email: "ann@example.com".into(),
            password: MEMBER_PW.into(),
        })
        .await
        .unwrap();
    state_b.set_signed_in(ann).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let watcher = tokio::spawn(tenure_app::watcher::run(
        state_b.clone(),
        Arc::new(Recorded(tx)),
        state_b.poke.clone(),
    ));
    // Let B's listener subscribe before A acts.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let p = env
        .service
        .authenticate(&owner.view.access_token)
        .await
        .unwrap();
    let start = Instant::now();
    let out = env.service.revoke(&p, RevokeScope::Others).await.unwrap();
    assert_eq!(out.revoked, 1);
    let (by, at) = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv())
        .await
        .expect("B never heard of the revocation")
        .unwrap();
    let delay = at.duration_since(start);
    let _ = writeln!(
        std::io::stderr(),
        "revocation propagation A -> B: {:.1} ms",
        delay.as_secs_f64() * 1000.0
    );
    assert_eq!(by, tenure_core::wire::EndedBy::Revoked);
    assert!(delay < std::time::Duration::from_secs(2), "took {delay:?}");
    assert!(state_b.local().await.is_none(), "B forgot the session");
    watcher.abort();
}

mod commands {
    //! The same rules through the real command layer, on Tauri's mock runtime.
    use super::*;
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
    use tauri::webview::InvokeRequest;
    use tauri::{Manager, WebviewWindow};
    use tenure_app::state::AppState;

    struct App {
        _env: Env,
        _app: tauri::App<tauri::test::MockRuntime>,
        window: WebviewWindow<tauri::test::MockRuntime>,
    }

    async fn app() -> App {
        let env = Env::new(Backend::Sqlite)
            .await
            .expect("SQLite needs no server");
        let app = tenure_app::configure(mock_builder())
            .build(mock_context(noop_assets()))
            .unwrap();
        app.manage(AppState::new(env.service.clone()));
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        App {
            _env: env,
            _app: app,
            window,
        }
    }

    fn call(
        app: &App,
        cmd: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Value> {
        get_ipc_response(
            &app.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<serde_json::Value>().unwrap())
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_owners_whole_job_through_commands() {
        let app = app().await;
        assert_eq!(
            call(&app, "app_status", json!({})).unwrap()["needs_setup"],
            true
        );
        let view = call(
            &app,
            "setup",
            json!({"request": {"account_name": "Acme", "owner_name": "Olive", "email": "olive@example.com", "password": OWNER_PW}}),
        )
        .unwrap();
        assert!(
            view.get("refresh").is_none(),
            "the refresh token never reaches the webview"
        );
        let token = view["access_token"].as_str().unwrap().to_owned();
        let s = call(&app, "security_settings", json!({"token": token})).unwrap();
        assert_eq!(
            s["effective"],
            json!({"idle_minutes": 60, "absolute_minutes": 1440})
        );
        let err = call(
            &app,
            "update_policy",
            json!({"token": token, "request": {"idle_minutes": 43200, "absolute_minutes": null}}),
        )
        .unwrap_err();
        assert_eq!(err["kind"], "Validation");
        assert_eq!(err["field"], "idle_minutes");
        let s = call(
            &app,
            "update_policy",
            json!({"token": token, "request": {"idle_minutes": 20, "absolute_minutes": 600}}),
        )
        .unwrap();
        assert_eq!(
            s["overrides"],
            json!({"idle_minutes": 20, "absolute_minutes": 600})
        );
        let m = call(
            &app,
            "add_member",
            json!({"token": token, "request": {"name": "Ann", "email": "ann@example.com", "password": MEMBER_PW}}),
        )
        .unwrap();
        assert_eq!(m["role"], "member");
        assert_eq!(
            call(&app, "list_members", json!({"token": token}))
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            2
        );
        let refreshed = call(&app, "refresh", json!({})).unwrap();
        assert_eq!(refreshed["session_id"], view["session_id"]);
        let current = call(&app, "current_session", json!({})).unwrap();
        assert_eq!(current["user"]["email"], "olive@example.com");
        let out = call(
            &app,
            "revoke_sessions",
            json!({"token": token, "scope": "all"}),
        )
        .unwrap();
        assert_eq!(out, json!({"revoked": 1, "signed_out_self": true}));
        let err = call(&app, "security_settings", json!({"token": token})).unwrap_err();
        assert_eq!(err, json!({"kind": "SessionEnded", "reason": "revoked"}));
        assert_eq!(
            call(&app, "current_session", json!({})).unwrap(),
            json!(null)
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn bad_tokens_and_members_are_refused() {
        let app = app().await;
        let err = call(&app, "security_settings", json!({"token": "not-a-token"})).unwrap_err();
        assert_eq!(err["kind"], "Unauthenticated");
        call(
            &app,
            "setup",
            json!({"request": {"account_name": "Acme", "owner_name": "Olive", "email": "olive@example.com", "password": OWNER_PW}}),
        )
        .unwrap();
        let owner = call(&app, "current_session", json!({})).unwrap();
        let token = owner["access_token"].as_str().unwrap();
        call(
            &app,
            "add_member",
            json!({"token": token, "request": {"name": "Ann", "email": "ann@example.com", "password": MEMBER_PW}}),
        )
        .unwrap();
        let ann = call(
            &app,
            "sign_in",
            json!({"request": {"email": "ann@example.com", "password": MEMBER_PW}}),
        )
        .unwrap();
        let t = ann["access_token"].as_str().unwrap();
        for (cmd, extra) in [
            ("security_settings", json!({})),
            (
                "update_policy",
                json!({"request": {"idle_minutes": 15, "absolute_minutes": 720}}),
            ),
            ("revoke_sessions", json!({"scope": "others"})),
            ("list_members", json!({})),
            (
                "add_member",
                json!({"request": {"name": "E", "email": "e@example.com", "password": MEMBER_PW}}),
            ),
        ] {
            let mut args = extra;
            args["token"] = json!(t);
            let err = call(&app, cmd, args).unwrap_err();
            assert_eq!(err["kind"], "Forbidden", "{cmd}");
        }
        // Signing in on this desktop replaced the owner's local session, which is now ended.
        let err = call(&app, "security_settings", json!({"token": token})).unwrap_err();
        assert_eq!(err, json!({"kind": "SessionEnded", "reason": "revoked"}));
    }
}
