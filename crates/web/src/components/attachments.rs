//! Attachments of a message in Berichten, for the family and the care worker alike. Choosing:
//! photos and PDFs, each uploaded as soon as it is chosen, listed with name and size,
//! *Weghalen* takes one off again. Showing: photos as thumbnails that open large in a dialog,
//! PDFs as a download. `/api/media` answers only with the bearer token, so both are fetched
//! through the session (an `<img src>` or `<a href>` cannot send it).

use kring_shared::{
    ErrorCode,
    me::Language,
    messages::{Attachment, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS},
};
use leptos::{html, prelude::*};
use uuid::Uuid;

use crate::{
    api::{ApiFailure, Authenticated},
    components::{photo::AuthImage, save_file::save_blob},
    i18n::use_i18n,
    session::use_session,
};

/// What the file input offers; the server decides (415 for anything else).
const ACCEPT: &str = "image/jpeg,image/png,image/webp,application/pdf";

/// Whether an attachment is a photo (it has a small version); otherwise a PDF.
fn is_photo(attachment: &Attachment) -> bool {
    attachment.thumbnail_url.is_some() || attachment.content_type.starts_with("image/")
}

/// A file's size as people say it: `340 kB`, `1,2 MB` (`1.2 MB` in English).
pub fn file_size(language: Language, bytes: u64) -> String {
    const KB: u64 = 1000;
    if bytes < KB * KB {
        return format!("{} kB", bytes.div_ceil(KB).max(1));
    }
    let tenths = (bytes + KB * KB / 20) / (KB * KB / 10);
    let separator = match language {
        Language::Nl => ',',
        Language::En => '.',
    };
    match tenths % 10 {
        0 => format!("{} MB", tenths / 10),
        tenth => format!("{}{separator}{tenth} MB", tenths / 10),
    }
}

/// The catalog key for the server's validation `code` on an uploaded `file`.
pub fn file_error_key(code: &str) -> &'static str {
    match code {
        "too_large" => "messages.error.file_too_large",
        "unsupported" => "messages.error.file_unsupported",
        _ => "messages.error.file_unreadable",
    }
}

/// The catalog key for the server's validation `code` on a message's `attachments`.
pub fn attachments_error_key(code: &str) -> &'static str {
    match code {
        "too_many" => "messages.error.too_many_attachments",
        _ => "messages.error.attachment_gone",
    }
}

/// The catalog key for a file the server refused.
fn upload_error_key(failure: &ApiFailure) -> &'static str {
    match failure.code() {
        Some(ErrorCode::PayloadTooLarge) => "messages.error.file_too_large",
        Some(ErrorCode::UnsupportedMediaType) => "messages.error.file_unsupported",
        _ => failure
            .field_errors()
            .iter()
            .find_map(|(field, code)| (field == "file").then(|| file_error_key(code)))
            .unwrap_or_else(|| failure.message_key()),
    }
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

/// Why a chosen file is not even sent: too large, or not a photo or PDF. A file whose type
/// the browser does not know is sent, and the server judges it.
fn refused_here(file: &web_sys::File) -> Option<&'static str> {
    // 15 MB fits an f64 exactly.
    #[allow(clippy::cast_precision_loss)]
    if file.size() > MAX_ATTACHMENT_BYTES as f64 {
        return Some("messages.error.file_too_large");
    }
    let kind = file.type_();
    (!kind.is_empty() && !ACCEPT.split(',').any(|accepted| accepted == kind))
        .then_some("messages.error.file_unsupported")
}

/// The attachment field of a message form. `id` names the input (`message-files`);
/// `uploading` counts files on their way, so the form waits for them; `error` is the server's
/// word on the attachments as a whole.
#[component]
pub fn AttachmentPicker(
    client_id: Uuid,
    id: &'static str,
    attachments: RwSignal<Vec<Attachment>>,
    uploading: RwSignal<usize>,
    #[prop(into)] error: Signal<Option<&'static str>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Files that could not be added: the file's name and why.
    let file_errors = RwSignal::new(Vec::<(String, &'static str)>::new());
    let too_many = RwSignal::new(false);
    let input = NodeRef::<html::Input>::new();
    let hint_id = format!("{id}-hint");
    let errors_id = format!("{id}-errors");
    let described = format!("{hint_id} {errors_id}");

    let add_files = move |_| {
        let Some(element) = input.get_untracked() else {
            return;
        };
        let mut files = chosen_files(&element);
        // Choosing the same file again must count as a choice too.
        element.set_value("");
        file_errors.set(Vec::new());
        let room = MAX_ATTACHMENTS
            .saturating_sub(attachments.with_untracked(Vec::len) + uploading.get_untracked());
        too_many.set(files.len() > room);
        files.truncate(room);
        let (fitting, refused): (Vec<_>, Vec<_>) = files
            .into_iter()
            .partition(|file| refused_here(file).is_none());
        file_errors.update(|errors| {
            errors.extend(
                refused
                    .iter()
                    .filter_map(|file| refused_here(file).map(|key| (file.name(), key))),
            )
        });
        if fitting.is_empty() {
            return;
        }
        uploading.update(|count| *count += fitting.len());
        // One at a time: a phone's upload is the narrow part.
        leptos::task::spawn_local(async move {
            for file in fitting {
                let name = file.name();
                let result = match session.api() {
                    Some(api) => api.upload_attachment(client_id, &name, &file).await,
                    None => Err(ApiFailure::Network),
                };
                // The page has closed: the server forgets unsent attachments by itself.
                if uploading
                    .try_update(|count| *count = count.saturating_sub(1))
                    .is_none()
                {
                    return;
                }
                match result {
                    Ok(attachment) => attachments.update(|list| list.push(attachment)),
                    Err(failure) => {
                        file_errors.update(|errors| errors.push((name, upload_error_key(&failure))))
                    }
                }
            }
        });
    };

    let button_for = id;
    view! {
        <div class="field">
            <label for=id>{i18n.tr("messages.attachments")}</label>
            <p class="hint" id=hint_id>{i18n.tr("messages.attachments_hint")}</p>
            // The browser's own button speaks the browser's language: the input is hidden and
            // a button-like label in the page's language opens it (as on the Prikbord).
            <input id=id type="file" class="visually-hidden file-input" multiple accept=ACCEPT
                aria-describedby=described
                node_ref=input
                on:change=add_files/>
            <label for=button_for class="button-secondary file-button" aria-hidden="true">
                {i18n.tr("messages.choose_files")}
            </label>
        </div>
        <ul class="attachment-list" aria-label=i18n.tr("messages.chosen_files")>
            <For each=move || attachments.get() key=|attachment| attachment.id let:attachment>
                <ChosenAttachment attachment attachments/>
            </For>
        </ul>
        <p role="status" class="hint">
            {move || (uploading.get() > 0).then(|| i18n.t_count("messages.uploading", u64::try_from(uploading.get()).unwrap_or_default()))}
        </p>
        <div id=errors_id role="alert">
            {move || error.get().map(|key| view! { <p class="form-error">{i18n.t(key)}</p> })}
            {move || too_many.get().then(|| view! { <p class="form-error">{i18n.t("messages.error.too_many_attachments")}</p> })}
            {move || file_errors.with(|errors| (!errors.is_empty()).then(|| view! {
                <ul class="photo-errors">
                    {errors.iter().cloned().map(|(name, key)| view! {
                        <li class="form-error">{name} ": " {i18n.t(key)}</li>
                    }).collect_view()}
                </ul>
            }))}
        </div>
    }
}

/// A file added to the draft: its name, its size, and *Weghalen*.
#[component]
fn ChosenAttachment(
    attachment: Attachment,
    attachments: RwSignal<Vec<Attachment>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = attachment.id;
    let bytes = attachment.bytes;
    let name = attachment.file_name.clone();
    view! {
        <li class="chosen-attachment">
            <span class="attachment-name">
                {attachment.file_name.clone()}
                <span class="muted">{move || format!(" ({})", file_size(i18n.language.get(), bytes))}</span>
            </span>
            <button type="button" class="button-secondary attachment-remove"
                on:click=move |_| {
                    attachments.update(|list| list.retain(|shown| shown.id != id));
                    // Gone from the server too, so it does not wait there to be sent.
                    if let Some(api) = session.api() {
                        leptos::task::spawn_local(async move {
                            let _ = api.delete_attachment(id).await;
                        });
                    }
                }>
                {i18n.tr("messages.remove_file")}
                <span class="visually-hidden">" " {name}</span>
            </button>
        </li>
    }
}

/// A photo opened large: its address and its text.
pub type Enlarged = (String, String);

/// The dialog that shows a photo large, and the callback that opens it (for
/// [`SentAttachments`]'s `on_enlarge`). Put the view once on the page.
pub fn photo_viewer() -> (Callback<Enlarged>, impl IntoView) {
    let i18n = use_i18n();
    let dialog = NodeRef::<html::Dialog>::new();
    let enlarged = RwSignal::new(None::<Enlarged>);
    let on_enlarge = Callback::new(move |photo: Enlarged| {
        enlarged.set(Some(photo));
        if let Some(dialog) = dialog.get_untracked() {
            let _ = dialog.show_modal();
        }
    });
    let close = move |_| {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    let view = view! {
        <dialog node_ref=dialog class="dialog photo-dialog"
            aria-label=move || enlarged.get().map(|(_, alt)| alt).unwrap_or_default()
            on:close=move |_| enlarged.set(None)>
            {move || enlarged.get().map(|(url, alt)| view! { <AuthImage src=url alt=alt class="photo-large"/> })}
            <div class="dialog-actions">
                <button type="button" class="button-secondary" autofocus on:click=close>
                    {i18n.tr("start.close")}
                </button>
            </div>
        </dialog>
    };
    (on_enlarge, view)
}

/// The attachments of a sent message: photos as thumbnails (a button opens the display size
/// through `on_enlarge`), PDFs as download buttons.
#[component]
pub fn SentAttachments(
    attachments: Vec<Attachment>,
    author: String,
    on_enlarge: Callback<Enlarged>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (photos, files): (Vec<_>, Vec<_>) = attachments.into_iter().partition(is_photo);
    let count = photos.len().to_string();
    let photos = (!photos.is_empty()).then(|| {
        let items = photos
            .into_iter()
            .enumerate()
            .map(|(index, photo)| {
                let (number, total, by) = ((index + 1).to_string(), count.clone(), author.clone());
                let alt = Signal::derive(move || {
                    i18n.t_args(
                        "messages.photo_alt",
                        &[("n", &number), ("count", &total), ("name", &by)],
                    )
                });
                let large = photo.url.clone();
                let small = photo.thumbnail_url.clone().unwrap_or(photo.url);
                view! {
                    <li>
                        <button type="button" class="photo-open"
                            on:click=move |_| on_enlarge.run((large.clone(), alt.get_untracked()))>
                            <AuthImage src=small class="photo-thumb" alt/>
                            <span class="visually-hidden">{i18n.tr("messages.enlarge")}</span>
                        </button>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="photo-grid">{items}</ul> }
    });
    let files = (!files.is_empty()).then(|| {
        view! {
            <ul class="attachment-files">
                {files.into_iter().map(|file| view! { <li><FileDownload file/></li> }).collect_view()}
            </ul>
        }
    });
    view! { {photos} {files} }
}

/// A PDF: a button that fetches it with the session and hands it to the browser as a download.
#[component]
fn FileDownload(file: Attachment) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let failed = RwSignal::new(None::<&'static str>);
    let bytes = file.bytes;
    let name = file.file_name.clone();
    let fetch = session.action(
        move |api, (url, name): (String, String)| download(api, url, name),
        move |result| {
            failed.try_set(result.err().map(|failure| failure.message_key()));
        },
    );
    let (url, file_name) = (file.url, file.file_name);
    view! {
        <button type="button" class="button-link attachment-download"
            on:click=move |_| {
                // Not `disabled`: that would take the keyboard focus away.
                if !fetch.pending().get_untracked() {
                    fetch.dispatch_local((url.clone(), file_name.clone()));
                }
            }>
            <svg class="attachment-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
                <path d="M6 2h8l6 6v14H6z M14 2v6h6"/>
            </svg>
            {name}
            <span class="muted">{move || format!(" ({})", i18n.t_args("messages.pdf_size", &[("size", &file_size(i18n.language.get(), bytes))]))}</span>
        </button>
        <span role="status" class="hint">{move || fetch.pending().get().then(|| i18n.t("messages.downloading"))}</span>
        <span class="form-error" role="alert">{move || failed.get().map(|key| i18n.t(key))}</span>
    }
}

/// Fetches `url` with the token and saves it as `name`.
async fn download(api: Authenticated, url: String, name: String) -> Result<(), ApiFailure> {
    save_blob(&api.photo(&url).await?, &name)
}

#[cfg(test)]
mod tests {
    use super::{attachments_error_key, file_error_key, file_size};
    use kring_shared::me::Language;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(file_size(Language::Nl, 1), "1 kB");
        assert_eq!(file_size(Language::Nl, 340_000), "340 kB");
        assert_eq!(file_size(Language::Nl, 1_230_000), "1,2 MB");
        assert_eq!(file_size(Language::En, 2_560_000), "2.6 MB");
        assert_eq!(file_size(Language::En, 15_000_000), "15 MB");
    }

    #[test]
    fn every_server_code_on_files_has_its_own_words() {
        assert_eq!(file_error_key("too_large"), "messages.error.file_too_large");
        assert_eq!(
            file_error_key("unsupported"),
            "messages.error.file_unsupported"
        );
        assert_eq!(
            file_error_key("unreadable"),
            "messages.error.file_unreadable"
        );
        assert_eq!(
            attachments_error_key("too_many"),
            "messages.error.too_many_attachments"
        );
        assert_eq!(
            attachments_error_key("duplicate"),
            "messages.error.attachment_gone"
        );
    }
}
