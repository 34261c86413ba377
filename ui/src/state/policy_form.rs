//! The Policy card's form: the chosen preset, the two Custom inputs as typed, what is stored,
//! and what follows from them (inline errors, dirty, savable). Validation is
//! `tenure_core::policy`'s own, so the owner sees the backend's exact message as they type.

use std::rc::Rc;

use tenure_core::policy::{
    parse_minutes_text, validate_policy, Bounds, EffectivePolicy, Field, MinutesInput,
    PolicyOverride, Preset, ValidPolicy,
};
use tenure_core::wire::{SecuritySettings, UpdatePolicyRequest};
use yew::Reducible;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyForm {
    pub bounds: Bounds,
    pub stored: PolicyOverride,
    pub stored_effective: EffectivePolicy,
    pub preset: Preset,
    /// What the idle input shows: the owner's text under Custom, the preset's value otherwise.
    pub idle_text: String,
    pub absolute_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyAction {
    /// Settings arrived (first load, or the answer to a save): start clean from them.
    Load {
        overrides: PolicyOverride,
        effective: EffectivePolicy,
        bounds: Bounds,
    },
    ChoosePreset(Preset),
    SetText(Field, String),
}

/// Inline errors, one per input; the cross-field rule lands on idle, as the backend reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors {
    pub idle: Option<String>,
    pub absolute: Option<String>,
}

impl PolicyForm {
    pub fn new(overrides: PolicyOverride, effective: EffectivePolicy, bounds: Bounds) -> Self {
        Self {
            bounds,
            stored: overrides,
            stored_effective: effective,
            preset: Preset::detect(&overrides),
            idle_text: effective.idle_minutes.to_string(),
            absolute_text: effective.absolute_minutes.to_string(),
        }
    }

    pub fn from_settings(s: &SecuritySettings) -> Self {
        Self::new(s.overrides, s.effective, s.bounds)
    }

    /// The inputs are editable only under Custom; presets fill them.
    pub fn inputs_enabled(&self) -> bool {
        self.preset == Preset::Custom
    }

    /// Validates what the form asks for: a preset's fixed overrides, or the Custom texts.
    fn check(&self) -> Result<ValidPolicy, FieldErrors> {
        let (idle, absolute) = match self.preset.overrides() {
            Some(o) => (
                MinutesInput::from(o.idle_minutes),
                MinutesInput::from(o.absolute_minutes),
            ),
            None => {
                let idle = parse_minutes_text(Field::Idle, &self.idle_text, &self.bounds);
                let absolute =
                    parse_minutes_text(Field::Absolute, &self.absolute_text, &self.bounds);
                match (idle, absolute) {
                    (Ok(i), Ok(a)) => (MinutesInput::Whole(i), MinutesInput::Whole(a)),
                    (i, a) => {
                        return Err(FieldErrors {
                            idle: i.err().map(|e| e.message),
                            absolute: a.err().map(|e| e.message),
                        })
                    }
                }
            }
        };
        validate_policy(&idle, &absolute, &self.bounds).map_err(|errors| {
            let mut out = FieldErrors::default();
            for e in errors {
                let slot = match e.field {
                    Field::Idle => &mut out.idle,
                    Field::Absolute => &mut out.absolute,
                };
                slot.get_or_insert(e.message);
            }
            out
        })
    }

    pub fn errors(&self) -> FieldErrors {
        self.check().err().unwrap_or_default()
    }

    /// The overrides the form asks for, when they are valid.
    pub fn requested(&self) -> Option<PolicyOverride> {
        self.check().ok().map(|p| p.overrides())
    }

    /// Whether the form asks for something other than what is stored. An invalid form counts
    /// as changed: the owner has typed something, just not something savable.
    pub fn dirty(&self) -> bool {
        match self.check() {
            Ok(p) => p.overrides() != self.stored,
            Err(_) => true,
        }
    }

    pub fn can_save(&self) -> bool {
        self.requested().is_some_and(|r| r != self.stored)
    }

    /// The request Save sends: `null` clears an override, a number sets it.
    pub fn request(&self) -> Option<UpdatePolicyRequest> {
        self.requested().map(|o| UpdatePolicyRequest {
            idle_minutes: MinutesInput::from(o.idle_minutes),
            absolute_minutes: MinutesInput::from(o.absolute_minutes),
        })
    }
}

impl Reducible for PolicyForm {
    type Action = PolicyAction;

    fn reduce(self: Rc<Self>, action: PolicyAction) -> Rc<Self> {
        let next = match action {
            PolicyAction::Load {
                overrides,
                effective,
                bounds,
            } => Self::new(overrides, effective, bounds),
            PolicyAction::ChoosePreset(preset) => {
                let mut next = (*self).clone();
                next.preset = preset;
                // Custom starts from whatever the inputs show, i.e. the values in effect for
                // the preset it leaves; a preset shows its own values (defaults applied).
                if let Some(o) = preset.overrides() {
                    let e = o.effective(&self.bounds);
                    next.idle_text = e.idle_minutes.to_string();
                    next.absolute_text = e.absolute_minutes.to_string();
                }
                next
            }
            PolicyAction::SetText(field, text) => {
                if self.preset != Preset::Custom {
                    // Disabled inputs cannot be typed into; a stray event must not edit them.
                    return self;
                }
                let mut next = (*self).clone();
                match field {
                    Field::Idle => next.idle_text = text,
                    Field::Absolute => next.absolute_text = text,
                }
                next
            }
        };
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(overrides: PolicyOverride) -> Rc<PolicyForm> {
        let bounds = Bounds::default();
        Rc::new(PolicyForm::new(
            overrides,
            overrides.effective(&bounds),
            bounds,
        ))
    }

    fn set(idle: Option<i64>, absolute: Option<i64>) -> PolicyOverride {
        PolicyOverride {
            idle_minutes: idle,
            absolute_minutes: absolute,
        }
    }

    fn custom(f: Rc<PolicyForm>, idle: &str, absolute: &str) -> Rc<PolicyForm> {
        f.reduce(PolicyAction::ChoosePreset(Preset::Custom))
            .reduce(PolicyAction::SetText(Field::Idle, idle.into()))
            .reduce(PolicyAction::SetText(Field::Absolute, absolute.into()))
    }

    #[test]
    fn loads_with_the_detected_preset_and_effective_values() {
        let f = form(PolicyOverride::default());
        assert_eq!(f.preset, Preset::Standard);
        assert_eq!(
            (f.idle_text.as_str(), f.absolute_text.as_str()),
            ("60", "1440")
        );
        assert!(!f.inputs_enabled());
        assert!(!f.dirty());
        assert!(!f.can_save());

        assert_eq!(form(Preset::STRICT).preset, Preset::Strict);
        let f = form(set(Some(30), None));
        assert_eq!(f.preset, Preset::Custom);
        assert_eq!(
            (f.idle_text.as_str(), f.absolute_text.as_str()),
            ("30", "1440")
        );
    }

    #[test]
    fn presets_fill_the_inputs_and_custom_keeps_them() {
        let f = form(PolicyOverride::default()).reduce(PolicyAction::ChoosePreset(Preset::Strict));
        assert_eq!(
            (f.idle_text.as_str(), f.absolute_text.as_str()),
            ("15", "720")
        );
        assert!(f.can_save());
        assert_eq!(f.requested(), Some(Preset::STRICT));

        let f = f.reduce(PolicyAction::ChoosePreset(Preset::Custom));
        assert_eq!(
            (f.idle_text.as_str(), f.absolute_text.as_str()),
            ("15", "720")
        );
        assert!(f.inputs_enabled());

        let f = f.reduce(PolicyAction::ChoosePreset(Preset::Standard));
        assert_eq!(
            (f.idle_text.as_str(), f.absolute_text.as_str()),
            ("60", "1440")
        );
        assert!(!f.dirty());
    }

    #[test]
    fn typing_is_ignored_unless_custom() {
        let f = form(PolicyOverride::default())
            .reduce(PolicyAction::SetText(Field::Idle, "999".into()));
        assert_eq!(f.idle_text, "60");
    }

    #[test]
    fn custom_errors_are_the_backends_messages() {
        let f = custom(form(PolicyOverride::default()), "4", "1440");
        assert_eq!(
            f.errors().idle.as_deref(),
            Some("Idle timeout must be between 5 and 43200 minutes")
        );
        assert!(!f.can_save());
        assert!(f.dirty());

        let f = custom(form(PolicyOverride::default()), "10.5", "abc");
        let e = f.errors();
        assert_eq!(
            e.idle.as_deref(),
            Some("Idle timeout must be a whole number of minutes between 5 and 43200")
        );
        assert_eq!(
            e.absolute.as_deref(),
            Some("Absolute timeout must be a whole number of minutes between 15 and 129600")
        );

        let f = custom(form(PolicyOverride::default()), "", "1440");
        assert!(f.errors().idle.unwrap().contains("is required"));

        let f = custom(
            form(PolicyOverride::default()),
            "99999999999999999999",
            "1440",
        );
        assert_eq!(
            f.errors().idle.as_deref(),
            Some("Idle timeout must be between 5 and 43200 minutes")
        );
    }

    #[test]
    fn the_cross_field_rule_lands_on_idle() {
        let f = custom(form(PolicyOverride::default()), "100", "99");
        let e = f.errors();
        assert_eq!(
            e.idle.as_deref(),
            Some("Idle timeout (100 minutes) cannot be longer than the absolute timeout (99 minutes)")
        );
        assert_eq!(e.absolute, None);
    }

    #[test]
    fn custom_equal_to_stored_is_not_dirty() {
        let f = custom(form(set(Some(30), Some(600))), "30", " 600 ");
        assert!(!f.dirty());
        assert!(!f.can_save());
        let f = f.reduce(PolicyAction::SetText(Field::Idle, "31".into()));
        assert!(f.can_save());
        let req = f.request().unwrap();
        assert_eq!(req.idle_minutes, MinutesInput::Whole(31));
        assert_eq!(req.absolute_minutes, MinutesInput::Whole(600));
    }

    #[test]
    fn standard_sends_nulls() {
        let f = form(Preset::STRICT).reduce(PolicyAction::ChoosePreset(Preset::Standard));
        let req = f.request().unwrap();
        assert_eq!(req.idle_minutes, MinutesInput::UseDefault);
        assert_eq!(req.absolute_minutes, MinutesInput::UseDefault);
        assert!(f.can_save());
    }

    #[test]
    fn a_preset_outside_narrowed_bounds_is_not_savable() {
        let bounds = Bounds {
            idle_min: 30,
            ..Bounds::default()
        };
        let f = Rc::new(PolicyForm::new(
            PolicyOverride::default(),
            PolicyOverride::default().effective(&bounds),
            bounds,
        ))
        .reduce(PolicyAction::ChoosePreset(Preset::Strict));
        assert_eq!(
            f.errors().idle.as_deref(),
            Some("Idle timeout must be between 30 and 43200 minutes")
        );
        assert!(!f.can_save());
    }

    #[test]
    fn load_after_save_starts_clean() {
        let f = custom(form(PolicyOverride::default()), "30", "600");
        let saved = set(Some(30), Some(600));
        let f = f.reduce(PolicyAction::Load {
            overrides: saved,
            effective: saved.effective(&Bounds::default()),
            bounds: Bounds::default(),
        });
        assert_eq!(f.stored, saved);
        assert_eq!(f.preset, Preset::Custom);
        assert!(!f.dirty());
    }
}
