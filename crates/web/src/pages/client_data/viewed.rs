//! *Wie heeft mijn dossier bekeken*: the client's access log in plain words, grouped by day,
//! newest first: "14:05 — Fatima El Amrani (EVV, Zorggroep De Linde) las de rapportages.",
//! with the changes to the network. Filters by person and month, older lines on request, and
//! the same lines as a CSV file.

use chrono::Datelike;
use kring_shared::{
    admin::CareRole,
    audit::AuditAction,
    dossier::{AccessAction, AccessObject},
    export::{ViewLogPage, ViewedEntry, ViewedItem, Viewer, ViewerOption, YearMonth},
    me::Relationship,
};
use leptos::prelude::*;
use uuid::Uuid;

use super::{ClientDataPage, month_words, range_words};
use crate::{
    api::ApiFailure,
    components::{date_in, failure::LoadFailure, save_file::save_blob, time_of_day},
    i18n::{
        I18n,
        labels::{action_label, relationship_label},
        use_i18n,
    },
    pages::{agenda::today, messages::local_day},
    session::use_session,
};

#[component]
pub fn ViewedPage() -> impl IntoView {
    view! {
        <ClientDataPage
            title="viewed.title"
            not_allowed="viewed.not_allowed"
            content=|client_id| view! { <ViewLog client_id/> }.into_any()
        />
    }
}

/// A care role as it reads inside a sentence: `EVV`, `persoonlijk begeleider`.
fn short_role(role: Option<CareRole>) -> &'static str {
    match role {
        Some(CareRole::Evv) => "viewed.role.evv",
        Some(CareRole::PersonalSupervisor) => "viewed.role.personal_supervisor",
        Some(CareRole::CareAssistant) => "viewed.role.care_assistant",
        Some(CareRole::Other) | None => "viewed.role.care_worker",
    }
}

/// `Zoon of dochter` as it reads between brackets: `zoon of dochter`.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Who read: `Fatima El Amrani (EVV, Zorggroep De Linde)`, `Een EVV van Zorggroep De Linde`.
fn who(i18n: I18n, viewer: &Viewer) -> String {
    match viewer {
        Viewer::Client { name } => name.clone(),
        Viewer::Contact { name, relationship } => {
            format!(
                "{name} ({})",
                lower_first(i18n.t(relationship_label(*relationship)))
            )
        }
        Viewer::CareWorker {
            name,
            care_role,
            organisation,
        } => {
            let role = i18n.t(short_role(*care_role));
            match name {
                Some(name) => format!("{name} ({role}, {organisation})"),
                None => i18n.t_args(
                    "viewed.staff_of",
                    &[("role", role), ("organisation", organisation)],
                ),
            }
        }
        Viewer::Organisation { name, organisation } => match name {
            Some(name) => format!("{name} ({}, {organisation})", i18n.t("viewed.admin")),
            None => i18n.t_args("viewed.admin_of", &[("organisation", organisation)]),
        },
        Viewer::System { name } => i18n.t_with("viewed.system", name),
    }
}

/// The months of an export's range (`2026-09/2026-11` or the like) in words.
fn export_range(i18n: I18n, range: &str) -> String {
    let mut months = Vec::new();
    let mut at = 0;
    while at + 7 <= range.len() {
        match range
            .get(at..at + 7)
            .and_then(|part| part.parse::<YearMonth>().ok())
        {
            Some(month) => {
                months.push(month);
                at += 7;
            }
            None => at += 1,
        }
    }
    match months.as_slice() {
        [from, until] => range_words(i18n, *from, *until),
        [month] => month_words(i18n.language.get(), *month),
        _ => range.to_owned(),
    }
}

/// What was read or written: `las de rapportages`, `schreef een aantekening`.
fn access_words(i18n: I18n, action: AccessAction, object: &str, range: Option<&str>) -> String {
    let object = object.parse::<AccessObject>().ok();
    let what = match object {
        Some(AccessObject::Export) => {
            return match range {
                Some(range) => i18n.t_args(
                    "viewed.export_range",
                    &[("range", &export_range(i18n, range))],
                ),
                None => i18n.t("viewed.export").to_owned(),
            };
        }
        Some(AccessObject::Fhir) => return i18n.t("viewed.fhir").to_owned(),
        Some(AccessObject::Note) if action == AccessAction::Write => {
            return i18n.t("viewed.wrote_note").to_owned();
        }
        Some(AccessObject::Messages) if action == AccessAction::Write => {
            return i18n.t("viewed.wrote_message").to_owned();
        }
        Some(AccessObject::Home | AccessObject::Timeline) => "viewed.object.timeline",
        Some(AccessObject::ReportList) => "viewed.object.reports",
        Some(AccessObject::NoteList) => "viewed.object.notes",
        Some(AccessObject::QuestionnaireList) => "viewed.object.questionnaires",
        Some(AccessObject::CarePlanList | AccessObject::CarePlans | AccessObject::Groups) => {
            "viewed.object.care_plan"
        }
        Some(AccessObject::Note) => "viewed.object.note",
        Some(AccessObject::Agenda) => "viewed.object.agenda",
        Some(AccessObject::Messages) => "viewed.object.messages",
        Some(AccessObject::Entry) | None => "viewed.object.entry",
    };
    let verb = match action {
        AccessAction::Read => "viewed.read",
        AccessAction::Write => "viewed.write",
    };
    i18n.t_args(verb, &[("what", i18n.t(what))])
}

/// A change to the network: `gaf Pieter toegang`, `voegde Pieter toe aan het netwerk`; other
/// changes as the audit log names them.
fn change_words(i18n: I18n, action: AuditAction, target: Option<&str>) -> String {
    let sentence = match action {
        AuditAction::ContactAdded => Some("viewed.change.contact_added"),
        AuditAction::ContactRemoved => Some("viewed.change.contact_removed"),
        AuditAction::PermissionsChanged => Some("viewed.change.permissions_changed"),
        AuditAction::InvitationSent => Some("viewed.change.invitation_sent"),
        AuditAction::PrimaryContactAppointed => Some("viewed.change.primary_contact_appointed"),
        _ => None,
    };
    let done = i18n.t(action_label(action));
    match (sentence, target) {
        (Some(key), Some(target)) => i18n.t_with(key, target),
        (None, Some(target)) => format!("{done}: {target}"),
        (_, None) => done.to_owned(),
    }
}

/// `Cliënt zelf` or `beheerder van de organisatie` for the codes the audit log keeps; a name as
/// it is.
fn behalf_words(i18n: I18n, value: &str) -> String {
    if value == "organisation_admin" {
        return i18n.t("audit.organisation_admin").to_owned();
    }
    Relationship::parse(value).map_or_else(
        || value.to_owned(),
        |relationship| lower_first(i18n.t(relationship_label(relationship))),
    )
}

/// One line without its time: `Fatima El Amrani (EVV, Zorggroep De Linde) las de rapportages.`
fn line(i18n: I18n, entry: &ViewedEntry) -> String {
    let what = match &entry.item {
        ViewedItem::Access {
            action,
            object,
            range,
        } => access_words(i18n, *action, object, range.as_deref()),
        ViewedItem::Change { action, target } => change_words(i18n, *action, target.as_deref()),
    };
    format!("{} {what}.", who(i18n, &entry.viewer))
}

/// A day heading: `dinsdag 24 november` (the year too when it is not this year).
fn day_heading(i18n: I18n, day: chrono::NaiveDate) -> String {
    let mut options = vec![("weekday", "long"), ("day", "numeric"), ("month", "long")];
    if day.year() != today().year() {
        options.push(("year", "numeric"));
    }
    date_in(i18n.language.get(), day, &options)
}

/// The chosen filters: a person and a month.
type Filters = (Option<Uuid>, Option<YearMonth>);

#[component]
fn ViewLog(client_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let filters = RwSignal::new((None::<Uuid>, None::<YearMonth>));
    let entries = RwSignal::new(Vec::<ViewedEntry>::new());
    let next = RwSignal::new(None::<String>);
    let people = RwSignal::new(Vec::<ViewerOption>::new());
    let months = RwSignal::new(Vec::<YearMonth>::new());
    let failure = RwSignal::new(None::<ApiFailure>);
    let loaded = RwSignal::new(false);
    // The first page: again when a filter changes.
    let first = LocalResource::new(move || {
        let (person, month) = filters.get();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.access_log(client_id, month, person, None).await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    let take = move |page: ViewLogPage| {
        // The filters offer everything of the unfiltered log.
        if filters.with_untracked(|(person, month)| person.is_none() && month.is_none())
            || people.with_untracked(Vec::is_empty)
        {
            people.set(page.people);
            months.set(page.months);
        }
        entries.set(page.entries);
        next.set(page.next_cursor);
    };
    Effect::new(move || {
        if let Some(result) = first.get() {
            match result {
                Ok(page) => {
                    failure.set(None);
                    take(page);
                }
                Err(error) => failure.set(Some(error)),
            }
            loaded.set(true);
        }
    });
    let more_failure = RwSignal::new(None::<&'static str>);
    let more = session.action(
        move |api, (cursor, wanted): (String, Filters)| async move {
            let page = api
                .access_log(client_id, wanted.1, wanted.0, Some(&cursor))
                .await?;
            Ok((wanted, page))
        },
        move |result: Result<(Filters, ViewLogPage), ApiFailure>| match result {
            // Lines for filters that have changed since are not added.
            Ok((wanted, page)) if filters.try_get_untracked() == Some(wanted) => {
                entries.update(|list| list.extend(page.entries));
                next.set(page.next_cursor);
            }
            Ok(_) => {}
            Err(error) => {
                more_failure.try_set(Some(error.message_key()));
            }
        },
    );
    let csv_failure = RwSignal::new(None::<&'static str>);
    let csv = session.action(
        move |api, (person, month): Filters| async move {
            let file = api.access_log_csv(client_id, month, person).await?;
            let name = match month {
                Some(month) => format!("kring-dossier-bekeken-{month}.csv"),
                None => "kring-dossier-bekeken.csv".to_owned(),
            };
            save_blob(&file, &name)
        },
        move |result| {
            csv_failure.try_set(result.err().map(|failure| failure.message_key()));
        },
    );
    view! {
        <p>{i18n.tr("viewed.intro")}</p>
        <div class="search-form viewed-filters">
            <div class="field">
                <label for="viewed-person">{i18n.tr("viewed.person")}</label>
                <select id="viewed-person"
                    on:change=move |event| {
                        let person = event_target_value(&event).parse().ok();
                        filters.update(|chosen| chosen.0 = person);
                    }>
                    <option value="" selected=move || filters.with(|chosen| chosen.0.is_none())>{i18n.tr("viewed.everyone")}</option>
                    {move || people.get().into_iter().map(|option| {
                        let id = option.person_id;
                        view! {
                            <option value=id.to_string() selected=move || filters.with(|chosen| chosen.0 == Some(id))>
                                {option.name}
                            </option>
                        }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="viewed-month">{i18n.tr("viewed.month")}</label>
                <select id="viewed-month"
                    on:change=move |event| {
                        let month = event_target_value(&event).parse().ok();
                        filters.update(|chosen| chosen.1 = month);
                    }>
                    <option value="" selected=move || filters.with(|chosen| chosen.1.is_none())>{i18n.tr("viewed.all_months")}</option>
                    {move || months.get().into_iter().map(|month| view! {
                        <option value=month.to_string() selected=move || filters.with(|chosen| chosen.1 == Some(month))>
                            {move || month_words(i18n.language.get(), month)}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <button type="button" class="button-secondary"
                on:click=move |_| {
                    if !csv.pending().get_untracked() {
                        csv.dispatch_local(filters.get_untracked());
                    }
                }>
                {i18n.tr("viewed.csv")}
            </button>
        </div>
        <p role="status" class="hint">{move || csv.pending().get().then(|| i18n.t("messages.downloading"))}</p>
        <p class="form-error" role="alert">{move || csv_failure.get().map(|key| i18n.t(key))}</p>
        {move || failure.get().map(|failure| view! { <LoadFailure failure retry=move || first.refetch()/> })}
        {move || {
            if !loaded.get() {
                return view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any();
            }
            if failure.with(Option::is_some) {
                return ().into_any();
            }
            entries.with(|list| {
                if list.is_empty() {
                    let filtered = filters.with(|(person, month)| person.is_some() || month.is_some());
                    let empty = if filtered { "viewed.empty_filtered" } else { "viewed.empty" };
                    return view! { <p class="notice">{i18n.t(empty)}</p> }.into_any();
                }
                days(i18n, list).into_any()
            })
        }}
        {move || next.get().map(|cursor| view! {
            <p class="below-panels">
                <button type="button" class="button-secondary"
                    on:click=move |_| {
                        if !more.pending().get_untracked() {
                            more_failure.set(None);
                            more.dispatch_local((cursor.clone(), filters.get_untracked()));
                        }
                    }>
                    {i18n.tr("viewed.more")}
                </button>
            </p>
        })}
        <p class="form-error" role="alert">{move || more_failure.get().map(|key| i18n.t(key))}</p>
    }
}

/// The lines under a heading per local day.
fn days(i18n: I18n, entries: &[ViewedEntry]) -> impl IntoView {
    let mut days: Vec<(chrono::NaiveDate, Vec<&ViewedEntry>)> = Vec::new();
    for entry in entries {
        let day = local_day(entry.at);
        match days.last_mut() {
            Some((last, list)) if *last == day => list.push(entry),
            _ => days.push((day, vec![entry])),
        }
    }
    days.into_iter()
        .map(|(day, list)| {
            let lines = list
                .into_iter()
                .map(|entry| {
                    let behalf = entry
                        .on_behalf_of
                        .as_deref()
                        .map(|value| i18n.t_with("viewed.on_behalf", &behalf_words(i18n, value)));
                    view! {
                        <li class="audit-entry">
                            <p>
                                <time datetime=entry.at.to_rfc3339()>{time_of_day(entry.at)}</time>
                                " — " {line(i18n, entry)}
                            </p>
                            {behalf.map(|text| view! { <p class="audit-details">{text}</p> })}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="day">
                    <h2 class="day-heading">{day_heading(i18n, day)}</h2>
                    <ul class="audit-list">{lines}</ul>
                </section>
            }
        })
        .collect_view()
}
