//! The backend as a specification: the service rules and the store on a real temporary SQLite
//! file, and the commands through Tauri's mock runtime. Time is a manual clock.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use rstest::rstest;
use serde_json::json;
use tenure_app::clock::ManualClock;
use tenure_app::service::{Device, Service, Settings, SignedIn};
use tenure_app::store::{self, Store};
use tenure_core::policy::MinutesInput;
use tenure_core::session::EndReason;
use tenure_core::wire::{
    AddMemberRequest, RevokeScope, Role, SetupRequest, SignInRequest, UpdatePolicyRequest,
};
use tenure_core::AppError;

const OWNER_PW: &str = "owner-password-1";
const MEMBER_PW: &str = "member-password-1";

struct Env {
    _dir: tempfile::TempDir,
    url: String,
    clock: ManualClock,
    service: Arc<Service>,
}

impl Env {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("tenure.db").display());
        let store = store::open(&url).await.unwrap();
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 5, 4, 9, 0, 0).unwrap());
        let service = Arc::new(tenure_app::build_service(
            store,
            Arc::new(clock.clone()),
            Settings::default(),
        ));
        Self {
            _dir: dir,
            url,
            clock,
            service,
        }
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
        let p = self.service.authenticate(&owner.view.access_token).await.unwrap();
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

#[tokio::test]
async fn setup_signs_the_owner_in_and_only_once() {
    let env = Env::new().await;
    assert!(env.service.status().await.unwrap().needs_setup);
    let owner = env.setup().await;
    assert_eq!(owner.view.user.role, Role::Owner);
    assert_eq!(owner.view.user.email, "olive@example.com");
    assert_eq!(owner.view.idle_expires_at - owner.view.started_at, Duration::minutes(60));
    assert_eq!(owner.view.absolute_expires_at - owner.view.started_at, Duration::minutes(1440));
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
) {
    let env = Env::new().await;
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
    assert!(matches!(err, AppError::Validation { field: ref f, .. } if f == field), "{err:?}");
    assert!(env.service.status().await.unwrap().needs_setup, "nothing stored");
}

#[tokio::test]
async fn sign_in_right_wrong_and_unknown_get_the_same_message() {
    let env = Env::new().await;
    env.setup().await;
    let ok = env.sign_in("  OLIVE@example.COM ", OWNER_PW).await.unwrap();
    assert_eq!(ok.view.user.name, "Olive Owner");
    let wrong = env.sign_in("olive@example.com", "nope-nope-nope").await.unwrap_err();
    let unknown = env.sign_in("nobody@example.com", OWNER_PW).await.unwrap_err();
    assert_eq!(wrong, AppError::InvalidCredentials);
    assert_eq!(unknown, AppError::InvalidCredentials);
    assert_eq!(wrong.to_string(), unknown.to_string());
    let actions = env.actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "sign_in.failure").count(), 2);
    assert!(actions.iter().filter(|a| *a == "sign_in.success").count() >= 2);
    // The user's last sign-in moved.
    let u = env.store().user_by_email("olive@example.com").await.unwrap().unwrap();
    assert_eq!(u.last_login_at, Some(env.service.now()));
}

#[tokio::test]
async fn repeated_failures_lock_the_address_then_expire() {
    let env = Env::new().await;
    env.setup().await;
    for _ in 0..4 {
        assert_eq!(
            env.sign_in("olive@example.com", "wrong-password").await.unwrap_err(),
            AppError::InvalidCredentials
        );
    }
    let until = match env.sign_in("olive@example.com", "wrong-password").await.unwrap_err() {
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

#[tokio::test]
async fn refresh_extends_idle_never_absolute() {
    let env = Env::new().await;
    let owner = env.setup().await;
    let start = owner.view.started_at;
    env.clock.advance(Duration::minutes(30));
    let r = env.service.refresh(owner.view.session_id, &owner.refresh).await.unwrap();
    assert_eq!(r.view.idle_expires_at, start + Duration::minutes(90));
    assert_eq!(r.view.absolute_expires_at, owner.view.absolute_expires_at);
    assert_eq!(r.view.session_id, owner.view.session_id, "the family keeps its id");
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
                assert_eq!(e, AppError::SessionEnded { reason: EndReason::Absolute });
                return;
            }
        }
    }
    panic!("absolute expiry never reached");
}

#[rstest]
#[case::idle(61, EndReason::Idle)]
#[case::absolute(24 * 60, EndReason::Absolute)]
#[tokio::test]
async fn refresh_refused_after_expiry_with_reason(#[case] minutes: i64, #[case] reason: EndReason) {
    let env = Env::new().await;
    let owner = env.setup().await;
    env.clock.advance(Duration::minutes(minutes));
    let err = env.service.refresh(owner.view.session_id, &owner.refresh).await.unwrap_err();
    assert_eq!(err, AppError::SessionEnded { reason });
    assert_eq!(
        env.service.authenticate(&owner.view.access_token).await.unwrap_err(),
        // The access token itself has expired (5 minutes) before the session did.
        AppError::Unauthenticated
    );
}

#[tokio::test]
async fn refresh_refused_after_revoke_and_commands_stop_at_once() {
    let env = Env::new().await;
    let owner = env.setup().await;
    env.service.sign_out(owner.view.session_id).await.unwrap();
    assert_eq!(
        env.service.refresh(owner.view.session_id, &owner.refresh).await.unwrap_err(),
        AppError::SessionEnded { reason: EndReason::Revoked }
    );
    // The access token is still within its 5 minutes, but the session is not live.
    assert_eq!(
        env.service.authenticate(&owner.view.access_token).await.unwrap_err(),
        AppError::SessionEnded { reason: EndReason::Revoked }
    );
}

#[tokio::test]
async fn replayed_refresh_token_ends_the_session() {
    let env = Env::new().await;
    let owner = env.setup().await;
    let next = env.service.refresh(owner.view.session_id, &owner.refresh).await.unwrap();
    // Within the grace window a second refresh with the old token is a benign race.
    assert!(matches!(
        env.service.refresh(owner.view.session_id, &owner.refresh).await,
        Err(AppError::Conflict { .. })
    ));
    env.clock.advance(Duration::seconds(11));
    assert_eq!(
        env.service.refresh(owner.view.session_id, &owner.refresh).await.unwrap_err(),
        AppError::SessionEnded { reason: EndReason::Revoked }
    );
    // The successor died with the family.
    assert!(env.service.refresh(owner.view.session_id, &next.refresh).await.is_err());
}

#[tokio::test]
async fn active_users_are_live_distinct_and_ordered() {
    let env = Env::new().await;
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
    let past = env.service.with_clock(Arc::new(other_clock), Device::this_machine());
    past.sign_in(SignInRequest { email: "cid@example.com".into(), password: MEMBER_PW.into() })
        .await
        .unwrap();
    env.clock.advance(Duration::minutes(1));
    let owner_now = env.service.refresh(owner.view.session_id, &owner.refresh).await.unwrap();
    let p = env.service.authenticate(&owner_now.view.access_token).await.unwrap();
    let s = env.service.security_settings(&p).await.unwrap();
    let emails: Vec<_> = s.active_users.iter().map(|u| u.email.as_str()).collect();
    // Most recent sign-in first: Ann (t+3), Bob (t+2), the owner (t+0). Cid expired, Dee never.
    assert_eq!(emails, ["ann@example.com", "bob@example.com", "olive@example.com"]);
    assert_eq!(s.caller_user_id, owner.view.user.id);
    assert_eq!(s.effective.idle_minutes, 60);
    drop(ann);
}

#[tokio::test]
async fn revoke_others_keeps_the_callers_sessions_and_all_ends_all() {
    let env = Env::new().await;
    let owner = env.setup().await;
    let owner2 = env.sign_in("olive@example.com", OWNER_PW).await.unwrap(); // a second desktop
    env.add_member(&owner, "Ann", "ann@example.com").await;
    env.add_member(&owner, "Bob", "bob@example.com").await;
    let ann = env.sign_in("ann@example.com", MEMBER_PW).await.unwrap();
    let bob1 = env.sign_in("bob@example.com", MEMBER_PW).await.unwrap();
    let bob2 = env.sign_in("bob@example.com", MEMBER_PW).await.unwrap();
    let p = env.service.authenticate(&owner.view.access_token).await.unwrap();
    let out = env.service.revoke(&p, RevokeScope::Others).await.unwrap();
    assert_eq!(out.revoked, 3);
    assert!(!out.signed_out_self);
    for s in [&ann, &bob1, &bob2] {
        assert_eq!(
            env.service.refresh(s.view.session_id, &s.refresh).await.unwrap_err(),
            AppError::SessionEnded { reason: EndReason::Revoked }
        );
    }
    // Both of the owner's sessions survive.
    env.service.authenticate(&owner2.view.access_token).await.unwrap();
    let s = env.service.security_settings(&p).await.unwrap();
    assert_eq!(s.active_users.len(), 1);

    let out = env.service.revoke(&p, RevokeScope::All).await.unwrap();
    assert_eq!((out.revoked, out.signed_out_self), (2, true));
    assert!(env.service.authenticate(&owner.view.access_token).await.is_err());
    let log = env.store().audit_log(None).await.unwrap();
    let revokes: Vec<_> = log.iter().filter(|a| a.action == "sessions.revoke").collect();
    assert_eq!(revokes[0].details, json!({"scope": "others", "count": 3}));
    assert_eq!(revokes[1].details, json!({"scope": "all", "count": 2}));
}

#[tokio::test]
async fn members_are_refused_every_owner_command() {
    let env = Env::new().await;
    let owner = env.setup().await;
    env.add_member(&owner, "Ann", "ann@example.com").await;
    let ann = env.sign_in("ann@example.com", MEMBER_PW).await.unwrap();
    let p = env.service.authenticate(&ann.view.access_token).await.unwrap();
    let before = env.store().account(owner.view.account.id).await.unwrap();
    let forbidden = AppError::forbidden_owner_only();
    assert_eq!(env.service.security_settings(&p).await.unwrap_err(), forbidden);
    let req = UpdatePolicyRequest { idle_minutes: MinutesInput::Whole(15), absolute_minutes: MinutesInput::Whole(720) };
    assert_eq!(env.service.update_policy(&p, req).await.unwrap_err(), forbidden);
    assert_eq!(env.service.revoke(&p, RevokeScope::All).await.unwrap_err(), forbidden);
    assert_eq!(env.service.revoke(&p, RevokeScope::Others).await.unwrap_err(), forbidden);
    assert_eq!(env.service.list_members(&p).await.unwrap_err(), forbidden);
    let add = AddMemberRequest { name: "Eve".into(), email: "eve@example.com".into(), password: MEMBER_PW.into() };
    assert_eq!(env.service.add_member(&p, add).await.unwrap_err(), forbidden);
    assert_eq!(env.store().account(owner.view.account.id).await.unwrap(), before);
    assert!(env.store().user_by_email("eve@example.com").await.unwrap().is_none());
    env.service.authenticate(&owner.view.access_token).await.unwrap();
    assert_eq!(env.actions().await.iter().filter(|a| *a == "forbidden").count(), 6);
}

#[tokio::test]
async fn role_comes_from_the_database_not_the_token() {
    let env = Env::new().await;
    let owner = env.setup().await;
    env.store().set_role(owner.view.user.id, Role::Member).await.unwrap();
    let p = env.service.authenticate(&owner.view.access_token).await.unwrap();
    assert_eq!(p.role, Role::Member);
    assert!(matches!(env.service.security_settings(&p).await, Err(AppError::Forbidden { .. })));
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
) {
    let env = Env::new().await;
    let owner = env.setup().await;
    let p = env.service.authenticate(&owner.view.access_token).await.unwrap();
    // Start from a custom value so every case is a change.
    env.service
        .update_policy(&p, serde_json::from_value(json!({"idle_minutes": 45, "absolute_minutes": 900})).unwrap())
        .await
        .unwrap();
    let s = env.service.update_policy(&p, serde_json::from_value(body).unwrap()).await.unwrap();
    assert_eq!((s.overrides.idle_minutes, s.overrides.absolute_minutes), (idle, abs));
    let log = env.store().audit_log(Some(owner.view.account.id)).await.unwrap();
    let last = log.iter().rev().find(|a| a.action == "policy.update").unwrap();
    assert_eq!(last.details["old_override"], json!({"idle_minutes": 45, "absolute_minutes": 900}));
    assert_eq!(last.details["new_override"], json!({"idle_minutes": idle, "absolute_minutes": abs}));
    assert_eq!(last.details["old_effective"], json!({"idle_minutes": 45, "absolute_minutes": 900}));
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
) {
    let env = Env::new().await;
    let owner = env.setup().await;
    let p = env.service.authenticate(&owner.view.access_token).await.unwrap();
    let before = env.store().account(owner.view.account.id).await.unwrap();
    let audit_before = env.store().audit_log(None).await.unwrap().len();
    let err = env.service.update_policy(&p, serde_json::from_value(body).unwrap()).await.unwrap_err();
    assert_eq!(err, AppError::validation(field, message));
    assert_eq!(env.store().account(owner.view.account.id).await.unwrap(), before);
    assert_eq!(env.store().audit_log(None).await.unwrap().len(), audit_before);
}

#[tokio::test]
async fn new_policy_applies_at_next_sign_in_only() {
    let env = Env::new().await;
    let owner = env.setup().await;
    let p = env.service.authenticate(&owner.view.access_token).await.unwrap();
    env.service
        .update_policy(&p, serde_json::from_value(json!({"idle_minutes": 15, "absolute_minutes": 720})).unwrap())
        .await
        .unwrap();
    // The running session keeps its 60-minute idle window on refresh.
    env.clock.advance(Duration::minutes(1));
    let r = env.service.refresh(owner.view.session_id, &owner.refresh).await.unwrap();
    assert_eq!(r.view.idle_expires_at - env.service.now(), Duration::minutes(60));
    let fresh = env.sign_in("olive@example.com", OWNER_PW).await.unwrap();
    assert_eq!(fresh.view.idle_expires_at - fresh.view.started_at, Duration::minutes(15));
    assert_eq!(fresh.view.absolute_expires_at - fresh.view.started_at, Duration::minutes(720));
}

#[tokio::test]
async fn duplicate_member_email_is_a_clear_conflict() {
    let env = Env::new().await;
    let owner = env.setup().await;
    env.add_member(&owner, "Ann", "ann@example.com").await;
    let p = env.service.authenticate(&owner.view.access_token).await.unwrap();
    let err = env
        .service
        .add_member(&p, AddMemberRequest { name: "Ann 2".into(), email: "ANN@example.com".into(), password: MEMBER_PW.into() })
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AppError::Conflict { field: Some("email".into()), message: "ann@example.com already has an account in Tenure.".into() }
    );
    let members = env.service.list_members(&p).await.unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].role, Role::Owner);
}

#[tokio::test]
async fn a_second_process_sees_the_same_file() {
    let env = Env::new().await;
    let owner = env.setup().await;
    let other = store::open(&env.url).await.unwrap();
    let u = other.user(owner.view.user.id).await.unwrap().unwrap();
    assert_eq!(u.email, "olive@example.com");
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
        let env = Env::new().await;
        let app = tenure_app::configure(mock_builder())
            .build(mock_context(noop_assets()))
            .unwrap();
        app.manage(AppState::new(env.service.clone()));
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        App { _env: env, _app: app, window }
    }

    fn call(app: &App, cmd: &str, args: serde_json::Value) -> Result<serde_json::Value, serde_json::Value> {
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
        assert_eq!(call(&app, "app_status", json!({})).unwrap()["needs_setup"], true);
        let view = call(
            &app,
            "setup",
            json!({"request": {"account_name": "Acme", "owner_name": "Olive", "email": "olive@example.com", "password": OWNER_PW}}),
        )
        .unwrap();
        assert!(view.get("refresh").is_none(), "the refresh token never reaches the webview");
        let token = view["access_token"].as_str().unwrap().to_owned();
        let s = call(&app, "security_settings", json!({"token": token})).unwrap();
        assert_eq!(s["effective"], json!({"idle_minutes": 60, "absolute_minutes": 1440}));
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
        assert_eq!(s["overrides"], json!({"idle_minutes": 20, "absolute_minutes": 600}));
        let m = call(
            &app,
            "add_member",
            json!({"token": token, "request": {"name": "Ann", "email": "ann@example.com", "password": MEMBER_PW}}),
        )
        .unwrap();
        assert_eq!(m["role"], "member");
        assert_eq!(call(&app, "list_members", json!({"token": token})).unwrap().as_array().unwrap().len(), 2);
        let refreshed = call(&app, "refresh", json!({})).unwrap();
        assert_eq!(refreshed["session_id"], view["session_id"]);
        let current = call(&app, "current_session", json!({})).unwrap();
        assert_eq!(current["user"]["email"], "olive@example.com");
        let out = call(&app, "revoke_sessions", json!({"token": token, "scope": "all"})).unwrap();
        assert_eq!(out, json!({"revoked": 1, "signed_out_self": true}));
        let err = call(&app, "security_settings", json!({"token": token})).unwrap_err();
        assert_eq!(err, json!({"kind": "SessionEnded", "reason": "revoked"}));
        assert_eq!(call(&app, "current_session", json!({})).unwrap(), json!(null));
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
        let ann = call(&app, "sign_in", json!({"request": {"email": "ann@example.com", "password": MEMBER_PW}})).unwrap();
        let t = ann["access_token"].as_str().unwrap();
        for (cmd, extra) in [
            ("security_settings", json!({})),
            ("update_policy", json!({"request": {"idle_minutes": 15, "absolute_minutes": 720}})),
            ("revoke_sessions", json!({"scope": "others"})),
            ("list_members", json!({})),
            ("add_member", json!({"request": {"name": "E", "email": "e@example.com", "password": MEMBER_PW}})),
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
