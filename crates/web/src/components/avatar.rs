//! A client's photo, or their initials on a calm background when there is no photo.

use kring_shared::me::ClientSummary;
use leptos::prelude::*;

use crate::{components::photo::AuthImage, i18n::use_i18n};

/// The initials of a name: first letter of the first name and of the last word of the last name.
pub fn initials(first_name: &str, last_name: &str) -> String {
    let first = first_name.chars().next();
    let last = last_name
        .split_whitespace()
        .last()
        .and_then(|word| word.chars().next());
    first
        .into_iter()
        .chain(last)
        .flat_map(char::to_uppercase)
        .collect()
}

/// The full display name.
pub fn full_name(client: &ClientSummary) -> String {
    format!("{} {}", client.first_name, client.last_name)
}

#[component]
pub fn Avatar(client: ClientSummary, #[prop(optional)] small: bool) -> impl IntoView {
    let i18n = use_i18n();
    let class = if small {
        "avatar avatar-small"
    } else {
        "avatar"
    };
    let name = full_name(&client);
    match client.photo_url.clone() {
        // A photo Kring stores itself needs the session's token (see `AuthImage`).
        Some(url) if url.starts_with("/api/") => view! {
            <AuthImage src=url class=class alt=Signal::derive(move || i18n.t_with("start.photo_of", &name))/>
        }
        .into_any(),
        Some(url) => view! {
            <img class=class src=url alt=move || i18n.t_with("start.photo_of", &name)/>
        }
        .into_any(),
        None => view! {
            <span class=class aria-hidden="true">{initials(&client.first_name, &client.last_name)}</span>
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_use_the_last_word_of_the_last_name() {
        assert_eq!(initials("Johanna", "de Vries"), "JV");
        assert_eq!(initials("Daan", "Smit"), "DS");
        assert_eq!(initials("", ""), "");
    }
}
