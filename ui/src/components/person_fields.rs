//! The inputs of the forms that create a person (Set up, Add member) and the error summary
//! above their submit button, bound to a [`PersonForm`] reducer.

use tenure_core::AppError;
use yew::prelude::*;

use crate::api;
use crate::components::field::TextField;
use crate::components::icons;
use crate::state::person_form::{PersonAction, PersonField, PersonForm};

/// The messages of a refused submit: local problems first, else the backend's answer.
pub fn summary_messages(form: &PersonForm) -> Vec<String> {
    let local = form.summary();
    if !local.is_empty() {
        return local;
    }
    form.server_error.iter().map(api::describe).collect()
}

/// The alert above a form's submit button, present only while there is something to say.
pub fn error_summary(id: &'static str, messages: Vec<String>) -> Html {
    if messages.is_empty() {
        return Html::default();
    }
    html! {
        <div {id} class="alert alert-danger" role="alert">
            { icons::alert() }
            <div class="alert-body">
                { for messages.into_iter().map(|m| html! { <p>{ m }</p> }) }
            </div>
        </div>
    }
}

/// Whether the backend's refusal names this field (it is then marked invalid).
pub fn server_names(form: &PersonForm, field: PersonField) -> bool {
    matches!(
        &form.server_error,
        Some(AppError::Validation { field: f, .. } | AppError::Conflict { field: Some(f), .. })
            if f == form.kind.key(field)
    )
}

/// One input of a person form.
pub struct FieldSpec {
    pub field: PersonField,
    pub id: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub hint: Option<&'static str>,
}

pub fn person_field(form: &UseReducerHandle<PersonForm>, spec: FieldSpec) -> Html {
    let field = spec.field;
    let oninput = {
        let form = form.clone();
        Callback::from(move |v: String| form.dispatch(PersonAction::Set(field, v)))
    };
    let onblur = {
        let form = form.clone();
        Callback::from(move |()| form.dispatch(PersonAction::Blur(field)))
    };
    html! {
        <TextField
            id={spec.id}
            label={spec.label}
            kind={spec.kind}
            autocomplete={spec.autocomplete}
            hint={spec.hint.map(AttrValue::from)}
            value={form.value(field).to_owned()}
            error={form.error(field)}
            invalid={server_names(form, field)}
            disabled={form.busy}
            {oninput}
            {onblur}
        />
    }
}
