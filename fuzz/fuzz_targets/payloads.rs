//! Arbitrary bytes into every command payload deserialiser (`UpdatePolicyRequest`,
//! `SignInRequest`, `SetupRequest`, `AddMemberRequest`, `RevokeScope`, via serde_json as the
//! backend receives them), then into the validation that follows, and into
//! `parse_minutes_text` (what the UI's Custom inputs run). Nothing may panic, and:
//!
//! - no accepted policy has effective idle > effective absolute, or a value outside its bounds;
//! - a policy that obeys both rules is accepted (validation is not over-eager either);
//! - every rejection names its field, starts with the field's label and never echoes the input;
//! - accepted text is exactly a whole number;
//! - a normalised email is lower case with one `@`; a password never shows in `Debug`.
//!
//! Each input runs against the default bounds and against narrowed ones, as IT may configure.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tenure_core::policy::{
    parse_minutes_text, validate_policy, Bounds, Field, MinutesInput, PolicyError,
};
use tenure_core::wire::{
    normalize_email, validate_name, validate_new_password, AddMemberRequest, RevokeScope,
    SetupRequest, SignInRequest, UpdatePolicyRequest,
};
use tenure_core::AppError;

const NARROW: Bounds = Bounds {
    idle_min: 10,
    idle_max: 120,
    idle_default: 30,
    absolute_min: 60,
    absolute_max: 1440,
    absolute_default: 480,
};

fn check_error(e: &PolicyError, bounds: &Bounds) {
    assert!(e.message.starts_with(e.field.label()), "{e:?}");
    assert!(e.message.len() < 200, "the message echoes the input: {e:?}");
    if !e.message.contains("cannot be longer") {
        let (min, max) = bounds.range(e.field);
        assert!(
            e.message.contains(&format!("between {min} and {max}")),
            "{e:?}"
        );
    }
    let wire = serde_json::to_value(AppError::from(e.clone())).unwrap();
    assert_eq!(wire["kind"], "Validation");
    assert_eq!(wire["field"], e.field.key());
}

/// The value a rule-abiding input stands for: `Some(None)` = default, `Some(Some(v))` = in range.
fn in_range(input: &MinutesInput, field: Field, bounds: &Bounds) -> Option<Option<i64>> {
    let (min, max) = bounds.range(field);
    match input {
        MinutesInput::UseDefault => Some(None),
        MinutesInput::Whole(v) if (min..=max).contains(v) => Some(Some(*v)),
        _ => None,
    }
}

fn policy(req: &UpdatePolicyRequest, bounds: &Bounds) {
    let idle_ok = in_range(&req.idle_minutes, Field::Idle, bounds);
    let abs_ok = in_range(&req.absolute_minutes, Field::Absolute, bounds);
    match validate_policy(&req.idle_minutes, &req.absolute_minutes, bounds) {
        Ok(p) => {
            let e = p.effective();
            assert!(e.idle_minutes <= e.absolute_minutes, "{p:?}");
            assert!((bounds.idle_min..=bounds.idle_max).contains(&e.idle_minutes));
            assert!((bounds.absolute_min..=bounds.absolute_max).contains(&e.absolute_minutes));
            assert_eq!(p.overrides().effective(bounds), e);
            assert_eq!(Some(p.overrides().idle_minutes), idle_ok, "{req:?}");
            assert_eq!(Some(p.overrides().absolute_minutes), abs_ok, "{req:?}");
        }
        Err(errs) => {
            assert!(!errs.is_empty() && errs.len() <= 2, "{errs:?}");
            for e in &errs {
                check_error(e, bounds);
            }
            if let (Some(i), Some(a)) = (idle_ok, abs_ok) {
                // Both in range, so it must be rule 2 that refused it.
                let i = i.unwrap_or(bounds.idle_default);
                let a = a.unwrap_or(bounds.absolute_default);
                assert!(i > a, "a valid policy was refused: {req:?} {errs:?}");
            }
        }
    }
}

fn text(s: &str, bounds: &Bounds) {
    for field in [Field::Idle, Field::Absolute] {
        match parse_minutes_text(field, s, bounds) {
            Ok(v) => {
                let t = s.trim();
                let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
                assert!(
                    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
                    "{s:?}"
                );
                assert_eq!(t.parse::<i64>().ok(), Some(v), "{s:?}");
            }
            Err(e) => {
                assert_eq!(e.field, field);
                check_error(&e, bounds);
            }
        }
    }
}

fn redacted(debug: String, password: &str, others: &[&str]) {
    if password.len() >= 16 && !others.iter().any(|o| o.contains(password)) {
        assert!(!debug.contains(password), "a password shows in Debug");
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(req) = serde_json::from_slice::<UpdatePolicyRequest>(data) {
        policy(&req, &Bounds::default());
        policy(&req, &NARROW);
    }
    if let Ok(r) = serde_json::from_slice::<SignInRequest>(data) {
        if let Ok(e) = normalize_email(&r.email) {
            assert_eq!(e, e.to_lowercase());
            assert_eq!(e.matches('@').count(), 1);
            assert!(e.len() <= 254);
        }
        redacted(format!("{r:?}"), &r.password, &[&r.email]);
    }
    if let Ok(r) = serde_json::from_slice::<SetupRequest>(data) {
        let _ = validate_name("account_name", "Account name", &r.account_name);
        if let Ok(n) = validate_name("owner_name", "Name", &r.owner_name) {
            assert!(!n.is_empty() && n.chars().count() <= tenure_core::wire::MAX_NAME_LEN);
            assert!(!n.chars().any(char::is_control));
        }
        let _ = normalize_email(&r.email);
        let _ = validate_new_password(&r.password);
        redacted(
            format!("{r:?}"),
            &r.password,
            &[&r.account_name, &r.owner_name, &r.email],
        );
    }
    if let Ok(r) = serde_json::from_slice::<AddMemberRequest>(data) {
        let _ = validate_name("name", "Name", &r.name);
        let _ = normalize_email(&r.email);
        if validate_new_password(&r.password).is_ok() {
            let n = r.password.chars().count();
            assert!(
                (tenure_core::wire::MIN_PASSWORD_LEN..=tenure_core::wire::MAX_PASSWORD_LEN)
                    .contains(&n)
            );
        }
        redacted(format!("{r:?}"), &r.password, &[&r.name, &r.email]);
    }
    if let Ok(scope) = serde_json::from_slice::<RevokeScope>(data) {
        assert_eq!(
            serde_json::to_string(&scope).unwrap(),
            format!("\"{}\"", scope.as_str())
        );
    }
    if let Ok(s) = std::str::from_utf8(data) {
        text(s, &Bounds::default());
        text(s, &NARROW);
    }
});
