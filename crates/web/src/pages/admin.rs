//! *Beheer*: the organisation admin console (staff side). The organisation's settings; the
//! organisation's accounts, with a search, and sending someone a new temporary password by
//! e-mail (the Laurens variant of a password reset); the integrations (ECD) with their API keys.

use kring_shared::{
    admin::{
        AdminClientSummary, AdminUserSummary, CareRole, CareWorkerSummary, ClientAccountRequest,
        LockoutMode, NewCareWorkerRequest, NewClientPortalRequest, OrganisationSettings, ResetMode,
    },
    contacts::NewContactRequest,
    integration::{NewServiceAccountRequest, Scope, ServiceAccountSummary},
    me::{AccountKind, Relationship},
    password::PasswordPolicy,
};
use leptos::{html, prelude::*};
use strum::IntoEnumIterator;
use uuid::Uuid;

use crate::{
    api::ApiFailure,
    components::{
        audit::AuditList,
        failure::LoadFailure,
        form::{GenderSelect, TextField, gender_of},
        local_date_time,
        shell::Shell,
    },
    i18n::use_i18n,
    session::use_session,
};

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
                    <ClientPortals/>
                    <CareWorkers/>
                    <OrganisationSettingsForm/>
                    <Integrations/>
                    <AdminUsers/>
                    <UndeliveredMail/>
                    <AuditLog/>
                </Show>
            </div>
        </Shell>
    }
}

/// Mail that did not go out after a try, with "send again".
#[component]
fn UndeliveredMail() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api.undelivered_mail().await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    let retry = Action::new_local(move |id: &Uuid| {
        let (id, api) = (*id, session.api());
        async move {
            match api {
                Some(api) => api.retry_mail(id).await,
                None => Err(crate::api::ApiFailure::Network),
            }
        }
    });
    Effect::new(move || {
        if retry.value().get().is_some() {
            list.refetch();
        }
    });
    view! {
        <section class="profile-section" aria-labelledby="mail-outbox-title">
            <h2 id="mail-outbox-title">{move || i18n.t("admin.mail_title")}</h2>
            {move || match list.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <LoadFailure failure retry=move || list.refetch()/> }.into_any(),
                Some(Ok(items)) if items.is_empty() => view! { <p>{i18n.t("admin.mail_none")}</p> }.into_any(),
                Some(Ok(items)) => view! {
                    <ul class="audit-list">
                        {items.into_iter().map(|item| {
                            let id = item.id;
                            let state = if item.given_up { "admin.mail_given_up" } else { "admin.mail_retrying" };
                            view! {
                                <li class="audit-entry">
                                    <p><strong>{item.to_name}</strong>" <"{item.to_address}">"</p>
                                    <p>{item.subject}</p>
                                    <p class="audit-details">{local_date_time(item.created_at)}" · "{move || i18n.t(state)}</p>
                                    {item.last_error.map(|error| view! { <p class="audit-details">{error}</p> })}
                                    <button type="button" class="button-secondary"
                                        disabled=move || retry.pending().get()
                                        on:click=move |_| { retry.dispatch_local(id); }>
                                        {move || i18n.t("admin.mail_retry")}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

/// The audit log of the whole organisation, or of one client.
#[component]
fn AuditLog() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let client = RwSignal::new(None::<Uuid>);
    let clients = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api.admin_clients().await.unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    let page = LocalResource::new(move || {
        let chosen = client.get();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.audit_log(chosen).await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    view! {
        <section class="profile-section" aria-labelledby="audit-title">
            <h2 id="audit-title">{move || i18n.t("audit.title")}</h2>
            <p>{move || i18n.t("audit.intro")}</p>
            <div class="field">
                <label for="audit-client">{move || i18n.t("audit.filter_client")}</label>
                <select id="audit-client" on:change=move |event| {
                    client.set(event_target_value(&event).parse::<Uuid>().ok());
                }>
                    <option value="">{move || i18n.t("audit.filter_all")}</option>
                    {move || clients.get().unwrap_or_default().into_iter().map(|item| {
                        let label = format!("{} {}", item.first_name, item.last_name);
                        view! { <option value=item.id.to_string()>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            {move || match page.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <LoadFailure failure retry=move || page.refetch()/> }.into_any(),
                Some(Ok(page)) => view! { <AuditList page show_address=true/> }.into_any(),
            }}
        </section>
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
                Some(api) => api.admin_users(&query).await,
                None => Err(ApiFailure::Network),
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
                Some(Err(failure)) => view! { <LoadFailure failure retry=move || users.refetch()/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p>{i18n.t("admin.no_users")}</p> }.into_any(),
                Some(Ok(list)) => view! {
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
                Some(api) => api.organisation_settings().await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    view! {
        <section class="profile-section" aria-labelledby="settings-title">
            <h2 id="settings-title">{move || i18n.t("settings.title")}</h2>
            {move || match loaded.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <LoadFailure failure retry=move || loaded.refetch()/> }.into_any(),
                Some(Ok(settings)) => view! { <SettingsFields settings/> }.into_any(),
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
                <div class="field">
                    <label for="setting-lockout-mode">{move || i18n.t("settings.lockout_mode")}</label>
                    <select id="setting-lockout-mode"
                        on:change=move |event| {
                            let mode = LockoutMode::from_name(&event_target_value(&event));
                            current.update(|settings| settings.lockout_mode = mode);
                        }>
                        <option value="until_reset" selected=move || current.with(|s| s.lockout_mode == LockoutMode::UntilReset)>
                            {move || i18n.t("settings.lockout_mode.until_reset")}
                        </option>
                        <option value="temporary" selected=move || current.with(|s| s.lockout_mode == LockoutMode::Temporary)>
                            {move || i18n.t("settings.lockout_mode.temporary")}
                        </option>
                    </select>
                </div>
                <div class="field">
                    <label for="setting-reset-mode">{move || i18n.t("settings.reset_mode")}</label>
                    <select id="setting-reset-mode"
                        on:change=move |event| {
                            let mode = ResetMode::from_name(&event_target_value(&event));
                            current.update(|settings| settings.reset_mode = mode);
                        }>
                        <option value="link" selected=move || current.with(|s| s.reset_mode == ResetMode::Link)>
                            {move || i18n.t("settings.reset_mode.link")}
                        </option>
                        <option value="temporary_password" selected=move || current.with(|s| s.reset_mode == ResetMode::TemporaryPassword)>
                            {move || i18n.t("settings.reset_mode.temporary_password")}
                        </option>
                    </select>
                </div>
                {number("temporary_password_hours", "settings.temporary_hours", (1, 336), |s| s.temporary_password_hours, |s, v| s.temporary_password_hours = v)}
                <div class="field">
                    <label for="setting-allowed_mobile_countries">{move || i18n.t("settings.mobile_countries")}</label>
                    // Read on change, not on input: the list is rewritten from the text, which
                    // would swallow a comma while it is being typed.
                    <input id="setting-allowed_mobile_countries" type="text" maxlength="200"
                        aria-describedby="setting-allowed_mobile_countries-error"
                        aria-invalid=move || error_of("allowed_mobile_countries").is_some().to_string()
                        prop:value=move || current.with(|s| s.allowed_mobile_countries.join(", "))
                        on:change=move |event| {
                            let codes = event_target_value(&event)
                                .split(',')
                                .map(|code| code.trim().to_uppercase())
                                .filter(|code| !code.is_empty())
                                .collect();
                            current.update(|settings| settings.allowed_mobile_countries = codes);
                        }/>
                    <p id="setting-allowed_mobile_countries-error" class="field-error">
                        {move || error_of("allowed_mobile_countries").map(|key| i18n.t(key))}
                    </p>
                </div>
            </fieldset>
            <p class="notice" role="status">{move || status.get().map(|key| i18n.t(key))}</p>
            <button type="submit" class="button-primary" disabled=move || save.pending().get()>
                {move || i18n.t("settings.save")}
            </button>
        </form>
    }
}

/// The organisation's client portals: create one, appoint the primary contact, discharge.
#[component]
fn ClientPortals() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.track();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.admin_clients().await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    view! {
        <section class="profile-section" aria-labelledby="portals-title">
            <h2 id="portals-title">{move || i18n.t("portals.title")}</h2>
            {move || match list.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <LoadFailure failure retry=move || list.refetch()/> }.into_any(),
                Some(Ok(items)) => view! {
                    <ul class="contact-cards">
                        {items.into_iter().map(|item| view! { <PortalCard item reload/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <NewPortalForm reload/>
        </section>
    }
}

#[component]
fn PortalCard(item: AdminClientSummary, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let client_id = item.id;
    let name = format!("{} {}", item.first_name, item.last_name);
    let status = RwSignal::new(None::<&'static str>);
    let contacts = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api
                    .admin_client_contacts(client_id)
                    .await
                    .unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    let chosen = RwSignal::new(String::new());
    let day = RwSignal::new(
        item.discharged_on
            .map(|date| date.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    );
    let appoint = Action::new_local(move |contact: &Uuid| {
        let contact = *contact;
        let api = session.api();
        async move {
            match api {
                Some(api) => api.set_primary_contact(client_id, contact).await,
                None => Err(crate::api::ApiFailure::Network),
            }
        }
    });
    let discharge = Action::new_local(move |date: &Option<chrono::NaiveDate>| {
        let date = *date;
        let api = session.api();
        async move {
            match api {
                Some(api) => api.discharge(client_id, date).await,
                None => Err(crate::api::ApiFailure::Network),
            }
        }
    });
    // Each action answers for itself: an old failure of one must not hide the other's success.
    for action in [appoint.value(), discharge.value()] {
        Effect::new(move || {
            if let Some(result) = action.get() {
                match result {
                    Ok(_) => reload.update(|count| *count += 1),
                    Err(failure) => status.set(Some(failure.message_key())),
                }
            }
        });
    }
    let primary = item.primary_contact.clone();
    let discharged = item
        .discharged_on
        .map(|date| date.format("%d-%m-%Y").to_string());
    let select_id = format!("primary-{client_id}");
    let select_for = select_id.clone();
    let day_id = format!("discharge-{client_id}");
    let day_for = day_id.clone();
    let legend = name.clone();
    view! {
        <li class="contact-card">
            <fieldset>
                <legend><strong>{legend}</strong></legend>
                <p class="hint">
                    {move || match primary.clone() {
                        Some(person) => i18n.t_with("portals.primary", &person),
                        None => i18n.t("portals.no_primary").to_owned(),
                    }}
                    " · " {move || i18n.t_with("portals.contacts", &item.contacts.to_string())}
                </p>
                {discharged.map(|date| view! {
                    <p class="notice-warning">{move || i18n.t_with("portals.discharged", &date)}</p>
                })}
                <form class="search-form" on:submit=move |event: leptos::ev::SubmitEvent| {
                    event.prevent_default();
                    if let Ok(contact) = chosen.get_untracked().parse::<Uuid>() {
                        appoint.dispatch_local(contact);
                    }
                }>
                    <div class="field">
                        <label for=select_for>{move || i18n.t("portals.choose_primary")}</label>
                        <select id=select_id on:change=move |event| chosen.set(event_target_value(&event))>
                            <option value="">{move || i18n.t("portals.choose")}</option>
                            {move || contacts.get().unwrap_or_default().into_iter().map(|row| view! {
                                <option value=row.id.to_string()>{format!("{} {}", row.first_name, row.last_name)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button-secondary" disabled=move || appoint.pending().get()>
                        {move || i18n.t("portals.appoint")}
                    </button>
                </form>
                <form class="search-form" on:submit=move |event: leptos::ev::SubmitEvent| {
                    event.prevent_default();
                    let date = chrono::NaiveDate::parse_from_str(&day.get_untracked(), "%Y-%m-%d").ok();
                    discharge.dispatch_local(date);
                }>
                    <div class="field">
                        <label for=day_for>{move || i18n.t("portals.discharge_on")}</label>
                        <input id=day_id type="date" bind:value=day/>
                    </div>
                    <button type="submit" class="button-secondary" disabled=move || discharge.pending().get()>
                        {move || i18n.t("portals.discharge_save")}
                    </button>
                </form>
                <p class="form-error" role="alert">{move || status.get().map(|key| i18n.t(key))}</p>
            </fieldset>
        </li>
    }
}

/// *Nieuw cliëntportaal*: the client, the primary contact, and optionally the client's own
/// account; everyone gets their login details by e-mail.
#[component]
fn NewPortalForm(reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let open = RwSignal::new(false);
    let fields: [RwSignal<String>; 12] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let [
        client_first,
        client_last,
        birth,
        external,
        first,
        last,
        email,
        gender,
        relationship,
        mobile,
        own_email,
        own_mobile,
    ] = fields;
    relationship.set(Relationship::Child.as_str().to_owned());
    let own_account = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let status = RwSignal::new(None::<String>);
    // "Bedoelde u …": an account of the organisation with the typed e-mail address.
    let found = RwSignal::new(None::<Option<(Uuid, String)>>);
    let use_existing = RwSignal::new(false);
    let lookup = Action::new_local(move |typed: &String| {
        let typed = typed.trim().to_lowercase();
        let api = session.api();
        async move {
            let people = match api {
                Some(api) => api.admin_users(&typed).await.unwrap_or_default(),
                None => Vec::new(),
            };
            people
                .into_iter()
                .find(|person| person.kind == AccountKind::Person && person.email == typed)
                .map(|person| {
                    (
                        person.id,
                        format!("{} {}", person.first_name, person.last_name),
                    )
                })
        }
    });
    Effect::new(move || {
        if let Some(answer) = lookup.value().get() {
            use_existing.set(answer.is_some());
            found.set(Some(answer));
        }
    });
    let create = Action::new_local(move |request: &NewClientPortalRequest| {
        let request = request.clone();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.create_client_portal(&request).await,
                None => Err(crate::api::ApiFailure::Network),
            }
        }
    });
    Effect::new(move || {
        if let Some(result) = create.value().get() {
            match result {
                Ok(created) => {
                    errors.set(Vec::new());
                    status.set(Some(i18n.t_with(
                        "portals.created",
                        &format!("{} {}", created.first_name, created.last_name),
                    )));
                    for field in fields {
                        field.set(String::new());
                    }
                    relationship.set(Relationship::Child.as_str().to_owned());
                    own_account.set(false);
                    found.set(None);
                    use_existing.set(false);
                    open.set(false);
                    reload.update(|count| *count += 1);
                }
                Err(failure) => {
                    errors.set(failure.field_errors());
                    status.set(Some(i18n.t(failure.message_key()).to_owned()));
                }
            }
        }
    });
    let error_of = move |field: &'static str| {
        errors.with(|errors| {
            let (part, name) = field.split_once('.').unwrap_or(("", field));
            let inner: Vec<(String, String)> = errors
                .iter()
                .filter_map(|(full, code)| {
                    let (p, n) = full.split_once('.').unwrap_or(("", full.as_str()));
                    (p == part).then(|| (n.to_owned(), code.clone()))
                })
                .collect();
            crate::components::field_error_key(&inner, name)
        })
    };
    let input = move |id: &'static str,
                      label: &'static str,
                      field: &'static str,
                      value: RwSignal<String>,
                      kind: &'static str| {
        view! { <TextField id label value kind error=Signal::derive(move || error_of(field))/> }
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        status.set(None);
        let blank_to_none =
            |value: String| Some(value.trim().to_owned()).filter(|value| !value.is_empty());
        create.dispatch_local(NewClientPortalRequest {
            first_name: client_first.get_untracked(),
            last_name: client_last.get_untracked(),
            birth_date: chrono::NaiveDate::parse_from_str(&birth.get_untracked(), "%Y-%m-%d").ok(),
            external_id: blank_to_none(external.get_untracked()),
            primary_contact: NewContactRequest {
                suggestion: None,
                existing_user_id: use_existing
                    .get_untracked()
                    .then(|| found.get_untracked().flatten().map(|(id, _)| id))
                    .flatten(),
                first_name: first.get_untracked(),
                last_name: last.get_untracked(),
                email: email.get_untracked(),
                gender: gender_of(&gender.get_untracked()),
                relationship: Relationship::parse(&relationship.get_untracked())
                    .unwrap_or(Relationship::Other),
                mobile: mobile.get_untracked(),
            },
            client_account: own_account.get_untracked().then(|| ClientAccountRequest {
                email: own_email.get_untracked(),
                gender: None,
                mobile: own_mobile.get_untracked(),
            }),
        });
    };
    view! {
        <p class="notice" role="status">{move || status.get()}</p>
        <Show when=move || open.get() fallback=move || view! {
            <button type="button" class="button-primary" on:click=move |_| open.set(true)>
                {move || i18n.t("portals.new")}
            </button>
        }>
            <form class="inline-step" on:submit=submit novalidate aria-labelledby="new-portal-title">
                <h3 id="new-portal-title">{move || i18n.t("portals.new")}</h3>
                <fieldset class="field">
                    <legend>{move || i18n.t("portals.client")}</legend>
                    {input("portal-first-name", "users.first_name", "first_name", client_first, "text")}
                    {input("portal-last-name", "users.last_name", "last_name", client_last, "text")}
                    {input("portal-birth-date", "portals.birth_date", "birth_date", birth, "date")}
                    {input("portal-external-id", "portals.external_id", "external_id", external, "text")}
                </fieldset>
                <fieldset class="field">
                    <legend>{move || i18n.t("portals.primary_contact")}</legend>
                    {input("primary-email", "profile.email", "primary_contact.email", email, "email")}
                    <p>
                        <button type="button" class="button-secondary" disabled=move || lookup.pending().get()
                            on:click=move |_| { lookup.dispatch_local(email.get_untracked()); }>
                            {move || i18n.t("users.lookup")}
                        </button>
                    </p>
                    <p role="status">
                        {move || found.get().map(|answer| match answer {
                            None => i18n.t("portals.no_account").to_owned(),
                            Some((_, name)) => i18n.t_with("users.did_you_mean", &name),
                        })}
                    </p>
                    {move || found.get().flatten().map(|(_, name)| view! {
                        <div class="checkbox">
                            <input id="use-existing" type="checkbox" bind:checked=use_existing/>
                            <label for="use-existing">{i18n.t_with("portals.use_existing", &name)}</label>
                        </div>
                    })}
                    {input("primary-first-name", "users.first_name", "primary_contact.first_name", first, "text")}
                    {input("primary-last-name", "users.last_name", "primary_contact.last_name", last, "text")}
                    <GenderSelect id="primary-gender" value=gender error=Signal::derive(move || error_of("primary_contact.gender"))/>
                    <div class="field">
                        <label for="primary-relationship">{move || i18n.t("users.relationship")}</label>
                        <select id="primary-relationship" on:change=move |event| relationship.set(event_target_value(&event))>
                            {Relationship::iter().filter(|r| *r != Relationship::Client).map(|r| view! {
                                <option value=r.as_str() selected=move || relationship.get() == r.as_str()>
                                    {move || i18n.t(crate::pages::user_management::relationship_label(r))}
                                </option>
                            }).collect_view()}
                        </select>
                    </div>
                    {input("primary-mobile", "profile.mobile", "primary_contact.mobile", mobile, "tel")}
                </fieldset>
                <div class="checkbox">
                    <input id="own-account" type="checkbox" bind:checked=own_account/>
                    <label for="own-account">{move || i18n.t("portals.own_account")}</label>
                </div>
                <Show when=move || own_account.get()>
                    {input("own-email", "profile.email", "client_account.email", own_email, "email")}
                    {input("own-mobile", "profile.mobile", "client_account.mobile", own_mobile, "tel")}
                </Show>
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || create.pending().get()>
                        {move || i18n.t("portals.create")}
                    </button>
                    <button type="button" class="button-secondary" on:click=move |_| open.set(false)>
                        {move || i18n.t("contact.mobile_cancel")}
                    </button>
                </div>
            </form>
        </Show>
    }
}

/// The catalog key of a care role.
fn care_role_label(role: CareRole) -> &'static str {
    match role {
        CareRole::Evv => "careworkers.role.evv",
        CareRole::PersonalSupervisor => "careworkers.role.personal_supervisor",
        CareRole::CareAssistant => "careworkers.role.care_assistant",
        CareRole::Other => "careworkers.role.other",
    }
}

/// *Zorgverleners* and their care teams, until the integration API feeds them from the ECD.
#[component]
fn CareWorkers() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        reload.track();
        let api = session.api();
        async move {
            let api = api.ok_or(ApiFailure::Network)?;
            let workers = api.care_workers().await?;
            let clients = api.admin_clients().await?;
            Ok((workers, clients))
        }
    });
    view! {
        <section class="profile-section" aria-labelledby="careworkers-title">
            <h2 id="careworkers-title">{move || i18n.t("careworkers.title")}</h2>
            {move || match data.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <LoadFailure failure retry=move || data.refetch()/> }.into_any(),
                Some(Ok((workers, clients))) => view! {
                    <ul class="contact-cards">
                        {workers.into_iter().map(|worker| view! {
                            <CareWorkerCard worker clients=clients.clone() reload/>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <NewCareWorkerForm reload/>
        </section>
    }
}

#[component]
fn CareWorkerCard(
    worker: CareWorkerSummary,
    clients: Vec<AdminClientSummary>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let worker_id = worker.id;
    let error = RwSignal::new(None::<&'static str>);
    let chosen_client = RwSignal::new(String::new());
    let chosen_role = RwSignal::new(CareRole::Evv.as_str().to_owned());
    let change = Action::new_local(move |(client_id, role): &(Uuid, Option<CareRole>)| {
        let (client_id, role) = (*client_id, *role);
        let api = session.api();
        async move {
            let api = api.ok_or(crate::api::ApiFailure::Network)?;
            match role {
                Some(role) => api.set_care_team_member(client_id, worker_id, role).await,
                None => api.remove_care_team_member(client_id, worker_id).await,
            }
        }
    });
    Effect::new(move || {
        if let Some(result) = change.value().get() {
            match result {
                Ok(()) => reload.update(|count| *count += 1),
                Err(failure) => error.set(Some(failure.message_key())),
            }
        }
    });
    let name = format!("{} {}", worker.first_name, worker.last_name);
    let client_select = format!("team-client-{worker_id}");
    let client_for = client_select.clone();
    let role_select = format!("team-role-{worker_id}");
    let role_for = role_select.clone();
    view! {
        <li class="contact-card">
            <fieldset>
                <legend><strong>{name}</strong> <span class="muted">" · " {worker.email.clone()}</span></legend>
                {if worker.teams.is_empty() {
                    view! { <p class="hint">{move || i18n.t("careworkers.no_team")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="session-list">
                            {worker.teams.into_iter().map(|place| {
                                let client_id = place.client_id;
                                let role = care_role_label(place.care_role);
                                let label = place.client_name.clone();
                                view! {
                                    <li class="session-item">
                                        <span>{place.client_name.clone()} " — " {move || i18n.t(role)}</span>
                                        <button type="button" class="button-secondary"
                                            on:click=move |_| { change.dispatch_local((client_id, None)); }>
                                            {move || i18n.t("careworkers.remove")}
                                            <span class="visually-hidden">": " {label.clone()}</span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <form class="search-form" on:submit=move |event: leptos::ev::SubmitEvent| {
                    event.prevent_default();
                    if let Ok(client_id) = chosen_client.get_untracked().parse::<Uuid>() {
                        change.dispatch_local((client_id, Some(CareRole::parse(&chosen_role.get_untracked()))));
                    }
                }>
                    <div class="field">
                        <label for=client_for>{move || i18n.t("careworkers.client")}</label>
                        <select id=client_select on:change=move |event| chosen_client.set(event_target_value(&event))>
                            <option value="">{move || i18n.t("portals.choose")}</option>
                            {clients.into_iter().map(|item| view! {
                                <option value=item.id.to_string()>{format!("{} {}", item.first_name, item.last_name)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=role_for>{move || i18n.t("careworkers.role")}</label>
                        <select id=role_select on:change=move |event| chosen_role.set(event_target_value(&event))>
                            {CareRole::iter().map(|role| view! {
                                <option value=role.as_str()>{move || i18n.t(care_role_label(role))}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button-secondary" disabled=move || change.pending().get()>
                        {move || i18n.t("careworkers.add_to_team")}
                    </button>
                </form>
                <p class="form-error" role="alert">{move || error.get().map(|key| i18n.t(key))}</p>
            </fieldset>
        </li>
    }
}

#[component]
fn NewCareWorkerForm(reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let open = RwSignal::new(false);
    let fields: [RwSignal<String>; 5] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let [first, last, email, gender, mobile] = fields;
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let status = RwSignal::new(None::<String>);
    let create = Action::new_local(move |request: &NewCareWorkerRequest| {
        let request = request.clone();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.create_care_worker(&request).await,
                None => Err(crate::api::ApiFailure::Network),
            }
        }
    });
    Effect::new(move || {
        if let Some(result) = create.value().get() {
            match result {
                Ok(worker) => {
                    errors.set(Vec::new());
                    status.set(Some(i18n.t_with(
                        "careworkers.created",
                        &format!("{} {}", worker.first_name, worker.last_name),
                    )));
                    for field in fields {
                        field.set(String::new());
                    }
                    open.set(false);
                    reload.update(|count| *count += 1);
                }
                Err(failure) => {
                    errors.set(failure.field_errors());
                    status.set(Some(i18n.t(failure.message_key()).to_owned()));
                }
            }
        }
    });
    let error_of = move |field: &'static str| {
        errors.with(|errors| crate::components::field_error_key(errors, field))
    };
    let input = move |id: &'static str,
                      label: &'static str,
                      field: &'static str,
                      value: RwSignal<String>,
                      kind: &'static str| {
        view! { <TextField id label value kind error=Signal::derive(move || error_of(field))/> }
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        status.set(None);
        create.dispatch_local(NewCareWorkerRequest {
            first_name: first.get_untracked(),
            last_name: last.get_untracked(),
            email: email.get_untracked(),
            gender: gender_of(&gender.get_untracked()),
            mobile: mobile.get_untracked(),
        });
    };
    view! {
        <p class="notice" role="status">{move || status.get()}</p>
        <Show when=move || open.get() fallback=move || view! {
            <button type="button" class="button-primary" on:click=move |_| open.set(true)>
                {move || i18n.t("careworkers.new")}
            </button>
        }>
            <form class="inline-step" on:submit=submit novalidate aria-labelledby="new-careworker-title">
                <h3 id="new-careworker-title">{move || i18n.t("careworkers.new")}</h3>
                {input("worker-first-name", "users.first_name", "first_name", first, "text")}
                {input("worker-last-name", "users.last_name", "last_name", last, "text")}
                {input("worker-email", "profile.email", "email", email, "email")}
                <GenderSelect id="worker-gender" value=gender error=Signal::derive(move || error_of("gender"))/>
                {input("worker-mobile", "profile.mobile", "mobile", mobile, "tel")}
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || create.pending().get()>
                        {move || i18n.t("careworkers.create")}
                    </button>
                    <button type="button" class="button-secondary" on:click=move |_| open.set(false)>
                        {move || i18n.t("contact.mobile_cancel")}
                    </button>
                </div>
            </form>
        </Show>
    }
}

fn scope_label(scope: Scope) -> &'static str {
    match scope {
        Scope::ClientsWrite => "integrations.scope.clients",
        Scope::DossierWrite => "integrations.scope.dossier",
        Scope::FeedRead => "integrations.scope.feed",
    }
}

/// *Koppelingen*: service accounts for the ECD and other integrations. A new key is shown
/// once; a key can be revoked.
#[component]
fn Integrations() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let accounts = LocalResource::new(move || {
        reload.track();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.service_accounts().await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    let name = RwSignal::new(String::new());
    let scopes = Scope::ALL.map(|scope| (scope, RwSignal::new(true)));
    let error = RwSignal::new(None::<&'static str>);
    let new_key = RwSignal::new(None::<String>);
    let create = Action::new_local(move |request: &NewServiceAccountRequest| {
        let request = request.clone();
        let api = session.api();
        async move {
            api.ok_or(crate::api::ApiFailure::Network)?
                .create_service_account(&request)
                .await
        }
    });
    Effect::new(move || {
        if let Some(result) = create.value().get() {
            match result {
                Ok(created) => {
                    new_key.set(Some(created.api_key));
                    name.set(String::new());
                    error.set(None);
                    reload.update(|count| *count += 1);
                }
                Err(failure) => error.set(Some(failure.message_key())),
            }
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let chosen: Vec<Scope> = scopes
            .iter()
            .filter(|(_, ticked)| ticked.get_untracked())
            .map(|(scope, _)| *scope)
            .collect();
        if name.get_untracked().trim().is_empty() {
            error.set(Some("integrations.error.name"));
            return;
        }
        if chosen.is_empty() {
            error.set(Some("integrations.error.scopes"));
            return;
        }
        new_key.set(None);
        create.dispatch_local(NewServiceAccountRequest {
            name: name.get_untracked(),
            scopes: chosen,
        });
    };
    view! {
        <section class="profile-section" aria-labelledby="integrations-title">
            <h2 id="integrations-title">{move || i18n.t("integrations.title")}</h2>
            <p>{move || i18n.t("integrations.intro")}</p>
            <p><a href="/docs/">{move || i18n.t("integrations.docs")}</a></p>
            {move || match accounts.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <LoadFailure failure retry=move || accounts.refetch()/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="hint">{i18n.t("integrations.none")}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="contact-cards">
                        {list.into_iter().map(|account| view! { <IntegrationCard account reload/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <form class="profile-form" on:submit=submit novalidate=true>
                <h3>{move || i18n.t("integrations.new")}</h3>
                <TextField
                    id="integration-name"
                    label="integrations.name"
                    value=name
                    error=Signal::derive(move || error.get().filter(|key| *key == "integrations.error.name"))
                />
                <fieldset>
                    <legend>{move || i18n.t("integrations.scopes")}</legend>
                    {scopes.into_iter().map(|(scope, ticked)| {
                        let id = format!("scope-{}", scope.as_str().replace(':', "-"));
                        let label_for = id.clone();
                        view! {
                            <div class="checkbox">
                                <input
                                    type="checkbox"
                                    id=id
                                    prop:checked=move || ticked.get()
                                    on:change=move |event| ticked.set(event_target_checked(&event))
                                />
                                <label for=label_for>{move || i18n.t(scope_label(scope))}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <p class="form-error" role="alert">
                    {move || error.get().filter(|key| *key != "integrations.error.name").map(|key| i18n.t(key))}
                </p>
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || create.pending().get()>
                        {move || i18n.t("integrations.create")}
                    </button>
                </div>
            </form>
            {move || new_key.get().map(|key| view! {
                <div class="banner" role="status">
                    <p><strong>{move || i18n.t("integrations.key_once")}</strong></p>
                    <label for="integration-key">{move || i18n.t("integrations.key")}</label>
                    <input id="integration-key" class="key-output" type="text" readonly=true value=key/>
                </div>
            })}
        </section>
    }
}

#[component]
fn IntegrationCard(account: ServiceAccountSummary, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = account.id;
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let revoke = Action::new_local(move |_: &()| {
        let api = session.api();
        async move {
            api.ok_or(crate::api::ApiFailure::Network)?
                .revoke_service_account(id)
                .await
        }
    });
    Effect::new(move || {
        if let Some(result) = revoke.value().get() {
            match result {
                Ok(_) => reload.update(|count| *count += 1),
                Err(failure) => error.set(Some(failure.message_key())),
            }
        }
    });
    let scopes = account.scopes.clone();
    let used = account.last_used_at.map(local_date_time);
    let revoked = account.revoked_at.is_some();
    let name = account.name.clone();
    view! {
        <li class="contact-card" data-integration=account.name.clone()>
            <p>
                <strong>{account.name.clone()}</strong>
                " · "
                <code>{format!("{}…", account.key_prefix)}</code>
                {revoked.then(|| view! { " " <span class="badge">{move || i18n.t("integrations.revoked")}</span> })}
            </p>
            <p class="hint">
                {move || scopes.iter().map(|scope| i18n.t(scope_label(*scope))).collect::<Vec<_>>().join(", ")}
            </p>
            <p class="hint">
                {move || match used.clone() {
                    Some(at) => i18n.t("integrations.last_used").replace("{date}", &at),
                    None => i18n.t("integrations.never_used").to_owned(),
                }}
            </p>
            <p class="form-error" role="alert">{move || error.get().map(|key| i18n.t(key))}</p>
            {(!revoked).then(|| view! {
                <div class="form-actions">
                    <Show
                        when=move || confirming.get()
                        fallback=move || view! {
                            <button type="button" class="button-secondary" on:click=move |_| confirming.set(true)>
                                {move || i18n.t("integrations.revoke")}
                                <span class="visually-hidden">{format!(": {}", name.clone())}</span>
                            </button>
                        }
                    >
                        <p>{move || i18n.t("integrations.revoke_confirm")}</p>
                        <button type="button" class="button-primary" on:click=move |_| { revoke.dispatch_local(()); }>
                            {move || i18n.t("integrations.revoke_yes")}
                        </button>
                        <button type="button" class="button-secondary" on:click=move |_| confirming.set(false)>
                            {move || i18n.t("integrations.revoke_no")}
                        </button>
                    </Show>
                </div>
            })}
        </li>
    }
}
