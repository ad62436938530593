//! One conversation for a care worker: its messages oldest first (who wrote, as what, when,
//! the text, attachments, and which care workers read it), the answer form and *Archiveren*.
//! Opening it marks it read; it follows the client's `messages` events live.

use kring_shared::{
    ErrorCode, Problem,
    messages::{Conversation, ConversationSummary, Message},
};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use uuid::Uuid;

use super::{CareFailure, person_name, person_role, reply::ReplyForm};
use crate::{
    api::ApiFailure,
    components::{
        attachments::{Enlarged, SentAttachments, photo_viewer},
        date_time,
        live::use_live,
    },
    i18n::use_i18n,
    session::use_session,
};

/// Messages shown before the latest page (loaded with "Eerdere berichten") after a fresh
/// latest page: those of the previous latest page that fell out of it are kept, so nothing in
/// between goes missing; none twice, oldest first.
fn merge_earlier(earlier: &[Message], previous: &[Message], latest: &[Message]) -> Vec<Message> {
    let mut kept: Vec<Message> = earlier
        .iter()
        .chain(previous)
        .filter(|message| !latest.iter().any(|fresh| fresh.id == message.id))
        .cloned()
        .collect();
    kept.sort_by_key(|message| (message.sent_at, message.id));
    kept.dedup_by_key(|message| message.id);
    kept
}

#[component]
pub(super) fn ConversationView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    // Built again when the address names another conversation.
    move || {
        let ids = params.with(|params| {
            let id = |name: &str| params.get(name).and_then(|id| id.parse::<Uuid>().ok());
            id("client_id").zip(id("id"))
        });
        let from_team = query.with(|query| query.get("van").as_deref() == Some("team"));
        let back = if from_team { "/zorg/team" } else { "/zorg" };
        match ids {
            Some((client_id, conversation_id)) => {
                view! { <ConversationLoaded client_id conversation_id back/> }.into_any()
            }
            None => {
                let failure = ApiFailure::Problem(Problem::new(ErrorCode::NotFound, None));
                view! {
                    <BackLink back/>
                    <CareFailure failure retry=|| ()/>
                }
                .into_any()
            }
        }
    }
}

#[component]
fn BackLink(back: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="breadcrumb"><a href=back>{i18n.tr("care.conversation.back")}</a></p>
    }
}

#[component]
fn ConversationLoaded(client_id: Uuid, conversation_id: Uuid, back: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let version = use_live(client_id, &["messages"]);
    // The latest page as last loaded, and the earlier messages shown before it.
    let current = RwSignal::new(None::<Conversation>);
    let earlier = RwSignal::new(Vec::<Message>::new());
    let earlier_cursor = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<ApiFailure>);
    let announce = RwSignal::new(None::<&'static str>);

    let latest = LocalResource::new(move || {
        version.track();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.conversation(client_id, conversation_id, None).await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    Effect::new(move || {
        let Some(result) = latest.get() else {
            return;
        };
        match result {
            Ok(fresh) => {
                let previous = current
                    .with_untracked(|shown| shown.as_ref().map(|shown| shown.messages.clone()))
                    .unwrap_or_default();
                let news = fresh.messages.iter().any(|message| {
                    !message.mine && !previous.iter().any(|old| old.id == message.id)
                });
                let first = current.with_untracked(Option::is_none);
                let kept = merge_earlier(&earlier.get_untracked(), &previous, &fresh.messages);
                // Until earlier messages are shown, "Eerdere berichten" starts before this page.
                if kept.is_empty() {
                    earlier_cursor.set(fresh.earlier_cursor.clone());
                }
                earlier.set(kept);
                if news && !first {
                    announce.set(Some("care.conversation.new_message"));
                }
                current.set(Some(fresh));
                failure.set(None);
            }
            Err(error) => failure.set(Some(error)),
        }
    });
    let load_earlier = session.action(
        move |api, cursor: String| async move {
            api.conversation(client_id, conversation_id, Some(&cursor))
                .await
        },
        move |result| match result {
            Ok(page) => {
                earlier.try_update(|shown| {
                    *shown = merge_earlier(&page.messages, shown, &[]);
                });
                earlier_cursor.try_set(page.earlier_cursor);
            }
            Err(error) => {
                failure.try_set(Some(error));
            }
        },
    );
    let on_sent = Callback::new(move |message: Message| {
        current.update(|shown| {
            if let Some(shown) = shown
                && !shown.messages.iter().any(|each| each.id == message.id)
            {
                shown.messages.push(message);
            }
        });
    });

    // A photo opens large in a dialog.
    let (on_enlarge, photo_dialog) = photo_viewer();

    let summary =
        Memo::new(move |_| current.with(|shown| shown.as_ref().map(|shown| shown.summary.clone())));
    let messages = move || {
        let mut all = earlier.get();
        current.with(|shown| {
            if let Some(shown) = shown {
                all.extend(shown.messages.iter().cloned());
            }
        });
        all
    };
    // A memo: the form is built again only when the right to answer changes, not with every
    // new message (which would lose what is being written and the "sent" notice).
    let may_reply =
        Memo::new(move |_| current.with(|shown| shown.as_ref().map(|shown| shown.may_reply)));

    view! {
        <BackLink back/>
        {move || failure.get().map(|failure| view! { <CareFailure failure retry=move || latest.refetch()/> })}
        {move || match summary.get() {
            None => failure
                .with(Option::is_none)
                .then(|| view! { <p class="loading">{i18n.t("start.loading")}</p> })
                .into_any(),
            Some(summary) => view! { <ConversationHeading summary/> }.into_any(),
        }}
        <p role="status" class:notice=move || announce.get().is_some()>{move || announce.get().map(|key| i18n.t(key))}</p>
        {move || summary.with(Option::is_some).then(|| view! {
            <section aria-labelledby="care-messages-title">
                <h2 id="care-messages-title" class="visually-hidden">{i18n.tr("care.conversation.messages")}</h2>
                {move || earlier_cursor.get().map(|cursor| view! {
                    <p>
                        <button type="button" class="button-secondary"
                            disabled=move || load_earlier.pending().get()
                            on:click=move |_| { load_earlier.dispatch_local(cursor.clone()); }>
                            {i18n.tr("care.conversation.earlier")}
                        </button>
                    </p>
                })}
                <ol class="message-list">
                    <For each=messages key=|message| (message.id, message.read_by.len(), message.overdue) let:message>
                        <li><MessageCard message on_enlarge/></li>
                    </For>
                </ol>
            </section>
        })}
        {move || may_reply.get().map(|may_reply| if may_reply {
            view! { <ReplyForm client_id conversation_id on_sent/> }.into_any()
        } else {
            view! { <p class="notice">{i18n.t("care.reply.not_allowed")}</p> }.into_any()
        })}
        {move || summary.get().map(|summary| view! { <ArchiveButton summary current back/> })}
        {photo_dialog}
    }
}

/// The subject as the page's heading; about which client, and who takes part.
#[component]
fn ConversationHeading(summary: ConversationSummary) -> impl IntoView {
    let i18n = use_i18n();
    let client = summary.client_name.clone();
    let people = summary
        .people
        .iter()
        .map(person_name)
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <h1>{summary.subject.clone()}</h1>
        <p class="conversation-about">
            <strong>{move || i18n.t_with("care.conversation.about", &client)}</strong>
        </p>
        <p class="conversation-people">
            {(!people.is_empty()).then(|| view! { <span>{move || i18n.t_with("care.with", &people)}</span> })}
            {summary.care_team.then(|| view! { " " <span class="tag">{i18n.tr("care.to_team")}</span> })}
        </p>
        {summary.overdue.then(|| view! { <p><span class="overdue">{i18n.tr("care.overdue")}</span></p> })}
    }
}

/// One message: who wrote it (and as what), when, the text with its line breaks, the
/// attachments, and which care workers read it.
#[component]
fn MessageCard(message: Message, on_enlarge: Callback<Enlarged>) -> impl IntoView {
    let i18n = use_i18n();
    let author = person_name(&message.author);
    let role = person_role(&message.author);
    let from_care = message.author.care_role.is_some();
    let sent = message.sent_at;
    let heading_id = format!("message-{}", message.id);
    let labelled_by = heading_id.clone();
    let class = match (message.mine, from_care) {
        (true, _) => "message message-mine",
        (false, true) => "message message-care",
        (false, false) => "message",
    };
    let read_by = (!message.read_by.is_empty()).then(|| {
        view! {
            <ul class="message-read">
                {message.read_by.iter().map(|receipt| {
                    let (name, at) = (person_name(&receipt.reader), receipt.read_at);
                    view! {
                        <li>
                            {move || i18n.t_args("care.message.read_by", &[("name", &name), ("date", &date_time(i18n.language.get(), at))])}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    });
    view! {
        <article class=class aria-labelledby=labelled_by>
            <h3 id=heading_id class="message-author">
                {author.clone()}
                {message.mine.then(|| view! { " " <span class="tag">{i18n.tr("care.message.you")}</span> })}
            </h3>
            <p class="post-meta">
                {role.map(|key| view! { <span>{i18n.tr(key)}</span> " · " })}
                <time datetime=sent.to_rfc3339()>{move || date_time(i18n.language.get(), sent)}</time>
                {message.via_ecd.then(|| view! { " · " <span>{i18n.tr("care.message.via_ecd")}</span> })}
            </p>
            <p class="post-text">{message.text.clone()}</p>
            <SentAttachments attachments=message.attachments.clone() author=author.clone() on_enlarge/>
            {message.overdue.then(|| view! { <p><span class="overdue">{i18n.tr("care.overdue")}</span></p> })}
            {read_by}
        </article>
    }
}

/// *Archiveren*: out of the care worker's inbox until a new message comes (then back to the
/// inbox); an archived conversation can be taken out of the archive again.
#[component]
fn ArchiveButton(
    summary: ConversationSummary,
    current: RwSignal<Option<Conversation>>,
    back: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let (client_id, id, archived) = (summary.client_id, summary.id, summary.archived);
    let error = RwSignal::new(None::<&'static str>);
    let status = RwSignal::new(None::<&'static str>);
    let archive = session.action(
        move |api, archive: bool| async move {
            api.archive_conversation(client_id, id, archive)
                .await
                .map(|()| archive)
        },
        move |result| match result {
            Ok(true) => navigate(back, Default::default()),
            Ok(false) => {
                current.try_update(|shown| {
                    if let Some(shown) = shown {
                        shown.summary.archived = false;
                    }
                });
                status.try_set(Some("care.unarchived"));
            }
            Err(failure) => {
                error.try_set(Some(failure.message_key()));
            }
        },
    );
    view! {
        <section class="care-archive" aria-label=i18n.tr("care.archive")>
            <p class="hint" id="care-archive-hint">{i18n.tr("care.archive_hint")}</p>
            <button type="button" class="button-secondary" aria-describedby="care-archive-hint"
                disabled=move || archive.pending().get()
                on:click=move |_| { archive.dispatch_local(!archived); }>
                {i18n.tr(if archived { "care.unarchive" } else { "care.archive" })}
            </button>
            <p class="form-error" role="alert">{move || error.get().map(|key| i18n.t(key))}</p>
            <p class="notice" role="status">{move || status.get().map(|key| i18n.t(key))}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::merge_earlier;
    use chrono::{TimeZone, Utc};
    use kring_shared::messages::{Message, Person};
    use uuid::Uuid;

    fn message(minute: u32) -> Message {
        Message {
            id: Uuid::from_u128(u128::from(minute)),
            author: Person {
                user_id: Uuid::nil(),
                first_name: "An".into(),
                last_name: "Bos".into(),
                relationship: None,
                care_role: None,
            },
            sent_at: Utc.with_ymd_and_hms(2026, 12, 1, 10, minute, 0).unwrap(),
            text: "Hallo".into(),
            attachments: Vec::new(),
            mine: false,
            via_ecd: false,
            read_by: Vec::new(),
            overdue: false,
        }
    }

    #[test]
    fn a_message_that_falls_out_of_the_latest_page_stays_shown() {
        let (a, b, c, d) = (message(1), message(2), message(3), message(4));
        // Shown: a (earlier), b and c (latest). Now the latest page is c and d.
        let kept = merge_earlier(std::slice::from_ref(&a), &[b.clone(), c.clone()], &[c, d]);
        let ids: Vec<_> = kept.iter().map(|each| each.id).collect();
        assert_eq!(ids, vec![a.id, b.id]);
    }
}
