//! One conversation: its messages oldest first (earlier ones on request), each with who wrote
//! it and when, its attachments, whether the care team read it, and a calm warning when care
//! has not read it in time; below them the answer form. Opening it marks it read; the open
//! conversation follows new messages live.

use std::{cell::RefCell, collections::HashMap};

use kring_shared::messages::{AnswerInput, Attachment, Conversation, MAX_TEXT, Message};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use super::{
    CareNotice, LIVE, NoAccess, error_of, focus_id, is_denied, people_line, person_name,
    person_role, read_line, send_errors, unread_changed, viewer_id,
};
use crate::{
    api::ApiFailure,
    components::{
        attachments::{AttachmentPicker, Enlarged, SentAttachments, photo_viewer},
        date_time,
        failure::LoadFailure,
        live::use_live,
        shell::Shell,
    },
    i18n::use_i18n,
    session::use_session,
};

/// `/berichten/{id}`.
#[component]
pub fn ConversationPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    // Another conversation at the same address pattern is another page.
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<Uuid>().ok())
    });
    view! {
        <Shell title="messages.conversation" protected=true>
            <div class="page-text messages">
                <p class="breadcrumb"><a href="/berichten">{i18n.tr("messages.back")}</a></p>
                {super::messages_gate(move |membership| {
                    let client_id = membership.client.id;
                    move || match id.get() {
                        Some(id) => view! { <ConversationView client_id id/> }.into_any(),
                        None => view! {
                            <h1>{i18n.tr("messages.conversation")}</h1>
                            <p class="form-error" role="alert">{i18n.tr("error.not_found")}</p>
                        }
                        .into_any(),
                    }
                })}
            </div>
        </Shell>
    }
}

/// Puts `fresh` messages among those shown: a message with the same id is replaced (its read
/// receipts may be new), the rest keep their place, all oldest first.
fn merge(shown: &mut Vec<Message>, fresh: Vec<Message>) {
    shown.retain(|old| !fresh.iter().any(|new| new.id == old.id));
    shown.extend(fresh);
    shown.sort_by_key(|message| message.sent_at);
}

#[component]
fn ConversationView(client_id: Uuid, id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let version = use_live(client_id, LIVE);
    // The conversation without its messages, which live in `messages`.
    let conversation = RwSignal::new(None::<Conversation>);
    let messages = RwSignal::new(Vec::<Message>::new());
    let earlier = RwSignal::new(None::<String>);
    // Earlier messages were fetched: a live reload keeps them and their cursor.
    let paged = StoredValue::new(false);
    let failure = RwSignal::new(None::<ApiFailure>);
    let announce = RwSignal::new(None::<&'static str>);
    let viewer = viewer_id();

    let latest = LocalResource::new(move || {
        version.track();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.conversation(client_id, id, None).await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    Effect::new(move || {
        let Some(result) = latest.get() else { return };
        match result {
            Ok(mut fresh) => {
                let page = std::mem::take(&mut fresh.messages);
                messages.update(|shown| merge(shown, page));
                if !paged.get_value() {
                    earlier.set(fresh.earlier_cursor.clone());
                }
                conversation.set(Some(fresh));
                failure.set(None);
                // Opening it marked it read.
                unread_changed(session);
            }
            Err(error) => failure.set(Some(error)),
        }
    });
    let load_earlier =
        session.action(
            move |api, cursor: String| async move {
                api.conversation(client_id, id, Some(&cursor)).await
            },
            move |result| match result {
                Ok(page) => {
                    messages.try_update(|shown| merge(shown, page.messages));
                    earlier.try_set(page.earlier_cursor);
                    paged.try_update_value(|paged| *paged = true);
                }
                Err(error) => {
                    failure.try_set(Some(error));
                }
            },
        );
    let archive = session.action(
        move |api, archive: bool| async move {
            api.archive_conversation(client_id, id, archive)
                .await
                .map(|()| archive)
        },
        move |result| match result {
            Ok(archived) => {
                conversation.try_update(|shown| {
                    if let Some(shown) = shown {
                        shown.summary.archived = archived;
                    }
                });
                announce.try_set(Some(if archived {
                    "messages.archived"
                } else {
                    "messages.unarchived"
                }));
            }
            Err(error) => {
                announce.try_set(Some(error.message_key()));
            }
        },
    );
    let on_sent = Callback::new(move |message: Message| {
        messages.update(|shown| merge(shown, vec![message]));
        // An answer brings an archived conversation back to the inbox.
        conversation.update(|shown| {
            if let Some(shown) = shown {
                shown.summary.archived = false;
            }
        });
        announce.set(Some("messages.replied"));
    });

    // A photo opens large in a dialog.
    let (on_enlarge, photo_dialog) = photo_viewer();

    let subject = move || {
        conversation.with(|shown| shown.as_ref().map(|shown| shown.summary.subject.clone()))
    };
    // The parts that stay put while messages come and go: who is in it, and the answer form.
    let people = Memo::new(move |_| {
        conversation.with(|shown| {
            shown
                .as_ref()
                .map(|shown| (shown.summary.people.clone(), shown.summary.care_team))
        })
    });
    let reply = Memo::new(move |_| {
        conversation.with(|shown| {
            shown
                .as_ref()
                .map(|shown| (shown.may_reply, shown.reply_days, shown.summary.with_care))
        })
    });
    let archived = Memo::new(move |_| {
        conversation.with(|shown| shown.as_ref().is_some_and(|shown| shown.summary.archived))
    });
    let denied = Memo::new(move |_| failure.with(|error| error.as_ref().is_some_and(is_denied)));
    view! {
        <h1>{move || subject().unwrap_or_else(|| i18n.t("messages.conversation").to_owned())}</h1>
        {move || denied.get().then(|| view! { <NoAccess/> })}
        {move || failure.get().filter(|error| !is_denied(error)).map(|failure| view! {
            <LoadFailure failure retry=move |_| latest.refetch()/>
        })}
        {move || (conversation.with(Option::is_none) && failure.with(Option::is_none))
            .then(|| view! { <p class="loading">{i18n.t("start.loading")}</p> })}
        {move || people.get().map(|(people, care_team)| view! {
            <p class="thread-people">{move || people_line(i18n, &people, care_team, viewer)}</p>
            <div class="form-actions thread-actions">
                <button type="button" class="button-secondary"
                    on:click=move |_| {
                        if !archive.pending().get_untracked() {
                            archive.dispatch_local(!archived.get_untracked());
                        }
                    }>
                    {move || i18n.t(if archived.get() { "messages.unarchive" } else { "messages.archive_one" })}
                </button>
            </div>
        })}
        <p role="status" class:notice=move || announce.get().is_some()>{move || announce.get().map(|key| i18n.t(key))}</p>
        {move || earlier.get().map(|cursor| view! {
            <p>
                <button type="button" class="button-secondary"
                    disabled=move || load_earlier.pending().get()
                    on:click=move |_| { load_earlier.dispatch_local(cursor.clone()); }>
                    {i18n.tr("messages.earlier")}
                </button>
            </p>
        })}
        <ol class="thread-messages">
            <For
                each=move || messages.get()
                key=|message| (message.id, message.read_by.len(), message.overdue)
                let:message
            >
                <MessageItem message on_enlarge/>
            </For>
        </ol>
        {move || reply.get().map(|(may_reply, reply_days, with_care)| if may_reply {
            view! { <ReplyForm client_id conversation_id=id reply_days with_care on_sent/> }.into_any()
        } else {
            view! { <p class="notice">{i18n.tr("messages.may_not_reply")}</p> }.into_any()
        })}
        {photo_dialog}
    }
}

/// One message: who wrote it (and how they belong), when, whether it came through the ECD,
/// the text with its line breaks, the attachments, who in the care team read it, and a calm
/// warning when care has not read it in time.
#[component]
fn MessageItem(message: Message, on_enlarge: Callback<Enlarged>) -> impl IntoView {
    let i18n = use_i18n();
    let author = person_name(&message.author);
    let role = person_role(&message.author);
    let sent = message.sent_at;
    let heading_id = format!("message-{}", message.id);
    let labelled_by = heading_id.clone();
    let receipts = message.read_by;
    view! {
        <li>
            <article class="thread-message" class:thread-message-mine=message.mine aria-labelledby=labelled_by>
                <h2 id=heading_id class="thread-author">{author.clone()}</h2>
                <p class="post-meta">
                    {role.map(|key| view! { <span>{i18n.tr(key)}</span> " · " })}
                    <time datetime=sent.to_rfc3339()>{move || date_time(i18n.language.get(), sent)}</time>
                    {message.via_ecd.then(|| view! { " " <span class="tag">{i18n.tr("messages.via_ecd")}</span> })}
                </p>
                <p class="post-text">{message.text}</p>
                <SentAttachments attachments=message.attachments author on_enlarge/>
                {receipts.into_iter().map(|receipt| view! {
                    <p class="thread-read">{move || read_line(i18n, &receipt.reader, receipt.read_at)}</p>
                }).collect_view()}
                {message.overdue.then(|| view! { <p class="notice-warning">{i18n.tr("messages.overdue")}</p> })}
            </article>
        </li>
    }
}

thread_local! {
    /// The draft key of each conversation's answer, made once per conversation: drafts are
    /// keyed by `&'static str`, and an answer belongs to its own conversation only.
    static REPLY_DRAFTS: RefCell<HashMap<Uuid, &'static str>> = RefCell::new(HashMap::new());
}

/// The draft key of the answer in `conversation` (see `Session::draft_field`).
fn reply_draft(conversation: Uuid) -> &'static str {
    REPLY_DRAFTS.with(|keys| {
        *keys.borrow_mut().entry(conversation).or_insert_with(|| {
            // A few dozen bytes per conversation answered, for the rest of the visit.
            Box::leak(format!("messages-reply-{conversation}").into_boxed_str())
        })
    })
}

/// The answer to everyone in the conversation: text and attachments; the text survives an idle
/// logout.
#[component]
fn ReplyForm(
    client_id: Uuid,
    conversation_id: Uuid,
    reply_days: u16,
    with_care: bool,
    on_sent: Callback<Message>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let draft = reply_draft(conversation_id);
    let nothing_saved = RwSignal::new(String::new());
    let text = session.draft_field(Some(client_id), draft, nothing_saved);
    let attachments = RwSignal::new(Vec::<Attachment>::new());
    let uploading = RwSignal::new(0usize);
    let errors = RwSignal::new(Vec::<(&'static str, &'static str)>::new());
    let send = session.action(
        move |api, input: AnswerInput| async move {
            api.reply_to_conversation(client_id, conversation_id, &input)
                .await
        },
        move |result| match result {
            Ok(message) => {
                session.clear_draft(Some(client_id), draft);
                text.try_set(String::new());
                attachments.try_set(Vec::new());
                errors.try_set(Vec::new());
                let _ = on_sent.try_run(message);
            }
            Err(failure) => {
                errors.try_set(send_errors(&failure));
            }
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if uploading.get_untracked() > 0 || send.pending().get_untracked() {
            return;
        }
        let typed = text.get_untracked().trim().to_owned();
        let problem = if typed.is_empty() {
            Some("messages.error.text_required")
        } else if typed.chars().count() > MAX_TEXT {
            Some("messages.error.text_too_long")
        } else {
            None
        };
        if let Some(key) = problem {
            errors.set(vec![("text", key)]);
            focus_id("reply-text");
            return;
        }
        errors.set(Vec::new());
        send.dispatch_local(AnswerInput {
            text: typed,
            attachments: attachments
                .with_untracked(|list| list.iter().map(|file| file.id).collect()),
        });
    };
    let text_error = error_of(errors, "text");
    view! {
        <section class="composer reply-composer" aria-labelledby="reply-title">
            <h2 id="reply-title">{i18n.tr("messages.reply_title")}</h2>
            {with_care.then(|| view! { <CareNotice reply_days/> })}
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="reply-text">{i18n.tr("messages.reply_label")}</label>
                    <textarea id="reply-text" rows="5" maxlength=MAX_TEXT.to_string()
                        aria-describedby="reply-text-error"
                        aria-invalid=move || text_error.get().is_some().to_string()
                        prop:value=move || text.get()
                        on:input=move |event| text.set(event_target_value(&event))></textarea>
                    <p id="reply-text-error" class="field-error">{move || text_error.get().map(|key| i18n.t(key))}</p>
                </div>
                <AttachmentPicker client_id id="reply-files" attachments uploading error=error_of(errors, "attachments")/>
                <p class="form-error" role="alert">
                    {move || errors.with(|errors| errors.first().map(|(_, key)| i18n.t(key)))}
                </p>
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled={move || uploading.get() > 0 || send.pending().get()}>
                        {move || i18n.t(if send.pending().get() { "messages.sending" } else { "messages.send" })}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use kring_shared::messages::{Message, Person};
    use uuid::Uuid;

    use super::merge;

    fn message(id: u128, minute: u32, read: usize) -> Message {
        let person = Person {
            user_id: Uuid::from_u128(1),
            first_name: "Lotte".to_owned(),
            last_name: "de Jong".to_owned(),
            relationship: None,
            care_role: None,
        };
        Message {
            id: Uuid::from_u128(id),
            author: person.clone(),
            sent_at: Utc.with_ymd_and_hms(2026, 11, 30, 14, minute, 0).unwrap(),
            text: String::new(),
            attachments: Vec::new(),
            mine: false,
            via_ecd: false,
            read_by: (0..read)
                .map(|_| kring_shared::messages::ReadReceipt {
                    reader: person.clone(),
                    read_at: Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).unwrap(),
                })
                .collect(),
            overdue: false,
        }
    }

    #[test]
    fn a_reload_updates_messages_and_keeps_earlier_ones_in_order() {
        let mut shown = vec![message(1, 1, 0), message(2, 2, 0), message(3, 3, 0)];
        merge(&mut shown, vec![message(3, 3, 1), message(4, 4, 0)]);
        let ids: Vec<u128> = shown.iter().map(|shown| shown.id.as_u128()).collect();
        assert_eq!(ids, [1, 2, 3, 4]);
        assert_eq!(shown[2].read_by.len(), 1);
        merge(&mut shown, vec![message(0, 0, 0)]);
        assert_eq!(shown[0].id.as_u128(), 0);
    }
}
