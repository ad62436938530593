//! *Mijn gegevens*: everything Kring holds about the signed-in user as a person (profile,
//! sessions, devices, security events, consents), as a JSON file to keep or take elsewhere.

use leptos::prelude::*;

use crate::{components::save_file::save_blob, i18n::use_i18n, session::use_session};

#[component]
pub fn MyData() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let failure = RwSignal::new(None::<&'static str>);
    let fetch = session.action(
        |api, ()| async move { save_blob(&api.my_data().await?, "kring-mijn-gegevens.json") },
        move |result| {
            failure.try_set(result.err().map(|failure| failure.message_key()));
        },
    );
    view! {
        <section class="profile-section" aria-labelledby="my-data-title">
            <h2 id="my-data-title">{i18n.tr("mydata.title")}</h2>
            <p>{i18n.tr("mydata.intro")}</p>
            <button type="button" class="button-secondary"
                on:click=move |_| {
                    if !fetch.pending().get_untracked() {
                        fetch.dispatch_local(());
                    }
                }>
                {i18n.tr("mydata.download")}
            </button>
            <p role="status" class="hint">{move || fetch.pending().get().then(|| i18n.t("messages.downloading"))}</p>
            <p class="form-error" role="alert">{move || failure.get().map(|key| i18n.t(key))}</p>
        </section>
    }
}
