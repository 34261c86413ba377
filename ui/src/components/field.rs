//! A labelled text input with its hint and its error, wired for assistive technology: the
//! label is tied by `for`/`id`, hint and error by `aria-describedby`, and `aria-invalid` is set
//! while the error shows. The error element exists only while there is an error.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::icons;

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    /// The input's `type`.
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<String>,
    /// Defaults to `<id>-error`.
    #[prop_or_default]
    pub error_id: Option<AttrValue>,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    #[prop_or_default]
    pub disabled: bool,
    /// Marks the input invalid without an error of its own (the backend's refusal is shown
    /// in the form's summary).
    #[prop_or_default]
    pub invalid: bool,
    #[prop_or_default]
    pub oninput: Callback<String>,
    #[prop_or_default]
    pub onblur: Callback<()>,
}

#[component]
pub fn TextField(props: &TextFieldProps) -> Html {
    let hint_id = format!("{}-hint", props.id);
    let error_id = props
        .error_id
        .clone()
        .unwrap_or_else(|| format!("{}-error", props.id).into());
    let described_by = [
        props.hint.as_ref().map(|_| hint_id.clone()),
        props.error.as_ref().map(|_| error_id.to_string()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let invalid = props.invalid || props.error.is_some();
    let oninput = props.oninput.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        input.value()
    });
    // A value can change without an `input` event (WebDriver's Element Clear, some autofill),
    // and a re-render would then put the old value back; leaving the field or `change` syncs it.
    let sync = {
        let oninput = props.oninput.clone();
        let current = props.value.clone();
        move |target: HtmlInputElement| {
            let value = target.value();
            if value != current.as_str() {
                oninput.emit(value);
            }
        }
    };
    let onchange = {
        let sync = sync.clone();
        Callback::from(move |e: Event| sync(e.target_unchecked_into()))
    };
    let onblur = {
        let onblur = props.onblur.clone();
        Callback::from(move |e: FocusEvent| {
            sync(e.target_unchecked_into());
            onblur.emit(());
        })
    };

    html! {
        <div class={classes!("field", invalid.then_some("field-invalid"))}>
            <label class="field-label" for={props.id.clone()}>{ props.label.clone() }</label>
            if let Some(hint) = &props.hint {
                <p class="field-hint" id={hint_id.clone()}>{ hint.clone() }</p>
            }
            <input
                id={props.id.clone()}
                class="input"
                type={props.kind.clone()}
                value={props.value.clone()}
                autocomplete={props.autocomplete.clone()}
                inputmode={props.inputmode.clone()}
                spellcheck="false"
                disabled={props.disabled}
                aria-invalid={if invalid { "true" } else { "false" }}
                aria-describedby={(!described_by.is_empty()).then_some(described_by)}
                {oninput}
                {onchange}
                {onblur}
            />
            if let Some(error) = &props.error {
                <p class="field-error" id={error_id}>{ icons::alert() }<span>{ error.clone() }</span></p>
            }
        </div>
    }
}
