//! The form at the top of the *Prikbord*: text, photos (each uploaded as soon as it is chosen,
//! then posted by id) and, for the client only, a mood. The text survives an idle logout.

use kring_shared::{
    ErrorCode,
    pinboard::{MAX_PHOTOS, MAX_TEXT, Mood, Photo, Post, PostInput},
};
use leptos::{html, prelude::*};
use strum::IntoEnumIterator;
use uuid::Uuid;

use super::pinboard::mood_label;
use crate::{api::ApiFailure, components::photo::AuthImage, i18n::use_i18n, session::use_session};

/// The draft's key (see `Session::draft_field`).
const DRAFT: &str = "pinboard-post";
/// The server's default upload limit: a larger file is refused here, before it is sent over a
/// phone's connection only to be refused there. The server remains the judge.
const MAX_PHOTO_BYTES: f64 = 15.0 * 1024.0 * 1024.0;

/// The catalog key for a photo the server refused.
fn upload_error_key(failure: &ApiFailure) -> &'static str {
    match failure.code() {
        Some(ErrorCode::PayloadTooLarge) => return "pinboard.error.photo_too_large",
        Some(ErrorCode::UnsupportedMediaType) => return "pinboard.error.not_a_photo",
        _ => {}
    }
    let errors = failure.field_errors();
    match errors
        .iter()
        .find(|(field, _)| field == "file")
        .map(|(_, code)| code.as_str())
    {
        Some("too_many_pixels") => "pinboard.error.too_many_pixels",
        Some("too_many_waiting") => "pinboard.error.too_many_waiting",
        Some(_) => "pinboard.error.unreadable",
        None => failure.message_key(),
    }
}

/// The catalog key for a post the server refused.
fn post_error_key(failure: &ApiFailure) -> &'static str {
    for (field, code) in failure.field_errors() {
        match (field.as_str(), code.as_str()) {
            ("text", "too_long") => return "pinboard.error.text_too_long",
            ("text", _) => return "pinboard.error.empty",
            ("photos", "too_many") => return "pinboard.error.too_many_photos",
            ("photos", _) => return "pinboard.error.photo_gone",
            ("mood", _) => return "pinboard.error.mood_client_only",
            _ => {}
        }
    }
    failure.message_key()
}

/// The files chosen in a file input.
fn chosen_files(input: &web_sys::HtmlInputElement) -> Vec<web_sys::File> {
    let Some(list) = input.files() else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|index| list.item(index))
        .collect()
}

#[component]
pub fn Composer(client_id: Uuid, is_client: bool, on_posted: Callback<Post>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let saved = RwSignal::new(String::new());
    let text = session.draft_field(Some(client_id), DRAFT, saved);
    let mood = RwSignal::new(None::<Mood>);
    let photos = RwSignal::new(Vec::<Photo>::new());
    // Files chosen and not yet stored.
    let uploading = RwSignal::new(0usize);
    // Files that could not be added: the file's name and why.
    let photo_errors = RwSignal::new(Vec::<(String, &'static str)>::new());
    let error = RwSignal::new(None::<&'static str>);
    let file_input = NodeRef::<html::Input>::new();

    let add_files = move |_| {
        let Some(input) = file_input.get_untracked() else {
            return;
        };
        let mut files = chosen_files(&input);
        // Choosing the same file again must count as a choice too.
        input.set_value("");
        photo_errors.set(Vec::new());
        error.set(None);
        let room =
            MAX_PHOTOS.saturating_sub(photos.with_untracked(Vec::len) + uploading.get_untracked());
        if files.len() > room {
            files.truncate(room);
            error.set(Some("pinboard.error.too_many_photos"));
        }
        let (fitting, too_large): (Vec<_>, Vec<_>) = files
            .into_iter()
            .partition(|file| file.size() <= MAX_PHOTO_BYTES);
        photo_errors.update(|errors| {
            errors.extend(
                too_large
                    .iter()
                    .map(|file| (file.name(), "pinboard.error.photo_too_large")),
            )
        });
        if fitting.is_empty() {
            return;
        }
        uploading.update(|count| *count += fitting.len());
        // One at a time: a phone's upload is the narrow part, and the server resizes each.
        leptos::task::spawn_local(async move {
            for file in fitting {
                let result = match session.api() {
                    Some(api) => api.upload_photo(client_id, &file).await,
                    None => Err(ApiFailure::Network),
                };
                // The page has closed: the server forgets unposted photos by itself.
                if uploading
                    .try_update(|count| *count = count.saturating_sub(1))
                    .is_none()
                {
                    return;
                }
                match result {
                    Ok(photo) => photos.update(|list| list.push(photo)),
                    Err(failure) => photo_errors
                        .update(|errors| errors.push((file.name(), upload_error_key(&failure)))),
                }
            }
        });
    };

    let post = session.action(
        move |api, input: PostInput| async move { api.add_post(client_id, &input).await },
        move |result| match result {
            Ok(post) => {
                session.clear_draft(Some(client_id), DRAFT);
                text.try_set(String::new());
                mood.try_set(None);
                photos.try_set(Vec::new());
                photo_errors.try_set(Vec::new());
                error.try_set(None);
                let _ = on_posted.try_run(post);
            }
            Err(failure) => {
                error.try_set(Some(post_error_key(&failure)));
            }
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if uploading.get_untracked() > 0 {
            return;
        }
        let typed = text.get_untracked().trim().to_owned();
        let photo_ids: Vec<Uuid> =
            photos.with_untracked(|list| list.iter().map(|photo| photo.id).collect());
        let chosen_mood = mood.get_untracked();
        if typed.is_empty() && photo_ids.is_empty() && chosen_mood.is_none() {
            error.set(Some("pinboard.error.empty"));
            return;
        }
        if typed.chars().count() > MAX_TEXT {
            error.set(Some("pinboard.error.text_too_long"));
            return;
        }
        error.set(None);
        post.dispatch_local(PostInput {
            text: typed,
            mood: chosen_mood.filter(|_| is_client),
            photos: photo_ids,
        });
    };

    let mood_picker = is_client.then(|| {
        view! {
            <fieldset class="field mood-picker">
                <legend>{i18n.tr("pinboard.mood_question")}</legend>
                <div class="mood-options">
                    {Mood::iter().map(|each| view! {
                        <button type="button" class="mood-option"
                            aria-pressed=move || (mood.get() == Some(each)).to_string()
                            on:click=move |_| mood.update(|chosen| {
                                *chosen = if *chosen == Some(each) { None } else { Some(each) };
                            })>
                            <span class="mood-face" aria-hidden="true">{each.emoji()}</span>
                            <span class="mood-label">{i18n.tr(mood_label(each))}</span>
                        </button>
                    }).collect_view()}
                </div>
                <p class="hint">{i18n.tr("pinboard.mood_hint")}</p>
            </fieldset>
        }
    });

    view! {
        <section class="composer" aria-labelledby="composer-title">
            <h2 id="composer-title">{i18n.tr("pinboard.new")}</h2>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="post-text">{i18n.tr("pinboard.text_label")}</label>
                    <p class="hint" id="post-text-hint">{i18n.tr("pinboard.text_hint")}</p>
                    <textarea id="post-text" rows="4" maxlength="2000"
                        aria-describedby="post-text-hint post-error"
                        prop:value=move || text.get()
                        on:input=move |event| text.set(event_target_value(&event))></textarea>
                </div>
                {mood_picker}
                <div class="field">
                    <label for="post-photos">{i18n.tr("pinboard.photos_label")}</label>
                    <p class="hint" id="post-photos-hint">{i18n.tr("pinboard.photos_hint")}</p>
                    // The browser's own button speaks the browser's language ("Choose Files"):
                    // the input is hidden and a button-like label in the page's language opens it.
                    <input id="post-photos" type="file" class="visually-hidden file-input" multiple
                        accept="image/jpeg,image/png,image/webp"
                        aria-describedby="post-photos-hint post-photos-errors"
                        node_ref=file_input
                        on:change=add_files/>
                    <label for="post-photos" class="button-secondary file-button" aria-hidden="true">
                        {i18n.tr("pinboard.choose_photos")}
                    </label>
                </div>
                <ul class="photo-grid composer-photos" aria-label=i18n.tr("pinboard.chosen_photos")>
                    <For each=move || photos.get() key=|photo| photo.id let:photo>
                        <ChosenPhoto photo photos/>
                    </For>
                </ul>
                <p role="status" class="hint">
                    {move || (uploading.get() > 0).then(|| i18n.t_count("pinboard.uploading", u64::try_from(uploading.get()).unwrap_or_default()))}
                </p>
                <div id="post-photos-errors" role="alert">
                    {move || photo_errors.with(|errors| (!errors.is_empty()).then(|| view! {
                        <ul class="photo-errors">
                            {errors.iter().cloned().map(|(name, key)| view! {
                                <li class="form-error">{name} ": " {i18n.t(key)}</li>
                            }).collect_view()}
                        </ul>
                    }))}
                </div>
                <p id="post-error" class="form-error" role="alert">{move || error.get().map(|key| i18n.t(key))}</p>
                <div class="form-actions">
                    <button type="submit" class="button-primary"
                        disabled=move || { uploading.get() > 0 || post.pending().get() }>
                        {move || i18n.t(if post.pending().get() { "pinboard.posting" } else { "pinboard.submit" })}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// A photo added to the draft: its thumbnail and a button that takes it off again.
#[component]
fn ChosenPhoto(photo: Photo, photos: RwSignal<Vec<Photo>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = photo.id;
    let number = move || {
        photos
            .with(|list| list.iter().position(|shown| shown.id == id))
            .map_or(0, |index| index + 1)
            .to_string()
    };
    view! {
        <li class="chosen-photo">
            <AuthImage src=photo.thumbnail_url class="photo-thumb"
                alt=Signal::derive(move || i18n.t_with("pinboard.chosen_alt", &number()))/>
            <button type="button" class="button-secondary photo-remove"
                on:click=move |_| {
                    photos.update(|list| list.retain(|shown| shown.id != id));
                    // Gone from the server too, so it does not count as waiting to be posted.
                    if let Some(api) = session.api() {
                        leptos::task::spawn_local(async move {
                            let _ = api.delete_photo(id).await;
                        });
                    }
                }>
                {i18n.tr("pinboard.remove_photo")}
                <span class="visually-hidden">" " {move || i18n.t_with("pinboard.chosen_alt", &number())}</span>
            </button>
        </li>
    }
}
