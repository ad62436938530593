//! The care worker's inbox over every client of their care teams: *Aan mij* (conversations
//! they take part in) and *Team* (addressed to a care team they are in), each with its unread
//! count; a search, the archive, and more on request. Asked again every 30 seconds and when
//! the window gets the focus back.

use kring_shared::messages::{ConversationPage, ConversationSummary, InboxBox};
use leptos::prelude::*;

use super::{CareFailure, inbox_path, list_moment, person_name, use_refresh};
use crate::{api::ApiFailure, i18n::use_i18n, session::use_session};

/// What the list is filtered by: the archive, and the applied search.
type Filters = (bool, String);

/// Puts a fresh first page on top of what is shown. Conversations further down that are older
/// than the page's last one stay (loaded with "Meer laden"); one that moved up is only in the
/// page.
fn merge_first_page(
    shown: &[ConversationSummary],
    page: &[ConversationSummary],
) -> Vec<ConversationSummary> {
    let Some(last) = page.last() else {
        return Vec::new();
    };
    let mut merged = page.to_vec();
    merged.extend(
        shown
            .iter()
            .filter(|each| !page.iter().any(|fresh| fresh.id == each.id))
            .filter(|each| (each.last_message_at, each.id) < (last.last_message_at, last.id))
            .cloned(),
    );
    merged
}

/// The other inbox.
fn other(inbox: InboxBox) -> InboxBox {
    match inbox {
        InboxBox::Personal => InboxBox::Team,
        InboxBox::Team => InboxBox::Personal,
    }
}

#[component]
pub(super) fn Inbox(inbox: InboxBox) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let tick = use_refresh();
    let archived = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let conversations = RwSignal::new(Vec::<ConversationSummary>::new());
    let next = RwSignal::new(None::<String>);
    // The filters of what is shown; `None` until the first answer.
    let shown = RwSignal::new(None::<Filters>);
    // More than the first page is shown ("Meer laden").
    let extended = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiFailure>);

    let first = LocalResource::new(move || {
        tick.track();
        let filters: Filters = (archived.get(), search.get());
        let api = session.api();
        async move {
            let page = match api {
                Some(api) => api.care_inbox(inbox, filters.0, &filters.1, None).await,
                None => Err(ApiFailure::Network),
            };
            (filters, page)
        }
    });
    Effect::new(move || {
        let Some((filters, result)) = first.get() else {
            return;
        };
        // An answer for filters the user has since changed is not shown.
        if filters != (archived.get_untracked(), search.get_untracked()) {
            return;
        }
        match result {
            Ok(page) => {
                let same = shown.get_untracked().as_ref() == Some(&filters);
                if same && extended.get_untracked() {
                    conversations
                        .update(|list| *list = merge_first_page(list, &page.conversations));
                } else {
                    conversations.set(page.conversations);
                    next.set(page.next_cursor);
                    extended.set(false);
                }
                shown.set(Some(filters));
                failure.set(None);
            }
            Err(error) => failure.set(Some(error)),
        }
    });

    // The unread counts of both tabs, over the whole inbox (not the archive, not a search).
    let counts = LocalResource::new(move || {
        tick.track();
        let filtered = archived.get() || !search.with(String::is_empty);
        let api = session.api();
        async move {
            let Some(api) = api else {
                return (None, None);
            };
            let unread =
                |page: Result<ConversationPage, ApiFailure>| page.ok().map(|page| page.unread);
            let others = unread(api.care_inbox(other(inbox), false, "", None).await);
            // Unfiltered, the list's own answer has this tab's count.
            let own = if filtered {
                unread(api.care_inbox(inbox, false, "", None).await)
            } else {
                None
            };
            (own, others)
        }
    });
    let own_count = RwSignal::new(None::<u32>);
    Effect::new(move || {
        if let Some((Some(count), _)) = counts.get() {
            own_count.set(Some(count));
        }
    });
    Effect::new(move || {
        if let Some((filters, Ok(page))) = first.get()
            && !filters.0
            && filters.1.is_empty()
        {
            own_count.set(Some(page.unread));
        }
    });
    let count_of = move |each: InboxBox| {
        if each == inbox {
            own_count.get()
        } else {
            counts.get().and_then(|(_, others)| others)
        }
    };

    let more = session.action(
        move |api, (filters, cursor): (Filters, String)| async move {
            api.care_inbox(inbox, filters.0, &filters.1, Some(&cursor))
                .await
                .map(|page| (filters, page))
        },
        move |result| match result {
            Ok((filters, page)) => {
                if shown.try_get_untracked().flatten().as_ref() != Some(&filters) {
                    return;
                }
                conversations.try_update(|list| {
                    for conversation in page.conversations {
                        if !list.iter().any(|each| each.id == conversation.id) {
                            list.push(conversation);
                        }
                    }
                });
                next.try_set(page.next_cursor);
                extended.try_set(true);
            }
            Err(error) => {
                failure.try_set(Some(error));
            }
        },
    );

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        search.set(typed.get_untracked().trim().to_owned());
    };
    let clear = move |_| {
        typed.set(String::new());
        search.set(String::new());
    };
    let empty_key = move || {
        if !search.with(String::is_empty) {
            "care.inbox.empty_search"
        } else if archived.get() {
            "care.inbox.empty_archived"
        } else {
            "care.inbox.empty"
        }
    };
    let tabs = [
        (InboxBox::Personal, "care.inbox.personal"),
        (InboxBox::Team, "care.inbox.team"),
    ];
    let intro = match inbox {
        InboxBox::Personal => "care.inbox.intro_personal",
        InboxBox::Team => "care.inbox.intro_team",
    };

    view! {
        <h1>{i18n.tr("care.inbox.title")}</h1>
        // The tabs of `components::tabs`, with each inbox's unread count.
        <nav class="tabs admin-tabs care-tabs" aria-label=i18n.tr("care.inbox.boxes")>
            <ul>
                {tabs.into_iter().map(|(each, label)| view! {
                    <li>
                        <a class="tab" href=inbox_path(each) aria-current=(each == inbox).then_some("page")>
                            {i18n.tr(label)}
                            {move || count_of(each).filter(|count| *count > 0).map(|count| view! {
                                " " <span class="badge" aria-hidden="true">{count}</span>
                                <span class="visually-hidden">" (" {i18n.t_count("care.unread", u64::from(count))} ")"</span>
                            })}
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </nav>
        <p>{i18n.tr(intro)}</p>
        <form class="search-form" role="search" on:submit=submit novalidate>
            <div class="field">
                <label for="care-search">{i18n.tr("care.search.label")}</label>
                <input id="care-search" type="search" maxlength="100" bind:value=typed/>
            </div>
            <button type="submit" class="button-secondary">{i18n.tr("care.search.submit")}</button>
            {move || (!search.with(String::is_empty)).then(|| view! {
                <button type="button" class="button-secondary" on:click=clear>{i18n.tr("care.search.clear")}</button>
            })}
        </form>
        <div class="checkbox">
            <input type="checkbox" id="care-archived" role="switch"
                prop:checked=move || archived.get()
                on:change=move |event| archived.set(event_target_checked(&event))/>
            <label for="care-archived">{i18n.tr("care.archived")}</label>
        </div>
        <section aria-labelledby="care-list-title">
            <h2 id="care-list-title" class="visually-hidden">
                {move || i18n.t(if archived.get() { "care.archived" } else { "care.inbox.list" })}
            </h2>
            {move || failure.get().map(|failure| view! { <CareFailure failure retry=move || first.refetch()/> })}
            {move || match shown.get() {
                None if failure.with(Option::is_none) => Some(view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any()),
                Some(_) if conversations.with(Vec::is_empty) => Some(view! { <p class="notice">{i18n.t(empty_key())}</p> }.into_any()),
                _ => None,
            }}
            <ul class="conversation-list">
                <For
                    each=move || conversations.get()
                    key=|each| (each.id, each.last_message_at, each.unread, each.overdue, each.archived)
                    let:summary
                >
                    <li><ConversationRow summary inbox/></li>
                </For>
            </ul>
            {move || next.get().map(|cursor| view! {
                <p class="below-panels">
                    <button type="button" class="button-secondary"
                        disabled=move || more.pending().get()
                        on:click=move |_| {
                            if let Some(filters) = shown.get_untracked() {
                                more.dispatch_local((filters, cursor.clone()));
                            }
                        }>
                        {i18n.tr("care.inbox.more")}
                    </button>
                </p>
            })}
        </section>
    }
}

/// One conversation in the list: a link to it with the client, the subject, who takes part,
/// the start of the last message and when; unread ones in bold, late ones marked.
#[component]
fn ConversationRow(summary: ConversationSummary, inbox: InboxBox) -> impl IntoView {
    let i18n = use_i18n();
    let from = match inbox {
        InboxBox::Personal => "",
        InboxBox::Team => "?van=team",
    };
    let href = format!("/zorg/gesprek/{}/{}{from}", summary.client_id, summary.id);
    let at = summary.last_message_at;
    let unread = summary.unread;
    let people = summary
        .people
        .iter()
        .map(person_name)
        .collect::<Vec<_>>()
        .join(", ");
    let preview = format!("{}: {}", summary.last_author.first_name, summary.preview);
    let class = if unread > 0 {
        "conversation conversation-unread"
    } else {
        "conversation"
    };
    view! {
        <a class=class href=href>
            <span class="conversation-top">
                <span class="conversation-client">{summary.client_name}</span>
                <time class="conversation-time" datetime=at.to_rfc3339()>
                    {move || list_moment(i18n.language.get(), at)}
                </time>
            </span>
            <span class="conversation-subject">{summary.subject}</span>
            <span class="conversation-people">
                {(!people.is_empty()).then(|| view! { <span>{move || i18n.t_with("care.with", &people)}</span> })}
                {summary.care_team.then(|| view! { " " <span class="tag">{i18n.tr("care.to_team")}</span> })}
            </span>
            <span class="conversation-preview">{preview}</span>
            {(unread > 0 || summary.overdue).then(|| view! {
                <span class="conversation-tags">
                    {(unread > 0).then(|| view! {
                        <span class="badge">{move || i18n.t_count("care.unread", u64::from(unread))}</span>
                    })}
                    {summary.overdue.then(|| view! {
                        <span class="overdue">{i18n.tr("care.overdue")}</span>
                    })}
                </span>
            })}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::merge_first_page;
    use chrono::{TimeZone, Utc};
    use kring_shared::messages::{ConversationSummary, Person};
    use uuid::Uuid;

    fn summary(minute: u32) -> ConversationSummary {
        let id = Uuid::from_u128(u128::from(minute));
        let person = Person {
            user_id: Uuid::nil(),
            first_name: "An".into(),
            last_name: "Bos".into(),
            relationship: None,
            care_role: None,
        };
        ConversationSummary {
            id,
            client_id: Uuid::nil(),
            client_name: "Mien".into(),
            subject: "Bezoek".into(),
            people: vec![person.clone()],
            care_team: false,
            with_care: true,
            last_message_at: Utc.with_ymd_and_hms(2026, 12, 1, 10, minute, 0).unwrap(),
            last_author: person,
            preview: "Hallo".into(),
            unread: 0,
            archived: false,
            overdue: false,
        }
    }

    #[test]
    fn a_fresh_first_page_keeps_older_loaded_conversations_once() {
        let (a, b, c, d) = (summary(40), summary(30), summary(20), summary(10));
        // Shown: a, b (first page), c, d (loaded more). Now d has a new message.
        let mut d_new = d.clone();
        d_new.last_message_at = Utc.with_ymd_and_hms(2026, 12, 1, 11, 0, 0).unwrap();
        let shown = vec![a.clone(), b.clone(), c.clone(), d];
        let merged = merge_first_page(&shown, &[d_new.clone(), a.clone()]);
        let ids: Vec<_> = merged.iter().map(|each| each.id).collect();
        assert_eq!(ids, vec![d_new.id, a.id, b.id, c.id]);
    }
}
