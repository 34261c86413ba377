//! Tampered and forged access tokens against `Service::authenticate`, on both back ends. The
//! service signs with a key the test knows ([`KNOWN_SECRET`]), so a case can change exactly one
//! thing about an otherwise valid token. Leeway is zero (`auth/tokens.rs`): `exp` is the first
//! instant a token is refused and `nbf` the first it is accepted.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use tenure_app::auth::tokens::{AUDIENCE, ISSUER, LEEWAY_SECONDS};
use tenure_app::service::Principal;
use tenure_core::policy::MinutesInput;
use tenure_core::session::EndReason;
use tenure_core::wire::{AddMemberRequest, RevokeScope, Role, UpdatePolicyRequest};
use tenure_core::AppError;

use super::super::{Backend, Env, MEMBER_PW};
use super::{env_with_known_key, KNOWN_SECRET};

/// The claims of a token the service would accept right now for `owner`'s session.
fn good_claims(env: &Env, owner: &tenure_app::service::SignedIn) -> Value {
    let now = env.service.now().timestamp();
    json!({
        "iss": ISSUER, "aud": AUDIENCE,
        "sub": owner.view.user.id, "acc": owner.view.account.id,
        "role": "owner", "sid": owner.view.session_id,
        "iat": now, "nbf": now, "exp": now + 300,
        "jti": uuid::Uuid::new_v4(),
    })
}

fn sign(alg: Algorithm, secret: &[u8], claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).unwrap()
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

/// A token with the given header and claims and an arbitrary signature segment.
fn hand_made(header: Value, claims: &Value, signature: &str) -> String {
    format!("{}.{}.{signature}", b64(&header), b64(claims))
}

fn with(claims: &Value, key: &str, v: Value) -> Value {
    let mut c = claims.clone();
    c[key] = v;
    c
}

fn without(claims: &Value, key: &str) -> Value {
    let mut c = claims.clone();
    c.as_object_mut().unwrap().remove(key);
    c
}

#[rstest::rstest]
#[tokio::test]
async fn forged_and_tampered_tokens_are_refused(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    assert_eq!(LEEWAY_SECONDS, 0, "the cases below assume zero leeway");
    let Some(env) = env_with_known_key(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let c = good_claims(&env, &owner);
    let now = env.service.now().timestamp();
    let hs256 = |claims: &Value| sign(Algorithm::HS256, KNOWN_SECRET, claims);
    // The control: the hand-built token is accepted, so each case below fails for its one change.
    let control = env.service.authenticate(&hs256(&c)).await.unwrap();
    assert_eq!(
        (control.user_id, control.role),
        (owner.view.user.id, Role::Owner)
    );

    let good = hs256(&c);
    let (head, rest) = good.split_once('.').unwrap();
    let (payload, sig) = rest.split_once('.').unwrap();
    let tampered_payload = b64(&with(&c, "sub", json!(uuid::Uuid::new_v4())));
    let cases: Vec<(&str, String)> = vec![
        (
            "alg none, no signature",
            hand_made(json!({"alg": "none", "typ": "JWT"}), &c, ""),
        ),
        (
            "alg none, original signature",
            hand_made(json!({"alg": "none", "typ": "JWT"}), &c, sig),
        ),
        (
            "alg None spelled oddly",
            hand_made(json!({"alg": "nOnE", "typ": "JWT"}), &c, ""),
        ),
        (
            "signed with another key",
            sign(Algorithm::HS256, b"another-process-another-key-0000", &c),
        ),
        ("signed with an empty key", sign(Algorithm::HS256, b"", &c)),
        ("right key, HS384", sign(Algorithm::HS384, KNOWN_SECRET, &c)),
        ("right key, HS512", sign(Algorithm::HS512, KNOWN_SECRET, &c)),
        ("expired 1 s ago", hs256(&with(&c, "exp", json!(now - 1)))),
        (
            "expires this very second",
            hs256(&with(&c, "exp", json!(now))),
        ),
        (
            "not valid for 1 s yet",
            hs256(&with(&c, "nbf", json!(now + 1))),
        ),
        (
            "other audience",
            hs256(&with(&c, "aud", json!("tenure-web"))),
        ),
        (
            "audience list without ours",
            hs256(&with(&c, "aud", json!(["other"]))),
        ),
        ("other issuer", hs256(&with(&c, "iss", json!("evil")))),
        ("no exp", hs256(&without(&c, "exp"))),
        ("no nbf", hs256(&without(&c, "nbf"))),
        ("no iss", hs256(&without(&c, "iss"))),
        ("no aud", hs256(&without(&c, "aud"))),
        ("no sid", hs256(&without(&c, "sid"))),
        (
            "exp as a string",
            hs256(&with(&c, "exp", json!((now + 300).to_string()))),
        ),
        ("exp past i64", hs256(&with(&c, "exp", json!(u64::MAX)))),
        (
            "session that does not exist",
            hs256(&with(&c, "sid", json!(uuid::Uuid::new_v4()))),
        ),
        (
            "another user on this session",
            hs256(&with(&c, "sub", json!(uuid::Uuid::new_v4()))),
        ),
        (
            "another account on this session",
            hs256(&with(&c, "acc", json!(uuid::Uuid::new_v4()))),
        ),
        (
            "payload swapped, signature kept",
            format!("{head}.{tampered_payload}.{sig}"),
        ),
        (
            "signature flipped",
            format!("{head}.{payload}.{}", flip_first(sig)),
        ),
        (
            "truncated by one character",
            good[..good.len() - 1].to_owned(),
        ),
        ("truncated to two segments", format!("{head}.{payload}")),
        ("truncated to the header", head.to_owned()),
        ("four segments", format!("{good}.{sig}")),
        ("not base64", "!!!.@@@.###".to_owned()),
        (
            "base64 of garbage",
            format!(
                "{}.{}.{}",
                URL_SAFE_NO_PAD.encode("{{"),
                URL_SAFE_NO_PAD.encode("[["),
                sig
            ),
        ),
        ("padded base64", format!("{head}==.{payload}.{sig}")),
        ("empty", String::new()),
        ("whitespace around a good token", format!(" {good} ")),
        ("a refresh token", owner.refresh.expose().to_owned()),
        ("1 MB", "a".repeat(1 << 20)),
    ];
    for (name, token) in &cases {
        assert_eq!(
            env.service.authenticate(token).await.unwrap_err(),
            AppError::Unauthenticated,
            "{name}"
        );
    }
    // One second inside either edge is accepted: the checks are exact, not lenient.
    env.service
        .authenticate(&hs256(&with(&c, "exp", json!(now + 1))))
        .await
        .unwrap();
    env.service
        .authenticate(&hs256(&with(&c, "nbf", json!(now))))
        .await
        .unwrap();
    eprintln!(
        "{backend:?}: {} forged or tampered tokens refused",
        cases.len()
    );
}

fn flip_first(sig: &str) -> String {
    let mut b = sig.as_bytes().to_vec();
    b[0] = if b[0] == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).unwrap()
}

/// A real token, issued by the service, refused 1 s after its 5 minutes (and accepted 1 s
/// before), by the clock the app is built with.
#[rstest::rstest]
#[tokio::test]
async fn an_issued_token_expires_at_five_minutes_to_the_second(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    let t = &owner.view.access_token;
    env.clock.advance(chrono::Duration::seconds(299));
    env.service.authenticate(t).await.unwrap();
    env.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(
        env.service.authenticate(t).await.unwrap_err(),
        AppError::Unauthenticated
    );
    env.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(
        env.service.authenticate(t).await.unwrap_err(),
        AppError::Unauthenticated
    );
    // A clock set back before issue: not valid yet.
    env.clock.advance(chrono::Duration::seconds(-302));
    assert_eq!(
        env.service.authenticate(t).await.unwrap_err(),
        AppError::Unauthenticated
    );
}

#[rstest::rstest]
#[tokio::test]
async fn a_valid_token_of_a_revoked_session_is_refused_at_once(
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
        .authenticate(&owner.view.access_token)
        .await
        .unwrap();
    assert_eq!(
        env.service
            .revoke(&p, RevokeScope::Others)
            .await
            .unwrap()
            .revoked,
        1
    );
    // Ann's token has 5 minutes left and a genuine signature; her session is over.
    assert_eq!(
        env.service
            .authenticate(&ann.view.access_token)
            .await
            .unwrap_err(),
        AppError::SessionEnded {
            reason: EndReason::Revoked
        }
    );
    // The owner's own sign-out ends the owner's token the same way.
    env.service.sign_out(owner.view.session_id).await.unwrap();
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

/// The token says `owner`; the database now says `member`. The database wins on every owner
/// command, and each refusal is audited.
#[rstest::rstest]
#[tokio::test]
async fn a_token_issued_to_an_owner_who_became_a_member_is_forbidden(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let owner = env.setup().await;
    env.add_member(&owner, "Ann", "ann@example.com").await;
    let second = env.sign_in("ann@example.com", MEMBER_PW).await.unwrap();
    env.store()
        .set_role(owner.view.user.id, Role::Member)
        .await
        .unwrap();
    let p: Principal = env
        .service
        .authenticate(&owner.view.access_token)
        .await
        .unwrap();
    assert_eq!(p.role, Role::Member, "the role is read from the database");
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
        env.service
            .revoke(&p, RevokeScope::Others)
            .await
            .unwrap_err(),
        forbidden
    );
    assert_eq!(
        env.service.revoke(&p, RevokeScope::All).await.unwrap_err(),
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
    // Nothing happened: Ann is still signed in, no Eve, the policy untouched.
    env.service
        .authenticate(&second.view.access_token)
        .await
        .unwrap();
    assert!(env
        .store()
        .user_by_email("eve@example.com")
        .await
        .unwrap()
        .is_none());
    let account = env
        .store()
        .account(owner.view.account.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.overrides, Default::default());
    assert_eq!(
        env.actions()
            .await
            .iter()
            .filter(|a| *a == "forbidden")
            .count(),
        6
    );
}
