//! `/account`: settings as a list of rows, like a settings page elsewhere. Everyone sees their
//! own profile; owners also see the rows that lead to Session security and Members. (Members
//! do not see those rows; the backend refuses them those commands regardless.)

use tenure_core::wire::Role;
use yew::prelude::*;

use crate::components::icons;
use crate::components::nav_link::RouteLink;
use crate::copy;
use crate::hooks::use_session;
use crate::routes::Route;

fn info_row(label: &'static str, value: String) -> Html {
    html! {
        <div class="info-row">
            <dt class="info-label">{ label }</dt>
            <dd class="info-value">{ value }</dd>
        </div>
    }
}

fn link_row(id: &'static str, to: Route, icon: Html, title: &'static str, desc: String) -> Html {
    html! {
        <li>
            <RouteLink id={id} class="settings-row" to={to}>
                <span class="row-icon">{ icon }</span>
                <span class="row-text">
                    <span class="row-title">{ title }</span>
                    <span class="row-desc">{ desc }</span>
                </span>
                <span class="row-chevron">{ icons::chevron_right() }</span>
            </RouteLink>
        </li>
    }
}

#[component]
pub fn AccountPage() -> Html {
    let session = use_session();
    let Some(view) = session.session() else {
        return Html::default();
    };
    let is_owner = view.user.role == Role::Owner;

    html! {
        <div class="page-content">
            <header class="page-header">
                <h1 class="page-title">{ "Account settings" }</h1>
                <p class="muted">{ format!("Your place in {}.", view.account.name) }</p>
            </header>
            <section class="card" aria-labelledby="profile-title">
                <div class="card-header">
                    <span class="card-icon">{ icons::user() }</span>
                    <h2 class="card-title" id="profile-title">{ "Your profile" }</h2>
                </div>
                <dl id="row-profile" class="info-list">
                    { info_row("Name", view.user.name.clone()) }
                    { info_row("Email", view.user.email.clone()) }
                    { info_row("Role", copy::role_label(view.user.role).to_owned()) }
                    { info_row("Account", view.account.name.clone()) }
                </dl>
            </section>
            if is_owner {
                <section class="card card-flush" aria-labelledby="admin-title">
                    <div class="card-header">
                        <h2 class="card-title" id="admin-title">{ "Account administration" }</h2>
                    </div>
                    <ul class="settings-list">
                        { link_row("row-security", Route::Security, icons::shield(),
                            "Session security",
                            "How long people stay signed in, and who is signed in now.".to_owned()) }
                        { link_row("row-members", Route::Members, icons::users(), "Members",
                            format!("Add people to {} and see when they last signed in.",
                                view.account.name)) }
                    </ul>
                </section>
            }
        </div>
    }
}
