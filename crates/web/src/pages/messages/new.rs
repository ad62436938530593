//! *Nieuw bericht*: to whom (people in the network with Berichten and, where allowed, the care
//! team as a whole or one care worker), a subject, the text and attachments. Before anything
//! goes to care the page says how soon the care team answers and that Berichten are not for
//! emergencies. Subject and text survive an idle logout; after sending, the conversation opens.

use kring_shared::{
    me::ClientMembership,
    messages::{Attachment, MAX_SUBJECT, MAX_TEXT, NewConversation, Recipient, RecipientOptions},
};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use super::{
    CareNotice, NoAccess, day_words, error_of, focus_id, is_denied, person_name, person_role,
    send_errors,
};
use crate::{
    components::{attachments::AttachmentPicker, failure::LoadFailure, shell::Shell},
    i18n::use_i18n,
    pages::agenda::today,
    session::use_session,
};

/// The drafts' keys (see `Session::draft_field`); also the fields' catalog keys.
const SUBJECT: &str = "messages.subject";
const TEXT: &str = "messages.text";

/// `/berichten/nieuw`.
#[component]
pub fn NewMessagePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Shell title="messages.new" protected=true>
            <div class="page-text messages">
                <p class="breadcrumb"><a href="/berichten">{i18n.tr("messages.back")}</a></p>
                {super::messages_gate(move |membership| view! { <NewMessage membership/> })}
            </div>
        </Shell>
    }
}

#[component]
fn NewMessage(membership: ClientMembership) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let client_id = membership.client.id;
    let options = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api.message_recipients(client_id).await,
                None => Err(crate::api::ApiFailure::Network),
            }
        }
    });
    view! {
        <h1>{i18n.tr("messages.new")}</h1>
        <Suspense fallback=move || view! { <p class="loading">{i18n.tr("start.loading")}</p> }>
            {move || options.get().map(|result| match result {
                Ok(options) if options.network.is_empty() && options.care.is_empty() && !options.care_allowed => view! {
                    <p class="notice">{i18n.tr("messages.nobody")}</p>
                }
                .into_any(),
                Ok(options) => view! { <NewMessageForm client_id options/> }.into_any(),
                Err(failure) if is_denied(&failure) => view! { <NoAccess/> }.into_any(),
                Err(failure) => view! { <LoadFailure failure retry=move |_| options.refetch()/> }.into_any(),
            })}
        </Suspense>
    }
}

/// The id of a recipient's checkbox.
fn checkbox_id(user_id: Uuid) -> String {
    format!("to-{user_id}")
}

#[component]
fn NewMessageForm(client_id: Uuid, options: RecipientOptions) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let nobody_saved = RwSignal::new(String::new());
    let subject = session.draft_field(Some(client_id), SUBJECT, nobody_saved);
    let text = session.draft_field(Some(client_id), TEXT, nobody_saved);
    let chosen = RwSignal::new(Vec::<Uuid>::new());
    let care_team = RwSignal::new(false);
    let attachments = RwSignal::new(Vec::<Attachment>::new());
    let uploading = RwSignal::new(0usize);
    let errors = RwSignal::new(Vec::<(&'static str, &'static str)>::new());
    let care_ids: Vec<Uuid> = options
        .care
        .iter()
        .map(|recipient| recipient.person.user_id)
        .collect();
    // Anything to care: the answer time and "not for emergencies" are shown before sending.
    let to_care = Memo::new(move |_| {
        care_team.get() || chosen.with(|chosen| chosen.iter().any(|id| care_ids.contains(id)))
    });
    let first_checkbox = options
        .network
        .first()
        .map(|recipient| checkbox_id(recipient.person.user_id))
        .unwrap_or_else(|| "to-care-team".to_owned());
    let reply_days = options.reply_days;

    let send = session.action(
        move |api, input: NewConversation| async move {
            api.start_conversation(client_id, &input).await
        },
        move |result| match result {
            Ok(conversation) => {
                session.clear_draft(Some(client_id), SUBJECT);
                session.clear_draft(Some(client_id), TEXT);
                attachments.try_set(Vec::new());
                navigate(
                    &format!("/berichten/{}", conversation.summary.id),
                    Default::default(),
                );
            }
            Err(failure) => {
                errors.try_set(send_errors(&failure));
            }
        },
    );
    let focus_first_error = move |field: &str| match field {
        "recipients" => focus_id(&first_checkbox),
        "subject" => focus_id("message-subject"),
        "text" => focus_id("message-text"),
        "attachments" => focus_id("message-files"),
        _ => {}
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if uploading.get_untracked() > 0 || send.pending().get_untracked() {
            return;
        }
        let people = chosen.get_untracked();
        let whole_team = care_team.get_untracked();
        let typed_subject = subject.get_untracked().trim().to_owned();
        let typed_text = text.get_untracked().trim().to_owned();
        let mut found = Vec::new();
        if people.is_empty() && !whole_team {
            found.push(("recipients", "messages.error.recipients_required"));
        }
        if typed_subject.is_empty() {
            found.push(("subject", "messages.error.subject_required"));
        } else if typed_subject.chars().count() > MAX_SUBJECT {
            found.push(("subject", "messages.error.subject_too_long"));
        }
        if typed_text.is_empty() {
            found.push(("text", "messages.error.text_required"));
        } else if typed_text.chars().count() > MAX_TEXT {
            found.push(("text", "messages.error.text_too_long"));
        }
        if let Some((field, _)) = found.first() {
            focus_first_error(field);
            errors.set(found);
            return;
        }
        errors.set(Vec::new());
        send.dispatch_local(NewConversation {
            people,
            care_team: whole_team,
            subject: typed_subject,
            text: typed_text,
            attachments: attachments
                .with_untracked(|list| list.iter().map(|file| file.id).collect()),
        });
    };

    let recipients_error = error_of(errors, "recipients");
    let subject_error = error_of(errors, "subject");
    let text_error = error_of(errors, "text");
    let network = options.network;
    let care = options.care;
    let care_allowed = options.care_allowed;
    view! {
        <form class="thread-form" on:submit=submit novalidate>
            <fieldset class="field recipients" aria-describedby="recipients-error">
                <legend>{i18n.tr("messages.to")}</legend>
                <fieldset class="recipient-group">
                    <legend>{i18n.tr("messages.to_network")}</legend>
                    {network.is_empty().then(|| view! { <p class="hint">{i18n.tr("messages.network_empty")}</p> })}
                    {network.into_iter().map(|recipient| view! { <RecipientBox recipient chosen/> }).collect_view()}
                </fieldset>
                {if care_allowed {
                    view! {
                        <fieldset class="recipient-group">
                            <legend>{i18n.tr("messages.to_care")}</legend>
                            <div class="checkbox">
                                <input type="checkbox" id="to-care-team" aria-describedby="to-care-team-hint"
                                    prop:checked=move || care_team.get()
                                    on:change=move |event| care_team.set(event_target_checked(&event))/>
                                <label for="to-care-team">{i18n.tr("messages.whole_care_team")}</label>
                            </div>
                            <p class="hint recipient-hint" id="to-care-team-hint">{i18n.tr("messages.whole_care_team_hint")}</p>
                            {care.into_iter().map(|recipient| view! { <RecipientBox recipient chosen/> }).collect_view()}
                        </fieldset>
                    }
                    .into_any()
                } else {
                    view! { <p class="hint">{i18n.tr("messages.care_not_here")}</p> }.into_any()
                }}
                <p id="recipients-error" class="field-error">{move || recipients_error.get().map(|key| i18n.t(key))}</p>
            </fieldset>
            <div aria-live="polite">
                {move || to_care.get().then(|| view! { <CareNotice reply_days/> })}
            </div>
            <div class="field">
                <label for="message-subject">{i18n.tr("messages.subject")}</label>
                <input id="message-subject" type="text" maxlength=MAX_SUBJECT.to_string()
                    aria-describedby="message-subject-error"
                    aria-invalid=move || subject_error.get().is_some().to_string()
                    prop:value=move || subject.get()
                    on:input=move |event| subject.set(event_target_value(&event))/>
                <p id="message-subject-error" class="field-error">{move || subject_error.get().map(|key| i18n.t(key))}</p>
            </div>
            <div class="field">
                <label for="message-text">{i18n.tr("messages.text")}</label>
                <textarea id="message-text" rows="8" maxlength=MAX_TEXT.to_string()
                    aria-describedby="message-text-error"
                    aria-invalid=move || text_error.get().is_some().to_string()
                    prop:value=move || text.get()
                    on:input=move |event| text.set(event_target_value(&event))></textarea>
                <p id="message-text-error" class="field-error">{move || text_error.get().map(|key| i18n.t(key))}</p>
            </div>
            <AttachmentPicker client_id id="message-files" attachments uploading error=error_of(errors, "attachments")/>
            <p class="form-error" role="alert">
                {move || errors.with(|errors| errors.first().map(|(_, key)| i18n.t(key)))}
            </p>
            <div class="form-actions">
                <button type="submit" class="button-primary" disabled={move || uploading.get() > 0 || send.pending().get()}>
                    {move || i18n.t(if send.pending().get() { "messages.sending" } else { "messages.send" })}
                </button>
            </div>
        </form>
    }
}

/// A checkbox for one person: their name and how they belong; for an absent care worker,
/// right there, until when and that the message also goes to the team.
#[component]
fn RecipientBox(recipient: Recipient, chosen: RwSignal<Vec<Uuid>>) -> impl IntoView {
    let i18n = use_i18n();
    let person = recipient.person;
    let user_id = person.user_id;
    let id = checkbox_id(user_id);
    let label_for = id.clone();
    let absence_id = format!("{id}-absence");
    let described = recipient.absence.is_some().then(|| absence_id.clone());
    let name = person_name(&person);
    let role = person_role(&person);
    let first_name = person.first_name;
    let absence = recipient.absence.map(|absence| {
        let note = absence.note.clone().filter(|note| !note.trim().is_empty());
        let text = move || {
            let language = i18n.language.get();
            let until = day_words(language, absence.until);
            if absence.from > today() {
                i18n.t_args(
                    "messages.absent_from",
                    &[
                        ("name", &first_name),
                        ("from", &day_words(language, absence.from)),
                        ("until", &until),
                    ],
                )
            } else {
                i18n.t_args(
                    "messages.absent_until",
                    &[("name", &first_name), ("until", &until)],
                )
            }
        };
        view! {
            <div class="recipient-absence" id=absence_id>
                <p>{text}</p>
                {note.map(|note| view! { <p class="hint">{note}</p> })}
            </div>
        }
    });
    view! {
        <div class="checkbox">
            <input type="checkbox" id=id aria-describedby=described
                prop:checked=move || chosen.with(|chosen| chosen.contains(&user_id))
                on:change=move |event| {
                    let on = event_target_checked(&event);
                    chosen.update(|chosen| {
                        chosen.retain(|id| *id != user_id);
                        if on {
                            chosen.push(user_id);
                        }
                    });
                }/>
            <label for=label_for>
                {name}
                {role.map(|key| view! { <span class="muted">{move || format!(" ({})", i18n.t(key))}</span> })}
            </label>
        </div>
        {absence}
    }
}
