//! *Meldingen*: the user's notifications, newest first. An invitation to a client's portal is
//! answered here (*Accepteren* or *Weigeren*); until then that client stays invisible. A new
//! care plan links to *Plannen* of its client, a new pinboard post to its *Prikbord*, a message
//! to its conversation under *Berichten*.

use kring_shared::contacts::{InvitationState, Notification, NotificationKind};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::{
    api::ApiFailure,
    components::{date_time, failure::LoadFailure, shell::Shell},
    i18n::use_i18n,
    session::use_session,
};

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Shell title="notifications.title" protected=true>
            <div class="page-text">
                <h1>{i18n.tr("notifications.title")}</h1>
                <NotificationList/>
            </div>
        </Shell>
    }
}

/// The list, made once the session is there (a reload on this page resumes it first).
#[component]
fn NotificationList() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = LocalResource::new(move || {
        session.notifications_changed.track();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.notifications().await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    let notice = RwSignal::new(None::<&'static str>);
    view! {
        <p class="notice" role="status">{move || notice.get().map(|key| i18n.t(key))}</p>
        {move || match list.get() {
            None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
            Some(Err(failure)) => view! { <LoadFailure failure retry=move || list.refetch()/> }.into_any(),
            Some(Ok(all)) if all.items.is_empty() => view! { <p>{i18n.t("notifications.none")}</p> }.into_any(),
            Some(Ok(all)) => view! {
                <ul class="session-list">
                    {all.items.into_iter().map(|item| view! { <NotificationItem item notice/> }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

#[component]
fn NotificationItem(item: Notification, notice: RwSignal<Option<&'static str>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let error = RwSignal::new(None::<&'static str>);
    let answer = session.action(
        |api, (contact_id, accept): (uuid::Uuid, bool)| async move {
            api.answer_invitation(contact_id, accept)
                .await
                .map(|()| accept)
        },
        move |result| match result {
            Ok(accepted) => {
                notice.set(Some(if accepted {
                    "notifications.accepted"
                } else {
                    "notifications.declined"
                }));
                session.reload_me();
                session.notifications_changed.update(|count| *count += 1);
            }
            Err(failure) => error.set(Some(failure.message_key())),
        },
    );
    let id = item.id;
    let unread_at_start = !item.read;
    let mark = session.action(
        move |api, _: ()| async move { api.mark_read(id).await },
        move |result| {
            if result.is_ok() {
                session.notifications_changed.update(|count| *count += 1);
            }
        },
    );
    let kind = item.kind;
    let text = {
        let from = item.from_name.clone().unwrap_or_default();
        let client = item.client_name.clone().unwrap_or_default();
        move || match kind {
            NotificationKind::Invitation => i18n.t_args(
                "notifications.invitation",
                &[("from", &from), ("client", &client)],
            ),
            NotificationKind::CarePlan => {
                i18n.t_args("notifications.care_plan", &[("client", &client)])
            }
            NotificationKind::PinboardPost => {
                i18n.t_args("notifications.pinboard_post", &[("client", &client)])
            }
            NotificationKind::Message => {
                i18n.t_args("notifications.message", &[("client", &client)])
            }
            NotificationKind::MessageOverdue => {
                i18n.t_args("notifications.message_overdue", &[("client", &client)])
            }
        }
    };
    let from_line = (kind == NotificationKind::PinboardPost)
        .then(|| item.from_name.clone())
        .flatten();
    // A new care plan links to *Plannen* of that client, a new post to its *Prikbord*, a
    // message to its conversation (and opening it counts as read).
    let target = match kind {
        NotificationKind::CarePlan => {
            Some(("/dossier/plannen".to_owned(), "notifications.open_plan"))
        }
        NotificationKind::PinboardPost => Some((
            "/gegevens/prikbord".to_owned(),
            "notifications.open_pinboard",
        )),
        // `entry_id` is the conversation.
        NotificationKind::Message | NotificationKind::MessageOverdue => Some((
            item.entry_id
                .map_or_else(|| "/berichten".to_owned(), |id| format!("/berichten/{id}")),
            "notifications.open_messages",
        )),
        NotificationKind::Invitation => None,
    }
    .zip(item.client_id);
    let label = target.as_ref().map(|((_, label), _)| *label);
    let navigate = use_navigate();
    let open_target = move |_| {
        if let Some(((path, _), client_id)) = &target {
            session.current_client.set(Some(*client_id));
            if unread_at_start {
                mark.dispatch_local(());
            }
            navigate(path, Default::default());
        }
    };
    let pending = item
        .invitation
        .as_ref()
        .filter(|invitation| invitation.state == InvitationState::Pending)
        .map(|invitation| invitation.contact_id);
    let unread = !item.read;
    view! {
        <li class="session-item notification" class:notification-unread=unread>
            <div>
                {unread.then(|| view! { <span class="badge">{i18n.tr("notifications.new")}</span> " " })}
                <strong>{text}</strong>
                {from_line.map(|name| view! { <p class="hint">{move || i18n.t_with("notifications.from", &name)}</p> })}
                <p class="hint">{move || date_time(i18n.language.get(), item.created_at)}</p>
                <p class="form-error" role="alert">{move || error.get().map(|key| i18n.t(key))}</p>
            </div>
            <div class="form-actions">
                {match pending {
                    Some(contact_id) => view! {
                        <button type="button" class="button-primary" disabled=move || answer.pending().get()
                            on:click=move |_| { answer.dispatch_local((contact_id, true)); }>
                            {i18n.tr("notifications.accept")}
                        </button>
                        <button type="button" class="button-secondary" disabled=move || answer.pending().get()
                            on:click=move |_| { answer.dispatch_local((contact_id, false)); }>
                            {i18n.tr("notifications.decline")}
                        </button>
                    }.into_any(),
                    None => view! {
                        {label.map(|label| view! {
                            <button type="button" class="button-primary" on:click=open_target.clone()>
                                {i18n.tr(label)}
                            </button>
                        })}
                        {unread.then(|| view! {
                            <button type="button" class="button-secondary" on:click=move |_| { mark.dispatch_local(()); }>
                                {i18n.tr("notifications.mark_read")}
                            </button>
                        })}
                    }.into_any(),
                }}
            </div>
        </li>
    }
}
