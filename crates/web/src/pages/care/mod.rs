//! *Zorg*: the care worker's side of Berichten, in the staff bundle under `/zorg`. The inbox
//! over every client of their care teams (their own conversations and the team's), a
//! conversation with the answer form, and their absence. A care worker answers; they never
//! start a conversation.

use std::time::Duration;

use kring_shared::{ErrorCode, me::AccountKind, messages::InboxBox, messages::Person};
use leptos::prelude::*;

use crate::{
    api::ApiFailure,
    components::{date_in, failure::LoadFailure, shell::Shell, time_of_day},
    i18n::{
        labels::{care_role_label, relationship_label},
        use_i18n,
    },
    session::use_session,
};

mod absence;
mod conversation;
mod inbox;
mod reply;

use absence::AbsenceForm;
use conversation::ConversationView;
use inbox::Inbox;

/// How often an open inbox asks again: there is no live stream over all clients.
const REFRESH: Duration = Duration::from_secs(30);

/// A page of the care worker's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CareSection {
    /// `/zorg` (their own) or `/zorg/team`.
    Inbox(InboxBox),
    /// `/zorg/gesprek/{client_id}/{id}`.
    Conversation,
    /// `/zorg/afwezig`.
    Absence,
}

impl CareSection {
    /// The catalog key of the page's title.
    fn title(self) -> &'static str {
        match self {
            CareSection::Inbox(InboxBox::Personal) => "care.inbox.title",
            CareSection::Inbox(InboxBox::Team) => "care.inbox.team_title",
            CareSection::Conversation => "care.conversation.title",
            CareSection::Absence => "care.absence.title",
        }
    }
}

/// The address of an inbox.
fn inbox_path(inbox: InboxBox) -> &'static str {
    match inbox {
        InboxBox::Personal => "/zorg",
        InboxBox::Team => "/zorg/team",
    }
}

/// A page of *Zorg*: the menu and the part asked for, for care workers only.
#[component]
pub fn CarePage(section: CareSection) -> impl IntoView {
    let session = use_session();
    let is_care_worker = move || {
        session.data.with(|data| {
            data.as_ref()
                .is_some_and(|data| data.me.user.kind == AccountKind::CareWorker)
        })
    };
    view! {
        <Shell title=section.title() protected=true>
            <div class="page-text page-wide care">
                <Show when=is_care_worker fallback=|| view! { <NotCareWorker/> }>
                    <CareNav section/>
                    {match section {
                        CareSection::Inbox(inbox) => view! { <Inbox inbox/> }.into_any(),
                        CareSection::Conversation => view! { <ConversationView/> }.into_any(),
                        CareSection::Absence => view! { <AbsenceForm/> }.into_any(),
                    }}
                </Show>
            </div>
        </Shell>
    }
}

/// The care worker's menu: Berichten, Afwezigheid, and back to the family portal's Start
/// (another bundle, so a full load).
#[component]
fn CareNav(section: CareSection) -> impl IntoView {
    let i18n = use_i18n();
    let messages = matches!(section, CareSection::Inbox(_) | CareSection::Conversation);
    let absence = section == CareSection::Absence;
    view! {
        <nav class="care-nav" aria-label=i18n.tr("care.nav")>
            <ul>
                <li><a href="/zorg" aria-current=messages.then_some("page")>{i18n.tr("care.nav.messages")}</a></li>
                <li><a href="/zorg/afwezig" aria-current=absence.then_some("page")>{i18n.tr("care.nav.absence")}</a></li>
                <li><a href="/start" rel="external">{i18n.tr("care.nav.start")}</a></li>
            </ul>
        </nav>
    }
}

/// What someone who is not a care worker sees here.
#[component]
fn NotCareWorker() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{i18n.tr("care.inbox.title")}</h1>
        <p class="form-error" role="alert">{i18n.tr("care.not_care_worker")}</p>
        <p><a class="button-secondary" href="/start" rel="external">{i18n.tr("care.back_start")}</a></p>
    }
}

/// A load that failed: the API's 403 gets the care worker's own words, anything else its
/// usual message.
#[component]
fn CareFailure(failure: ApiFailure, #[prop(into)] retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    if failure.code() == Some(ErrorCode::PermissionDenied) {
        view! { <p class="form-error" role="alert">{i18n.tr("care.not_care_worker")}</p> }
            .into_any()
    } else {
        view! { <LoadFailure failure retry/> }.into_any()
    }
}

/// A counter that goes up every 30 seconds while the page is in view, and whenever the
/// window gets the focus back, for as long as the calling component lives.
fn use_refresh() -> ReadSignal<u32> {
    let (tick, set_tick) = signal(0u32);
    if let Ok(handle) = set_interval_with_handle(
        move || {
            // A tab in the background asks nothing; the focus brings it up to date.
            if !document().hidden() {
                set_tick.try_update(|tick| *tick += 1);
            }
        },
        REFRESH,
    ) {
        on_cleanup(move || handle.clear());
    }
    let focus = window_event_listener(leptos::ev::focus, move |_| {
        set_tick.try_update(|tick| *tick += 1);
    });
    on_cleanup(move || focus.remove());
    tick
}

/// A person's full name.
fn person_name(person: &Person) -> String {
    format!("{} {}", person.first_name, person.last_name)
}

/// The catalog key of who a person is to the client: their relationship, or their care role.
fn person_role(person: &Person) -> Option<&'static str> {
    person
        .relationship
        .map(relationship_label)
        .or(person.care_role.map(care_role_label))
}

/// The calendar day of `at` and today's, in the browser's time zone.
fn local_days(at: chrono::DateTime<chrono::Utc>) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    let day_of = |date: &js_sys::Date| {
        chrono::NaiveDate::from_ymd_opt(
            i32::try_from(date.get_full_year()).ok()?,
            date.get_month() + 1,
            date.get_date(),
        )
    };
    // Milliseconds since the epoch fit an f64 exactly for any realistic date.
    #[allow(clippy::cast_precision_loss)]
    let moment = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    Some((day_of(&moment)?, day_of(&js_sys::Date::new_0())?))
}

/// A moment for a list: the time today, else the day and month (and the year when it is not
/// this year's).
fn list_moment(language: kring_shared::me::Language, at: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Datelike;
    match local_days(at) {
        Some((day, today)) if day == today => time_of_day(at),
        Some((day, today)) if day.year() == today.year() => {
            date_in(language, day, &[("day", "numeric"), ("month", "short")])
        }
        Some((day, _)) => date_in(
            language,
            day,
            &[("day", "numeric"), ("month", "short"), ("year", "numeric")],
        ),
        None => time_of_day(at),
    }
}
