//! `/dev/outbox`: development only (`KRING_DEV_OUTBOX=true`). Lists the mail and text
//! messages in the outbox, newest first, so a demo user can read a verification code or a
//! reset link without a phone or a mail server. Not part of the API and not registered when
//! the setting is off.

use actix_web::{HttpResponse, ResponseError, web};
use askama::Template;

use crate::{error::ApiError, state::AppState};

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
    let messages = files
        .iter()
        .take(50)
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, std::fs::read_to_string(path).unwrap_or_default())
        })
        .collect();
    match (OutboxPage { messages }).render() {
        Ok(body) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(error) => ApiError::Internal(error.into()).error_response(),
    }
}

/// `templates/dev_outbox.html`; askama escapes the names and contents.
#[derive(Template)]
#[template(path = "dev_outbox.html")]
struct OutboxPage {
    messages: Vec<(String, String)>,
}
