//! The info bar at the top of every signed-in page: Start, Berichten (for whoever has them),
//! Meldingen, Informatie, the user's name menu, the language switch and Uitloggen (with a
//! confirmation).

use leptos::{html, prelude::*};
use leptos_router::hooks::use_navigate;

use crate::{
    components::language_switch::LanguageSwitch, i18n::use_i18n,
    pages::client_data::holds_data_rights, session::use_session,
};

#[component]
pub fn InfoBar() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let dialog = NodeRef::<html::Dialog>::new();

    let organisation = move || {
        session
            .data
            .with(|data| data.as_ref().map(|data| data.me.organisation.name.clone()))
            .unwrap_or_default()
    };
    let help_url = move || {
        session.data.with(|data| {
            data.as_ref()
                .and_then(|data| data.me.organisation.help_url.clone())
        })
    };
    let user_name = move || {
        session
            .data
            .with(|data| {
                data.as_ref()
                    .map(|data| format!("{} {}", data.me.user.first_name, data.me.user.last_name))
            })
            .unwrap_or_default()
    };

    let open_logout = move |_| {
        if let Some(dialog) = dialog.get() {
            let _ = dialog.show_modal();
        }
    };
    let close_logout = move |_| {
        if let Some(dialog) = dialog.get() {
            dialog.close();
        }
    };
    let confirm_logout = move |_| {
        if let Some(dialog) = dialog.get() {
            dialog.close();
        }
        if let Some(api) = session.api() {
            leptos::task::spawn_local(async move {
                // The local session ends whatever the server says; a failed call only means
                // the token expires by itself within minutes.
                let _ = api.logout().await;
            });
        }
        session.sign_out();
        navigate("/inloggen", Default::default());
    };

    // The unread badge; reloads when notifications change.
    let unread = LocalResource::new(move || {
        session.notifications_changed.track();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.notifications().await.map(|list| list.unread),
                None => Err(crate::api::ApiFailure::Network),
            }
        }
    });
    // Berichten, with its unread count, for whoever holds Berichten for some client.
    // A care worker's messages are their inbox in the staff tools (another bundle: a full
    // load); everyone else's are Berichten, for whoever has the tick for some client.
    let is_care_worker = move || {
        session.data.with(|data| {
            data.as_ref().is_some_and(|data| {
                data.me.user.kind == kring_shared::me::AccountKind::CareWorker
                    && !data.me.care_team.is_empty()
            })
        })
    };
    let has_messages = move || {
        is_care_worker()
            || session.data.with(|data| {
                data.as_ref().is_some_and(|data| {
                    data.me.clients.iter().any(|membership| {
                        membership
                            .permissions
                            .contains(&kring_shared::Permission::Messages)
                    })
                })
            })
    };
    let unread_messages = LocalResource::new(move || {
        session.notifications_changed.track();
        let api = session.api().filter(|_| has_messages());
        async move {
            match api {
                Some(api) => api.unread_messages().await.map(|count| count.unread),
                None => Ok(0),
            }
        }
    });
    let is_admin = move || {
        session.data.with(|data| {
            data.as_ref().is_some_and(|data| {
                data.me.user.kind == kring_shared::me::AccountKind::OrganisationAdmin
            })
        })
    };
    // Download and the access log: for the client themselves and portal administrators.
    let data_rights = move || {
        session
            .current_membership()
            .is_some_and(|membership| holds_data_rights(&membership))
    };
    // The help link, the language and Uitloggen stand in the bar on a wide screen and in the
    // menu on a narrow one (CSS shows one of the two), so a phone's bar stays one row.
    let help_item = move |class: &'static str| {
        help_url().map(|url| {
            view! {
                <li class=class>
                    <a href=url target="_blank" rel="noopener noreferrer">
                        {i18n.tr("nav.help")}
                        <span class="visually-hidden">" " {i18n.tr("nav.help_new_window")}</span>
                    </a>
                </li>
            }
        })
    };
    let logout_button = move || {
        view! {
            <button type="button" class="button-quiet" on:click=open_logout>
                {i18n.tr("nav.logout")}
            </button>
        }
    };
    view! {
        <header class="infobar">
            <span class="brand">{organisation}</span>
            <nav aria-label=i18n.tr("nav.label")>
                // With Berichten there is one more item: the items sit closer, and on a small
                // phone Meldingen becomes a bell (CSS), so the bar stays one row.
                <ul class="infobar-items" class:infobar-compact=has_messages>
                    <li><a href="/start">{i18n.tr("nav.start")}</a></li>
                    {move || has_messages().then(|| view! {
                        // Below 1024 px an envelope with the count, so the bar stays one row;
                        // the word stays there for screen readers.
                        <li>
                            <a href=move || if is_care_worker() { "/zorg" } else { "/berichten" }
                                rel=move || is_care_worker().then_some("external")
                                class="infobar-messages">
                                <svg class="infobar-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
                                    <path d="M2 5h20v14H2z M3 6l9 7 9-7"/>
                                </svg>
                                <span class="infobar-label">{i18n.tr("nav.messages")}</span>
                                {move || unread_messages.get().and_then(Result::ok).filter(|count| *count > 0).map(|count| view! {
                                    " " <span class="badge" aria-hidden="true">{count}</span>
                                    <span class="visually-hidden">" (" {i18n.t_count("messages.unread", u64::from(count))} ")"</span>
                                })}
                            </a>
                        </li>
                    })}
                    <li>
                        <a href="/meldingen" class="infobar-notifications">
                            <svg class="infobar-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
                                <path d="M6 17V11a6 6 0 0 1 12 0v6l2 2H4z M10 21h4"/>
                            </svg>
                            <span class="infobar-label">{i18n.tr("nav.notifications")}</span>
                            {move || unread.get().and_then(Result::ok).filter(|count| *count > 0).map(|count| view! {
                                " " <span class="badge" aria-hidden="true">{count}</span>
                                <span class="visually-hidden">" (" {i18n.t_count("notifications.unread", u64::from(count))} ")"</span>
                            })}
                        </a>
                    </li>
                    {move || help_item("infobar-desk")}
                    <li class="infobar-desk"><LanguageSwitch/></li>
                    <li class="infobar-wide">{logout_button()}</li>
                    <li>
                        <details class="user-menu">
                            <summary aria-label=move || i18n.t_with("nav.menu_of", &user_name())>
                                <svg class="user-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
                                    <circle cx="12" cy="8" r="4"/>
                                    <path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7z"/>
                                </svg>
                                <span class="user-menu-name">{user_name}</span>
                            </summary>
                            <ul>
                                <li><a href="/profiel">{i18n.tr("nav.profile")}</a></li>
                                {move || data_rights().then(|| view! {
                                    <li><a href="/download" rel="external">{i18n.tr("nav.download")}</a></li>
                                    <li><a href="/bekeken" rel="external">{i18n.tr("nav.viewed")}</a></li>
                                })}
                                {move || is_admin().then(|| view! {
                                    <li><a href="/beheer" rel="external">{i18n.tr("nav.admin")}</a></li>
                                })}
                                {move || help_item("infobar-below-desk")}
                                <li class="infobar-below-desk"><LanguageSwitch/></li>
                                <li class="infobar-narrow">{logout_button()}</li>
                            </ul>
                        </details>
                    </li>
                </ul>
            </nav>
        </header>
        <IdleWarning/>
        <dialog node_ref=dialog class="dialog" aria-labelledby="logout-question">
            <p id="logout-question" class="dialog-question">{i18n.tr("logout.question")}</p>
            <div class="dialog-actions">
                <button type="button" class="button-primary" on:click=confirm_logout>
                    {i18n.tr("logout.yes")}
                </button>
                <button type="button" class="button-secondary" autofocus on:click=close_logout>
                    {i18n.tr("logout.no")}
                </button>
            </div>
        </dialog>
    }
}

/// Warns two minutes before the organisation's idle timeout ends the session, and signs out
/// when it has.
#[component]
fn IdleWarning() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let dialog = NodeRef::<html::Dialog>::new();
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(handle) = set_interval_with_handle(
        move || now.set(js_sys::Date::now()),
        std::time::Duration::from_secs(5),
    ) {
        on_cleanup(move || handle.clear());
    }
    let idle_minutes = move || {
        session
            .data
            .with_untracked(|data| {
                data.as_ref()
                    .map(|data| data.me.organisation.idle_timeout_minutes)
            })
            .unwrap_or(30)
    };
    let remaining =
        move || f64::from(idle_minutes()) * 60_000.0 - (now.get() - session.last_activity.get());
    Effect::new(move || {
        let left = remaining();
        let Some(element) = dialog.get() else { return };
        if left <= 0.0 {
            element.close();
            // End it on the server too, so a reload cannot pick the session up again.
            if let Some(api) = session.api() {
                leptos::task::spawn_local(async move {
                    let _ = api.logout().await;
                });
            }
            // The page's shell then sends the user to the login, which says why and returns
            // to this page afterwards.
            session.sign_out_idle();
        } else if left <= 120_000.0 {
            if !element.open() {
                let _ = element.show_modal();
            }
        } else if element.open() {
            element.close();
        }
    });
    let stay = move |_| {
        session.keep_alive();
        now.set(js_sys::Date::now());
    };
    view! {
        <dialog node_ref=dialog class="dialog" aria-labelledby="idle-question">
            <p id="idle-question" class="dialog-question">{i18n.tr("idle.warning")}</p>
            <div class="dialog-actions">
                <button type="button" class="button-primary" autofocus on:click=stay>
                    {i18n.tr("idle.stay")}
                </button>
            </div>
        </dialog>
    }
}
