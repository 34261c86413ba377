//! `/setup`, the first run: creates the account and its owner, then signs the owner in. Each
//! input is checked as the person goes with the backend's own rules; a refused submit lists
//! every problem in `#setup-error` as well as under each field.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::auth_card::AuthCard;
use crate::components::loading::Loading;
use crate::components::person_fields::{error_summary, person_field, summary_messages, FieldSpec};
use crate::components::redirect::Go;
use crate::hooks::use_session;
use crate::routes::Route;
use crate::state::person_form::{PersonAction, PersonField, PersonForm, PersonFormKind};
use crate::state::session::Auth;

#[component]
pub fn SetupPage() -> Html {
    let session = use_session();
    let form = use_reducer(|| PersonForm::new(PersonFormKind::Setup));
    match &session.auth {
        Auth::Booting => return html! { <main class="page page-center"><Loading /></main> },
        Auth::NeedsSetup => {}
        Auth::SignedIn(_) => return html! { <Go to={Route::Account} /> },
        Auth::SignedOut { .. } => return html! { <Go to={Route::SignIn} /> },
    }

    let onsubmit = {
        let form = form.clone();
        let session = session.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if form.busy {
                return;
            }
            let request = form.setup_request();
            form.dispatch(PersonAction::Submit);
            let Some(request) = request else { return };
            let form = form.clone();
            let session = session.clone();
            spawn_local(async move {
                match api::setup(request).await {
                    // Signed in: this page then sends the owner on to their account.
                    Ok(view) => session.signed_in(view),
                    Err(e) => form.dispatch(PersonAction::Failed(e)),
                }
            });
        })
    };

    html! {
        <AuthCard title="Set up Tenure"
            intro="Create your organisation's account. You will be its owner and can add people later.">
            <form class="form" {onsubmit} novalidate=true>
                { person_field(&form, FieldSpec {
                    field: PersonField::AccountName, id: "setup-account", label: "Account name",
                    kind: "text", autocomplete: "organization",
                    hint: Some("Your organisation, as people in it will see it."),
                }) }
                { person_field(&form, FieldSpec {
                    field: PersonField::Name, id: "setup-name", label: "Your name",
                    kind: "text", autocomplete: "name", hint: None,
                }) }
                { person_field(&form, FieldSpec {
                    field: PersonField::Email, id: "setup-email", label: "Email",
                    kind: "email", autocomplete: "email", hint: None,
                }) }
                { person_field(&form, FieldSpec {
                    field: PersonField::Password, id: "setup-password", label: "Password",
                    kind: "password", autocomplete: "new-password",
                    hint: Some("At least 10 characters."),
                }) }
                { error_summary("setup-error", summary_messages(&form)) }
                <button id="setup-submit" type="submit" class="btn btn-primary btn-block"
                    disabled={form.busy}>
                    { if form.busy { "Creating account…" } else { "Create account" } }
                </button>
            </form>
        </AuthCard>
    }
}
