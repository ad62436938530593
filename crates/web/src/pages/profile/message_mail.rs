//! Whether a new message (*Berichten*) is also announced by e-mail, without its content.
//! Saved at once, like the choices in `sharing.rs`; only for someone with Berichten.

use kring_shared::Permission;
use leptos::prelude::*;

use crate::{api::ApiFailure, i18n::use_i18n, session::use_session};

#[component]
pub fn MessageMail() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let has_messages = session
        .data
        .with_untracked(|data| {
            data.as_ref().map(|data| {
                data.me
                    .clients
                    .iter()
                    .any(|membership| membership.permissions.contains(&Permission::Messages))
            })
        })
        .unwrap_or(false);
    let enabled = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    let saved = RwSignal::new(None::<&'static str>);
    let failure = RwSignal::new(None::<&'static str>);
    if has_messages {
        leptos::task::spawn_local(async move {
            let result = match session.api() {
                Some(api) => api.message_mail().await,
                None => Err(ApiFailure::Network),
            };
            match result {
                Ok(setting) => {
                    enabled.try_set(setting.enabled);
                    loaded.try_set(true);
                }
                Err(error) => {
                    failure.try_set(Some(error.message_key()));
                }
            }
        });
    }
    let save = session.action(
        |api, on: bool| async move { api.set_message_mail(on).await },
        move |result| match result {
            Ok(setting) => {
                failure.try_set(None);
                enabled.try_set(setting.enabled);
                saved.try_set(Some(if setting.enabled {
                    "messages.mail_on"
                } else {
                    "messages.mail_off"
                }));
            }
            Err(error) => {
                saved.try_set(None);
                failure.try_set(Some(error.message_key()));
                // The box shows what is saved, not what was asked.
                enabled.try_update(|on| *on = !*on);
            }
        },
    );
    has_messages.then(|| view! {
        <section class="profile-section" aria-labelledby="message-mail-title">
            <h2 id="message-mail-title">{i18n.tr("messages.mail_title")}</h2>
            {move || loaded.get().then(|| view! {
                <div class="checkbox">
                    <input type="checkbox" id="message-mail"
                        prop:checked=move || enabled.get()
                        on:click=move |event| {
                            // One change at a time: a second click while the first is saved
                            // (a double click) does not tick the box back, nor send again.
                            if save.pending().get_untracked() {
                                event.prevent_default();
                            }
                        }
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            enabled.set(on);
                            save.dispatch_local(on);
                        }/>
                    <label for="message-mail">{i18n.tr("messages.mail_label")}</label>
                </div>
            })}
            <p role="status" class:notice=move || saved.get().is_some()>{move || saved.get().map(|key| i18n.t(key))}</p>
            <p class="form-error" role="alert">{move || failure.get().map(|key| i18n.t(key))}</p>
        </section>
    })
}
