//! *Berichten*, the family's side: the chosen client's conversations (inbox and archive), a new
//! message to people in the network and, where the organisation allows it, the care team, and
//! one conversation with its answers. Everything here needs the Berichten permission for the
//! chosen client; the server also says no (403) when the organisation switched the panel off.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use kring_shared::{ErrorCode, Permission, me::ClientMembership, messages::Person};
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    api::ApiFailure,
    components::{
        attachments::{attachments_error_key, file_error_key},
        date_in, time_of_day,
    },
    i18n::{
        I18n,
        labels::{care_role_label, relationship_label},
        use_i18n,
    },
    pages::agenda::today,
    session::{Session, use_session},
};

pub mod conversation;
pub mod list;
pub mod new;

pub use conversation::ConversationPage;
pub use list::MessagesPage;
pub use new::NewMessagePage;

/// The live event that says a conversation of the client changed.
const LIVE: &[&str] = &["messages"];

/// Renders `page` for the chosen client when the user holds Berichten there; otherwise says
/// why there is nothing (no client chosen, or no Berichten) instead of showing an empty page.
/// Only a change of client or permission renders the page again, so a form keeps its input.
pub fn messages_gate<V: IntoView + 'static>(
    page: impl Fn(ClientMembership) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let membership = Memo::new(move |_| session.current_membership());
    move || match membership.get() {
        None => view! {
            <h1>{i18n.tr("messages.title")}</h1>
            <p>{i18n.tr("dossier.no_client")}</p>
            <p><a class="button-secondary" href="/start">{i18n.tr("dossier.back_start")}</a></p>
        }
        .into_any(),
        Some(membership) if !membership.permissions.contains(&Permission::Messages) => view! {
            <h1>{i18n.tr("messages.title")}</h1>
            <NoAccess/>
        }
        .into_any(),
        Some(membership) => page(membership).into_any(),
    }
}

/// What someone without Berichten (or whose organisation switched it off) reads.
#[component]
pub fn NoAccess() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice">
            <p>{i18n.tr("messages.no_access")}</p>
            <p>{i18n.tr("messages.no_access_hint")}</p>
        </div>
        <p><a class="button-secondary" href="/start">{i18n.tr("dossier.back_start")}</a></p>
    }
}

/// Whether the server refused because the user may not use Berichten here.
pub fn is_denied(failure: &ApiFailure) -> bool {
    failure.code() == Some(ErrorCode::PermissionDenied)
}

/// Tells the info bar to count unread messages again (a list or conversation was read).
pub fn unread_changed(session: Session) {
    session
        .notifications_changed
        .try_update(|count| *count += 1);
}

/// A person's full name.
pub fn person_name(person: &Person) -> String {
    format!("{} {}", person.first_name, person.last_name)
}

/// The catalog key of how a person belongs: their relationship to the client, or their role
/// in the care team.
pub fn person_role(person: &Person) -> Option<&'static str> {
    person
        .relationship
        .map(relationship_label)
        .or(person.care_role.map(care_role_label))
}

/// Everyone in a conversation but the viewer, and the care team as a whole when it is in it:
/// `Met Lotte de Jong, Piet Bakker en het zorgteam`. None when there is nobody else.
pub fn people_line(i18n: I18n, people: &[Person], care_team: bool, viewer: Uuid) -> Option<String> {
    let mut names: Vec<String> = people
        .iter()
        .filter(|person| person.user_id != viewer)
        .map(person_name)
        .collect();
    if care_team {
        names.push(i18n.t("messages.the_care_team").to_owned());
    }
    let last = names.pop()?;
    let all = if names.is_empty() {
        last
    } else {
        format!("{} {} {last}", names.join(", "), i18n.t("messages.and"))
    };
    Some(i18n.t_with("messages.with", &all))
}

/// The signed-in user's id (reading it does not subscribe).
pub fn viewer_id() -> Uuid {
    use_session()
        .data
        .with_untracked(|data| data.as_ref().map(|data| data.me.user.id))
        .unwrap_or_default()
}

/// The day of a moment in the browser's time zone.
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    // Milliseconds since the epoch fit an f64 exactly for any realistic date.
    #[allow(clippy::cast_precision_loss)]
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    NaiveDate::from_ymd_opt(
        i32::try_from(date.get_full_year()).unwrap_or(2026),
        date.get_month() + 1,
        date.get_date(),
    )
    .unwrap_or_default()
}

/// A day in words, with the year only when it is not this year: `12 december`,
/// `12 december 2025`.
pub fn day_words(language: kring_shared::me::Language, day: NaiveDate) -> String {
    if day.year() == today().year() {
        date_in(language, day, &[("day", "numeric"), ("month", "long")])
    } else {
        date_in(
            language,
            day,
            &[("day", "numeric"), ("month", "long"), ("year", "numeric")],
        )
    }
}

/// When, briefly, for a list: the time today, else the day.
pub fn short_moment(language: kring_shared::me::Language, at: DateTime<Utc>) -> String {
    let day = local_day(at);
    if day == today() {
        time_of_day(at)
    } else {
        day_words(language, day)
    }
}

/// `Gelezen door Lotte de Jong op 30 november om 14:05`.
pub fn read_line(i18n: I18n, reader: &Person, at: DateTime<Utc>) -> String {
    i18n.t_args(
        "messages.read_by",
        &[
            ("name", &person_name(reader)),
            ("date", &day_words(i18n.language.get(), local_day(at))),
            ("time", &time_of_day(at)),
        ],
    )
}

/// The catalog key for the server's field error `code` on `field` (see the validation codes
/// of `POST /api/clients/{id}/conversations`, its answers and its attachments).
pub fn field_error_key(field: &str, code: &str) -> Option<&'static str> {
    Some(match (field, code) {
        ("recipients", "not_allowed") => "messages.error.recipient_not_allowed",
        ("recipients", "care_not_allowed") => "messages.error.care_not_allowed",
        ("recipients", _) => "messages.error.recipients_required",
        ("subject", "too_long") => "messages.error.subject_too_long",
        ("subject", _) => "messages.error.subject_required",
        ("text", "too_long") => "messages.error.text_too_long",
        ("text", _) => "messages.error.text_required",
        ("attachments", code) => attachments_error_key(code),
        ("file", code) => file_error_key(code),
        _ => return None,
    })
}

/// A refused message as (field, catalog key) pairs; a problem without field errors under the
/// field `""`.
pub fn send_errors(failure: &ApiFailure) -> Vec<(&'static str, &'static str)> {
    let errors: Vec<_> = failure
        .field_errors()
        .iter()
        .filter_map(|(field, code)| {
            let key = field_error_key(field, code)?;
            let field = ["recipients", "subject", "text", "attachments"]
                .into_iter()
                .find(|known| known == field)?;
            Some((field, key))
        })
        .collect();
    if errors.is_empty() {
        vec![("", failure.message_key())]
    } else {
        errors
    }
}

/// The error of `field` in `errors`, if any (reactive).
pub fn error_of(
    errors: RwSignal<Vec<(&'static str, &'static str)>>,
    field: &'static str,
) -> Signal<Option<&'static str>> {
    Signal::derive(move || {
        errors.with(|errors| {
            errors
                .iter()
                .find(|(name, _)| *name == field)
                .map(|(_, key)| *key)
        })
    })
}

/// Moves the keyboard focus to the element with `id` (the first field with an error).
pub fn focus_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(element) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id(id))
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The answer time the care team promises and that Berichten are not for emergencies; shown
/// before anything goes to care.
#[component]
pub fn CareNotice(reply_days: u16) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice care-notice">
            <p>{move || i18n.t_count("messages.reply_days", u64::from(reply_days))}</p>
            <p>{i18n.tr("messages.urgent")}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::field_error_key;

    #[test]
    fn every_server_code_has_its_own_words() {
        assert_eq!(
            field_error_key("recipients", "care_not_allowed"),
            Some("messages.error.care_not_allowed")
        );
        assert_eq!(
            field_error_key("file", "unsupported"),
            Some("messages.error.file_unsupported")
        );
        assert_eq!(field_error_key("mood", "required"), None);
    }
}
