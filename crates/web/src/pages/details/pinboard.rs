//! *Prikbord*: posts with text, photos and — from the client — a mood, newest first, each with
//! emoji responses and replies (oldest first). For the client's network with Gegevens, never
//! for the care team. The open page follows changes live: a reload fetches as many posts as
//! are shown, so a reply further down shows up too.

use kring_shared::{
    me::Relationship,
    pinboard::{Emoji, Mood, Post, Reply},
};
use leptos::{html, prelude::*};
use strum::IntoEnumIterator;
use uuid::Uuid;

use super::{composer::Composer, details_membership};
use crate::{
    api::ApiFailure,
    components::{date_time, failure::LoadFailure, live::use_live, photo::AuthImage},
    i18n::{labels::relationship_label, use_i18n},
    session::use_session,
};

/// Posts per page.
const PAGE: usize = 20;
/// The most posts one reload fetches (the API's largest page).
const MOST: usize = 100;

/// The catalog key of a mood's words.
pub fn mood_label(mood: Mood) -> &'static str {
    match mood {
        Mood::VeryHappy => "pinboard.mood.very_happy",
        Mood::Happy => "pinboard.mood.happy",
        Mood::Okay => "pinboard.mood.okay",
        Mood::Sad => "pinboard.mood.sad",
        Mood::VerySad => "pinboard.mood.very_sad",
    }
}

/// The catalog key of an emoji response's name.
fn emoji_label(emoji: Emoji) -> &'static str {
    match emoji {
        Emoji::Heart => "pinboard.emoji.heart",
        Emoji::ThumbsUp => "pinboard.emoji.thumbs_up",
        Emoji::Smile => "pinboard.emoji.smile",
        Emoji::Hug => "pinboard.emoji.hug",
        Emoji::Sad => "pinboard.emoji.sad",
    }
}

/// A mood as the seeds show it: the face, and its words for everyone who cannot see it.
#[component]
pub fn MoodLine(mood: Mood) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="post-mood">
            <span class="mood-face" aria-hidden="true">{mood.emoji()}</span>
            " "
            <span>{move || i18n.t_with("pinboard.mood_is", i18n.t(mood_label(mood)))}</span>
        </p>
    }
}

/// What is to be deleted once the user confirms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deleting {
    Post(Uuid),
    Reply { post: Uuid, reply: Uuid },
}

/// A photo opened large: its address and its text.
type Enlarged = (String, String);

/// Puts `updated` in the place of the post with its id.
fn replace(posts: RwSignal<Vec<Post>>, updated: Post) {
    posts.try_update(|list| {
        if let Some(slot) = list.iter_mut().find(|post| post.id == updated.id) {
            *slot = updated;
        }
    });
}

#[component]
pub fn Pinboard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let Some(membership) = details_membership() else {
        return ().into_any();
    };
    let client_id = membership.client.id;
    let is_client = membership.relationship == Relationship::Client;
    let client_name = membership.client.first_name.clone();
    let version = use_live(client_id, &["pinboard"]);
    let posts = RwSignal::new(Vec::<Post>::new());
    let next = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiFailure>);
    let announce = RwSignal::new(None::<&'static str>);
    let list_heading = NodeRef::<html::H2>::new();

    // The first page; again, as long as what is shown, on every change.
    let first = LocalResource::new(move || {
        let live = version.get();
        let limit = posts.with_untracked(Vec::len).clamp(PAGE, MOST);
        let api = session.api();
        async move {
            let page = match api {
                Some(api) => api.pinboard(client_id, None, limit).await,
                None => Err(ApiFailure::Network),
            };
            (live, page)
        }
    });
    Effect::new(move || {
        let Some((live, result)) = first.get() else {
            return;
        };
        match result {
            Ok(page) => {
                // The user's own changes are shown already; only someone else's are news.
                if posts.with_untracked(|shown| *shown != page.posts) {
                    if live > 0 && loaded.get_untracked() {
                        announce.set(Some("pinboard.updated_live"));
                    }
                    posts.set(page.posts);
                }
                next.set(page.next_cursor);
                failure.set(None);
            }
            Err(error) => failure.set(Some(error)),
        }
        loaded.set(true);
    });
    let more = session.action(
        move |api, cursor: String| async move { api.pinboard(client_id, Some(&cursor), PAGE).await },
        move |result| match result {
            Ok(page) => {
                posts.try_update(|list| {
                    for post in page.posts {
                        if !list.iter().any(|shown| shown.id == post.id) {
                            list.push(post);
                        }
                    }
                });
                next.try_set(page.next_cursor);
            }
            Err(error) => {
                failure.try_set(Some(error));
            }
        },
    );
    let on_posted = Callback::new(move |post: Post| {
        posts.update(|list| {
            if !list.iter().any(|shown| shown.id == post.id) {
                list.insert(0, post);
            }
        });
        announce.set(Some("pinboard.posted"));
    });

    // Deleting asks first.
    let deleting = RwSignal::new(None::<Deleting>);
    let dialog = NodeRef::<html::Dialog>::new();
    let delete_failure = RwSignal::new(None::<&'static str>);
    let close_dialog = move || {
        if let Some(dialog) = dialog.try_get_untracked().flatten() {
            dialog.close();
        }
    };
    let delete = session.action(
        move |api, target: Deleting| async move {
            match target {
                Deleting::Post(post) => api.delete_post(client_id, post).await,
                Deleting::Reply { post, reply } => api.delete_reply(client_id, post, reply).await,
            }
            .map(|()| target)
        },
        move |result| match result {
            Ok(target) => {
                posts.try_update(|list| match target {
                    Deleting::Post(id) => list.retain(|post| post.id != id),
                    Deleting::Reply { post, reply } => {
                        if let Some(post) = list.iter_mut().find(|shown| shown.id == post) {
                            post.replies.retain(|shown| shown.id != reply);
                        }
                    }
                });
                close_dialog();
                deleting.try_set(None);
                announce.try_set(Some(match target {
                    Deleting::Post(_) => "pinboard.deleted",
                    Deleting::Reply { .. } => "pinboard.reply_deleted",
                }));
                // The button that opened the question is gone: focus goes to the list.
                if let Some(heading) = list_heading.try_get_untracked().flatten() {
                    let _ = heading.focus();
                }
            }
            Err(error) => {
                delete_failure.try_set(Some(error.message_key()));
            }
        },
    );
    let ask_delete = Callback::new(move |target: Deleting| {
        delete_failure.set(None);
        deleting.set(Some(target));
        if let Some(dialog) = dialog.get_untracked() {
            let _ = dialog.show_modal();
        }
    });

    // A photo opens large in a dialog.
    let viewer = NodeRef::<html::Dialog>::new();
    let enlarged = RwSignal::new(None::<Enlarged>);
    let enlarge = Callback::new(move |photo: Enlarged| {
        enlarged.set(Some(photo));
        if let Some(viewer) = viewer.get_untracked() {
            let _ = viewer.show_modal();
        }
    });
    let close_viewer = move |_| {
        if let Some(viewer) = viewer.get_untracked() {
            viewer.close();
        }
    };

    view! {
        <p>{move || i18n.t_with("pinboard.intro", &client_name)}</p>
        <Composer client_id is_client on_posted/>
        <p role="status" class:notice=move || announce.get().is_some()>{move || announce.get().map(|key| i18n.t(key))}</p>
        <section class="pinboard" aria-labelledby="pinboard-posts-title">
            <h2 id="pinboard-posts-title" tabindex="-1" node_ref=list_heading>{i18n.tr("pinboard.posts")}</h2>
            {move || failure.get().map(|failure| view! { <LoadFailure failure retry=move |_| first.refetch()/> })}
            {move || {
                if !loaded.get() {
                    Some(view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any())
                } else if posts.with(Vec::is_empty) {
                    Some(view! { <p class="notice">{i18n.t("pinboard.empty")}</p> }.into_any())
                } else {
                    None
                }
            }}
            <ul class="post-list">
                <For each=move || posts.get() key=|post| post.id let:post>
                    <li>
                        <PostCard post posts client_id announce on_delete=ask_delete on_enlarge=enlarge/>
                    </li>
                </For>
            </ul>
            {move || next.get().map(|cursor| view! {
                <p class="below-panels">
                    <button type="button" class="button-secondary"
                        disabled=move || more.pending().get()
                        on:click=move |_| { more.dispatch_local(cursor.clone()); }>
                        {i18n.tr("pinboard.more")}
                    </button>
                </p>
            })}
        </section>
        <dialog node_ref=dialog class="dialog" aria-labelledby="pinboard-delete-title">
            <h2 id="pinboard-delete-title">
                {move || i18n.t(match deleting.get() {
                    Some(Deleting::Reply { .. }) => "pinboard.delete_reply_title",
                    _ => "pinboard.delete_title",
                })}
            </h2>
            <p>
                {move || i18n.t(match deleting.get() {
                    Some(Deleting::Reply { .. }) => "pinboard.delete_reply_text",
                    _ => "pinboard.delete_text",
                })}
            </p>
            <p class="form-error" role="alert">{move || delete_failure.get().map(|key| i18n.t(key))}</p>
            <div class="dialog-actions">
                <button type="button" class="button-primary button-danger"
                    disabled=move || delete.pending().get()
                    on:click=move |_| {
                        if let Some(target) = deleting.get_untracked() {
                            delete.dispatch_local(target);
                        }
                    }>
                    {i18n.tr("agenda.delete_confirm")}
                </button>
                <button type="button" class="button-secondary" on:click=move |_| close_dialog()>
                    {i18n.tr("agenda.cancel")}
                </button>
            </div>
        </dialog>
        <dialog node_ref=viewer class="dialog photo-dialog"
            aria-label=move || enlarged.get().map(|(_, alt)| alt).unwrap_or_default()
            on:close=move |_| enlarged.set(None)>
            {move || enlarged.get().map(|(url, alt)| view! { <AuthImage src=url alt=alt class="photo-large"/> })}
            <div class="dialog-actions">
                <button type="button" class="button-secondary" autofocus on:click=close_viewer>
                    {i18n.tr("start.close")}
                </button>
            </div>
        </dialog>
    }
    .into_any()
}

#[component]
fn PostCard(
    post: Post,
    posts: RwSignal<Vec<Post>>,
    client_id: Uuid,
    announce: RwSignal<Option<&'static str>>,
    on_delete: Callback<Deleting>,
    on_enlarge: Callback<Enlarged>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = post.id;
    // What changes after posting (responses, replies) follows the list; the rest stays.
    let current =
        Memo::new(move |_| posts.with(|list| list.iter().find(|shown| shown.id == id).cloned()));
    let author = format!("{} {}", post.author.first_name, post.author.last_name);
    let heading_id = format!("post-{id}");
    let labelled_by = heading_id.clone();
    let relationship = post.author.relationship.map(relationship_label);
    let created = post.created_at;
    let error = RwSignal::new(None::<&'static str>);

    let respond = session.action(
        move |api, (emoji, give): (Emoji, bool)| async move {
            api.set_emoji(client_id, id, emoji, give).await
        },
        move |result| match result {
            Ok(updated) => replace(posts, updated),
            Err(failure) => {
                error.try_set(Some(failure.message_key()));
            }
        },
    );
    let given = move |emoji: Emoji| {
        current
            .with(|post| {
                post.as_ref()?
                    .emoji
                    .iter()
                    .find(|count| count.emoji == emoji)
                    .map(|count| (count.count, count.mine))
            })
            .unwrap_or((0, false))
    };
    let emoji_buttons = Emoji::iter()
        .map(|emoji| {
            view! {
                <button type="button" class="emoji-button"
                    aria-pressed=move || given(emoji).1.to_string()
                    aria-label=move || format!(
                        "{}, {}",
                        i18n.t(emoji_label(emoji)),
                        i18n.t_count("pinboard.given", u64::from(given(emoji).0))
                    )
                    on:click=move |_| {
                        // Not `disabled`: that would take the keyboard focus away.
                        if respond.pending().get_untracked() {
                            return;
                        }
                        error.set(None);
                        respond.dispatch_local((emoji, !given(emoji).1));
                    }>
                    <span class="emoji-glyph" aria-hidden="true">{emoji.glyph()}</span>
                    <span class="emoji-count" aria-hidden="true">
                        {move || Some(given(emoji).0).filter(|count| *count > 0).map(|count| count.to_string())}
                    </span>
                </button>
            }
        })
        .collect_view();

    let count = post.photos.len();
    let photos = (!post.photos.is_empty()).then(|| {
        let items = post
            .photos
            .into_iter()
            .enumerate()
            .map(|(index, photo)| {
                let (number, total, by) =
                    ((index + 1).to_string(), count.to_string(), author.clone());
                let alt = Signal::derive(move || {
                    i18n.t_args(
                        "pinboard.photo_alt",
                        &[("n", &number), ("count", &total), ("name", &by)],
                    )
                });
                let large = photo.url.clone();
                view! {
                    <li>
                        <button type="button" class="photo-open"
                            on:click=move |_| on_enlarge.run((large.clone(), alt.get_untracked()))>
                            <AuthImage src=photo.thumbnail_url class="photo-thumb" alt/>
                            <span class="visually-hidden">{i18n.tr("pinboard.enlarge")}</span>
                        </button>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="photo-grid">{items}</ul> }
    });

    let replies = move || {
        current.with(|post| {
            post.as_ref()
                .map(|post| post.replies.clone())
                .unwrap_or_default()
        })
    };
    let delete = post.may_delete.then(|| {
        view! {
            <p class="post-actions">
                <button type="button" class="button-secondary" on:click=move |_| on_delete.run(Deleting::Post(id))>
                    {i18n.tr("pinboard.delete")}
                </button>
            </p>
        }
    });
    let reply_author = author.clone();
    view! {
        <article class="post" aria-labelledby=labelled_by>
            <h3 id=heading_id class="post-author">{author}</h3>
            <p class="post-meta">
                {relationship.map(|key| view! { <span>{i18n.tr(key)}</span> " · " })}
                <time datetime=created.to_rfc3339()>{move || date_time(i18n.language.get(), created)}</time>
            </p>
            {post.mood.map(|mood| view! { <MoodLine mood/> })}
            {(!post.text.is_empty()).then(|| view! { <p class="post-text">{post.text.clone()}</p> })}
            {photos}
            <div class="emoji-bar" role="group" aria-label=i18n.tr("pinboard.emoji_group")>
                {emoji_buttons}
            </div>
            <p class="form-error" role="alert">{move || error.get().map(|key| i18n.t(key))}</p>
            {delete}
            <ul class="reply-list">
                <For each=replies key=|reply| reply.id let:reply>
                    <ReplyItem reply post_id=id on_delete/>
                </For>
            </ul>
            <ReplyForm post_id=id client_id author=reply_author posts announce/>
        </article>
    }
}

#[component]
fn ReplyItem(reply: Reply, post_id: Uuid, on_delete: Callback<Deleting>) -> impl IntoView {
    let i18n = use_i18n();
    let relationship = reply.author.relationship.map(relationship_label);
    let created = reply.created_at;
    let reply_id = reply.id;
    view! {
        <li class="reply">
            <p class="reply-meta">
                <strong>{format!("{} {}", reply.author.first_name, reply.author.last_name)}</strong>
                {relationship.map(|key| view! { " · " <span>{i18n.tr(key)}</span> })}
                " · "
                <time datetime=created.to_rfc3339()>{move || date_time(i18n.language.get(), created)}</time>
            </p>
            <p class="post-text">{reply.text}</p>
            {reply.may_delete.then(|| view! {
                <button type="button" class="button-link"
                    on:click=move |_| on_delete.run(Deleting::Reply { post: post_id, reply: reply_id })>
                    {i18n.tr("pinboard.delete_reply")}
                </button>
            })}
        </li>
    }
}

/// The catalog key for a refused reply.
fn reply_error_key(failure: &ApiFailure) -> &'static str {
    let errors = failure.field_errors();
    match errors
        .iter()
        .find(|(field, _)| field == "text")
        .map(|(_, code)| code.as_str())
    {
        Some("too_long") => "pinboard.error.text_too_long",
        Some(_) => "pinboard.error.reply_empty",
        None => failure.message_key(),
    }
}

/// A small form under a post for a reply.
#[component]
fn ReplyForm(
    post_id: Uuid,
    client_id: Uuid,
    author: String,
    posts: RwSignal<Vec<Post>>,
    announce: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let send = session.action(
        move |api, text: String| async move { api.add_reply(client_id, post_id, &text).await },
        move |result| match result {
            Ok(reply) => {
                text.try_set(String::new());
                error.try_set(None);
                posts.try_update(|list| {
                    if let Some(post) = list.iter_mut().find(|post| post.id == post_id)
                        && !post.replies.iter().any(|shown| shown.id == reply.id)
                    {
                        post.replies.push(reply);
                    }
                });
                announce.try_set(Some("pinboard.replied"));
            }
            Err(failure) => {
                error.try_set(Some(reply_error_key(&failure)));
            }
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = text.get_untracked().trim().to_owned();
        if typed.is_empty() {
            error.set(Some("pinboard.error.reply_empty"));
            return;
        }
        send.dispatch_local(typed);
    };
    let field_id = format!("reply-{post_id}");
    let error_id = format!("reply-{post_id}-error");
    let described = error_id.clone();
    let label_for = field_id.clone();
    view! {
        <form class="reply-form" on:submit=submit novalidate>
            <label for=label_for>
                {i18n.tr("pinboard.reply_label")}
                <span class="visually-hidden">" " {move || i18n.t_with("pinboard.reply_to", &author)}</span>
            </label>
            <textarea id=field_id rows="2" maxlength="2000"
                aria-describedby=described
                aria-invalid=move || error.get().is_some().then_some("true")
                prop:value=move || text.get()
                on:input=move |event| text.set(event_target_value(&event))></textarea>
            <p id=error_id class="form-error" role="alert">{move || error.get().map(|key| i18n.t(key))}</p>
            <button type="submit" class="button-secondary" disabled=move || send.pending().get()>
                {i18n.tr("pinboard.reply_submit")}
            </button>
        </form>
    }
}
