//! The frame of every page: skip link, header (the info bar when signed in), and `<main>`.
//! Sets the document title, and sends a signed-out visitor of a protected page to the login.

use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_location};

use crate::{
    components::{info_bar::InfoBar, language_switch::LanguageSwitch},
    i18n::use_i18n,
    session::use_session,
};

/// A page. `title` is a catalog key; `protected` pages need a session.
#[component]
pub fn Shell(
    title: &'static str,
    #[prop(optional)] protected: bool,
    children: ChildrenFn,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    Effect::new(move || {
        let page = i18n.t(title);
        let app = i18n.t("app.name");
        if let Some(document) = web_sys::window().and_then(|window| window.document()) {
            document.set_title(&format!("{page} – {app}"));
        }
    });
    // The first page is drawn: the loading screen of index.html goes (see `boot`).
    if let Some(loading) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("loading"))
    {
        loading.remove();
    }
    let location = use_location();
    let signed_in = move || session.data.with(Option::is_some);
    let children = StoredValue::new(children);
    view! {
        <a class="skip-link" href="#inhoud">{i18n.tr("a11y.skip")}</a>
        <Show
            when=signed_in
            fallback=|| view! {
                <header class="topbar">
                    <span class="brand">{move || use_i18n().t("app.name")}</span>
                    <LanguageSwitch/>
                </header>
            }
        >
            <InfoBar/>
        </Show>
        <main id="inhoud" tabindex="-1">
            <Show
                when=move || !protected || signed_in()
                fallback=move || {
                    if session.resuming.get() {
                        return view! { <p class="loading">{i18n.tr("start.loading")}</p> }.into_any();
                    }
                    let back = location.pathname.get_untracked();
                    view! { <Redirect path=format!("/inloggen?terug={back}")/> }.into_any()
                }
            >
                {children.with_value(|children| children())}
            </Show>
        </main>
    }
}
