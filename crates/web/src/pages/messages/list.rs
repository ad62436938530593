//! The chosen client's conversations, newest first: the inbox or the archive (each its own
//! address), searchable by subject and text, a page at a time. The open list follows new
//! messages live; reading it also refreshes the unread count in the info bar.

use kring_shared::{me::ClientMembership, messages::ConversationSummary};
use leptos::prelude::*;
use uuid::Uuid;

use super::{LIVE, NoAccess, is_denied, people_line, short_moment, unread_changed, viewer_id};
use crate::{
    api::ApiFailure,
    components::{failure::LoadFailure, live::use_live, shell::Shell, tabs::TabNav},
    i18n::use_i18n,
    session::use_session,
};

/// `/berichten` (the inbox) and `/berichten/archief`.
#[component]
pub fn MessagesPage(#[prop(optional)] archived: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Shell title="messages.title" protected=true>
            <div class="page-text page-wide messages">
                <p class="breadcrumb"><a href="/start">{i18n.tr("dossier.back_start")}</a></p>
                {super::messages_gate(move |membership| view! { <ConversationList membership archived/> })}
            </div>
        </Shell>
    }
}

/// Puts a fresh first page (after a live change) in front of what is shown: it replaces the
/// conversations it holds, and those loaded further down stay below it.
fn merge_first(shown: &mut Vec<ConversationSummary>, first: Vec<ConversationSummary>) {
    let oldest = first.last().map(|summary| summary.last_message_at);
    let rest: Vec<_> = shown
        .drain(..)
        .filter(|old| {
            !first.iter().any(|new| new.id == old.id)
                && oldest.is_some_and(|oldest| old.last_message_at <= oldest)
        })
        .collect();
    shown.extend(first);
    shown.extend(rest);
}

#[component]
fn ConversationList(membership: ClientMembership, archived: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let client_id = membership.client.id;
    let several_clients = session
        .data
        .with_untracked(|data| data.as_ref().map(|data| data.me.clients.len() > 1))
        .unwrap_or(false);
    let client_name = format!(
        "{} {}",
        membership.client.first_name, membership.client.last_name
    );
    let version = use_live(client_id, LIVE);
    // What is searched for: `typed` is the field, `search` what the list shows.
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let conversations = RwSignal::new(Vec::<ConversationSummary>::new());
    let next = RwSignal::new(None::<String>);
    // More than the first page is shown: a live reload keeps the rest and its cursor.
    let paged = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiFailure>);
    let announce = RwSignal::new(None::<&'static str>);
    let shown_search = StoredValue::new(String::new());

    let first = LocalResource::new(move || {
        let live = version.get();
        let query = search.get();
        let api = session.api();
        async move {
            let page = match api {
                Some(api) => api.conversations(client_id, archived, &query, None).await,
                None => Err(ApiFailure::Network),
            };
            (live, query, page)
        }
    });
    Effect::new(move || {
        let Some((live, query, result)) = first.get() else {
            return;
        };
        match result {
            Ok(page) => {
                let same_search = shown_search.with_value(|shown| *shown == query);
                if same_search && paged.get_untracked() {
                    let before = conversations.get_untracked();
                    conversations.update(|shown| merge_first(shown, page.conversations));
                    if live > 0 && conversations.with_untracked(|now| *now != before) {
                        announce.set(Some("messages.updated_live"));
                    }
                } else {
                    if same_search
                        && live > 0
                        && loaded.get_untracked()
                        && conversations.with_untracked(|shown| *shown != page.conversations)
                    {
                        announce.set(Some("messages.updated_live"));
                    }
                    conversations.set(page.conversations);
                    next.set(page.next_cursor);
                    paged.set(false);
                }
                shown_search.set_value(query);
                failure.set(None);
                unread_changed(session);
            }
            Err(error) => failure.set(Some(error)),
        }
        loaded.set(true);
    });
    let more = session.action(
        move |api, (query, cursor): (String, String)| async move {
            api.conversations(client_id, archived, &query, Some(&cursor))
                .await
        },
        move |result| match result {
            Ok(page) => {
                conversations.try_update(|list| {
                    for summary in page.conversations {
                        if !list.iter().any(|shown| shown.id == summary.id) {
                            list.push(summary);
                        }
                    }
                });
                next.try_set(page.next_cursor);
                paged.try_set(true);
            }
            Err(error) => {
                failure.try_set(Some(error));
            }
        },
    );
    let submit_search = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        announce.set(None);
        search.set(typed.get_untracked().trim().to_owned());
    };
    let clear_search = move |_| {
        typed.set(String::new());
        search.set(String::new());
    };
    let viewer = viewer_id();
    // Only a change between allowed and refused renders the form again (not every reload).
    let denied = Memo::new(move |_| failure.with(|error| error.as_ref().is_some_and(is_denied)));

    let empty_key = move || {
        if !search.with(String::is_empty) {
            "messages.none_found"
        } else if archived {
            "messages.archive_empty"
        } else {
            "messages.inbox_empty"
        }
    };
    view! {
        <h1>{i18n.tr("messages.title")}</h1>
        {several_clients.then(|| view! { <p class="hint">{move || i18n.t_with("messages.about", &client_name)}</p> })}
        {move || if denied.get() {
            view! { <NoAccess/> }.into_any()
        } else {
            view! {
                <p class="messages-new">
                    <a class="button-primary" href="/berichten/nieuw">{i18n.tr("messages.new")}</a>
                </p>
                <TabNav
                    label="messages.boxes"
                    class="messages-tabs"
                    tabs=vec![
                        ("/berichten", "messages.inbox", !archived),
                        ("/berichten/archief", "messages.archive", archived),
                    ]
                />
                <form class="search-form" role="search" on:submit=submit_search>
                    <div class="field">
                        <label for="messages-search">{i18n.tr("messages.search_label")}</label>
                        <input id="messages-search" type="search" maxlength="200"
                            prop:value=move || typed.get()
                            on:input=move |event| typed.set(event_target_value(&event))/>
                    </div>
                    <button type="submit" class="button-secondary">{i18n.tr("messages.search")}</button>
                </form>
                {move || (!search.with(String::is_empty)).then(|| view! {
                    <p class="search-shown">
                        {move || i18n.t_with("messages.search_for", &search.get())}
                        " "
                        <button type="button" class="button-link" on:click=clear_search>
                            {i18n.tr("messages.search_clear")}
                        </button>
                    </p>
                })}
            }
            .into_any()
        }}
        {move || failure.get().filter(|error| !is_denied(error)).map(|failure| view! {
            <LoadFailure failure retry=move |_| first.refetch()/>
        })}
        <p role="status" class:notice=move || announce.get().is_some()>{move || announce.get().map(|key| i18n.t(key))}</p>
        {move || {
            if failure.with(Option::is_some) {
                None
            } else if !loaded.get() {
                Some(view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any())
            } else if conversations.with(Vec::is_empty) {
                Some(view! { <p class="notice">{i18n.t(empty_key())}</p> }.into_any())
            } else {
                None
            }
        }}
        <ul class="thread-list">
            <For
                each=move || conversations.get()
                key=|summary| (summary.id, summary.last_message_at, summary.unread, summary.overdue)
                let:summary
            >
                <ConversationItem summary viewer/>
            </For>
        </ul>
        {move || next.get().map(|cursor| view! {
            <p class="below-panels">
                <button type="button" class="button-secondary"
                    disabled=move || more.pending().get()
                    on:click=move |_| { more.dispatch_local((search.get_untracked(), cursor.clone())); }>
                    {i18n.tr("messages.more")}
                </button>
            </p>
        })}
    }
}

/// One conversation in the list: the subject (a link to it, bold while unread, with the
/// number of unread messages), who is in it, the start of the last message, and when.
#[component]
fn ConversationItem(summary: ConversationSummary, viewer: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let unread = summary.unread;
    let is_unread = unread > 0;
    let at = summary.last_message_at;
    let href = format!("/berichten/{}", summary.id);
    let people = summary.people.clone();
    let care_team = summary.care_team;
    let writer = if summary.last_author.user_id == viewer {
        None
    } else {
        Some(summary.last_author.first_name.clone())
    };
    let preview = summary.preview.clone();
    view! {
        <li class="thread" class:thread-unread=is_unread>
            <h2 class="thread-subject">
                <a href=href>
                    {summary.subject.clone()}
                    {is_unread.then(|| view! {
                        <span class="visually-hidden">" (" {move || i18n.t_count("messages.unread", u64::from(unread))} ")"</span>
                    })}
                </a>
                {is_unread.then(|| view! { <span class="badge" aria-hidden="true">{unread}</span> })}
            </h2>
            <p class="thread-people">
                {move || people_line(i18n, &people, care_team, viewer)}
                {summary.with_care.then(|| view! { " " <span class="tag">{i18n.tr("messages.tag_care")}</span> })}
            </p>
            <p class="thread-preview">
                {move || writer.clone().unwrap_or_else(|| i18n.t("messages.you").to_owned())}
                ": "
                {preview}
            </p>
            <p class="thread-time">
                <time datetime=at.to_rfc3339()>{move || short_moment(i18n.language.get(), at)}</time>
            </p>
            {summary.overdue.then(|| view! { <p class="notice-warning">{i18n.tr("messages.overdue")}</p> })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use kring_shared::messages::{ConversationSummary, Person};
    use uuid::Uuid;

    use super::merge_first;

    fn summary(id: u128, hour: u32) -> ConversationSummary {
        let person = Person {
            user_id: Uuid::from_u128(1),
            first_name: "Lotte".to_owned(),
            last_name: "de Jong".to_owned(),
            relationship: None,
            care_role: None,
        };
        ConversationSummary {
            id: Uuid::from_u128(id),
            client_id: Uuid::from_u128(9),
            client_name: "Johanna de Vries".to_owned(),
            subject: String::new(),
            people: vec![person.clone()],
            care_team: false,
            with_care: false,
            last_message_at: Utc.with_ymd_and_hms(2026, 11, 30, hour, 0, 0).unwrap(),
            last_author: person,
            preview: String::new(),
            unread: 0,
            archived: false,
            overdue: false,
        }
    }

    #[test]
    fn a_fresh_first_page_goes_on_top_and_older_pages_stay_once() {
        // Shown: two pages (10, 9 | 8, 7); then conversation 8 gets a new message.
        let mut shown = vec![summary(10, 10), summary(9, 9), summary(8, 8), summary(7, 7)];
        merge_first(&mut shown, vec![summary(8, 12), summary(10, 10)]);
        let ids: Vec<u128> = shown.iter().map(|shown| shown.id.as_u128()).collect();
        assert_eq!(ids, [8, 10, 9, 7]);
    }
}
