//! Bad policy input sent straight to `update_policy` (not through the form), as raw IPC bodies
//! through the mock runtime and as request text to the service, on both back ends. Every case:
//! the exact error, the `accounts` row byte-for-byte unchanged, no audit record, and the owner
//! can still sign in.

use serde_json::json;
use tenure_core::wire::UpdatePolicyRequest;
use tenure_core::AppError;

use super::super::{Backend, Env, OWNER_PW};
use super::{dump, CmdApp};

const IDLE_RANGE: &str = "Idle timeout must be between 5 and 43200 minutes";
const IDLE_WHOLE: &str = "Idle timeout must be a whole number of minutes between 5 and 43200";
const IDLE_MISSING: &str = "Idle timeout is missing: send a whole number of minutes between 5 and 43200, or null for the system default";
const ABS_RANGE: &str = "Absolute timeout must be between 15 and 129600 minutes";
const ABS_WHOLE: &str = "Absolute timeout must be a whole number of minutes between 15 and 129600";
const ABS_MISSING: &str = "Absolute timeout is missing: send a whole number of minutes between 15 and 129600, or null for the system default";

/// What a bad request must get back.
#[derive(Debug, Clone)]
enum Expect {
    /// Our validation: `{"kind": "Validation", "field": .., "message": ..}`.
    Invalid(&'static str, &'static str),
    /// Refused before our code by the JSON parser or serde (Tauri answers with its message):
    /// every listed fragment must appear in it.
    Refused(&'static [&'static str]),
}

struct Case {
    name: &'static str,
    /// The `request` member as raw JSON text.
    request: String,
    expect: Expect,
}

fn case(name: &'static str, request: impl Into<String>, expect: Expect) -> Case {
    Case {
        name,
        request: request.into(),
        expect,
    }
}

fn idle(v: &str) -> String {
    format!(r#"{{"idle_minutes": {v}, "absolute_minutes": 720}}"#)
}

fn abs(v: &str) -> String {
    format!(r#"{{"idle_minutes": 15, "absolute_minutes": {v}}}"#)
}

const MB: usize = 1 << 20;

fn cases() -> Vec<Case> {
    use Expect::*;
    let idle_f = "idle_minutes";
    let abs_f = "absolute_minutes";
    let digits_400 = "9".repeat(400);
    vec![
        case("idle -5", idle("-5"), Invalid(idle_f, IDLE_RANGE)),
        case("idle 0", idle("0"), Invalid(idle_f, IDLE_RANGE)),
        case("idle 4", idle("4"), Invalid(idle_f, IDLE_RANGE)),
        case("idle 43201", r#"{"idle_minutes": 43201, "absolute_minutes": 129600}"#, Invalid(idle_f, IDLE_RANGE)),
        case("absolute -5", abs("-5"), Invalid(abs_f, ABS_RANGE)),
        case("absolute 0", abs("0"), Invalid(abs_f, ABS_RANGE)),
        case("absolute 14", abs("14"), Invalid(abs_f, ABS_RANGE)),
        case("absolute 129601", abs("129601"), Invalid(abs_f, ABS_RANGE)),
        case("idle 10.5", idle("10.5"), Invalid(idle_f, IDLE_WHOLE)),
        case("idle 10.0", idle("10.0"), Invalid(idle_f, IDLE_WHOLE)),
        case("idle -0.5", idle("-0.5"), Invalid(idle_f, IDLE_WHOLE)),
        case("idle \"\"", idle(r#""""#), Invalid(idle_f, IDLE_WHOLE)),
        case("idle \"15\"", idle(r#""15""#), Invalid(idle_f, IDLE_WHOLE)),
        case("absolute \"720\"", abs(r#""720""#), Invalid(abs_f, ABS_WHOLE)),
        case("idle absent", r#"{"absolute_minutes": 720}"#, Invalid(idle_f, IDLE_MISSING)),
        case("absolute absent", r#"{"idle_minutes": 15}"#, Invalid(abs_f, ABS_MISSING)),
        case("both absent", "{}", Invalid(idle_f, IDLE_MISSING)),
        case("idle 2^31", idle("2147483648"), Invalid(idle_f, IDLE_RANGE)),
        case("idle -2^31", idle("-2147483648"), Invalid(idle_f, IDLE_RANGE)),
        case("idle i64::MAX", idle(&i64::MAX.to_string()), Invalid(idle_f, IDLE_RANGE)),
        case("idle i64::MIN", idle(&i64::MIN.to_string()), Invalid(idle_f, IDLE_RANGE)),
        case("absolute i64::MAX", abs(&i64::MAX.to_string()), Invalid(abs_f, ABS_RANGE)),
        // Past i64 but within u64: serde_json keeps it as an integer, our code says "range".
        case("idle 2^63", idle("9223372036854775808"), Invalid(idle_f, IDLE_RANGE)),
        case("idle u64::MAX", idle(&u64::MAX.to_string()), Invalid(idle_f, IDLE_RANGE)),
        // Past u64 serde_json holds a float: still refused by our code, as not a whole number.
        case("idle 2^64", idle("18446744073709551616"), Invalid(idle_f, IDLE_WHOLE)),
        case("idle -2^63-1", idle("-9223372036854775809"), Invalid(idle_f, IDLE_WHOLE)),
        case("idle 1e300", idle("1e300"), Invalid(idle_f, IDLE_WHOLE)),
        case("idle 1e3 (exponent form of 1000)", idle("1e3"), Invalid(idle_f, IDLE_WHOLE)),
        // Past f64 the JSON parser itself refuses the body, before any command runs.
        case("idle 1e400", idle("1e400"), Refused(&["number out of range"])),
        case("idle -1e400", idle("-1e400"), Refused(&["number out of range"])),
        case("idle 400-digit integer", idle(&digits_400), Refused(&["number out of range"])),
        case("idle true", idle("true"), Invalid(idle_f, IDLE_WHOLE)),
        case("idle false", idle("false"), Invalid(idle_f, IDLE_WHOLE)),
        case("idle [15]", idle("[15]"), Invalid(idle_f, IDLE_WHOLE)),
        case("idle {\"minutes\": 15}", idle(r#"{"minutes": 15}"#), Invalid(idle_f, IDLE_WHOLE)),
        case("absolute [] ", abs("[]"), Invalid(abs_f, ABS_WHOLE)),
        case("both wrong: idle first", r#"{"idle_minutes": "x", "absolute_minutes": "y"}"#, Invalid(idle_f, IDLE_WHOLE)),
        case("idle 43200 with default absolute (rule 2)", r#"{"idle_minutes": 43200, "absolute_minutes": null}"#,
            Invalid(idle_f, "Idle timeout (43200 minutes) cannot be longer than the absolute timeout (1440 minutes)")),
        case("idle 100 > absolute 99 (rule 2)", r#"{"idle_minutes": 100, "absolute_minutes": 99}"#,
            Invalid(idle_f, "Idle timeout (100 minutes) cannot be longer than the absolute timeout (99 minutes)")),
        case("extra field", r#"{"idle_minutes": 15, "absolute_minutes": 720, "role": "owner"}"#,
            Refused(&["unknown field `role`", "expected `idle_minutes` or `absolute_minutes`"])),
        case("request is null", "null", Refused(&["invalid type: null", "UpdatePolicyRequest"])),
        case("request is a number", "15", Refused(&["invalid type: integer `15`", "UpdatePolicyRequest"])),
        // serde accepts a struct as a sequence of its fields; validation still applies to it.
        case("request is an array [4, 720]", "[4, 720]", Invalid(idle_f, IDLE_RANGE)),
        case("request is an array of 3", "[15, 720, 1]", Refused(&["expected fewer elements|trailing characters"])),
        case("1 MB string", idle(&format!("\"{}\"", "x".repeat(MB))), Invalid(idle_f, IDLE_WHOLE)),
        case("1 MB array", idle(&format!("[{}5]", "5,".repeat(MB / 2))), Invalid(idle_f, IDLE_WHOLE)),
        case("1 MB number", idle(&"9".repeat(MB)), Refused(&["number out of range"])),
        case("1 MB extra field", format!(r#"{{"idle_minutes": 15, "absolute_minutes": 720, "pad": "{}"}}"#, "x".repeat(MB)),
            Refused(&["unknown field `pad`"])),
        case("nested 100 000 deep", idle(&format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))),
            Refused(&["recursion limit exceeded"])),
    ]
}

fn assert_refused(name: &str, msg: &str, fragments: &[&str]) {
    // A fragment may list alternatives, `a|b`: Tauri (which parsed the body to a `Value`
    // first) and serde reading the text word some refusals differently.
    for f in fragments {
        assert!(
            f.split('|').any(|alt| msg.contains(alt)),
            "{name}: {msg:?} lacks {f:?}"
        );
    }
    assert!(
        msg.len() < 300,
        "{name}: the message echoes the input ({} bytes)",
        msg.len()
    );
}

fn audit_len(log: &[tenure_app::store::AuditRecord]) -> usize {
    log.iter().filter(|a| a.action == "policy.update").count()
}

#[rstest::rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bad_policy_input_through_the_command_changes_nothing(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(app) = CmdApp::new(backend).await else {
        return;
    };
    let mut token = app.setup_owner();
    // A custom policy first, so "unchanged" means 45/900 stayed, not that NULL stayed NULL.
    app.call(
        "update_policy",
        json!({"token": token, "request": {"idle_minutes": 45, "absolute_minutes": 900}}),
    )
    .unwrap();
    let before = dump(&app.env.url, "accounts").await;
    assert_eq!(before.len(), 1);
    let policy_audits = audit_len(&app.env.store().audit_log(None).await.unwrap());
    let cases = cases();
    for c in &cases {
        let body = format!(r#"{{"token": "{token}", "request": {}}}"#, c.request);
        let got = app.call_raw("update_policy", body.as_bytes());
        match (&c.expect, got) {
            (Expect::Invalid(field, message), Err(e)) => {
                assert_eq!(
                    e,
                    json!({"kind": "Validation", "field": field, "message": message}),
                    "{}",
                    c.name
                );
            }
            (Expect::Refused(fragments), Err(serde_json::Value::String(msg))) => {
                assert_refused(c.name, &msg, fragments);
            }
            (want, got) => panic!("{}: wanted {want:?}, got {got:?}", c.name),
        }
        assert_eq!(
            dump(&app.env.url, "accounts").await,
            before,
            "{}: the stored policy moved",
            c.name
        );
        assert_eq!(
            audit_len(&app.env.store().audit_log(None).await.unwrap()),
            policy_audits,
            "{}: a policy change was audited",
            c.name
        );
        token = app
            .sign_in("olive@example.com", OWNER_PW)
            .unwrap_or_else(|e| panic!("{}: the owner cannot sign in: {e:?}", c.name));
    }
    // Missing `request` altogether, and a 1 MB token.
    let err = app
        .call("update_policy", json!({"token": token}))
        .unwrap_err();
    assert_refused(
        "no request",
        err.as_str().unwrap(),
        &["missing required key request"],
    );
    let err = app
        .call(
            "update_policy",
            json!({"token": "x".repeat(MB), "request": {"idle_minutes": 15, "absolute_minutes": 720}}),
        )
        .unwrap_err();
    assert_eq!(err, json!({"kind": "Unauthenticated"}));
    assert_eq!(dump(&app.env.url, "accounts").await, before);

    // `null` is not absent: it clears the override (system default), and that is stored.
    let s = app
        .call(
            "update_policy",
            json!({"token": token, "request": {"idle_minutes": null, "absolute_minutes": null}}),
        )
        .unwrap();
    assert_eq!(
        s["overrides"],
        json!({"idle_minutes": null, "absolute_minutes": null})
    );
    assert_eq!(
        s["effective"],
        json!({"idle_minutes": 60, "absolute_minutes": 1440})
    );
    assert_ne!(dump(&app.env.url, "accounts").await, before);
    eprintln!(
        "{backend:?}: {} bad policy bodies refused through the command",
        cases.len() + 2
    );
}

#[rstest::rstest]
#[tokio::test]
async fn bad_policy_input_to_the_service_changes_nothing(
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
            serde_json::from_value(json!({"idle_minutes": 45, "absolute_minutes": 900})).unwrap(),
        )
        .await
        .unwrap();
    let before = dump(&env.url, "accounts").await;
    let policy_audits = audit_len(&env.store().audit_log(None).await.unwrap());
    for c in cases() {
        match (
            serde_json::from_str::<UpdatePolicyRequest>(&c.request),
            &c.expect,
        ) {
            (Ok(req), Expect::Invalid(field, message)) => {
                let err = env.service.update_policy(&p, req).await.unwrap_err();
                assert_eq!(err, AppError::validation(*field, *message), "{}", c.name);
            }
            (Err(e), Expect::Refused(fragments)) => {
                assert_refused(c.name, &e.to_string(), fragments)
            }
            (got, want) => panic!(
                "{}: wanted {want:?}, parsed {:?}",
                c.name,
                got.map_err(|e| e.to_string())
            ),
        }
        assert_eq!(
            dump(&env.url, "accounts").await,
            before,
            "{}: the stored policy moved",
            c.name
        );
        assert_eq!(
            audit_len(&env.store().audit_log(None).await.unwrap()),
            policy_audits,
            "{}",
            c.name
        );
    }
    // The owner still signs in, and new sessions still get the stored 45/900.
    let again = env.sign_in("olive@example.com", OWNER_PW).await.unwrap();
    assert_eq!(
        again.view.absolute_expires_at - again.view.started_at,
        chrono::Duration::minutes(900)
    );
}

/// Time arithmetic on minute values far past any bound is checked: an error, never a panic
/// (chrono's `+` panics on overflow).
#[test]
fn huge_minutes_in_time_arithmetic_are_errors() {
    use chrono::{TimeZone, Utc};
    use tenure_core::policy::EffectivePolicy;
    use tenure_core::session::{new_windows, refreshed_idle_expiry};
    let now = Utc.with_ymd_and_hms(2026, 5, 4, 9, 0, 0).unwrap();
    for m in [i64::MAX, i64::MIN, i64::MAX / 60, 1 << 40] {
        let p = EffectivePolicy {
            idle_minutes: 60,
            absolute_minutes: m,
        };
        assert!(
            matches!(new_windows(now, &p), Err(AppError::Internal { .. })),
            "{m}"
        );
        assert!(
            matches!(
                refreshed_idle_expiry(now, m, now),
                Err(AppError::Internal { .. })
            ),
            "{m}"
        );
    }
}
