//! Serves the built single-page app from the web dir: its files as they are, and `index.html`
//! for every other path so deep links work. The hashes of `index.html`'s inline bootstrap
//! scripts feed the Content-Security-Policy.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::{HttpRequest, HttpResponse, http::header};
use base64::{Engine, engine::general_purpose::STANDARD};
use kring_shared::{ErrorCode, Problem};
use sha2::{Digest, Sha256};

use crate::error::problem_response;

/// The SPA on disk.
#[derive(Debug, Clone)]
pub struct Spa {
    root: PathBuf,
    index: Option<String>,
}

impl Spa {
    /// Reads `root/index.html`; a missing SPA is logged and answered with a clear page.
    pub fn load(root: &Path) -> Spa {
        let index = std::fs::read_to_string(root.join("index.html")).ok();
        if index.is_none() {
            tracing::warn!(web_dir = %root.display(), "no index.html: the web app is not built");
        }
        Spa {
            root: root.to_path_buf(),
            index,
        }
    }

    /// `sha256-…` CSP sources for each inline `<script>` in `index.html`.
    pub fn inline_script_hashes(&self) -> Vec<String> {
        self.index
            .as_deref()
            .map(inline_scripts)
            .unwrap_or_default()
            .into_iter()
            .map(|script| {
                format!(
                    "sha256-{}",
                    STANDARD.encode(Sha256::digest(script.as_bytes()))
                )
            })
            .collect()
    }

    /// Answers a GET for `request`'s path.
    pub async fn serve(&self, request: &HttpRequest) -> HttpResponse {
        let relative = request.path().trim_start_matches('/');
        if !relative.is_empty() && is_safe(relative) {
            let file = self.root.join(relative);
            if file.is_file()
                && let Ok(named) = NamedFile::open_async(&file).await
            {
                return named.use_etag(true).into_response(request);
            }
            let last = relative.rsplit('/').next().unwrap_or_default();
            if last.contains('.') {
                return problem_response(&Problem::new(
                    ErrorCode::NotFound,
                    Some("There is no such file.".to_owned()),
                ));
            }
        }
        match &self.index {
            Some(index) => HttpResponse::Ok()
                .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
                .body(index.clone()),
            None => HttpResponse::ServiceUnavailable()
                .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
                .body("Kring's web app has not been built. Run `trunk build --release` in crates/web, or set KRING_WEB_DIR.\n"),
        }
    }
}

/// Only plain relative paths: no `..`, no hidden files, no odd characters.
fn is_safe(relative: &str) -> bool {
    relative.split('/').all(|segment| {
        !segment.is_empty()
            && !segment.starts_with('.')
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    })
}

/// The bodies of `<script>` elements without a `src` attribute.
fn inline_scripts(html: &str) -> Vec<String> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_and_more = &after[tag_end + 1..];
        let Some(close) = body_and_more.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            scripts.push(body_and_more[..close].to_owned());
        }
        rest = &body_and_more[close..];
    }
    scripts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inline_scripts_are_hashed() {
        let html = r#"<html><script src="/a.js"></script><script type="module">init('/x.wasm');</script></html>"#;
        assert_eq!(inline_scripts(html), vec!["init('/x.wasm');".to_owned()]);
    }

    #[test]
    fn traversal_and_hidden_paths_are_refused() {
        assert!(is_safe("kring-web-0123.js"));
        assert!(is_safe("assets/logo.svg"));
        assert!(!is_safe("../etc/passwd"));
        assert!(!is_safe(".env"));
        assert!(!is_safe("a//b"));
        assert!(!is_safe("a%2e%2e/b"));
    }
}
