//! The page for any unknown address.

use leptos::prelude::*;

use crate::{components::shell::Shell, i18n::use_i18n};

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Shell title="notfound.title">
            <div class="page-text">
                <h1>{i18n.tr("notfound.title")}</h1>
                <p>{i18n.tr("notfound.text")}</p>
                <p><a class="button-primary" href="/start">{i18n.tr("notfound.home")}</a></p>
            </div>
        </Shell>
    }
}
