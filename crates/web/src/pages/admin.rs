//! *Beheer*: the organisation admin console (staff side). The organisation's settings; the
//! organisation's accounts, with a search, and sending someone a new temporary password by
//! e-mail (the Laurens variant of a password reset).

use kring_shared::{
    admin::{AdminUserSummary, OrganisationSettings},
    me::AccountKind,
    password::PasswordPolicy,
};
use leptos::{html, prelude::*};
use uuid::Uuid;

use crate::{components::shell::Shell, i18n::use_i18n, session::use_session};

#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let is_admin = move || {
        session.data.with(|data| {
            data.as_ref()
                .is_some_and(|data| data.me.user.kind == AccountKind::OrganisationAdmin)
        })
    };
    view! {
        <Shell title="admin.title" protected=true>
            <div class="page-text page-wide">
                <h1>{move || i18n.t("admin.title")}</h1>
                <Show when=is_admin fallback=move || view! { <p>{i18n.t("admin.not_allowed")}</p> }>
                    <OrganisationSettingsForm/>
                    <AdminUsers/>
                </Show>
            </div>
        </Shell>
    }
}

/// The organisation's accounts, searchable, each with "send a temporary password".
#[component]
fn AdminUsers() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let users = LocalResource::new(move || {
        let query = search.get();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.admin_users(&query).await.ok(),
                None => None,
            }
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        search.set(typed.get_untracked());
    };
    let sent_to = RwSignal::new(None::<String>);
    view! {
        <section class="profile-section" aria-labelledby="admin-users-title">
            <h2 id="admin-users-title">{move || i18n.t("admin.users")}</h2>
            <form class="search-form" role="search" on:submit=submit>
                <div class="field">
                    <label for="admin-search">{move || i18n.t("admin.search")}</label>
                    <input id="admin-search" type="search" maxlength="100" bind:value=typed/>
                </div>
                <button type="submit" class="button-secondary">{move || i18n.t("admin.search_button")}</button>
            </form>
            <p class="notice" role="status">
                {move || sent_to.get().map(|name| i18n.t_with("admin.temporary_sent", &name))}
            </p>
            {move || match users.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(None) => view! { <p class="form-error">{i18n.t("error.network")}</p> }.into_any(),
                Some(Some(list)) if list.is_empty() => view! { <p>{i18n.t("admin.no_users")}</p> }.into_any(),
                Some(Some(list)) => view! {
                    <ul class="session-list">
                        {list.into_iter().map(|user| view! { <AdminUserRow user sent_to/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn AdminUserRow(user: AdminUserSummary, sent_to: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let name = format!("{} {}", user.first_name, user.last_name);
    let confirming = RwSignal::new(false);
    let failed = RwSignal::new(None::<&'static str>);
    let yes_button = NodeRef::<html::Button>::new();
    let id: Uuid = user.id;
    let send = Action::new_local(move |_: &()| {
        let api = session.api();
        async move {
            match api {
                Some(api) => api.send_temporary_password(id).await,
                None => Err(crate::api::ApiFailure::Network),
            }
        }
    });
    let sent_name = name.clone();
    Effect::new(move || {
        if let Some(result) = send.value().get() {
            confirming.set(false);
            match result {
                Ok(()) => {
                    failed.set(None);
                    sent_to.set(Some(sent_name.clone()));
                }
                Err(failure) => failed.set(Some(failure.message_key())),
            }
        }
    });
    Effect::new(move || {
        if confirming.get()
            && let Some(button) = yes_button.get()
        {
            let _ = button.focus();
        }
    });
    let kind = match user.kind {
        AccountKind::Person => "admin.kind.person",
        AccountKind::CareWorker => "admin.kind.care_worker",
        AccountKind::OrganisationAdmin => "admin.kind.organisation_admin",
    };
    let question_name = name.clone();
    view! {
        <li class="session-item admin-user">
            <div>
                <strong>{name.clone()}</strong>
                {user.blocked.then(|| view! { <span class="badge badge-warning">{move || i18n.t("admin.blocked")}</span> })}
                {user.must_change_password.then(|| view! { <span class="badge">{move || i18n.t("admin.temporary")}</span> })}
                <br/>
                <span class="muted">{user.username.clone()} " · " {user.email.clone()} " · " {move || i18n.t(kind)}</span>
            </div>
            <div class="form-actions">
                <Show when=move || confirming.get() fallback=move || view! {
                    <button type="button" class="button-secondary"
                        on:click=move |_| confirming.set(true)>
                        {move || i18n.t("admin.send_temporary")}
                    </button>
                }>
                    <p class="dialog-question">{i18n.t_with("admin.send_temporary_question", &question_name)}</p>
                    <button type="button" class="button-primary" node_ref=yes_button
                        disabled=move || send.pending().get()
                        on:click=move |_| { send.dispatch_local(()); }>
                        {move || i18n.t("admin.send_temporary_yes")}
                    </button>
                    <button type="button" class="button-secondary" on:click=move |_| confirming.set(false)>
                        {move || i18n.t("logout.no")}
                    </button>
                </Show>
                <p class="form-error" role="alert">{move || failed.get().map(|key| i18n.t(key))}</p>
            </div>
        </li>
    }
}

/// The organisation settings: saved all at once; a bad value saves nothing and is named.
#[component]
fn OrganisationSettingsForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let loaded = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api.organisation_settings().await.ok(),
                None => None,
            }
        }
    });
    view! {
        <section class="profile-section" aria-labelledby="settings-title">
            <h2 id="settings-title">{move || i18n.t("settings.title")}</h2>
            {move || match loaded.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(None) => view! { <p class="form-error">{i18n.t("error.network")}</p> }.into_any(),
                Some(Some(settings)) => view! { <SettingsFields settings/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn SettingsFields(settings: OrganisationSettings) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = RwSignal::new(settings);
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let status = RwSignal::new(None::<&'static str>);
    let save = Action::new_local(move |settings: &OrganisationSettings| {
        let settings = settings.clone();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.save_organisation_settings(&settings).await,
                None => Err(crate::api::ApiFailure::Network),
            }
        }
    });
    Effect::new(move || {
        if let Some(result) = save.value().get() {
            match result {
                Ok(saved) => {
                    errors.set(Vec::new());
                    current.set(saved);
                    status.set(Some("settings.saved"));
                    session.reload_me();
                }
                Err(failure) => {
                    errors.set(failure.field_errors());
                    status.set(Some(failure.message_key()));
                }
            }
        }
    });
    let error_of = move |field: &'static str| {
        errors.with(|errors| {
            errors
                .iter()
                .find(|(name, _)| name == field)
                .map(|(_, code)| match code.as_str() {
                    "required" => "users.error.required",
                    "too_long" => "users.error.too_long",
                    "low_contrast" => "settings.error.low_contrast",
                    "out_of_range" => "settings.error.out_of_range",
                    _ => "settings.error.invalid",
                })
        })
    };
    let text = move |field: &'static str,
                     label: &'static str,
                     kind: &'static str,
                     get: fn(&OrganisationSettings) -> String,
                     set: fn(&mut OrganisationSettings, String)| {
        let id = format!("setting-{field}");
        let error_id = format!("{id}-error");
        let described = error_id.clone();
        let for_id = id.clone();
        view! {
            <div class="field">
                <label for=for_id>{move || i18n.t(label)}</label>
                <input id=id type=kind maxlength="500"
                    aria-describedby=described
                    aria-invalid=move || error_of(field).is_some().to_string()
                    prop:value=move || current.with(get)
                    on:input=move |event| {
                        let value = event_target_value(&event);
                        current.update(|settings| set(settings, value));
                    }/>
                <p id=error_id class="field-error">{move || error_of(field).map(|key| i18n.t(key))}</p>
            </div>
        }
    };
    let number = move |field: &'static str,
                       label: &'static str,
                       (min, max): (i16, i16),
                       get: fn(&OrganisationSettings) -> i16,
                       set: fn(&mut OrganisationSettings, i16)| {
        let id = format!("setting-{field}");
        let error_id = format!("{id}-error");
        let described = format!("{id}-hint {error_id}");
        let hint_id = format!("{id}-hint");
        let for_id = id.clone();
        let range = format!("{min}–{max}");
        view! {
            <div class="field field-number">
                <label for=for_id>{move || i18n.t(label)}</label>
                <p class="hint" id=hint_id>{move || i18n.t_with("settings.range", &range)}</p>
                <input id=id type="number" inputmode="numeric" min=min max=max
                    aria-describedby=described
                    aria-invalid=move || error_of(field).is_some().to_string()
                    prop:value=move || current.with(get).to_string()
                    on:input=move |event| {
                        if let Ok(value) = event_target_value(&event).trim().parse::<i16>() {
                            current.update(|settings| set(settings, value));
                        }
                    }/>
                <p id=error_id class="field-error">{move || error_of(field).map(|key| i18n.t(key))}</p>
            </div>
        }
    };
    let toggle = move |field: &'static str,
                       label: &'static str,
                       get: fn(&OrganisationSettings) -> bool,
                       set: fn(&mut OrganisationSettings, bool)| {
        let id = format!("setting-{field}");
        let for_id = id.clone();
        view! {
            <div class="checkbox">
                <input type="checkbox" id=id prop:checked=move || current.with(get)
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        current.update(|settings| set(settings, on));
                    }/>
                <label for=for_id>{move || i18n.t(label)}</label>
            </div>
        }
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        status.set(None);
        save.dispatch_local(current.get_untracked());
    };
    view! {
        <form on:submit=submit novalidate class="settings-form">
            <fieldset class="field">
                <legend>{move || i18n.t("settings.look")}</legend>
                {text("name", "settings.name", "text", |s| s.name.clone(), |s, v| s.name = v)}
                {text("primary_colour", "settings.colour", "text", |s| s.primary_colour.clone(), |s, v| s.primary_colour = v)}
                {text("help_url", "settings.help_url", "url", |s| s.help_url.clone().unwrap_or_default(), |s, v| s.help_url = Some(v))}
                {text("logo_url", "settings.logo_url", "url", |s| s.logo_url.clone().unwrap_or_default(), |s, v| s.logo_url = Some(v))}
            </fieldset>
            <fieldset class="field">
                <legend>{move || i18n.t("settings.panels")}</legend>
                {toggle("panel_agenda_enabled", "panel.agenda", |s| s.panel_agenda_enabled, |s, v| s.panel_agenda_enabled = v)}
                {toggle("panel_messages_enabled", "panel.messages", |s| s.panel_messages_enabled, |s, v| s.panel_messages_enabled = v)}
                {toggle("panel_dossier_enabled", "panel.dossier", |s| s.panel_dossier_enabled, |s, v| s.panel_dossier_enabled = v)}
                {toggle("panel_details_enabled", "panel.details", |s| s.panel_details_enabled, |s, v| s.panel_details_enabled = v)}
                {toggle("messages_to_care_allowed", "settings.messages_to_care", |s| s.messages_to_care_allowed, |s, v| s.messages_to_care_allowed = v)}
            </fieldset>
            <fieldset class="field">
                <legend>{move || i18n.t("settings.security")}</legend>
                {number("lockout_threshold", "settings.lockout", (2, 10), |s| s.lockout_threshold, |s, v| s.lockout_threshold = v)}
                {number("reset_link_minutes", "settings.reset_minutes", (5, 60), |s| s.reset_link_minutes, |s, v| s.reset_link_minutes = v)}
                {number("verification_code_minutes", "settings.code_minutes", (1, 10), |s| s.verification_code_minutes, |s, v| s.verification_code_minutes = v)}
                {number("trusted_device_days", "settings.device_days", (0, 90), |s| s.trusted_device_days, |s, v| s.trusted_device_days = v)}
                {number("idle_timeout_minutes", "settings.idle_minutes", (5, 120), |s| s.idle_timeout_minutes, |s, v| s.idle_timeout_minutes = v)}
                {number("session_lifetime_hours", "settings.session_hours", (1, 24), |s| s.session_lifetime_hours, |s, v| s.session_lifetime_hours = v)}
                {number("discharge_access_days", "settings.discharge_days", (0, 365), |s| s.discharge_access_days, |s, v| s.discharge_access_days = v)}
                <div class="field">
                    <label for="setting-password-policy">{move || i18n.t("settings.password_policy")}</label>
                    <select id="setting-password-policy"
                        on:change=move |event| {
                            let policy = PasswordPolicy::from_name(&event_target_value(&event));
                            current.update(|settings| settings.password_policy = policy);
                        }>
                        <option value="composition" selected=move || current.with(|s| s.password_policy == PasswordPolicy::Composition)>
                            {move || i18n.t("settings.policy.composition")}
                        </option>
                        <option value="length_only" selected=move || current.with(|s| s.password_policy == PasswordPolicy::LengthOnly)>
                            {move || i18n.t("settings.policy.length_only")}
                        </option>
                    </select>
                </div>
            </fieldset>
            <p class="notice" role="status">{move || status.get().map(|key| i18n.t(key))}</p>
            <button type="submit" class="button-primary" disabled=move || save.pending().get()>
                {move || i18n.t("settings.save")}
            </button>
        </form>
    }
}
