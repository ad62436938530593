//! Two choices about the network: whether the user's e-mail and mobile show under
//! *Contactpersonen* (off by default), and per client whether a new *Prikbord* post gives a
//! notification. Each is saved at once; then the session's `Me` is read again.

use kring_shared::{Permission, me::Me};
use leptos::prelude::*;
use uuid::Uuid;

use crate::{api::ApiFailure, components::avatar::full_name, i18n::use_i18n, session::use_session};

/// Which choice is being saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Sharing(bool),
    Pinboard(Uuid, bool),
}

#[component]
pub fn SharingAndNotifications() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let me = session
        .data
        .with_untracked(|data| data.as_ref().map(|data| data.me.clone()));
    // Only someone in a network has anything to share or to hear about.
    let in_network = me.as_ref().is_some_and(|me| !me.clients.is_empty());
    let sharing = RwSignal::new(me.as_ref().is_some_and(|me| me.user.share_contact_details));
    let pinboard_clients: Vec<(Uuid, String, bool)> = me
        .map(|me| {
            me.clients
                .into_iter()
                .filter(|membership| membership.permissions.contains(&Permission::Details))
                .map(|membership| {
                    (
                        membership.client.id,
                        full_name(&membership.client),
                        membership.pinboard_notifications,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let switches = pinboard_clients
        .into_iter()
        .map(|(id, name, on)| (id, name, RwSignal::new(on)))
        .collect::<Vec<_>>();
    let stored = StoredValue::new(switches.clone());
    let saved = RwSignal::new(None::<&'static str>);
    let failure = RwSignal::new(None::<&'static str>);
    let save = session.action(
        |api, choice: Choice| async move {
            match choice {
                Choice::Sharing(on) => api.set_sharing(on).await.map(|_| ())?,
                Choice::Pinboard(client_id, on) => api
                    .set_client_notifications(client_id, on)
                    .await
                    .map(|_| ())?,
            }
            // Saved; a failure to read `Me` again only leaves the session a little behind.
            Ok::<(Choice, Option<Me>), ApiFailure>((choice, api.me().await.ok()))
        },
        move |result| match result {
            Ok((choice, me)) => {
                failure.try_set(None);
                saved.try_set(Some(match choice {
                    Choice::Sharing(true) => "sharing.on",
                    Choice::Sharing(false) => "sharing.off",
                    Choice::Pinboard(_, true) => "sharing.pinboard_on",
                    Choice::Pinboard(_, false) => "sharing.pinboard_off",
                }));
                if let Some(me) = me {
                    session.data.update(|data| {
                        if let Some(data) = data {
                            data.me = me;
                        }
                    });
                }
            }
            Err(error) => {
                saved.try_set(None);
                failure.try_set(Some(error.message_key()));
                // The boxes show what is saved, not what was asked.
                session.data.with_untracked(|data| {
                    let Some(data) = data else { return };
                    sharing.try_set(data.me.user.share_contact_details);
                    stored.try_with_value(|switches| {
                        for (client_id, _, on) in switches {
                            if let Some(membership) = data
                                .me
                                .clients
                                .iter()
                                .find(|membership| membership.client.id == *client_id)
                            {
                                on.try_set(membership.pinboard_notifications);
                            }
                        }
                    });
                });
            }
        },
    );
    in_network.then(|| view! {
        <section class="profile-section" aria-labelledby="sharing-title">
            <h2 id="sharing-title">{i18n.tr("sharing.title")}</h2>
            <div class="checkbox">
                <input type="checkbox" id="share-contact-details"
                    aria-describedby="share-contact-details-hint"
                    prop:checked=move || sharing.get()
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        sharing.set(on);
                        save.dispatch_local(Choice::Sharing(on));
                    }/>
                <label for="share-contact-details">{i18n.tr("sharing.label")}</label>
            </div>
            <p class="hint" id="share-contact-details-hint">{i18n.tr("sharing.hint")}</p>
            {(!switches.is_empty()).then(|| view! {
                <fieldset class="field">
                    <legend>{i18n.tr("sharing.pinboard_legend")}</legend>
                    {switches.into_iter().map(|(client_id, name, on)| {
                        let id = format!("pinboard-notifications-{client_id}");
                        let for_id = id.clone();
                        view! {
                            <div class="checkbox">
                                <input type="checkbox" id=id
                                    prop:checked=move || on.get()
                                    on:change=move |event| {
                                        let wanted = event_target_checked(&event);
                                        on.set(wanted);
                                        save.dispatch_local(Choice::Pinboard(client_id, wanted));
                                    }/>
                                <label for=for_id>{move || i18n.t_with("sharing.pinboard_label", &name)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            })}
            <p role="status" class:notice=move || saved.get().is_some()>{move || saved.get().map(|key| i18n.t(key))}</p>
            <p class="form-error" role="alert">{move || failure.get().map(|key| i18n.t(key))}</p>
        </section>
    })
}
