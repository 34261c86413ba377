//! Sign-in throttling, through the `sign_in` command on both back ends: five failures lock the
//! address for 15 minutes with a message saying until when, a success resets the count, and a
//! known and an unknown address go through exactly the same transcript.

use chrono::Duration;
use serde_json::{json, Value};

use super::super::{Backend, OWNER_PW};
use super::CmdApp;

const WRONG: &str = "wrong-password-1";

/// One step of the script, as the webview sees it: the error, with `until` made relative to the
/// clock (seconds), so two runs at different times compare equal.
fn step(app: &CmdApp, email: &str, password: &str) -> Value {
    match app.sign_in(email, password) {
        Ok(_) => json!("signed in"),
        Err(mut e) => {
            if let Some(until) = e.get("until").and_then(Value::as_str) {
                let until = chrono::DateTime::parse_from_rfc3339(until).unwrap();
                e["until"] = json!((until.to_utc() - app.env.service.now()).num_seconds());
            }
            e
        }
    }
}

#[rstest::rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_failures_lock_for_fifteen_minutes_and_a_success_resets(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(app) = CmdApp::new(backend).await else {
        return;
    };
    app.setup_owner();
    let email = "olive@example.com";
    let invalid = json!({"kind": "InvalidCredentials"});
    // Four failures, then the right password: signed in, and the count is gone.
    for _ in 0..4 {
        assert_eq!(app.sign_in(email, WRONG).unwrap_err(), invalid);
    }
    app.sign_in(email, OWNER_PW).unwrap();
    assert_eq!(app.env.store().throttle(email).await.unwrap(), None);
    // So four more are still not a lock (without the reset they would make eight).
    for _ in 0..4 {
        assert_eq!(app.sign_in(email, WRONG).unwrap_err(), invalid);
    }
    // The fifth locks, for 15 minutes from now, and says so. Case does not dodge it.
    app.env.clock.advance(Duration::seconds(30));
    let until = app.env.service.now() + Duration::minutes(15);
    let locked = json!({"kind": "LockedOut", "until": until});
    assert_eq!(app.sign_in("OLIVE@Example.com", WRONG).unwrap_err(), locked);
    let msg = tenure_core::AppError::LockedOut { until }.to_string();
    assert_eq!(
        msg,
        "Too many failed sign-ins. Try again after 2026-05-04 09:15:30 UTC."
    );
    // Locked: even the right password waits, and trying does not extend the lock.
    for _ in 0..3 {
        assert_eq!(app.sign_in(email, OWNER_PW).unwrap_err(), locked);
    }
    app.env
        .clock
        .advance(Duration::minutes(15) - Duration::microseconds(1));
    assert_eq!(
        app.sign_in(email, OWNER_PW).unwrap_err(),
        locked,
        "one microsecond early"
    );
    app.env.clock.advance(Duration::microseconds(1));
    app.sign_in(email, OWNER_PW).unwrap();
    assert_eq!(app.env.store().throttle(email).await.unwrap(), None);
}

#[rstest::rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_known_and_an_unknown_address_are_indistinguishable(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(app) = CmdApp::new(backend).await else {
        return;
    };
    app.setup_owner();
    let script = |email: &str| {
        let mut t = Vec::new();
        for _ in 0..6 {
            t.push(step(&app, email, WRONG));
        }
        // The owner's real password: right for one address, wrong for the other, locked for both.
        t.push(step(&app, email, OWNER_PW));
        app.env.clock.advance(Duration::minutes(15));
        t.push(step(&app, email, WRONG));
        t
    };
    let known = script("olive@example.com");
    let audit_mark = app.env.store().audit_log(None).await.unwrap().len();
    let unknown = script("ghost@example.com");
    assert_eq!(known, unknown, "the transcripts differ");
    assert_eq!(known[0], json!({"kind": "InvalidCredentials"}));
    assert_eq!(known[4], json!({"kind": "LockedOut", "until": 900}));
    assert_eq!(known[5], json!({"kind": "LockedOut", "until": 900}));
    assert_eq!(
        known[7],
        json!({"kind": "InvalidCredentials"}),
        "a fresh count after the lock"
    );
    // The audit trail shows the same for both: failures with no account, counted the same way.
    let log = app.env.store().audit_log(None).await.unwrap();
    let shape = |a: &tenure_app::store::AuditRecord| {
        (
            a.action.clone(),
            a.account_id,
            a.actor_user_id,
            a.details["failures"].clone(),
        )
    };
    let known_audit: Vec<_> = log[..audit_mark]
        .iter()
        .filter(|a| a.details["email"] == "olive@example.com")
        .map(shape)
        .collect();
    let unknown_audit: Vec<_> = log[audit_mark..]
        .iter()
        .filter(|a| a.details["email"] == "ghost@example.com")
        .map(shape)
        .collect();
    assert_eq!(known_audit, unknown_audit);
    assert_eq!(known_audit.len(), 6);
    // And the lock state itself.
    let k = app
        .env
        .store()
        .throttle("olive@example.com")
        .await
        .unwrap()
        .unwrap();
    let u = app
        .env
        .store()
        .throttle("ghost@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (k.failures, k.locked_until.is_some()),
        (u.failures, u.locked_until.is_some())
    );
}

/// A burst of wrong passwords at once gets no more guesses than one at a time: exactly five are
/// checked and counted, every other attempt is locked out without its password being tried.
#[rstest::rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_concurrent_guesses_gets_only_five(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    const BURST: usize = 12;
    let Some(env) = super::super::Env::new(backend).await else {
        return;
    };
    env.setup().await;
    let go = std::sync::Arc::new(tokio::sync::Barrier::new(BURST));
    let tasks: Vec<_> = (0..BURST)
        .map(|n| {
            let (service, go) = (env.service.clone(), go.clone());
            tokio::spawn(async move {
                go.wait().await;
                service
                    .sign_in(tenure_core::wire::SignInRequest {
                        email: "olive@example.com".into(),
                        password: format!("{WRONG}-{n}"),
                    })
                    .await
            })
        })
        .collect();
    let (mut invalid, mut locked) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Err(tenure_core::AppError::InvalidCredentials) => invalid += 1,
            Err(tenure_core::AppError::LockedOut { .. }) => locked += 1,
            other => panic!("{other:?}"),
        }
    }
    let checked = env
        .actions()
        .await
        .iter()
        .filter(|a| *a == "sign_in.failure")
        .count();
    assert_eq!(
        (invalid, locked, checked),
        (4, BURST - 4, 5),
        "passwords checked in the burst: {checked}"
    );
}
