//! *Meldingen*. Nothing creates notifications yet (invitations and new care plans come with
//! later capabilities), so the honest content is that there are none.

use leptos::prelude::*;

use crate::{components::shell::Shell, i18n::use_i18n};

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Shell title="notifications.title" protected=true>
            <div class="page-text">
                <h1>{move || i18n.t("notifications.title")}</h1>
                <p>{move || i18n.t("notifications.none")}</p>
            </div>
        </Shell>
    }
}
