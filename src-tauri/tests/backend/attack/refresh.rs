//! Refresh rotation under attack and under races, on both back ends: two (or three) refreshes of
//! one token at the same instant never sign the person out; a replay just past the 10-second
//! grace window ends the whole session; the desktop's own refreshes are serialised.

use std::sync::Arc;

use chrono::Duration;
use tenure_app::auth::refresh::RefreshToken;
use tenure_app::service::REFRESH_GRACE_SECONDS;
use tenure_app::state::AppState;
use tenure_core::session::EndReason;
use tenure_core::AppError;
use uuid::Uuid;

use super::super::{Backend, Env};

fn superseded() -> AppError {
    AppError::Conflict {
        field: None,
        message: "This session was refreshed a moment ago; use the newer token.".into(),
    }
}

async fn assert_live(env: &Env, id: Uuid, what: &str) {
    let s = env.store().session(id).await.unwrap().unwrap();
    assert_eq!(s.revoked_at, None, "{what}: the session was revoked");
    assert!(s.idle_expires_at > env.service.now(), "{what}");
}

/// `n` refreshes of the same token released at once; returns their results.
async fn race(
    env: &Env,
    id: Uuid,
    token: &RefreshToken,
    n: usize,
) -> Vec<Result<RefreshToken, AppError>> {
    let go = Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (service, go, token) = (env.service.clone(), go.clone(), token.clone());
            tokio::spawn(async move {
                go.wait().await;
                service.refresh(id, &token).await.map(|s| s.refresh)
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[rstest::rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_refreshes_of_one_token_inside_grace_never_sign_out(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
    #[values(2, 3)] racers: usize,
) {
    const ROUNDS: usize = 25;
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let (user, account) = (owner.view.user.id, owner.view.account.id);
    for round in 0..ROUNDS {
        let (id, token) = env.quick_session(user, account).await;
        env.clock.advance(Duration::seconds(1));
        let results = race(&env, id, &token, racers).await;
        let winners: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(winners.len(), 1, "round {round}: {results:?}");
        for r in results.iter().filter_map(|r| r.as_ref().err()) {
            assert_eq!(*r, superseded(), "round {round}");
        }
        assert_live(&env, id, &format!("round {round}")).await;
        // The clean retry: the loser, given the winner's token (the desktop holds it), goes on.
        let next = env.service.refresh(id, winners[0]).await.unwrap();
        assert_live(&env, id, &format!("round {round} after retry")).await;
        drop(next);
    }
}

/// The grace window to the microsecond: a replay at exactly 10 s is the benign race, one
/// microsecond later it is theft and the whole family ends, successor included.
#[rstest::rstest]
#[tokio::test]
async fn replay_at_the_edge_of_the_grace_window(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let id = owner.view.session_id;
    let next = env.service.refresh(id, &owner.refresh).await.unwrap();
    env.clock.advance(Duration::seconds(REFRESH_GRACE_SECONDS));
    assert_eq!(
        env.service.refresh(id, &owner.refresh).await.unwrap_err(),
        superseded()
    );
    assert_live(&env, id, "at the edge").await;
    env.clock.advance(Duration::microseconds(1));
    assert_eq!(
        env.service.refresh(id, &owner.refresh).await.unwrap_err(),
        AppError::SessionEnded {
            reason: EndReason::Revoked
        }
    );
    assert_eq!(
        env.service.refresh(id, &next.refresh).await.unwrap_err(),
        AppError::SessionEnded {
            reason: EndReason::Revoked
        },
        "the successor dies with the family"
    );
    assert_eq!(
        env.service
            .authenticate(&next.view.access_token)
            .await
            .unwrap_err(),
        AppError::SessionEnded {
            reason: EndReason::Revoked
        }
    );
}

/// Only the immediately previous token is remembered. An older one (two rotations back) is
/// refused as unknown; it cannot refresh, and it does not end the session either.
#[rstest::rstest]
#[tokio::test]
async fn a_token_two_rotations_old_is_refused_without_ending_the_session(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let id = owner.view.session_id;
    let b = env.service.refresh(id, &owner.refresh).await.unwrap();
    let c = env.service.refresh(id, &b.refresh).await.unwrap();
    env.clock.advance(Duration::minutes(1));
    assert_eq!(
        env.service.refresh(id, &owner.refresh).await.unwrap_err(),
        AppError::Unauthenticated
    );
    assert_live(&env, id, "after an ancient token").await;
    env.service.refresh(id, &c.refresh).await.unwrap();
    // A token of another session never refreshes this one.
    let other = env
        .sign_in("olive@example.com", super::super::OWNER_PW)
        .await
        .unwrap();
    assert_eq!(
        env.service.refresh(id, &other.refresh).await.unwrap_err(),
        AppError::Unauthenticated
    );
    assert_eq!(
        env.service
            .refresh(Uuid::new_v4(), &other.refresh)
            .await
            .unwrap_err(),
        AppError::Unauthenticated
    );
}

/// The desktop itself never races: two "Stay signed in" at once both succeed, one after the
/// other, each with the token the previous one left.
#[rstest::rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_desktops_own_refreshes_are_serialised(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let id = owner.view.session_id;
    let state = AppState::new(env.service.clone());
    state.set_signed_in(owner).await;
    for _ in 0..10 {
        let (a, b) = tokio::join!(
            {
                let s = state.clone();
                tokio::spawn(async move { s.refresh().await })
            },
            {
                let s = state.clone();
                tokio::spawn(async move { s.refresh().await })
            },
        );
        a.unwrap().unwrap();
        b.unwrap().unwrap();
        assert_live(&env, id, "desktop refreshes").await;
    }
}
