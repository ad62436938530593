//! What a page part shows when it could not be loaded.

use leptos::prelude::*;

use crate::{api::ApiFailure, i18n::use_i18n};

/// The problem's own message, from its code (no access, not found, a server error …). Only a
/// lost connection is called that, with "Opnieuw proberen", which runs `retry`.
#[component]
pub fn LoadFailure(failure: ApiFailure, #[prop(into)] retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let key = failure.message_key();
    let offline = failure.code().is_none();
    view! {
        <div class="form-error load-failure" role="alert">
            <p>{i18n.tr(key)}</p>
            {offline.then(|| view! {
                <button type="button" class="button-secondary" on:click=move |_| retry.run(())>
                    {i18n.tr("error.retry")}
                </button>
            })}
        </div>
    }
}
