//! *Profielinstellingen*: the user's own details as Kring knows them.

use leptos::prelude::*;

use crate::{components::shell::Shell, i18n::use_i18n, session::use_session};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = move || {
        session
            .data
            .with(|data| data.as_ref().map(|data| data.me.user.clone()))
    };
    view! {
        <Shell title="profile.title" protected=true>
            <div class="page-text">
                <h1>{move || i18n.t("profile.title")}</h1>
                <p>{move || i18n.t("profile.intro")}</p>
                {move || user().map(|user| {
                    let mobile = user.mobile.clone();
                    view! {
                        <dl class="details-list">
                            <dt>{move || i18n.t("profile.name")}</dt>
                            <dd>{format!("{} {}", user.first_name, user.last_name)}</dd>
                            <dt>{move || i18n.t("profile.username")}</dt>
                            <dd>{user.username.clone()}</dd>
                            <dt>{move || i18n.t("profile.email")}</dt>
                            <dd>{user.email.clone()}</dd>
                            <dt>{move || i18n.t("profile.mobile")}</dt>
                            <dd>{move || mobile.clone().unwrap_or_else(|| i18n.t("profile.unknown").to_owned())}</dd>
                        </dl>
                    }
                })}
            </div>
        </Shell>
    }
}
