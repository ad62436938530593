//! *Agenda*: the client's appointments as a list (the default on a phone), a week (the default
//! on a tablet or PC) or one day, with previous / today / next and a date to jump to. Care
//! appointments from the ECD are read-only and their times indicative; own appointments can be
//! made, changed and deleted by whoever the server allows. A week is headings and lists, so a
//! screen reader reads it day by day. The open agenda follows changes live.
//!
//! Times are those of Europe/Amsterdam, as the server sends them (`local_start`): the page
//! does no time-zone arithmetic of its own.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use kring_shared::{
    Permission,
    agenda::{AgendaItem, AppointmentSource, ChangeScope, Frequency, Visibility},
};
use leptos::{html, prelude::*};
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use crate::{
    api::ApiFailure,
    components::{avatar::initials, day_name, failure::LoadFailure, live::use_live, shell::Shell},
    i18n::{I18n, use_i18n},
    session::use_session,
};

pub mod form;

/// How the period is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    List,
    Week,
    Day,
}

impl Layout {
    const ALL: [Layout; 3] = [Layout::List, Layout::Week, Layout::Day];

    fn param(self) -> &'static str {
        match self {
            Layout::List => "lijst",
            Layout::Week => "week",
            Layout::Day => "dag",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Layout::List => "agenda.view.list",
            Layout::Week => "agenda.view.week",
            Layout::Day => "agenda.view.day",
        }
    }

    fn from_param(param: &str) -> Option<Layout> {
        Layout::ALL
            .into_iter()
            .find(|layout| layout.param() == param)
    }

    /// The list on a phone, the week on anything wider.
    fn default_for_screen() -> Layout {
        let wide = web_sys::window()
            .and_then(|window| window.inner_width().ok())
            .and_then(|width| width.as_f64())
            .is_some_and(|width| width >= 768.0);
        if wide { Layout::Week } else { Layout::List }
    }

    /// The days shown around `date`: `[from, to)`.
    fn period(self, date: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            Layout::Day => (date, date + Duration::days(1)),
            Layout::Week => {
                let monday =
                    date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
                (monday, monday + Duration::days(7))
            }
            Layout::List => (date, date + Duration::days(28)),
        }
    }

    /// How far previous and next move.
    fn step(self) -> Duration {
        match self {
            Layout::Day => Duration::days(1),
            Layout::Week => Duration::days(7),
            Layout::List => Duration::days(28),
        }
    }
}

/// Today on this device.
pub fn today() -> NaiveDate {
    let now = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(
        i32::try_from(now.get_full_year()).unwrap_or(2026),
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default()
}

/// The address of the agenda in `layout` at `date`.
pub fn agenda_href(layout: Layout, date: NaiveDate) -> String {
    format!("/agenda?weergave={}&datum={date}", layout.param())
}

/// The current client when the user holds Afspraken there.
pub fn agenda_client() -> Option<Uuid> {
    use_session()
        .current_membership()
        .filter(|membership| membership.permissions.contains(&Permission::Agenda))
        .map(|membership| membership.client.id)
}

/// `14:00` of a wall-clock time.
pub fn clock(at: NaiveDateTime) -> String {
    use chrono::Timelike;
    format!("{:02}:{:02}", at.hour(), at.minute())
}

/// The days an appointment covers (a whole day ends at the next midnight).
fn days_of(item: &AgendaItem) -> (NaiveDate, NaiveDate) {
    let first = item.local_start.date();
    let last = (item.local_end - Duration::seconds(1)).date();
    (first, last.max(first))
}

/// When, in words: `Hele dag`, `14:00 – 15:30`, or with the dates when it spans days.
pub fn when(i18n: I18n, item: &AgendaItem) -> String {
    let (first, last) = days_of(item);
    let language = i18n.language.get();
    match (item.all_day, first == last) {
        (true, true) => i18n.t("agenda.all_day").to_owned(),
        (true, false) => format!(
            "{} – {}",
            day_name(language, first),
            day_name(language, last)
        ),
        // No line break before the dash.
        (false, true) => format!(
            "{}\u{a0}– {}",
            clock(item.local_start),
            clock(item.local_end)
        ),
        (false, false) => format!(
            "{} {} – {} {}",
            day_name(language, first),
            clock(item.local_start),
            day_name(language, last),
            clock(item.local_end)
        ),
    }
}

fn frequency_key(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Daily => "agenda.repeat.daily",
        Frequency::Weekly => "agenda.repeat.weekly",
        Frequency::Monthly => "agenda.repeat.monthly",
    }
}

fn role_key(role: kring_shared::admin::CareRole) -> &'static str {
    use kring_shared::admin::CareRole;
    match role {
        CareRole::Evv => "careworkers.role.evv",
        CareRole::PersonalSupervisor => "careworkers.role.personal_supervisor",
        CareRole::CareAssistant => "careworkers.role.care_assistant",
        _ => "careworkers.role.other",
    }
}

/// The care worker of a care appointment: photo or initials, name and role.
#[component]
pub fn PersonLine(person: kring_shared::agenda::AgendaPerson) -> impl IntoView {
    let i18n = use_i18n();
    let mut words = person.name.splitn(2, ' ');
    let initial = initials(
        words.next().unwrap_or_default(),
        words.next().unwrap_or_default(),
    );
    let role = person.role.map(role_key);
    let picture = match person.photo_url {
        Some(url) => view! { <img class="avatar avatar-tiny" src=url alt=""/> }.into_any(),
        None => view! { <span class="avatar avatar-tiny" aria-hidden="true">{initial}</span> }
            .into_any(),
    };
    view! {
        <p class="appt-person">
            {picture}
            <span>
                {person.name}
                {role.map(|key| view! { <span class="appt-role">{move || format!(", {}", i18n.t(key))}</span> })}
            </span>
        </p>
    }
}

#[component]
pub fn AgendaPage() -> impl IntoView {
    view! {
        <Shell title="agenda.title" protected=true>
            <AgendaFrame/>
        </Shell>
    }
}

#[component]
fn AgendaFrame() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    move || {
        // A care worker sees the agenda of a client in their care team.
        if let Some(client) = session.current_care_client() {
            let name = client.first_name.clone();
            return view! {
                <div class="page-text page-wide agenda">
                    <p class="breadcrumb"><a href="/start">{i18n.tr("dossier.back_start")}</a></p>
                    <h1>{move || i18n.t_with("agenda.heading", &name)}</h1>
                    <AgendaView client_id=client.id/>
                </div>
            }
            .into_any();
        }
        let Some(membership) = session.current_membership() else {
            return view! {
                <div class="page-text">
                    <h1>{i18n.tr("agenda.title")}</h1>
                    <p>{i18n.tr("dossier.no_client")}</p>
                    <p><a class="button-secondary" href="/start">{i18n.tr("dossier.back_start")}</a></p>
                </div>
            }
            .into_any();
        };
        if !membership.permissions.contains(&Permission::Agenda) {
            return view! {
                <div class="page-text">
                    <h1>{i18n.tr("agenda.title")}</h1>
                    <p class="form-error" role="alert">{i18n.tr("agenda.no_access")}</p>
                    <p><a class="button-secondary" href="/start">{i18n.tr("dossier.back_start")}</a></p>
                </div>
            }
            .into_any();
        }
        let name = membership.client.first_name.clone();
        view! {
            <div class="page-text page-wide agenda">
                <p class="breadcrumb"><a href="/start">{i18n.tr("dossier.back_start")}</a></p>
                <h1>{move || i18n.t_with("agenda.heading", &name)}</h1>
                <AgendaView client_id=membership.client.id/>
            </div>
        }
        .into_any()
    }
}

/// An appointment chosen for deleting, with the occurrence it was chosen at.
#[derive(Clone)]
struct Deleting {
    item: AgendaItem,
    scope: ChangeScope,
}

#[component]
fn AgendaView(client_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let layout = Memo::new(move |_| {
        query
            .read()
            .get("weergave")
            .and_then(|param| Layout::from_param(&param))
            .unwrap_or_else(Layout::default_for_screen)
    });
    let date = Memo::new(move |_| {
        query
            .read()
            .get("datum")
            .and_then(|param| NaiveDate::parse_from_str(&param, "%Y-%m-%d").ok())
            .unwrap_or_else(today)
    });
    let announce = RwSignal::new(None::<&'static str>);
    if query.read_untracked().get("opgeslagen").is_some() {
        announce.set(Some("agenda.saved"));
    }
    let version = use_live(client_id, &["agenda"]);
    let agenda = LocalResource::new(move || {
        let live = version.get();
        let (from, to) = layout.get().period(date.get());
        let api = session.api();
        async move {
            let Some(api) = api else {
                return (live, Err(ApiFailure::Network));
            };
            // Every page of the period (a long list has more than one).
            let mut page = match api.agenda(client_id, from, to, None).await {
                Ok(page) => page,
                Err(failure) => return (live, Err(failure)),
            };
            while let Some(cursor) = page.next_cursor.take() {
                match api.agenda(client_id, from, to, Some(&cursor)).await {
                    Ok(more) => {
                        page.items.extend(more.items);
                        page.next_cursor = more.next_cursor;
                    }
                    Err(failure) => return (live, Err(failure)),
                }
            }
            (live, Ok(page))
        }
    });
    Effect::new(move || {
        if let Some((live, Ok(_))) = agenda.get()
            && live > 0
        {
            announce.set(Some("agenda.updated_live"));
        }
    });
    let typed_date = RwSignal::new(String::new());
    let go_to_date = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Ok(day) = NaiveDate::parse_from_str(&typed_date.get_untracked(), "%Y-%m-%d") {
            navigate(
                &agenda_href(layout.get_untracked(), day),
                Default::default(),
            );
        }
    };
    let deleting = RwSignal::new(None::<Deleting>);
    let dialog = NodeRef::<html::Dialog>::new();
    let delete_failure = RwSignal::new(None::<&'static str>);
    let delete = session.action(
        move |api, chosen: Deleting| async move {
            let (id, occurrence) = address(&chosen.item);
            api.delete_appointment(client_id, id, occurrence, chosen.scope)
                .await
        },
        move |result| match result {
            Ok(()) => {
                if let Some(dialog) = dialog.get_untracked() {
                    dialog.close();
                }
                deleting.try_set(None);
                announce.try_set(Some("agenda.deleted"));
                agenda.refetch();
            }
            Err(failure) => {
                delete_failure.try_set(Some(failure.message_key()));
            }
        },
    );
    let ask_delete = Callback::new(move |item: AgendaItem| {
        delete_failure.set(None);
        let scope = if item.series.is_some() {
            ChangeScope::This
        } else {
            ChangeScope::All
        };
        deleting.set(Some(Deleting { item, scope }));
        if let Some(dialog) = dialog.get_untracked() {
            let _ = dialog.show_modal();
        }
    });
    let heading = move || {
        let (from, to) = layout.get().period(date.get());
        let language = i18n.language.get();
        match layout.get() {
            Layout::Day => day_name(language, from),
            _ => i18n.t_args(
                "agenda.period",
                &[
                    ("from", &day_name(language, from)),
                    ("to", &day_name(language, to - Duration::days(1))),
                ],
            ),
        }
    };
    view! {
        <nav class="agenda-views" aria-label=i18n.tr("agenda.views")>
            <ul>
                {Layout::ALL.into_iter().map(|each| view! {
                    <li>
                        <a class="tab" href=move || agenda_href(each, date.get())
                            aria-current=move || (layout.get() == each).then_some("page")>
                            {move || i18n.t(each.label())}
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </nav>
        <div class="agenda-bar">
            <a class="button-secondary" href=move || agenda_href(layout.get(), date.get() - layout.get().step())>
                {i18n.tr("agenda.previous")}
            </a>
            <a class="button-secondary" href=move || agenda_href(layout.get(), today())>
                {i18n.tr("agenda.today")}
            </a>
            <a class="button-secondary" href=move || agenda_href(layout.get(), date.get() + layout.get().step())>
                {i18n.tr("agenda.next")}
            </a>
            <form class="agenda-date" on:submit=go_to_date>
                <label for="agenda-date">{i18n.tr("agenda.date_label")}</label>
                <input id="agenda-date" type="date"
                    prop:value=move || date.get().to_string()
                    on:input=move |event| typed_date.set(event_target_value(&event))/>
                <button type="submit" class="button-secondary">{i18n.tr("dossier.date_go")}</button>
            </form>
        </div>
        <h2 class="agenda-period">{heading}</h2>
        <p role="status" class:notice=move || announce.get().is_some()>{move || announce.get().map(|key| i18n.t(key))}</p>
        <Transition fallback=move || view! { <p class="loading">{i18n.tr("start.loading")}</p> }>
            {move || agenda.get().map(|(_, result)| match result {
                Err(failure) => view! { <LoadFailure failure=failure retry=move |_| agenda.refetch()/> }.into_any(),
                Ok(page) => {
                    let add = page.may_add.then(|| view! {
                        <p class="agenda-add">
                            <a class="button-primary" href=move || format!("/agenda/nieuw?datum={}", date.get())>
                                {i18n.tr("agenda.add")}
                            </a>
                        </p>
                    });
                    // A contact who may not add is told who can (a care worker is not).
                    let only_client = (!page.may_add && session.current_care_client().is_none())
                        .then(|| view! { <p class="hint">{i18n.tr("agenda.only_client_adds")}</p> });
                    let care_note = page.care_appointments_shown.then(|| view! {
                        <p class="hint">{i18n.tr("agenda.care_note")}</p>
                    });
                    let show_empty_days = layout.get_untracked() != Layout::List;
                    view! {
                        {add}
                        {only_client}
                        {care_note}
                        <Days from=page.from to=page.to items=page.items show_empty_days=show_empty_days on_delete=ask_delete/>
                    }
                    .into_any()
                }
            })}
        </Transition>
        <dialog node_ref=dialog class="dialog" aria-labelledby="delete-title">
            <h2 id="delete-title">{i18n.tr("agenda.delete_title")}</h2>
            {move || deleting.get().map(|chosen| {
                let series = chosen.item.series.is_some();
                let title = chosen.item.title.clone().unwrap_or_default();
                let moment = format!("{}, {}", day_name(i18n.language.get(), chosen.item.local_start.date()), when(i18n, &chosen.item));
                view! {
                    <p>{move || i18n.t_args("agenda.delete_text", &[("title", &title), ("when", &moment)])}</p>
                    {series.then(|| view! { <ScopeChoice name="delete-scope" scope=Signal::derive(move || deleting.get().map_or(ChangeScope::This, |chosen| chosen.scope)) on_change=Callback::new(move |scope| deleting.update(|chosen| if let Some(chosen) = chosen { chosen.scope = scope; }))/> })}
                }
            })}
            <p class="form-error" role="alert">{move || delete_failure.get().map(|key| i18n.t(key))}</p>
            <div class="dialog-actions">
                <button type="button" class="button-primary button-danger"
                    disabled=move || delete.pending().get()
                    on:click=move |_| {
                        if let Some(chosen) = deleting.get_untracked() {
                            delete.dispatch_local(chosen);
                        }
                    }>
                    {i18n.tr("agenda.delete_confirm")}
                </button>
                <button type="button" class="button-secondary"
                    on:click=move |_| {
                        if let Some(dialog) = dialog.get_untracked() {
                            dialog.close();
                        }
                    }>
                    {i18n.tr("agenda.cancel")}
                </button>
            </div>
        </dialog>
    }
}

/// The path id and occurrence to change or delete `item` by: a series' id with the
/// occurrence's original start, or the appointment's own id.
pub fn address(item: &AgendaItem) -> (Uuid, Option<chrono::DateTime<chrono::Utc>>) {
    match &item.series {
        Some(series) => (series.id, Some(series.occurrence)),
        None => (item.id, None),
    }
}

/// *Alleen deze* / *Deze en volgende* / *Alle*, as radio buttons.
#[component]
pub fn ScopeChoice(
    name: &'static str,
    #[prop(into)] scope: Signal<ChangeScope>,
    on_change: Callback<ChangeScope>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="field">
            <legend>{i18n.tr("agenda.scope")}</legend>
            {[(ChangeScope::This, "this", "agenda.scope.this"),
              (ChangeScope::Following, "following", "agenda.scope.following"),
              (ChangeScope::All, "all", "agenda.scope.all")]
                .into_iter()
                .map(|(choice, value, label)| {
                    let id = format!("{name}-{value}");
                    let for_id = id.clone();
                    view! {
                        <div class="radio">
                            <input type="radio" id=id name=name value=value
                                prop:checked=move || scope.get() == choice
                                on:change=move |_| on_change.run(choice)/>
                            <label for=for_id>{i18n.tr(label)}</label>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// The period day by day: a heading per day and its appointments as a list.
#[component]
fn Days(
    from: NaiveDate,
    to: NaiveDate,
    items: Vec<AgendaItem>,
    show_empty_days: bool,
    on_delete: Callback<AgendaItem>,
) -> impl IntoView {
    let i18n = use_i18n();
    let mut days = Vec::new();
    let mut day = from;
    while day < to {
        let on_day: Vec<AgendaItem> = items
            .iter()
            .filter(|item| {
                let (first, last) = days_of(item);
                first <= day && day <= last
            })
            .cloned()
            .collect();
        if show_empty_days || !on_day.is_empty() {
            days.push((day, on_day));
        }
        day += Duration::days(1);
    }
    if days.is_empty() {
        return view! { <p class="notice">{i18n.tr("agenda.empty")}</p> }.into_any();
    }
    let today = today();
    let week = show_empty_days && days.len() == 7;
    view! {
        <div class="agenda-days" class:agenda-week=week>
            {days.into_iter().map(|(day, on_day)| {
                let heading_id = format!("day-{day}");
                let labelled = heading_id.clone();
                view! {
                    <section class="agenda-day" class:agenda-today=day == today aria-labelledby=labelled>
                        <h3 id=heading_id>{move || day_name(i18n.language.get(), day)}</h3>
                        {if on_day.is_empty() {
                            view! { <p class="agenda-none">{i18n.tr("agenda.none_that_day")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="appointments">
                                    {on_day.into_iter().map(|item| view! { <Appointment item=item on_delete=on_delete/> }).collect_view()}
                                </ul>
                            }
                            .into_any()
                        }}
                    </section>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

#[component]
fn Appointment(item: AgendaItem, on_delete: Callback<AgendaItem>) -> impl IntoView {
    let i18n = use_i18n();
    let kind = match (item.source, item.busy) {
        (AppointmentSource::Care, _) => "appt appt-care",
        (_, true) => "appt appt-busy",
        _ => "appt appt-own",
    };
    let moment = when(i18n, &item);
    let title = item.title.clone();
    let private = item.visibility == Some(Visibility::Private);
    let repeats = item
        .series
        .as_ref()
        .map(|series| frequency_key(series.recurrence.frequency));
    let actions = item.can_change.then(|| {
        let (id, occurrence) = address(&item);
        let mut href = format!("/agenda/wijzigen/{id}");
        if let Some(at) = occurrence {
            href.push_str(&format!("?moment={}", js_sys::encode_uri_component(&at.to_rfc3339())));
        }
        let chosen = item.clone();
        view! {
            <p class="appt-actions">
                <a class="button-secondary" href=href>{i18n.tr("agenda.change")}</a>
                <button type="button" class="button-secondary" on:click=move |_| on_delete.run(chosen.clone())>
                    {i18n.tr("agenda.delete")}
                </button>
            </p>
        }
    });
    view! {
        <li class=kind>
            <p class="appt-time">{moment}</p>
            <p class="appt-title">{move || title.clone().unwrap_or_else(|| i18n.t("agenda.busy").to_owned())}</p>
            {item.location.map(|place| view! { <p class="appt-place">{move || i18n.t_with("agenda.place", &place)}</p> })}
            {item.care_worker.map(|person| view! { <PersonLine person=person/> })}
            {item.description.map(|text| view! { <p class="appt-text">{text}</p> })}
            <p class="appt-tags">
                {(item.source == AppointmentSource::Care).then(|| view! { <span class="tag">{i18n.tr("agenda.tag.care")}</span> })}
                {private.then(|| view! { <span class="tag">{i18n.tr("agenda.tag.private")}</span> })}
                {repeats.map(|key| view! { <span class="tag">{i18n.tr(key)}</span> })}
                {item.made_by.map(|name| view! { <span class="appt-by">{move || i18n.t_with("agenda.made_by", &name)}</span> })}
            </p>
            {actions}
        </li>
    }
}
