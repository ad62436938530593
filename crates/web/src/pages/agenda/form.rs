//! *Afspraak maken* and *Afspraak wijzigen*: title, whole day or from–to, place, description,
//! who may see it, and repeating. Before saving, the server is asked whether the appointment
//! overlaps a care appointment; if so the page says so and advises contacting the care team,
//! and saving stays possible.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use kring_shared::agenda::{
    AgendaItem, AppointmentInput, ChangeScope, Frequency, Recurrence, Visibility,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use uuid::Uuid;

use super::{Layout, ScopeChoice, agenda_client, agenda_href, today, when};
use crate::{
    api::ApiFailure,
    components::{day_name, failure::LoadFailure, shell::Shell},
    i18n::use_i18n,
    session::use_session,
};

/// A new appointment (`/agenda/nieuw?datum=`).
#[component]
pub fn NewAppointmentPage() -> impl IntoView {
    let query = use_query_map();
    let date = query
        .read_untracked()
        .get("datum")
        .and_then(|param| NaiveDate::parse_from_str(&param, "%Y-%m-%d").ok())
        .unwrap_or_else(today);
    view! {
        <Shell title="agenda.new_title" protected=true>
            <div class="page-text agenda-form-page">
                <p class="breadcrumb"><a href="/agenda">{move || use_i18n().t("agenda.back")}</a></p>
                <h1>{move || use_i18n().t("agenda.new_title")}</h1>
                {move || match agenda_client() {
                    Some(client_id) => view! { <AppointmentForm client_id=client_id existing=None date=date/> }.into_any(),
                    None => view! { <p class="form-error" role="alert">{move || use_i18n().t("agenda.no_access")}</p> }.into_any(),
                }}
            </div>
        </Shell>
    }
}

/// Changing an appointment (`/agenda/wijzigen/{id}?moment=` for an occurrence of a series).
#[component]
pub fn ChangeAppointmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let query = use_query_map();
    let id = params
        .read_untracked()
        .get("id")
        .and_then(|id| id.parse::<Uuid>().ok());
    let occurrence = query
        .read_untracked()
        .get("moment")
        .and_then(|at| DateTime::parse_from_rfc3339(&at).ok())
        .map(|at| at.with_timezone(&Utc));
    let item = LocalResource::new(move || {
        let api = session.api();
        let client = agenda_client();
        async move {
            match (api, client, id) {
                (Some(api), Some(client_id), Some(id)) => api
                    .appointment(client_id, id, occurrence)
                    .await
                    .map(|item| (client_id, item)),
                (_, _, None) => Err(ApiFailure::Problem(kring_shared::Problem::new(
                    kring_shared::ErrorCode::NotFound,
                    None,
                ))),
                _ => Err(ApiFailure::Network),
            }
        }
    });
    view! {
        <Shell title="agenda.change_title" protected=true>
            <div class="page-text agenda-form-page">
                <p class="breadcrumb"><a href="/agenda">{i18n.tr("agenda.back")}</a></p>
                <h1>{i18n.tr("agenda.change_title")}</h1>
                <Suspense fallback=move || view! { <p class="loading">{i18n.tr("start.loading")}</p> }>
                    {move || item.get().map(|result| match result {
                        Ok((client_id, item)) => {
                            let date = item.local_start.date();
                            view! { <AppointmentForm client_id=client_id existing=Some(item) date=date/> }.into_any()
                        }
                        Err(failure) => view! { <LoadFailure failure=failure retry=move |_| item.refetch()/> }.into_any(),
                    })}
                </Suspense>
            </div>
        </Shell>
    }
}

/// What the form holds, as typed.
#[derive(Clone, Copy)]
struct Fields {
    title: RwSignal<String>,
    all_day: RwSignal<bool>,
    date: RwSignal<String>,
    end_date: RwSignal<String>,
    start_time: RwSignal<String>,
    end_time: RwSignal<String>,
    location: RwSignal<String>,
    description: RwSignal<String>,
    private: RwSignal<bool>,
    /// `none`, `daily`, `weekly`, `monthly`.
    repeat: RwSignal<String>,
    /// `until` or `count`.
    ends: RwSignal<String>,
    until: RwSignal<String>,
    count: RwSignal<String>,
    scope: RwSignal<ChangeScope>,
}

impl Fields {
    fn new(existing: Option<&AgendaItem>, date: NaiveDate) -> Fields {
        let recurrence = existing
            .and_then(|item| item.series.as_ref())
            .map(|series| series.recurrence.clone());
        let text = |value: Option<String>| RwSignal::new(value.unwrap_or_default());
        let repeat = match recurrence.as_ref().map(|recurrence| recurrence.frequency) {
            Some(Frequency::Daily) => "daily",
            Some(Frequency::Weekly) => "weekly",
            Some(Frequency::Monthly) => "monthly",
            None => "none",
        };
        let last_day = existing.map(|item| (item.local_end - chrono::Duration::seconds(1)).date());
        Fields {
            title: text(existing.and_then(|item| item.title.clone())),
            all_day: RwSignal::new(existing.is_some_and(|item| item.all_day)),
            date: RwSignal::new(date.to_string()),
            // Empty: the same day as the start.
            end_date: RwSignal::new(
                last_day
                    .filter(|last| *last != date)
                    .map(|last| last.to_string())
                    .unwrap_or_default(),
            ),
            start_time: RwSignal::new(
                existing.map_or("14:00".to_owned(), |item| super::clock(item.local_start)),
            ),
            end_time: RwSignal::new(
                existing.map_or("15:00".to_owned(), |item| super::clock(item.local_end)),
            ),
            location: text(existing.and_then(|item| item.location.clone())),
            description: text(existing.and_then(|item| item.description.clone())),
            private: RwSignal::new(
                existing.is_some_and(|item| item.visibility == Some(Visibility::Private)),
            ),
            repeat: RwSignal::new(repeat.to_owned()),
            ends: RwSignal::new(
                if recurrence.as_ref().is_some_and(|r| r.count.is_some()) {
                    "count"
                } else {
                    "until"
                }
                .to_owned(),
            ),
            until: text(
                recurrence
                    .as_ref()
                    .and_then(|r| r.until)
                    .map(|until| until.to_string()),
            ),
            count: text(
                recurrence
                    .as_ref()
                    .and_then(|r| r.count)
                    .map(|count| count.to_string()),
            ),
            scope: RwSignal::new(if recurrence.is_some() {
                ChangeScope::This
            } else {
                ChangeScope::All
            }),
        }
    }

    /// The request, or the fields that cannot be sent as typed. Changing only one occurrence
    /// of a series sends no recurrence.
    fn input(&self, in_series: bool) -> Result<AppointmentInput, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, code: &str| errors.push((field.to_owned(), code.to_owned()));
        let title = self.title.get_untracked();
        if title.trim().is_empty() {
            fail("title", "required");
        }
        let date = NaiveDate::parse_from_str(&self.date.get_untracked(), "%Y-%m-%d").ok();
        if date.is_none() {
            fail("start", "required");
        }
        let time = |value: RwSignal<String>| {
            NaiveTime::parse_from_str(&value.get_untracked(), "%H:%M").ok()
        };
        let all_day = self.all_day.get_untracked();
        // An empty end date is the start's day.
        let last_day = NaiveDate::parse_from_str(&self.end_date.get_untracked(), "%Y-%m-%d")
            .ok()
            .or(date);
        let (mut start, mut end, mut start_date, mut end_date) = (None, None, None, None);
        if all_day {
            start_date = date;
            end_date = last_day;
        } else {
            match (date, last_day, time(self.start_time), time(self.end_time)) {
                (Some(day), Some(last), Some(from), Some(to)) => {
                    start = Some(day.and_time(from));
                    end = Some(last.and_time(to));
                    if last.and_time(to) <= day.and_time(from) {
                        fail("end", "not_after_start");
                    }
                }
                _ => fail("end", "required"),
            }
        }
        let frequency = match self.repeat.get_untracked().as_str() {
            "daily" => Some(Frequency::Daily),
            "weekly" => Some(Frequency::Weekly),
            "monthly" => Some(Frequency::Monthly),
            _ => None,
        };
        let recurrence = match frequency {
            Some(_) if in_series && self.scope.get_untracked() == ChangeScope::This => None,
            Some(frequency) => {
                let (mut until, mut count) = (None, None);
                if self.ends.get_untracked() == "count" {
                    count = self.count.get_untracked().trim().parse::<u16>().ok();
                    if count.is_none() {
                        fail("recurrence.count", "out_of_range");
                    }
                } else {
                    until = NaiveDate::parse_from_str(&self.until.get_untracked(), "%Y-%m-%d").ok();
                    if until.is_none() {
                        fail("recurrence", "no_end");
                    }
                }
                Some(Recurrence {
                    frequency,
                    interval: 1,
                    until,
                    count,
                })
            }
            None => None,
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let optional = |value: RwSignal<String>| {
            Some(value.get_untracked()).filter(|text| !text.trim().is_empty())
        };
        Ok(AppointmentInput {
            title,
            all_day,
            start,
            end,
            start_date,
            end_date,
            location: optional(self.location),
            description: optional(self.description),
            visibility: if self.private.get_untracked() {
                Visibility::Private
            } else {
                Visibility::Public
            },
            recurrence,
        })
    }
}

/// The catalog key of a field error from the server or the form.
fn error_key(field: &str, code: &str) -> &'static str {
    match (field, code) {
        ("end" | "end_date", "too_long") => return "agenda.error.too_long_span",
        ("start" | "start_date", "out_of_range") => return "agenda.error.date_range",
        _ => {}
    }
    match code {
        "required" => "agenda.error.required",
        "too_long" => "agenda.error.too_long",
        "not_after_start" | "before_start" => "agenda.error.end_before_start",
        "no_end" => "agenda.error.no_end",
        "over_two_years" => "agenda.error.over_two_years",
        "out_of_range" => "agenda.error.out_of_range",
        _ => "agenda.error.invalid",
    }
}

#[component]
fn AppointmentForm(
    client_id: Uuid,
    existing: Option<AgendaItem>,
    date: NaiveDate,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let fields = Fields::new(existing.as_ref(), date);
    let in_series = existing.as_ref().is_some_and(|item| item.series.is_some());
    let target = existing.as_ref().map(super::address);
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let failure = RwSignal::new(None::<&'static str>);
    let conflicts = RwSignal::new(Vec::<AgendaItem>::new());
    let confirmed = RwSignal::new(false);
    let error_of = move |field: &'static str| {
        move || {
            errors.with(|errors| {
                errors
                    .iter()
                    .find(|(name, _)| {
                        name == field
                            || name.starts_with(&format!("{field}."))
                            || (field == "start" && name == "start_date")
                    })
                    .map(|(name, code)| i18n.t(error_key(name, code)))
            })
        }
    };
    let save = session.action(
        move |api, input: AppointmentInput| async move {
            let result = match target {
                Some((id, occurrence)) => {
                    api.change_appointment(
                        client_id,
                        id,
                        occurrence,
                        fields.scope.get_untracked(),
                        &input,
                    )
                    .await
                }
                None => api.add_appointment(client_id, &input).await,
            };
            result.map(|item| item.local_start.date())
        },
        move |result| match result {
            Ok(day) => navigate(
                &format!(
                    "{}&opgeslagen=1",
                    agenda_href(Layout::default_for_screen(), day)
                ),
                Default::default(),
            ),
            Err(error) => {
                errors.try_set(error.field_errors());
                failure.try_set(Some(error.message_key()));
            }
        },
    );
    let check = crate::api::action(
        move |input: AppointmentInput| {
            let api = session.api();
            async move {
                let report = match api {
                    Some(api) => api.agenda_conflicts(client_id, &input).await,
                    None => Err(ApiFailure::Network),
                };
                (input, report)
            }
        },
        move |(input, report)| match report {
            Ok(report) if report.conflicts.is_empty() => {
                save.dispatch_local(input);
            }
            Ok(report) => {
                conflicts.try_set(report.conflicts);
            }
            Err(error) => {
                errors.try_set(error.field_errors());
                failure.try_set(Some(error.message_key()));
            }
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        failure.set(None);
        match fields.input(in_series) {
            Err(found) => errors.set(found),
            Ok(input) => {
                errors.set(Vec::new());
                if confirmed.get_untracked() {
                    save.dispatch_local(input);
                } else {
                    check.dispatch_local(input);
                }
            }
        }
    };
    let busy = move || save.pending().get() || check.pending().get();
    let text_field = move |id: &'static str,
                           label: &'static str,
                           value: RwSignal<String>,
                           kind: &'static str,
                           field: &'static str| {
        let error_id = format!("{id}-error");
        let described = error_id.clone();
        let error = error_of(field);
        view! {
            <div class="field">
                <label for=id>{i18n.tr(label)}</label>
                <input id=id type=kind aria-describedby=described
                    aria-invalid=move || error().is_some().to_string()
                    bind:value=value/>
                <p id=error_id class="field-error">{error}</p>
            </div>
        }
    };
    let radio = move |name: &'static str,
                      id: &'static str,
                      label: &'static str,
                      checked: Signal<bool>,
                      choose: Callback<()>| {
        view! {
            <div class="radio">
                <input type="radio" id=id name=name prop:checked=move || checked.get() on:change=move |_| choose.run(())/>
                <label for=id>{i18n.tr(label)}</label>
            </div>
        }
    };
    let repeat_options = [
        ("none", "agenda.repeat.none"),
        ("daily", "agenda.repeat.daily"),
        ("weekly", "agenda.repeat.weekly"),
        ("monthly", "agenda.repeat.monthly"),
    ];
    let show_repeat = move || !(in_series && fields.scope.get() == ChangeScope::This);
    view! {
        <form class="appointment-form" on:submit=submit novalidate>
            <p class="hint">{i18n.tr("agenda.plan_hint")}</p>
            {in_series.then(|| view! {
                <ScopeChoice name="change-scope" scope=fields.scope on_change=Callback::new(move |scope| fields.scope.set(scope))/>
            })}
            {text_field("appt-title", "agenda.field.title", fields.title, "text", "title")}
            <div class="checkbox">
                <input type="checkbox" id="appt-all-day" prop:checked=move || fields.all_day.get()
                    on:change=move |event| fields.all_day.set(event_target_checked(&event))/>
                <label for="appt-all-day">{i18n.tr("agenda.field.all_day")}</label>
            </div>
            {text_field("appt-date", "agenda.field.date", fields.date, "date", "start")}
            <Show
                when=move || fields.all_day.get()
                fallback=move || view! {
                    <div class="field-row">
                        {text_field("appt-start", "agenda.field.from", fields.start_time, "time", "start_time")}
                        {text_field("appt-end", "agenda.field.to", fields.end_time, "time", "end")}
                    </div>
                    {text_field("appt-end-date", "agenda.field.end_date", fields.end_date, "date", "end_date")}
                }
            >
                {text_field("appt-last-day", "agenda.field.last_day", fields.end_date, "date", "end_date")}
            </Show>
            {text_field("appt-location", "agenda.field.location", fields.location, "text", "location")}
            <div class="field">
                <label for="appt-description">{i18n.tr("agenda.field.description")}</label>
                <textarea id="appt-description" rows="3" bind:value=fields.description></textarea>
                <p class="field-error">{error_of("description")}</p>
            </div>
            <fieldset class="field">
                <legend>{i18n.tr("agenda.field.visibility")}</legend>
                {radio("appt-visibility", "appt-public", "agenda.visibility.public",
                    Signal::derive(move || !fields.private.get()), Callback::new(move |_| fields.private.set(false)))}
                {radio("appt-visibility", "appt-private", "agenda.visibility.private",
                    Signal::derive(move || fields.private.get()), Callback::new(move |_| fields.private.set(true)))}
                <p class="hint">{i18n.tr("agenda.visibility.hint")}</p>
            </fieldset>
            <Show when=show_repeat>
                <div class="field">
                    <label for="appt-repeat">{i18n.tr("agenda.field.repeat")}</label>
                    <select id="appt-repeat" on:change=move |event| fields.repeat.set(event_target_value(&event))>
                        {repeat_options.into_iter().map(|(value, label)| view! {
                            <option value=value selected=move || fields.repeat.get() == value>{i18n.tr(label)}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error">{error_of("recurrence")}</p>
                </div>
                <Show when=move || fields.repeat.get() != "none">
                    <fieldset class="field">
                        <legend>{i18n.tr("agenda.field.repeat_end")}</legend>
                        {radio("appt-ends", "appt-ends-until", "agenda.repeat.until",
                            Signal::derive(move || fields.ends.get() == "until"), Callback::new(move |_| fields.ends.set("until".to_owned())))}
                        {radio("appt-ends", "appt-ends-count", "agenda.repeat.count",
                            Signal::derive(move || fields.ends.get() == "count"), Callback::new(move |_| fields.ends.set("count".to_owned())))}
                        {move || if fields.ends.get() == "count" {
                            text_field("appt-count", "agenda.field.count", fields.count, "number", "recurrence.count").into_any()
                        } else {
                            text_field("appt-until", "agenda.field.until", fields.until, "date", "recurrence.until").into_any()
                        }}
                    </fieldset>
                </Show>
            </Show>
            <Show when=move || !conflicts.with(Vec::is_empty)>
                <div class="banner banner-warning" role="alert">
                    <p><strong>{i18n.tr("agenda.conflict.title")}</strong></p>
                    <ul>
                        {move || conflicts.get().into_iter().map(|item| {
                            let line = format!(
                                "{}, {}: {}",
                                day_name(i18n.language.get(), item.local_start.date()),
                                when(i18n, &item),
                                item.title.clone().unwrap_or_default()
                            );
                            view! { <li>{line}</li> }
                        }).collect_view()}
                    </ul>
                    <p>{i18n.tr("agenda.conflict.advice")}</p>
                    <button type="submit" class="button-secondary" on:click=move |_| confirmed.set(true)>
                        {i18n.tr("agenda.conflict.save_anyway")}
                    </button>
                </div>
            </Show>
            <p class="form-error" role="alert">{move || failure.get().map(|key| i18n.t(key))}</p>
            <div class="form-actions">
                <button type="submit" class="button-primary" disabled=busy>{i18n.tr("agenda.save")}</button>
                <a class="button-secondary" href="/agenda">{i18n.tr("agenda.cancel")}</a>
            </div>
        </form>
    }
}
