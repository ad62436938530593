//! `/dev/outbox`: development only (`KRING_DEV_OUTBOX=true`). Lists the mail and text
//! messages in the outbox, newest first, so a demo user can read a verification code or a
//! reset link without a phone or a mail server. Not part of the API and not registered when
//! the setting is off.

use actix_web::{HttpResponse, web};

use crate::{mail::escape_html, state::AppState};

/// The page.
pub async fn outbox(state: web::Data<AppState>) -> HttpResponse {
    let folder = state.config.data_dir.join("outbox");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files.reverse();
    let items: String = files
        .iter()
        .take(50)
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let content = std::fs::read_to_string(path).unwrap_or_default();
            format!(
                "<article><h2>{}</h2><pre>{}</pre></article>",
                escape_html(&name),
                escape_html(&content)
            )
        })
        .collect();
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Kring outbox (development)</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
         <body><main><h1>Outbox (development only)</h1><p>Newest first. Reload for new messages.</p>{}</main></body></html>",
        if items.is_empty() {
            "<p>No messages yet.</p>".to_owned()
        } else {
            items
        }
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body)
}
