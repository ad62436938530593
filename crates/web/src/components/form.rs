//! Form fields shared by the console's forms: a labelled text input with its error, and the
//! gender choice.

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// A labelled input bound to `value`, with the catalog key of its error (if any) below it.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<&'static str>>,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <div class="field">
            <label for=id>{i18n.tr(label)}</label>
            <input id=id type=kind maxlength="254" aria-describedby=described
                aria-invalid=move || error.get().is_some().to_string()
                bind:value=value/>
            <p id=error_id class="field-error">{move || error.get().map(|key| i18n.t(key))}</p>
        </div>
    }
}

/// The gender as a select (`female`, `male`, `unknown`, or empty), with its error.
#[component]
pub fn GenderSelect(
    id: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<&'static str>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <div class="field">
            <label for=id>{i18n.tr("users.gender")}</label>
            <select id=id aria-describedby=described on:change=move |event| value.set(event_target_value(&event))>
                <option value="" selected=move || value.get().is_empty()>{i18n.tr("portals.choose")}</option>
                {[("female", "users.gender.female"), ("male", "users.gender.male"), ("unknown", "users.gender.unknown")]
                    .into_iter()
                    .map(|(option, label)| view! {
                        <option value=option selected=move || value.get() == option>{i18n.tr(label)}</option>
                    })
                    .collect_view()}
            </select>
            <p id=error_id class="field-error">{move || error.get().map(|key| i18n.t(key))}</p>
        </div>
    }
}

/// The gender a select holds.
pub fn gender_of(value: &str) -> Option<kring_shared::contacts::Gender> {
    use kring_shared::contacts::Gender;
    match value {
        "female" => Some(Gender::Female),
        "male" => Some(Gender::Male),
        "unknown" => Some(Gender::Unknown),
        _ => None,
    }
}
