//! The session policy: system bounds, an account's nullable overrides, the effective values, the
//! presets, and the one validation function both the UI (inline) and the backend (authoritative)
//! call. Raw input is parsed and validated into [`ValidPolicy`], which cannot hold a bad policy.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The bounds and defaults, in minutes. IT may narrow them in the system config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bounds {
    pub idle_min: i64,
    pub idle_max: i64,
    pub idle_default: i64,
    pub absolute_min: i64,
    pub absolute_max: i64,
    pub absolute_default: i64,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            idle_min: 5,
            idle_max: 43_200,
            idle_default: 60,
            absolute_min: 15,
            absolute_max: 129_600,
            absolute_default: 1_440,
        }
    }
}

impl Bounds {
    pub fn range(&self, field: Field) -> (i64, i64) {
        match field {
            Field::Idle => (self.idle_min, self.idle_max),
            Field::Absolute => (self.absolute_min, self.absolute_max),
        }
    }

    pub fn default_for(&self, field: Field) -> i64 {
        match field {
            Field::Idle => self.idle_default,
            Field::Absolute => self.absolute_default,
        }
    }

    /// Checks that these bounds are coherent and lie within `outer` (IT may narrow, never widen).
    pub fn check_within(&self, outer: &Bounds) -> Result<(), String> {
        for field in [Field::Idle, Field::Absolute] {
            let (min, max) = self.range(field);
            let (omin, omax) = outer.range(field);
            let default = self.default_for(field);
            let name = field.key();
            if min > max {
                return Err(format!("{name}: min ({min}) is greater than max ({max})"));
            }
            if min < omin || max > omax {
                return Err(format!(
                    "{name}: bounds {min}..{max} widen the allowed range {omin}..{omax}"
                ));
            }
            if default < min || default > max {
                return Err(format!(
                    "{name}: default {default} lies outside its bounds {min}..{max}"
                ));
            }
        }
        if self.idle_default > self.absolute_default {
            return Err(format!(
                "the default idle timeout ({}) is longer than the default absolute timeout ({})",
                self.idle_default, self.absolute_default
            ));
        }
        Ok(())
    }
}

/// One of the two policy values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Idle,
    Absolute,
}

impl Field {
    /// The wire name of the field (`idle_minutes` / `absolute_minutes`).
    pub fn key(self) -> &'static str {
        match self {
            Field::Idle => "idle_minutes",
            Field::Absolute => "absolute_minutes",
        }
    }

    /// The field as people read it.
    pub fn label(self) -> &'static str {
        match self {
            Field::Idle => "Idle timeout",
            Field::Absolute => "Absolute timeout",
        }
    }
}

/// An account's stored overrides; `None` means "use the system default".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyOverride {
    pub idle_minutes: Option<i64>,
    pub absolute_minutes: Option<i64>,
}

impl PolicyOverride {
    pub fn get(&self, field: Field) -> Option<i64> {
        match field {
            Field::Idle => self.idle_minutes,
            Field::Absolute => self.absolute_minutes,
        }
    }

    /// Override if set, else the system default.
    pub fn effective(&self, bounds: &Bounds) -> EffectivePolicy {
        EffectivePolicy {
            idle_minutes: self.idle_minutes.unwrap_or(bounds.idle_default),
            absolute_minutes: self.absolute_minutes.unwrap_or(bounds.absolute_default),
        }
    }
}

/// The values that govern a new session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectivePolicy {
    pub idle_minutes: i64,
    pub absolute_minutes: i64,
}

/// A policy that passed validation against the bounds it was checked with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidPolicy {
    overrides: PolicyOverride,
    effective: EffectivePolicy,
}

impl ValidPolicy {
    pub fn overrides(&self) -> PolicyOverride {
        self.overrides
    }
    pub fn effective(&self) -> EffectivePolicy {
        self.effective
    }
}

/// A rejected policy value: which field, and the message to show next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub field: Field,
    pub message: String,
}

impl From<PolicyError> for AppError {
    fn from(e: PolicyError) -> Self {
        AppError::validation(e.field.key(), e.message)
    }
}

/// A policy value as it arrived, before validation. On the wire it is any JSON value, so that a
/// wrong type is a validation error naming the field rather than an opaque decoding failure.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(from = "serde_json::Value", into = "serde_json::Value")]
pub enum MinutesInput {
    /// The field was absent from the request.
    #[default]
    Missing,
    /// JSON `null`: clear the override, use the system default.
    UseDefault,
    /// A JSON integer that fits in i64.
    Whole(i64),
    /// Anything else (fraction, too large, string, boolean, list, object), kept for the message.
    Invalid(String),
}

impl From<serde_json::Value> for MinutesInput {
    fn from(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => MinutesInput::UseDefault,
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => MinutesInput::Whole(i),
                None => MinutesInput::Invalid(n.to_string()),
            },
            other => MinutesInput::Invalid(other.to_string()),
        }
    }
}

impl From<MinutesInput> for serde_json::Value {
    fn from(m: MinutesInput) -> Self {
        match m {
            MinutesInput::Missing | MinutesInput::UseDefault => serde_json::Value::Null,
            MinutesInput::Whole(i) => i.into(),
            MinutesInput::Invalid(s) => serde_json::Value::String(s),
        }
    }
}

impl From<Option<i64>> for MinutesInput {
    fn from(v: Option<i64>) -> Self {
        match v {
            Some(i) => MinutesInput::Whole(i),
            None => MinutesInput::UseDefault,
        }
    }
}

fn range_message(field: Field, bounds: &Bounds) -> String {
    let (min, max) = bounds.range(field);
    format!("{} must be between {min} and {max} minutes", field.label())
}

fn whole_message(field: Field, bounds: &Bounds) -> String {
    let (min, max) = bounds.range(field);
    format!(
        "{} must be a whole number of minutes between {min} and {max}",
        field.label()
    )
}

/// Parses what the owner typed into a Custom input. Empty text is an error: the Custom inputs
/// always carry a value (clearing an override is the Standard preset's job).
pub fn parse_minutes_text(field: Field, text: &str, bounds: &Bounds) -> Result<i64, PolicyError> {
    let t = text.trim();
    if t.is_empty() {
        let (min, max) = bounds.range(field);
        return Err(PolicyError {
            field,
            message: format!(
                "{} is required: enter a whole number of minutes between {min} and {max}",
                field.label()
            ),
        });
    }
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PolicyError {
            field,
            message: whole_message(field, bounds),
        });
    }
    // A whole number too long for i64 is still a whole number: it is out of range, not malformed.
    match t.parse::<i64>() {
        Ok(v) => Ok(v),
        Err(_) => Err(PolicyError {
            field,
            message: range_message(field, bounds),
        }),
    }
}

/// Rule 1 for one value: a set value must lie within its bounds.
pub fn check_minutes(field: Field, value: i64, bounds: &Bounds) -> Result<i64, PolicyError> {
    let (min, max) = bounds.range(field);
    if value < min || value > max {
        return Err(PolicyError {
            field,
            message: range_message(field, bounds),
        });
    }
    Ok(value)
}

fn input_value(
    field: Field,
    input: &MinutesInput,
    bounds: &Bounds,
) -> Result<Option<i64>, PolicyError> {
    match input {
        MinutesInput::UseDefault => Ok(None),
        MinutesInput::Whole(v) => check_minutes(field, *v, bounds).map(Some),
        MinutesInput::Missing => {
            let (min, max) = bounds.range(field);
            Err(PolicyError {
                field,
                message: format!(
                    "{} is missing: send a whole number of minutes between {min} and {max}, or null for the system default",
                    field.label()
                ),
            })
        }
        MinutesInput::Invalid(raw) => {
            // A JSON integer beyond i64 is whole but out of range; everything else is malformed.
            let t = raw.trim_start_matches('-');
            let msg = if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                range_message(field, bounds)
            } else {
                whole_message(field, bounds)
            };
            Err(PolicyError {
                field,
                message: msg,
            })
        }
    }
}

/// Validates a requested override pair against the bounds: each value in range (rule 1), then
/// the effective idle not longer than the effective absolute, defaults applied (rule 2).
/// Returns every field error, idle first, so a form can show each next to its input.
pub fn validate_policy(
    idle: &MinutesInput,
    absolute: &MinutesInput,
    bounds: &Bounds,
) -> Result<ValidPolicy, Vec<PolicyError>> {
    let idle_v = input_value(Field::Idle, idle, bounds);
    let abs_v = input_value(Field::Absolute, absolute, bounds);
    let (idle_minutes, absolute_minutes) = match (idle_v, abs_v) {
        (Ok(i), Ok(a)) => (i, a),
        (i, a) => return Err([i.err(), a.err()].into_iter().flatten().collect()),
    };
    let overrides = PolicyOverride {
        idle_minutes,
        absolute_minutes,
    };
    let effective = overrides.effective(bounds);
    if effective.idle_minutes > effective.absolute_minutes {
        return Err(vec![PolicyError {
            field: Field::Idle,
            message: format!(
                "Idle timeout ({} minutes) cannot be longer than the absolute timeout ({} minutes)",
                effective.idle_minutes, effective.absolute_minutes
            ),
        }]);
    }
    Ok(ValidPolicy {
        overrides,
        effective,
    })
}

/// The presets offered on the policy page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// Clears both overrides: the system defaults.
    Standard,
    /// Idle 15, absolute 720: the NIST SP 800-63B AAL3 figures.
    Strict,
    /// The owner's own values.
    Custom,
}

impl Preset {
    pub const STRICT: PolicyOverride = PolicyOverride {
        idle_minutes: Some(15),
        absolute_minutes: Some(720),
    };

    /// The overrides a preset stands for; `None` for Custom (the owner supplies them).
    pub fn overrides(self) -> Option<PolicyOverride> {
        match self {
            Preset::Standard => Some(PolicyOverride::default()),
            Preset::Strict => Some(Self::STRICT),
            Preset::Custom => None,
        }
    }

    /// Which preset stored overrides correspond to.
    pub fn detect(overrides: &PolicyOverride) -> Preset {
        if *overrides == PolicyOverride::default() {
            Preset::Standard
        } else if *overrides == Self::STRICT {
            Preset::Strict
        } else {
            Preset::Custom
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    fn b() -> Bounds {
        Bounds::default()
    }

    fn w(v: i64) -> MinutesInput {
        MinutesInput::Whole(v)
    }

    #[rstest]
    #[case::idle_min(w(5), w(15))]
    #[case::idle_max_with_abs(w(43_200), w(43_200))]
    #[case::abs_min(w(5), w(15))]
    #[case::abs_max(w(60), w(129_600))]
    #[case::both_default(MinutesInput::UseDefault, MinutesInput::UseDefault)]
    #[case::idle_only(w(30), MinutesInput::UseDefault)]
    #[case::abs_only(MinutesInput::UseDefault, w(60))]
    #[case::strict(w(15), w(720))]
    #[case::equal(w(720), w(720))]
    fn accepts(#[case] idle: MinutesInput, #[case] abs: MinutesInput) {
        let p = validate_policy(&idle, &abs, &b()).expect("accepted");
        assert!(p.effective().idle_minutes <= p.effective().absolute_minutes);
    }

    #[rstest]
    #[case::idle_below(
        w(4),
        w(60),
        Field::Idle,
        "Idle timeout must be between 5 and 43200 minutes"
    )]
    #[case::idle_zero(
        w(0),
        w(60),
        Field::Idle,
        "Idle timeout must be between 5 and 43200 minutes"
    )]
    #[case::idle_negative(w(-5), w(60), Field::Idle, "Idle timeout must be between 5 and 43200 minutes")]
    #[case::idle_above(
        w(43_201),
        w(129_600),
        Field::Idle,
        "Idle timeout must be between 5 and 43200 minutes"
    )]
    #[case::abs_below(
        w(5),
        w(14),
        Field::Absolute,
        "Absolute timeout must be between 15 and 129600 minutes"
    )]
    #[case::abs_above(
        w(5),
        w(129_601),
        Field::Absolute,
        "Absolute timeout must be between 15 and 129600 minutes"
    )]
    #[case::i32_overflow(w(1 << 31), w(60), Field::Idle, "Idle timeout must be between 5 and 43200 minutes")]
    #[case::i64_max(
        w(i64::MAX),
        w(60),
        Field::Idle,
        "Idle timeout must be between 5 and 43200 minutes"
    )]
    #[case::i64_min(
        w(i64::MIN),
        w(60),
        Field::Idle,
        "Idle timeout must be between 5 and 43200 minutes"
    )]
    #[case::partial_override(
        w(43_200),
        MinutesInput::UseDefault,
        Field::Idle,
        "Idle timeout (43200 minutes) cannot be longer than the absolute timeout (1440 minutes)"
    )]
    #[case::abs_below_default_idle(
        MinutesInput::UseDefault,
        w(30),
        Field::Idle,
        "Idle timeout (60 minutes) cannot be longer than the absolute timeout (30 minutes)"
    )]
    #[case::idle_longer(
        w(100),
        w(99),
        Field::Idle,
        "Idle timeout (100 minutes) cannot be longer than the absolute timeout (99 minutes)"
    )]
    #[case::fraction(MinutesInput::Invalid("10.5".into()), w(60), Field::Idle,
        "Idle timeout must be a whole number of minutes between 5 and 43200")]
    #[case::string(MinutesInput::Invalid("\"15\"".into()), w(60), Field::Idle,
        "Idle timeout must be a whole number of minutes between 5 and 43200")]
    #[case::huge(MinutesInput::Invalid("99999999999999999999999".into()), w(60), Field::Idle,
        "Idle timeout must be between 5 and 43200 minutes")]
    #[case::missing(MinutesInput::Missing, w(60), Field::Idle,
        "Idle timeout is missing: send a whole number of minutes between 5 and 43200, or null for the system default")]
    fn rejects(
        #[case] idle: MinutesInput,
        #[case] abs: MinutesInput,
        #[case] field: Field,
        #[case] message: &str,
    ) {
        let errs = validate_policy(&idle, &abs, &b()).expect_err("rejected");
        assert_eq!(errs[0].field, field);
        assert_eq!(errs[0].message, message);
    }

    #[test]
    fn both_fields_reported() {
        let errs = validate_policy(&w(1), &w(1), &b()).unwrap_err();
        assert_eq!(
            errs.iter().map(|e| e.field).collect::<Vec<_>>(),
            vec![Field::Idle, Field::Absolute]
        );
    }

    #[rstest]
    #[case("15", Ok(15))]
    #[case(" 15 ", Ok(15))]
    #[case("-5", Ok(-5))]
    #[case(
        "",
        Err("Idle timeout is required: enter a whole number of minutes between 5 and 43200")
    )]
    #[case(
        "10.5",
        Err("Idle timeout must be a whole number of minutes between 5 and 43200")
    )]
    #[case(
        "abc",
        Err("Idle timeout must be a whole number of minutes between 5 and 43200")
    )]
    #[case(
        "1e3",
        Err("Idle timeout must be a whole number of minutes between 5 and 43200")
    )]
    #[case(
        "-",
        Err("Idle timeout must be a whole number of minutes between 5 and 43200")
    )]
    #[case(
        "99999999999999999999999",
        Err("Idle timeout must be between 5 and 43200 minutes")
    )]
    fn parses_text(#[case] text: &str, #[case] expected: Result<i64, &str>) {
        let got = parse_minutes_text(Field::Idle, text, &b()).map_err(|e| e.message);
        assert_eq!(got, expected.map_err(str::to_owned));
    }

    #[rstest]
    #[case("null", MinutesInput::UseDefault)]
    #[case("15", MinutesInput::Whole(15))]
    #[case("-5", MinutesInput::Whole(-5))]
    #[case("10.5", MinutesInput::Invalid("10.5".into()))]
    #[case("\"15\"", MinutesInput::Invalid("\"15\"".into()))]
    #[case("true", MinutesInput::Invalid("true".into()))]
    #[case("[1]", MinutesInput::Invalid("[1]".into()))]
    #[case("18446744073709551615", MinutesInput::Invalid("18446744073709551615".into()))]
    fn decodes_json(#[case] json: &str, #[case] expected: MinutesInput) {
        let got: MinutesInput = serde_json::from_str(json).unwrap();
        assert_eq!(got, expected);
    }

    #[test]
    fn absent_field_is_missing() {
        let req: crate::wire::UpdatePolicyRequest =
            serde_json::from_str(r#"{"absolute_minutes": 60}"#).unwrap();
        assert_eq!(req.idle_minutes, MinutesInput::Missing);
        assert_eq!(req.absolute_minutes, MinutesInput::Whole(60));
    }

    #[test]
    fn presets_round_trip() {
        for p in [Preset::Standard, Preset::Strict] {
            let o = p.overrides().unwrap();
            assert_eq!(Preset::detect(&o), p);
            validate_policy(&o.idle_minutes.into(), &o.absolute_minutes.into(), &b()).unwrap();
        }
        let custom = PolicyOverride {
            idle_minutes: Some(30),
            absolute_minutes: None,
        };
        assert_eq!(Preset::detect(&custom), Preset::Custom);
    }

    #[test]
    fn bounds_narrowing() {
        let outer = b();
        assert!(outer.check_within(&outer).is_ok());
        let narrow = Bounds {
            idle_max: 120,
            ..outer
        };
        assert!(narrow.check_within(&outer).is_ok());
        let wide = Bounds {
            idle_max: 50_000,
            ..outer
        };
        assert!(wide.check_within(&outer).unwrap_err().contains("widen"));
        let inverted = Bounds {
            idle_min: 100,
            idle_max: 50,
            ..outer
        };
        assert!(inverted
            .check_within(&outer)
            .unwrap_err()
            .contains("greater"));
    }

    fn any_input() -> impl Strategy<Value = MinutesInput> {
        prop_oneof![
            Just(MinutesInput::UseDefault),
            Just(MinutesInput::Missing),
            any::<i64>().prop_map(MinutesInput::Whole),
            (-10i64..200_000).prop_map(MinutesInput::Whole),
            "[ -~]{0,12}".prop_map(MinutesInput::Invalid),
        ]
    }

    proptest! {
        #[test]
        fn no_accepted_policy_has_idle_longer_than_absolute(idle in any_input(), abs in any_input()) {
            if let Ok(p) = validate_policy(&idle, &abs, &b()) {
                let e = p.effective();
                prop_assert!(e.idle_minutes <= e.absolute_minutes);
                prop_assert!((5..=43_200).contains(&e.idle_minutes));
                prop_assert!((15..=129_600).contains(&e.absolute_minutes));
            }
        }

        #[test]
        fn text_parsing_never_panics(s in "\\PC{0,30}") {
            let _ = parse_minutes_text(Field::Absolute, &s, &b());
        }
    }
}
