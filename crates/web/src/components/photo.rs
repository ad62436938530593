//! A photo the API serves only with the bearer token (pinboard photos, a client's photo): an
//! `<img src>` cannot send it, so the photo is fetched through the session, shown from an
//! object URL, and that URL is given back when the image goes.

use std::sync::{Arc, Mutex};

use leptos::prelude::*;

use crate::session::use_session;

/// The image at `src` (an `/api/…` address) with `alt`; a calm box of the same `class` while it
/// loads, or when it cannot be loaded (named by `alt`, so nothing goes unsaid).
#[component]
pub fn AuthImage(
    #[prop(into)] src: String,
    #[prop(into)] alt: Signal<String>,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let session = use_session();
    let object_url = RwSignal::new(None::<String>);
    // Shared with the cleanup, which may run while the photo is still on its way.
    let made = Arc::new(Mutex::new(None::<String>));
    let gone = Arc::new(Mutex::new(false));
    {
        let (made, gone) = (made.clone(), gone.clone());
        leptos::task::spawn_local(async move {
            let Some(api) = session.api() else { return };
            let Ok(blob) = api.photo(&src).await else {
                return;
            };
            let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
                return;
            };
            if gone.lock().map(|gone| *gone).unwrap_or(true) {
                let _ = web_sys::Url::revoke_object_url(&url);
                return;
            }
            if let Ok(mut made) = made.lock() {
                *made = Some(url.clone());
            }
            object_url.try_set(Some(url));
        });
    }
    on_cleanup(move || {
        if let Ok(mut gone) = gone.lock() {
            *gone = true;
        }
        if let Some(url) = made.lock().ok().and_then(|mut made| made.take()) {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
    move || {
        match object_url.get() {
        Some(url) => view! { <img class=class src=url alt=move || alt.get()/> }.into_any(),
        None => view! {
            <span class=format!("{class} photo-placeholder") role="img" aria-label=move || alt.get()></span>
        }
        .into_any(),
    }
    }
}
