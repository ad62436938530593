//! The care worker's answer under a conversation: text and attachments (photos or PDFs, each
//! uploaded as soon as it is chosen, then sent by id). The answer goes to everyone in the
//! conversation under the care worker's name. The text survives an idle logout.

use std::{cell::RefCell, collections::HashMap};

use kring_shared::messages::{AnswerInput, Attachment, MAX_TEXT, Message};
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    api::ApiFailure,
    components::attachments::{AttachmentPicker, attachments_error_key},
    i18n::use_i18n,
    session::use_session,
};

/// The draft's key for a conversation (see `Session::draft_field`, whose keys live as long as
/// the page): one small string per conversation opened in this tab, made once.
fn draft_key(conversation: Uuid) -> &'static str {
    thread_local! {
        static KEYS: RefCell<HashMap<Uuid, &'static str>> = RefCell::new(HashMap::new());
    }
    KEYS.with(|keys| {
        *keys
            .borrow_mut()
            .entry(conversation)
            .or_insert_with(|| Box::leak(format!("care-reply-{conversation}").into_boxed_str()))
    })
}

/// The catalog key for an answer the server refused, and whether it is about the
/// attachments (shown by the attachment field) rather than the text or the answer as a whole.
fn reply_error(failure: &ApiFailure) -> (bool, &'static str) {
    for (field, code) in failure.field_errors() {
        match (field.as_str(), code.as_str()) {
            ("text", "too_long") => return (false, "care.error.text_too_long"),
            ("text", _) => return (false, "care.error.text_required"),
            ("attachments", code) => return (true, attachments_error_key(code)),
            _ => {}
        }
    }
    (false, failure.message_key())
}

#[component]
pub(super) fn ReplyForm(
    client_id: Uuid,
    conversation_id: Uuid,
    on_sent: Callback<Message>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let draft = draft_key(conversation_id);
    let saved = RwSignal::new(String::new());
    let text = session.draft_field(Some(client_id), draft, saved);
    let attachments = RwSignal::new(Vec::<Attachment>::new());
    // Files chosen and not yet stored.
    let uploading = RwSignal::new(0usize);
    let error = RwSignal::new(None::<&'static str>);
    // The server's word on the attachments as a whole.
    let attachments_error = RwSignal::new(None::<&'static str>);
    let status = RwSignal::new(None::<&'static str>);

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
                error.try_set(None);
                attachments_error.try_set(None);
                status.try_set(Some("care.reply.sent"));
                let _ = on_sent.try_run(message);
            }
            Err(failure) => match reply_error(&failure) {
                (true, key) => {
                    attachments_error.try_set(Some(key));
                }
                (false, key) => {
                    error.try_set(Some(key));
                }
            },
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        status.set(None);
        if uploading.get_untracked() > 0 || send.pending().get_untracked() {
            return;
        }
        let typed = text.get_untracked().trim().to_owned();
        if typed.is_empty() {
            error.set(Some("care.error.text_required"));
            return;
        }
        if typed.chars().count() > MAX_TEXT {
            error.set(Some("care.error.text_too_long"));
            return;
        }
        error.set(None);
        attachments_error.set(None);
        send.dispatch_local(AnswerInput {
            text: typed,
            attachments: attachments
                .with_untracked(|list| list.iter().map(|attachment| attachment.id).collect()),
        });
    };

    view! {
        <section class="composer care-reply" aria-labelledby="care-reply-title">
            <h2 id="care-reply-title">{i18n.tr("care.reply.title")}</h2>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="care-reply-text">{i18n.tr("care.reply.label")}</label>
                    <p class="hint" id="care-reply-hint">{i18n.tr("care.reply.hint")}</p>
                    <textarea id="care-reply-text" rows="5" maxlength=MAX_TEXT.to_string()
                        aria-describedby="care-reply-hint care-reply-error"
                        aria-invalid=move || error.get().is_some().then_some("true")
                        prop:value=move || text.get()
                        on:input=move |event| text.set(event_target_value(&event))></textarea>
                </div>
                <AttachmentPicker client_id id="care-reply-files" attachments uploading error=attachments_error/>
                <p id="care-reply-error" class="form-error" role="alert">{move || error.get().map(|key| i18n.t(key))}</p>
                <p class="notice" role="status">{move || status.get().map(|key| i18n.t(key))}</p>
                <div class="form-actions">
                    <button type="submit" class="button-primary"
                        disabled={move || uploading.get() > 0 || send.pending().get()}>
                        {move || i18n.t(if send.pending().get() { "messages.sending" } else { "messages.send" })}
                    </button>
                </div>
            </form>
        </section>
    }
}
