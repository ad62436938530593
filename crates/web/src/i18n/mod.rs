//! Every user-visible string, in Dutch (the default) and English. The catalogs are plain
//! `key = text` files; a test checks both have the same keys and that every key the code asks
//! for exists.
//!
//! Dutch is built into the wasm. English is not: every other language would otherwise weigh on
//! every user's first download. It is fetched from `/i18n/en.txt` (copied there by trunk, sent
//! compressed) before the app starts for someone who chose it, or when someone switches.

pub mod labels;

use std::{collections::HashMap, sync::OnceLock};

use kring_shared::me::Language;
use leptos::prelude::*;

const NL: &str = include_str!("nl.txt");
#[cfg(test)]
const EN: &str = include_str!("en.txt");

/// Where the English catalog is served.
const EN_URL: &str = "/i18n/en.txt";

/// The English catalog, once fetched.
static EN_MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();

/// Parses a catalog into key → text.
pub fn parse(catalog: &'static str) -> HashMap<&'static str, &'static str> {
    catalog
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once(" = "))
        .map(|(key, text)| (key.trim(), text.trim()))
        .collect()
}

fn catalog(language: Language) -> &'static HashMap<&'static str, &'static str> {
    static NL_MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    let dutch = || NL_MAP.get_or_init(|| parse(NL));
    match language {
        Language::Nl => dutch(),
        // The language switches only once its catalog is there; until then, Dutch.
        Language::En => EN_MAP.get().unwrap_or_else(dutch),
    }
}

/// Makes `language`'s catalog available, fetching it the first time; false when it could not
/// be read (the page then stays in the language it has).
pub async fn load(language: Language) -> bool {
    if language == Language::Nl || EN_MAP.get().is_some() {
        return true;
    }
    let Ok(response) = gloo_net::http::Request::get(EN_URL).send().await else {
        return false;
    };
    if !response.ok() {
        return false;
    }
    let Ok(text) = response.text().await else {
        return false;
    };
    // Kept for the rest of the visit, like the built-in Dutch catalog.
    let text: &'static str = Box::leak(text.into_boxed_str());
    let _ = EN_MAP.set(parse(text));
    true
}

/// The language chosen before on this device, else Dutch.
pub fn stored_language() -> Language {
    local_storage()
        .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten())
        .map(|tag| Language::from_tag(&tag))
        .unwrap_or_default()
}

/// The text for `key` in `language`; the key itself when missing (the test prevents that).
pub fn text(language: Language, key: &'static str) -> &'static str {
    catalog(language).get(key).copied().unwrap_or(key)
}

/// The interface language, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    pub language: RwSignal<Language>,
}

const STORAGE_KEY: &str = "kring.language";

impl I18n {
    /// Starts in the language chosen before on this device (its catalog loaded by `boot`), else
    /// Dutch.
    pub fn new() -> I18n {
        let chosen = stored_language();
        let stored = if chosen == Language::Nl || EN_MAP.get().is_some() {
            chosen
        } else {
            Language::Nl
        };
        set_document_language(stored);
        I18n {
            language: RwSignal::new(stored),
        }
    }

    /// The text for `key` in the current language (reactive).
    pub fn t(&self, key: &'static str) -> &'static str {
        text(self.language.get(), key)
    }

    /// The text for `key` as a reactive view or attribute value. Every key gives the same
    /// closure type, so the views that show catalog texts share one copy of their code
    /// instead of one per `move || i18n.t(…)` (this keeps the download small).
    pub fn tr(self, key: &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || self.t(key)
    }

    /// The text for `key` with `{name}` replaced (reactive).
    pub fn t_with(&self, key: &'static str, name: &str) -> String {
        self.t_args(key, &[("name", name)])
    }

    /// The text for `key` with each `{placeholder}` replaced by its value (reactive). A test
    /// checks that every call names exactly the placeholders of its text.
    pub fn t_args(&self, key: &'static str, args: &[(&str, &str)]) -> String {
        args.iter()
            .fold(self.t(key).to_owned(), |text, (name, value)| {
                text.replace(&format!("{{{name}}}"), value)
            })
    }

    /// The text for a number of things: `key.one` for exactly one, else `key.other`, with
    /// `{count}` replaced (reactive). Dutch and English share this rule (CLDR: "one" is the
    /// integer 1); a language with other plural forms would choose here. A test checks both
    /// forms exist.
    pub fn t_count(&self, key: &'static str, count: u64) -> String {
        let form = if count == 1 { "one" } else { "other" };
        let language = self.language.get();
        let wanted = format!("{key}.{form}");
        catalog(language)
            .get(wanted.as_str())
            .copied()
            .unwrap_or(key)
            .replace("{count}", &count.to_string())
    }

    /// Switches language once its catalog is there, and remembers the choice on this device.
    /// Without a connection the page stays in the language it has.
    pub fn set(&self, language: Language) {
        let i18n = *self;
        wasm_bindgen_futures::spawn_local(async move {
            if !load(language).await {
                return;
            }
            i18n.language.set(language);
            set_document_language(language);
            if let Some(storage) = local_storage() {
                // Failing to remember the choice is harmless; the switch itself worked.
                let _ = storage.set_item(STORAGE_KEY, language.as_str());
            }
        });
    }
}

impl Default for I18n {
    fn default() -> Self {
        I18n::new()
    }
}

/// The language context.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_default()
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn set_document_language(language: Language) {
    if let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    {
        let _ = root.set_attribute("lang", language.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(catalog: &'static str) -> BTreeSet<&'static str> {
        parse(catalog).into_keys().collect()
    }

    #[test]
    fn dutch_and_english_have_the_same_keys() {
        let nl = keys(NL);
        let en = keys(EN);
        let missing_in_en: Vec<_> = nl.difference(&en).collect();
        let missing_in_nl: Vec<_> = en.difference(&nl).collect();
        assert!(
            missing_in_en.is_empty(),
            "missing in en.txt: {missing_in_en:?}"
        );
        assert!(
            missing_in_nl.is_empty(),
            "missing in nl.txt: {missing_in_nl:?}"
        );
    }

    #[test]
    fn no_text_is_empty() {
        for (language, catalog) in [("nl", NL), ("en", EN)] {
            for (key, text) in parse(catalog) {
                assert!(!text.is_empty(), "{language}: {key} is empty");
            }
        }
    }

    #[test]
    fn every_key_used_in_the_code_exists() {
        let nl = keys(NL);
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut missing = Vec::new();
        let mut found = 0;
        for path in rust_files(std::path::Path::new(src)) {
            let code = std::fs::read_to_string(&path).unwrap();
            for key in used_keys(&code) {
                found += 1;
                let plural = |form: &str| nl.contains(format!("{key}.{form}").as_str());
                let known = nl.contains(key.as_str()) || (plural("one") && plural("other"));
                if !known {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(
            found > 20,
            "the scan found only {found} keys; is it broken?"
        );
        assert!(
            missing.is_empty(),
            "keys missing from the catalogs: {missing:?}"
        );
    }

    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(rust_files(&path));
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
        files
    }

    /// String literals that look like catalog keys: a namespace the catalogs use, a dot, a
    /// name.
    fn used_keys(code: &str) -> Vec<String> {
        let namespaces: BTreeSet<&str> = keys(NL)
            .into_iter()
            .filter_map(|key| key.split_once('.').map(|(namespace, _)| namespace))
            .collect();
        code.split(char::from(34))
            .skip(1)
            .step_by(2)
            .filter(|literal| {
                literal.split_once('.').is_some_and(|(namespace, name)| {
                    namespaces.contains(namespace)
                        && !name.is_empty()
                        && !name.ends_with('.')
                        && name.chars().all(|c| {
                            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'
                        })
                })
            })
            .map(str::to_owned)
            .collect()
    }

    /// The names of a text's `{placeholders}`, each once, sorted.
    fn placeholders(text: &str) -> Vec<&str> {
        let names: BTreeSet<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        names.into_iter().collect()
    }

    /// The keys written literally as the first argument of `method(` in `code`.
    fn keys_passed_to<'a>(code: &'a str, method: &str) -> Vec<&'a str> {
        let opening = format!("{method}({}", char::from(34));
        code.split(opening.as_str())
            .skip(1)
            .filter_map(|rest| rest.split_once(char::from(34)).map(|(key, _)| key))
            .collect()
    }

    /// Each call of `t_args` with a literal key and literal names: the key and the names.
    fn t_args_calls(code: &str) -> Vec<(&str, Vec<&str>)> {
        let quote = char::from(34);
        code.split("t_args(")
            .skip(1)
            .filter_map(|rest| {
                let rest = rest.trim_start().strip_prefix(quote)?;
                let (key, rest) = rest.split_once(quote)?;
                // The slice ends at the `]` before the call's `)`, also when rustfmt puts
                // each argument on a line of its own (`],` then `)`).
                let end = rest.match_indices(']').map(|(at, _)| at).find(|&at| {
                    rest[at + 1..]
                        .trim_start_matches(|c: char| c == ',' || c.is_whitespace())
                        .starts_with(')')
                })?;
                let args = &rest[..end];
                let names = args
                    .split(&format!("({quote}"))
                    .skip(1)
                    .filter_map(|arg| arg.split_once(quote).map(|(name, _)| name))
                    .collect();
                Some((key, names))
            })
            .collect()
    }

    #[test]
    fn placeholders_are_the_same_in_both_languages_and_always_filled() {
        let (nl, en) = (parse(NL), parse(EN));
        for (key, text) in &nl {
            assert_eq!(
                placeholders(text),
                placeholders(en[key]),
                "{key}: nl and en name different placeholders"
            );
        }
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut checked = 0;
        for path in rust_files(std::path::Path::new(src)) {
            let code = std::fs::read_to_string(&path).unwrap();
            for key in keys_passed_to(&code, "t_with") {
                checked += 1;
                assert_eq!(
                    nl.get(key).map(|text| placeholders(text)),
                    Some(vec!["name"]),
                    "{}: t_with({key}) fills {{name}} and nothing else",
                    path.display()
                );
            }
            for (key, names) in t_args_calls(&code) {
                checked += 1;
                let mut wanted = nl
                    .get(key)
                    .map(|text| placeholders(text))
                    .unwrap_or_default();
                let mut given = names;
                wanted.sort_unstable();
                given.sort_unstable();
                assert_eq!(given, wanted, "{}: t_args({key})", path.display());
            }
            for key in keys_passed_to(&code, "t_count") {
                checked += 1;
                let form = |name: &str| nl.get(format!("{key}.{name}").as_str()).copied();
                assert_eq!(
                    form("other").map(placeholders),
                    Some(vec!["count"]),
                    "{}: t_count({key}) needs {key}.other with {{count}}",
                    path.display()
                );
                assert!(
                    form("one")
                        .is_some_and(|text| placeholders(text).iter().all(|name| *name == "count")),
                    "{}: t_count({key}) needs {key}.one, with no placeholder but {{count}}",
                    path.display()
                );
            }
            for key in keys_passed_to(&code, ".t") {
                checked += 1;
                assert!(
                    !nl.get(key).is_some_and(|text| text.contains('{')),
                    "{}: t({key}) would show its placeholder unfilled; use t_with",
                    path.display()
                );
            }
        }
        assert!(
            checked > 50,
            "only {checked} calls found; is the scan broken?"
        );
    }
}
