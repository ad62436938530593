//! Hands a file to the browser to save: through a short-lived `<a download>` it clicks, so the
//! browser writes the file to disk itself (an attachment, a CSV, a ZIP behind a one-time link).

use wasm_bindgen::JsCast;

use crate::api::ApiFailure;

/// Saves what `href` (same origin) answers as `name`.
pub fn save_link(href: &str, name: &str) -> Result<(), ApiFailure> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or(ApiFailure::Network)?;
    let link = document
        .create_element("a")
        .ok()
        .and_then(|link| link.dyn_into::<web_sys::HtmlElement>().ok())
        .ok_or(ApiFailure::Network)?;
    let _ = link.set_attribute("href", href);
    let _ = link.set_attribute("download", name);
    let body = document.body().ok_or(ApiFailure::Network)?;
    let _ = body.append_child(&link);
    link.click();
    link.remove();
    Ok(())
}

/// Saves a fetched file as `name` through an object URL, given back once the browser has
/// taken the file.
pub fn save_blob(blob: &web_sys::Blob, name: &str) -> Result<(), ApiFailure> {
    let address =
        web_sys::Url::create_object_url_with_blob(blob).map_err(|_| ApiFailure::Network)?;
    let saved = save_link(&address, name);
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&address);
        },
        std::time::Duration::from_secs(60),
    );
    saved
}
