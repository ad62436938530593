//! The texts of Kring's e-mails and SMS messages, in Dutch and English, from the catalogs in
//! `crates/api/messages/` (`key = text`, with `{name}` filled in) — the same shape as the web
//! app's catalogs. The layout of an e-mail is an askama template (`templates/mail.*`), which
//! escapes whatever it puts into HTML.

use std::{collections::HashMap, sync::LazyLock};

use kring_shared::me::Language;

const NL: &str = include_str!("../messages/nl.txt");
const EN: &str = include_str!("../messages/en.txt");

static DUTCH: LazyLock<HashMap<&'static str, String>> = LazyLock::new(|| parse(NL));
static ENGLISH: LazyLock<HashMap<&'static str, String>> = LazyLock::new(|| parse(EN));

/// The `key = text` lines of a catalog; `\n` in a text is a line break.
fn parse(catalog: &'static str) -> HashMap<&'static str, String> {
    catalog
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once(" = "))
        .map(|(key, text)| (key.trim(), text.replace("\\n", "\n")))
        .collect()
}

/// The text of `key` in `language` with each `{name}` replaced by its value. A key missing
/// from the catalog is a programming error that the catalog tests catch; it shows as the key.
pub fn text(language: Language, key: &str, values: &[(&str, &str)]) -> String {
    let catalog = match language {
        Language::Nl => &*DUTCH,
        Language::En => &*ENGLISH,
    };
    let template = catalog.get(key).map_or(key, String::as_str);
    // One pass over the text: a value that itself contains `{name}` stays as it is.
    let mut text = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| {
            Some((
                close,
                values.iter().find(|(name, _)| *name == &after[..close])?,
            ))
        }) {
            Some((close, (_, value))) => {
                text.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                text.push('{');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    text
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn placeholders(text: &str) -> BTreeSet<String> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}'))
            .map(|(name, _)| name.to_owned())
            .collect()
    }

    #[test]
    fn dutch_and_english_have_the_same_keys_and_placeholders() {
        let dutch = parse(NL);
        let english = parse(EN);
        let keys = |catalog: &HashMap<&'static str, String>| -> BTreeSet<&'static str> {
            catalog.keys().copied().collect()
        };
        assert_eq!(keys(&dutch), keys(&english));
        for (key, text) in &dutch {
            assert!(!text.trim().is_empty(), "{key} is empty");
            assert_eq!(placeholders(text), placeholders(&english[key]), "{key}");
        }
    }

    #[test]
    fn every_key_the_code_asks_for_exists() {
        let dutch = parse(NL);
        let mut asked = BTreeSet::new();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut pending = vec![dir];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|ext| ext == "rs") {
                    let code = std::fs::read_to_string(&path).unwrap();
                    for quoted in code.split('"').skip(1).step_by(2) {
                        if (quoted.starts_with("mail.")
                            || quoted.starts_with("sms.")
                            || quoted.starts_with("export."))
                            && quoted.contains('.')
                            && !quoted.contains(' ')
                            // A key made with format! (`export.care_role.{}`) is checked by its
                            // module's own test of every value.
                            && !quoted.contains('{')
                            && !quoted.ends_with(".html")
                            && !quoted.ends_with(".txt")
                            && !quoted.ends_with(".zip")
                        {
                            asked.insert(quoted.to_owned());
                        }
                    }
                }
            }
        }
        assert!(!asked.is_empty());
        for key in asked {
            assert!(
                dutch.contains_key(key.as_str()),
                "{key} is not in messages/nl.txt"
            );
        }
    }

    #[test]
    fn values_are_filled_in() {
        let sms = text(
            Language::En,
            "sms.code.login",
            &[
                ("organisation", "De Linde"),
                ("code", "123456"),
                ("minutes", "10"),
            ],
        );
        assert_eq!(
            sms,
            "Your De Linde verification code is 123456. It works for 10 minutes. Never share this code."
        );
        let details = text(
            Language::Nl,
            "mail.temporary.details",
            &[("username", "anouk"), ("password", "x")],
        );
        assert_eq!(details, "Gebruikersnaam: anouk\nTijdelijk wachtwoord: x");
        // A value is put in as it is, even when it looks like a placeholder.
        let subject = text(
            Language::Nl,
            "mail.invitation.subject",
            &[("client", "{organisation} de Vries")],
        );
        assert_eq!(
            subject,
            "Uw toegang tot het cliëntportaal van {organisation} de Vries"
        );
    }
}
