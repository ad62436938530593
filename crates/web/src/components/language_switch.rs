//! The language switcher: one button that offers the other language, in that language.

use kring_shared::me::Language;
use leptos::prelude::*;

use crate::i18n::use_i18n;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let other = move || match i18n.language.get() {
        Language::Nl => Language::En,
        Language::En => Language::Nl,
    };
    view! {
        <button
            type="button"
            class="button-quiet language-switch"
            lang=move || other().as_str()
            on:click=move |_| i18n.set(other())
        >
            {i18n.tr("lang.switch")}
        </button>
    }
}
