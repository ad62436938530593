//! Serves the built web app from the web dir (`scripts/build-web`): its files, precompressed
//! when the browser accepts it, and for every other path the page of the bundle it belongs to,
//! so deep links work — the staff tools' `staff/index.html` for `/beheer`, `/zorg`, `/download` and
//! `/bekeken`, the family portal's
//! `index.html` for everything else. The hashes of both pages' inline bootstrap scripts feed
//! the Content-Security-Policy.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::{
    HttpRequest, HttpResponse,
    http::header::{self, AcceptEncoding, ContentEncoding, Encoding, Header},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use kring_shared::{ErrorCode, Problem};
use sha2::{Digest, Sha256};

use crate::error::problem_response;

/// The web app on disk.
#[derive(Debug, Clone)]
pub struct Spa {
    root: PathBuf,
    /// The family portal's page.
    index: Option<String>,
    /// The staff tools' page.
    staff_index: Option<String>,
}

/// The addresses under which the second bundle's pages live (*Beheer* for the organisation's
/// administrator, *Zorg* — the inbox — for care workers, and the client's data rights —
/// *Download* and *Wie heeft mijn dossier bekeken* — that a family opens now and then); their
/// files are under `/staff/`.
const STAFF_PAGES: [&str; 4] = ["beheer", "zorg", "download", "bekeken"];

impl Spa {
    /// Reads both bundles' pages; a missing one is logged and answered with a clear page.
    pub fn load(root: &Path) -> Spa {
        let read = |page: &str| {
            let html = std::fs::read_to_string(root.join(page)).ok();
            if html.is_none() {
                tracing::warn!(web_dir = %root.display(), page, "the web app is not built: run scripts/build-web");
            }
            html
        };
        Spa {
            root: root.to_path_buf(),
            index: read("index.html"),
            staff_index: read("staff/index.html"),
        }
    }

    /// `sha256-…` CSP sources for each inline `<script>` in `index.html`.
    pub fn inline_script_hashes(&self) -> Vec<String> {
        [&self.index, &self.staff_index]
            .into_iter()
            .flatten()
            .flat_map(|page| inline_scripts(page))
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
            if file.is_file() {
                return serve_file(request, &file).await;
            }
            let last = relative.rsplit('/').next().unwrap_or_default();
            if last.contains('.') {
                return problem_response(&Problem::new(
                    ErrorCode::NotFound,
                    Some("There is no such file.".to_owned()),
                ));
            }
        }
        let first_segment = relative.split('/').next().unwrap_or_default();
        // A missing staff bundle must not fall back to the family page: that page would send
        // the browser straight back here.
        let page = if STAFF_PAGES.contains(&first_segment) {
            &self.staff_index
        } else {
            &self.index
        };
        match page {
            Some(page) => HttpResponse::Ok()
                .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
                .body(page.clone()),
            None => HttpResponse::ServiceUnavailable()
                .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
                .body("Kring's web app has not been built. Run scripts/build-web, or set KRING_WEB_DIR.\n"),
        }
    }
}

/// Sends `file`, or the brotli or gzip copy built next to it (`crates/web/precompress.mjs`)
/// when the browser accepts that encoding: the wasm shrinks to about a quarter on the way.
async fn serve_file(request: &HttpRequest, file: &Path) -> HttpResponse {
    let accepted = AcceptEncoding::parse(request).unwrap_or_else(|_| AcceptEncoding(Vec::new()));
    let offered = [
        (Encoding::brotli(), ContentEncoding::Brotli, "br"),
        (Encoding::gzip(), ContentEncoding::Gzip, "gz"),
    ];
    let mut candidates: Vec<Encoding> = offered
        .iter()
        .filter(|(_, _, suffix)| with_suffix(file, suffix).is_file())
        .map(|(encoding, _, _)| encoding.clone())
        .collect();
    let has_copies = !candidates.is_empty();
    candidates.push(Encoding::identity());
    let chosen = accepted.negotiate(candidates.iter());
    let copy = offered
        .iter()
        .find(|(encoding, _, _)| Some(encoding) == chosen.as_ref());
    let opened = match copy {
        Some((_, content_encoding, suffix)) => NamedFile::open_async(with_suffix(file, suffix))
            .await
            .map(|named| {
                named
                    .set_content_type(actix_files::file_extension_to_mime(
                        file.extension()
                            .and_then(|e| e.to_str())
                            .unwrap_or_default(),
                    ))
                    .set_content_encoding(*content_encoding)
            }),
        None => NamedFile::open_async(file).await,
    };
    let Ok(named) = opened else {
        return problem_response(&Problem::new(ErrorCode::NotFound, None));
    };
    let mut response = named.use_etag(true).into_response(request);
    if has_copies {
        response.headers_mut().insert(
            header::VARY,
            header::HeaderValue::from_static("accept-encoding"),
        );
    }
    response
}

/// `file` with `.suffix` appended (`app.wasm` → `app.wasm.br`).
fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
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
