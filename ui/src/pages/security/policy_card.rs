//! The Policy card: Strict / Standard / Custom, the two minute inputs (always visible, editable
//! only under Custom), inline validation by the backend's own rules, and Save.

use std::time::Duration;

use tenure_core::policy::{Field, Preset};
use tenure_core::wire::SecuritySettings;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::field::TextField;
use crate::components::icons;
use crate::copy::{minutes_explained, short_minutes};
use crate::hooks::{use_flash, use_session};
use crate::state::policy_form::{PolicyAction, PolicyForm};

#[derive(Properties, PartialEq)]
pub struct PolicyCardProps {
    pub settings: SecuritySettings,
    /// The settings the backend returned after a save.
    pub on_saved: Callback<SecuritySettings>,
}

fn preset_key(p: Preset) -> &'static str {
    match p {
        Preset::Strict => "strict",
        Preset::Standard => "standard",
        Preset::Custom => "custom",
    }
}

#[component]
pub fn PolicyCard(props: &PolicyCardProps) -> Html {
    let session = use_session();
    let form = use_reducer(|| PolicyForm::from_settings(&props.settings));
    let (saved, show_saved) = use_flash(Duration::from_secs(3));
    let busy = use_state_eq(|| false);
    let error = use_state_eq(|| None::<String>);

    {
        // Only the policy part: a reload for the sessions card must not wipe the owner's edits.
        let form = form.clone();
        let s = &props.settings;
        use_effect_with(
            (s.overrides, s.effective, s.bounds),
            move |&(overrides, effective, bounds)| {
                form.dispatch(PolicyAction::Load {
                    overrides,
                    effective,
                    bounds,
                });
            },
        );
    }

    let bounds = form.bounds;
    let radio = |preset: Preset, title: &'static str, desc: String| {
        let id = format!("preset-{}", preset_key(preset));
        let checked = form.preset == preset;
        let onchange = {
            let form = form.clone();
            Callback::from(move |_: Event| form.dispatch(PolicyAction::ChoosePreset(preset)))
        };
        html! {
            <label class={classes!("radio-card", checked.then_some("radio-card-checked"))}
                for={id.clone()}>
                <input type="radio" class="radio" id={id} name="preset"
                    value={preset_key(preset)} {checked} disabled={*busy} {onchange} />
                <span class="radio-text">
                    <span class="radio-title">{ title }</span>
                    <span class="radio-desc">{ desc }</span>
                </span>
            </label>
        }
    };
    let on_text = |field: Field| {
        let form = form.clone();
        Callback::from(move |v: String| form.dispatch(PolicyAction::SetText(field, v)))
    };

    let onsubmit = {
        let form = form.clone();
        let session = session.clone();
        let (busy, error) = (busy.clone(), error.clone());
        let on_saved = props.on_saved.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy || !form.can_save() {
                return;
            }
            let Some(request) = form.request() else {
                return;
            };
            busy.set(true);
            error.set(None);
            let (session, busy, error) = (session.clone(), busy.clone(), error.clone());
            let (on_saved, show_saved) = (on_saved.clone(), show_saved.clone());
            spawn_local(async move {
                let result = session
                    .authed(move |t| api::update_policy(t, request.clone()))
                    .await;
                busy.set(false);
                match result {
                    Ok(settings) => {
                        on_saved.emit(settings);
                        show_saved.emit(());
                    }
                    Err(e) => error.set(Some(api::describe(&e))),
                }
            });
        })
    };

    let errors = form.errors();
    let eff = form.stored_effective;
    let stored_as = match Preset::detect(&form.stored) {
        Preset::Standard => "system defaults",
        Preset::Strict => "Strict",
        Preset::Custom => "custom values",
    };
    let range = |f: Field| {
        let (min, max) = bounds.range(f);
        format!("{min}–{max} minutes")
    };

    html! {
        <section class="card" aria-labelledby="policy-title">
            <div class="card-header">
                <h2 class="card-title" id="policy-title">{ "Session policy" }</h2>
            </div>
            <form class="form" {onsubmit} novalidate=true>
                <fieldset class="presets">
                    <legend class="field-label">{ "Preset" }</legend>
                    <div class="preset-grid">
                        { radio(Preset::Strict, "Strict",
                            "idle 15 min, maximum 12 h (NIST SP 800-63B AAL3)".to_owned()) }
                        { radio(Preset::Standard, "Standard", format!(
                            "system defaults: idle {}, maximum {}",
                            short_minutes(bounds.idle_default), short_minutes(bounds.absolute_default))) }
                        { radio(Preset::Custom, "Custom", "your own limits, in minutes".to_owned()) }
                    </div>
                </fieldset>
                <div class="field-grid">
                    <TextField id="idle-minutes" error_id="idle-error"
                        label="Idle timeout (minutes)" inputmode="numeric"
                        hint={format!("{}. Ends a session after this long without activity.", range(Field::Idle))}
                        value={form.idle_text.clone()} error={errors.idle.clone()}
                        disabled={!form.inputs_enabled() || *busy} oninput={on_text(Field::Idle)} />
                    <TextField id="absolute-minutes" error_id="absolute-error"
                        label="Absolute timeout (minutes)" inputmode="numeric"
                        hint={format!("{}. The longest a session lasts, however active.", range(Field::Absolute))}
                        value={form.absolute_text.clone()} error={errors.absolute.clone()}
                        disabled={!form.inputs_enabled() || *busy} oninput={on_text(Field::Absolute)} />
                </div>
                <p id="effective-summary" class="summary">
                    { format!(
                        "In effect: idle timeout {}, absolute timeout {}, {}.",
                        minutes_explained(eff.idle_minutes),
                        minutes_explained(eff.absolute_minutes), stored_as) }
                </p>
                <p class="note">
                    { icons::info() }
                    <span>{ "Changes apply at next sign-in; sessions already running keep their limits." }</span>
                </p>
                if let Some(message) = &*error {
                    <div id="policy-error" class="alert alert-danger" role="alert">
                        { icons::alert() }
                        <div class="alert-body"><p>{ message.clone() }</p></div>
                    </div>
                }
                <div class="card-actions">
                    if saved {
                        <span id="policy-saved" class="saved" role="status">
                            { icons::check() }<span>{ "Saved" }</span>
                        </span>
                    } else if form.dirty() && !*busy {
                        <span class="muted">{ "Unsaved changes" }</span>
                    }
                    <button id="policy-save" type="submit" class="btn btn-primary"
                        disabled={!form.can_save() || *busy}>
                        { if *busy { "Saving…" } else { "Save" } }
                    </button>
                </div>
            </form>
        </section>
    }
}
