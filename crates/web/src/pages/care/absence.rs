//! *Afwezigheid*: a care worker away (holiday, leave) sets from and until when, with an
//! optional note. Meanwhile messages to them also go to the team, and whoever writes to them
//! sees that before sending. "Ik ben weer aan het werk" ends it early.

use chrono::NaiveDate;
use kring_shared::messages::{Absence, MAX_ABSENCE_NOTE};
use leptos::prelude::*;

use super::CareFailure;
use crate::{api::ApiFailure, components::long_date, i18n::use_i18n, session::use_session};

/// The catalog key for a field the server (or this form) refused.
fn field_error_key(field: &str, code: &str) -> &'static str {
    match (field, code) {
        ("from", _) => "care.absence.error.from_required",
        ("until", "before_from") => "care.absence.error.before_from",
        ("until", _) => "care.absence.error.until_required",
        ("note", _) => "care.absence.error.note_too_long",
        _ => "error.validation_failed",
    }
}

/// A date input's value as a date; empty or unreadable is none.
fn typed_date(value: &str) -> Option<NaiveDate> {
    value.trim().parse().ok()
}

#[component]
pub(super) fn AbsenceForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let loaded = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api.absence().await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    view! {
        <h1>{i18n.tr("care.absence.title")}</h1>
        <p>{i18n.tr("care.absence.explain")}</p>
        {move || match loaded.get() {
            None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
            Some(Err(failure)) => view! { <CareFailure failure retry=move || loaded.refetch()/> }.into_any(),
            Some(Ok(absence)) => view! { <AbsenceFields absence/> }.into_any(),
        }}
    }
}

#[component]
fn AbsenceFields(absence: Option<Absence>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = RwSignal::new(absence.clone());
    let text_of = |date: Option<NaiveDate>| {
        date.map(|date| date.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let from = RwSignal::new(text_of(absence.as_ref().map(|absence| absence.from)));
    let until = RwSignal::new(text_of(absence.as_ref().map(|absence| absence.until)));
    let note = RwSignal::new(
        absence
            .as_ref()
            .and_then(|absence| absence.note.clone())
            .unwrap_or_default(),
    );
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let error = RwSignal::new(None::<&'static str>);
    let status = RwSignal::new(None::<&'static str>);
    let error_of = move |field: &'static str| {
        errors.with(|errors| {
            errors
                .iter()
                .find(|(name, _)| name == field)
                .map(|(name, code)| field_error_key(name, code))
        })
    };

    let save = session.action(
        |api, absence: Absence| async move { api.set_absence(&absence).await },
        move |result| match result {
            Ok(saved) => {
                errors.try_set(Vec::new());
                error.try_set(None);
                current.try_set(Some(saved));
                status.try_set(Some("care.absence.saved"));
            }
            Err(failure) => {
                let fields = failure.field_errors();
                error.try_set(fields.is_empty().then(|| failure.message_key()));
                errors.try_set(fields);
            }
        },
    );
    let end = session.action(
        |api, (): ()| async move { api.end_absence().await },
        move |result| match result {
            Ok(()) => {
                current.try_set(None);
                from.try_set(String::new());
                until.try_set(String::new());
                note.try_set(String::new());
                errors.try_set(Vec::new());
                error.try_set(None);
                status.try_set(Some("care.absence.ended"));
            }
            Err(failure) => {
                error.try_set(Some(failure.message_key()));
            }
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        status.set(None);
        error.set(None);
        let (start, last) = (
            typed_date(&from.get_untracked()),
            typed_date(&until.get_untracked()),
        );
        let text = note.get_untracked().trim().to_owned();
        let mut found = Vec::new();
        if start.is_none() {
            found.push(("from".to_owned(), "required".to_owned()));
        }
        match (start, last) {
            (_, None) => found.push(("until".to_owned(), "required".to_owned())),
            (Some(start), Some(last)) if last < start => {
                found.push(("until".to_owned(), "before_from".to_owned()));
            }
            _ => {}
        }
        if text.chars().count() > MAX_ABSENCE_NOTE {
            found.push(("note".to_owned(), "too_long".to_owned()));
        }
        let (Some(start), Some(last), true) = (start, last, found.is_empty()) else {
            errors.set(found);
            return;
        };
        errors.set(Vec::new());
        save.dispatch_local(Absence {
            from: start,
            until: last,
            note: (!text.is_empty()).then_some(text),
        });
    };

    let date_field = move |field: &'static str, label: &'static str, value: RwSignal<String>| {
        let id = format!("absence-{field}");
        let error_id = format!("{id}-error");
        let (for_id, described) = (id.clone(), error_id.clone());
        view! {
            <div class="field">
                <label for=for_id>{i18n.tr(label)}</label>
                <input id=id type="date" required
                    aria-describedby=described
                    aria-invalid=move || error_of(field).is_some().to_string()
                    prop:value=move || value.get()
                    on:input=move |event| value.set(event_target_value(&event))/>
                <p id=error_id class="field-error">{move || error_of(field).map(|key| i18n.t(key))}</p>
            </div>
        }
    };

    view! {
        {move || current.get().map(|absence| {
            let (start, last) = (absence.from, absence.until);
            view! {
                <section class="banner care-absence-now" aria-labelledby="absence-now-title">
                    <h2 id="absence-now-title">{i18n.tr("care.absence.now")}</h2>
                    <p>
                        {move || i18n.t_args("care.absence.current", &[
                            ("from", &long_date(i18n.language.get(), start)),
                            ("until", &long_date(i18n.language.get(), last)),
                        ])}
                    </p>
                    {absence.note.clone().map(|text| view! {
                        <p>{move || i18n.t_args("care.absence.current_note", &[("note", &text)])}</p>
                    })}
                    <button type="button" class="button-primary"
                        disabled=move || end.pending().get()
                        on:click=move |_| { end.dispatch_local(()); }>
                        {i18n.tr("care.absence.end")}
                    </button>
                </section>
            }
        })}
        <p class="notice" role="status">{move || status.get().map(|key| i18n.t(key))}</p>
        <form on:submit=submit novalidate class="care-absence-form">
            <fieldset class="field">
                <legend>
                    {move || i18n.t(if current.with(Option::is_some) { "care.absence.change" } else { "care.absence.form" })}
                </legend>
                <div class="field-row">
                    {date_field("from", "care.absence.from", from)}
                    {date_field("until", "care.absence.until", until)}
                </div>
                <div class="field">
                    <label for="absence-note">{i18n.tr("care.absence.note")}</label>
                    <p class="hint" id="absence-note-hint">{i18n.tr("care.absence.note_hint")}</p>
                    <input id="absence-note" type="text" maxlength=MAX_ABSENCE_NOTE.to_string()
                        aria-describedby="absence-note-hint absence-note-error"
                        aria-invalid=move || error_of("note").is_some().to_string()
                        prop:value=move || note.get()
                        on:input=move |event| note.set(event_target_value(&event))/>
                    <p id="absence-note-error" class="field-error">{move || error_of("note").map(|key| i18n.t(key))}</p>
                </div>
            </fieldset>
            <p class="form-error" role="alert">{move || error.get().map(|key| i18n.t(key))}</p>
            <button type="submit" class="button-primary" disabled=move || save.pending().get()>
                {i18n.tr("care.absence.save")}
            </button>
        </form>
    }
}
