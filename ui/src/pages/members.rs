//! `/account/members`, owners only: everyone in the account with their last sign-in, and a
//! form to add a member with a temporary password. Inputs are checked as the owner goes with
//! the backend's own rules; a duplicate email comes back as the backend's Conflict message.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::icons;
use crate::components::loading::{LoadError, Loading};
use crate::components::person_fields::{error_summary, person_field, summary_messages, FieldSpec};
use crate::components::relative_time::RelativeTime;
use crate::copy;
use crate::hooks::{use_now, use_owner_load, use_session, OwnerLoad};
use crate::pages::{owner_only, Load};
use crate::state::person_form::{PersonAction, PersonField, PersonForm, PersonFormKind};

const OWNER_ONLY: &str = "Only the account owner can manage members.";

#[component]
pub fn MembersPage() -> Html {
    let session = use_session();
    let now = use_now(30_000);
    let OwnerLoad {
        state: members,
        reload,
        is_owner,
    } = use_owner_load(api::list_members);
    let form = use_reducer(|| PersonForm::new(PersonFormKind::Member));
    let added = use_state_eq(|| None::<String>);

    let onsubmit = {
        let (form, session, added, reload) =
            (form.clone(), session.clone(), added.clone(), reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if form.busy {
                return;
            }
            added.set(None);
            let request = form.member_request();
            form.dispatch(PersonAction::Submit);
            let Some(request) = request else { return };
            let (form, session, added, reload) =
                (form.clone(), session.clone(), added.clone(), reload.clone());
            spawn_local(async move {
                let result = session
                    .authed(move |t| api::add_member(t, request.clone()))
                    .await;
                match result {
                    Ok(member) => {
                        form.dispatch(PersonAction::Reset);
                        added.set(Some(format!(
                            "Added {}. Give them their temporary password; they sign in with {}.",
                            member.name, member.email
                        )));
                        reload.emit(());
                    }
                    Err(e) => form.dispatch(PersonAction::Failed(e)),
                }
            });
        })
    };

    let header = html! {
        <header class="page-header page-header-icon">
            <span class="page-icon">{ icons::users() }</span>
            <div>
                <h1 class="page-title">{ "Members" }</h1>
                <p class="muted">{ "Everyone in your account, and when they last signed in." }</p>
            </div>
        </header>
    };
    if !is_owner {
        return html! { <div class="page-content">{ header }{ owner_only(OWNER_ONLY) }</div> };
    }

    let list = match &*members {
        Load::Loading => html! { <Loading /> },
        Load::Forbidden => owner_only(OWNER_ONLY),
        Load::Failed(message) => html! {
            <LoadError message={message.clone()} on_retry={reload.clone()} />
        },
        Load::Ready(list) => html! {
            <section class="card card-flush" aria-labelledby="members-title">
                <div class="card-header">
                    <h2 class="card-title" id="members-title">
                        { format!("People ({})", list.len()) }
                    </h2>
                </div>
                <div class="table-wrap">
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">{ "Name" }</th>
                                <th scope="col">{ "Email" }</th>
                                <th scope="col">{ "Role" }</th>
                                <th scope="col">{ "Last sign-in" }</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for list.iter().map(|m| html! {
                                <tr class="member-row" key={m.user_id.to_string()}>
                                    <td class="member-name">{ m.name.clone() }</td>
                                    <td class="member-email">{ m.email.clone() }</td>
                                    <td class="member-role">
                                        <span class="role-badge">{ copy::role_label(m.role) }</span>
                                    </td>
                                    <td>
                                        <RelativeTime class="member-last" at={m.last_login_at}
                                            now_ms={now} />
                                    </td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            </section>
        },
    };

    html! {
        <div class="page-content">
            { header }
            { list }
            <section class="card" aria-labelledby="add-title">
                <div class="card-header">
                    <h2 class="card-title" id="add-title">{ "Add a member" }</h2>
                </div>
                <p class="card-lead muted">
                    { "They sign in with this email and the temporary password you choose here." }
                </p>
                if let Some(message) = &*added {
                    <div id="member-added" class="alert alert-success" role="status">
                        { icons::check() }
                        <div class="alert-body"><p>{ message.clone() }</p></div>
                    </div>
                }
                <form class="form" {onsubmit} novalidate=true>
                    <div class="field-grid">
                        { person_field(&form, FieldSpec {
                            field: PersonField::Name, id: "member-name", label: "Name",
                            kind: "text", autocomplete: "off", hint: None,
                        }) }
                        { person_field(&form, FieldSpec {
                            field: PersonField::Email, id: "member-email", label: "Email",
                            kind: "email", autocomplete: "off", hint: None,
                        }) }
                    </div>
                    { person_field(&form, FieldSpec {
                        field: PersonField::Password, id: "member-password",
                        label: "Temporary password", kind: "password",
                        autocomplete: "new-password", hint: Some("At least 10 characters."),
                    }) }
                    { error_summary("member-error", summary_messages(&form)) }
                    <div class="card-actions">
                        <button id="member-add" type="submit" class="btn btn-primary"
                            disabled={form.busy}>
                            { if form.busy { "Adding…" } else { "Add member" } }
                        </button>
                    </div>
                </form>
            </section>
        </div>
    }
}
