//! The organisation settings, saved all at once.

use kring_shared::{export::StaffDisclosure, messages::CareMessaging};

use super::*;

/// The organisation settings: saved all at once; a bad value saves nothing and is named.
#[component]
pub(super) fn OrganisationSettingsForm() -> impl IntoView {
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
            <h2 id="settings-title">{i18n.tr("settings.title")}</h2>
            {move || match loaded.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <LoadFailure failure retry=move || loaded.refetch()/> }.into_any(),
                Some(Ok(settings)) => view! { <SettingsFields settings/> }.into_any(),
            }}
        </section>
    }
}

#[component]
pub(super) fn SettingsFields(settings: OrganisationSettings) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = RwSignal::new(settings);
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let status = RwSignal::new(None::<&'static str>);
    let save = session.action(
        |api, settings: OrganisationSettings| async move {
            api.save_organisation_settings(&settings).await
        },
        move |result| match result {
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
        },
    );
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
                <label for=for_id>{i18n.tr(label)}</label>
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
                <label for=for_id>{i18n.tr(label)}</label>
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
                <label for=for_id>{i18n.tr(label)}</label>
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
                <legend>{i18n.tr("settings.look")}</legend>
                {text("name", "settings.name", "text", |s| s.name.clone(), |s, v| s.name = v)}
                {text("primary_colour", "settings.colour", "text", |s| s.primary_colour.clone(), |s, v| s.primary_colour = v)}
                {text("help_url", "settings.help_url", "url", |s| s.help_url.clone().unwrap_or_default(), |s, v| s.help_url = Some(v))}
                {text("logo_url", "settings.logo_url", "url", |s| s.logo_url.clone().unwrap_or_default(), |s, v| s.logo_url = Some(v))}
            </fieldset>
            <fieldset class="field">
                <legend>{i18n.tr("settings.panels")}</legend>
                {toggle("panel_agenda_enabled", "panel.agenda", |s| s.panel_agenda_enabled, |s, v| s.panel_agenda_enabled = v)}
                {toggle("panel_messages_enabled", "panel.messages", |s| s.panel_messages_enabled, |s, v| s.panel_messages_enabled = v)}
                {toggle("panel_dossier_enabled", "panel.dossier", |s| s.panel_dossier_enabled, |s, v| s.panel_dossier_enabled = v)}
                {toggle("panel_details_enabled", "panel.details", |s| s.panel_details_enabled, |s, v| s.panel_details_enabled = v)}
                {toggle("agenda_care_shown", "settings.agenda_care_shown", |s| s.agenda_care_shown, |s, v| s.agenda_care_shown = v)}
                {toggle("agenda_contacts_may_add", "settings.agenda_contacts_may_add", |s| s.agenda_contacts_may_add, |s, v| s.agenda_contacts_may_add = v)}
                {toggle("agenda_always_private", "settings.agenda_always_private", |s| s.agenda_always_private, |s, v| s.agenda_always_private = v)}
            </fieldset>
            <fieldset class="field">
                <legend>{i18n.tr("care.setting.legend")}</legend>
                <div class="field">
                    <label for="setting-care-messages">{i18n.tr("care.setting.messages")}</label>
                    <select id="setting-care-messages"
                        on:change=move |event| {
                            let choice = CareMessaging::from_stored(&event_target_value(&event))
                                .unwrap_or_default();
                            current.update(|settings| settings.care_messages = choice);
                        }>
                        <option value="nobody" selected=move || current.with(|s| s.care_messages == CareMessaging::Nobody)>
                            {i18n.tr("care.setting.messages.nobody")}
                        </option>
                        <option value="representatives" selected=move || current.with(|s| s.care_messages == CareMessaging::Representatives)>
                            {i18n.tr("care.setting.messages.representatives")}
                        </option>
                        <option value="everyone" selected=move || current.with(|s| s.care_messages == CareMessaging::Everyone)>
                            {i18n.tr("care.setting.messages.everyone")}
                        </option>
                    </select>
                </div>
                {number("care_reply_days", "settings.care_reply_days", (1, 10), |s| s.care_reply_days, |s, v| s.care_reply_days = v)}
            </fieldset>
            <fieldset class="field">
                <legend>{i18n.tr("settings.client_data")}</legend>
                <p class="hint">{i18n.tr("settings.client_data_help")}</p>
                {number("export_keep_hours", "settings.export_keep_hours", (1, 168), |s| s.export_keep_hours, |s, v| s.export_keep_hours = v)}
                {number("access_log_years", "settings.access_log_years", (5, 20), |s| s.access_log_years, |s, v| s.access_log_years = v)}
                <div class="field">
                    <label for="setting-access-log-staff">{i18n.tr("settings.access_log_staff")}</label>
                    <p class="hint" id="setting-access-log-staff-hint">{i18n.tr("settings.access_log_staff_help")}</p>
                    <select id="setting-access-log-staff" aria-describedby="setting-access-log-staff-hint"
                        on:change=move |event| {
                            let choice = StaffDisclosure::from_stored(&event_target_value(&event))
                                .unwrap_or_default();
                            current.update(|settings| settings.access_log_staff = choice);
                        }>
                        <option value="name" selected=move || current.with(|s| s.access_log_staff == StaffDisclosure::Name)>
                            {i18n.tr("settings.access_log_staff.name")}
                        </option>
                        <option value="role" selected=move || current.with(|s| s.access_log_staff == StaffDisclosure::Role)>
                            {i18n.tr("settings.access_log_staff.role")}
                        </option>
                    </select>
                </div>
            </fieldset>
            <fieldset class="field">
                <legend>{i18n.tr("settings.security")}</legend>
                {number("lockout_threshold", "settings.lockout", (2, 10), |s| s.lockout_threshold, |s, v| s.lockout_threshold = v)}
                {number("reset_link_minutes", "settings.reset_minutes", (5, 60), |s| s.reset_link_minutes, |s, v| s.reset_link_minutes = v)}
                {number("verification_code_minutes", "settings.code_minutes", (1, 10), |s| s.verification_code_minutes, |s, v| s.verification_code_minutes = v)}
                {number("trusted_device_days", "settings.device_days", (0, 90), |s| s.trusted_device_days, |s, v| s.trusted_device_days = v)}
                {number("idle_timeout_minutes", "settings.idle_minutes", (5, 120), |s| s.idle_timeout_minutes, |s, v| s.idle_timeout_minutes = v)}
                {number("session_lifetime_hours", "settings.session_hours", (1, 24), |s| s.session_lifetime_hours, |s, v| s.session_lifetime_hours = v)}
                {number("discharge_access_days", "settings.discharge_days", (0, 365), |s| s.discharge_access_days, |s, v| s.discharge_access_days = v)}
                <div class="field">
                    <label for="setting-password-policy">{i18n.tr("settings.password_policy")}</label>
                    <select id="setting-password-policy"
                        on:change=move |event| {
                            let policy = PasswordPolicy::from_name(&event_target_value(&event));
                            current.update(|settings| settings.password_policy = policy);
                        }>
                        <option value="composition" selected=move || current.with(|s| s.password_policy == PasswordPolicy::Composition)>
                            {i18n.tr("settings.policy.composition")}
                        </option>
                        <option value="length_only" selected=move || current.with(|s| s.password_policy == PasswordPolicy::LengthOnly)>
                            {i18n.tr("settings.policy.length_only")}
                        </option>
                    </select>
                </div>
                <div class="field">
                    <label for="setting-lockout-mode">{i18n.tr("settings.lockout_mode")}</label>
                    <select id="setting-lockout-mode"
                        on:change=move |event| {
                            let mode = LockoutMode::from_name(&event_target_value(&event));
                            current.update(|settings| settings.lockout_mode = mode);
                        }>
                        <option value="until_reset" selected=move || current.with(|s| s.lockout_mode == LockoutMode::UntilReset)>
                            {i18n.tr("settings.lockout_mode.until_reset")}
                        </option>
                        <option value="temporary" selected=move || current.with(|s| s.lockout_mode == LockoutMode::Temporary)>
                            {i18n.tr("settings.lockout_mode.temporary")}
                        </option>
                    </select>
                </div>
                <div class="field">
                    <label for="setting-reset-mode">{i18n.tr("settings.reset_mode")}</label>
                    <select id="setting-reset-mode"
                        on:change=move |event| {
                            let mode = ResetMode::from_name(&event_target_value(&event));
                            current.update(|settings| settings.reset_mode = mode);
                        }>
                        <option value="link" selected=move || current.with(|s| s.reset_mode == ResetMode::Link)>
                            {i18n.tr("settings.reset_mode.link")}
                        </option>
                        <option value="temporary_password" selected=move || current.with(|s| s.reset_mode == ResetMode::TemporaryPassword)>
                            {i18n.tr("settings.reset_mode.temporary_password")}
                        </option>
                    </select>
                </div>
                {number("temporary_password_hours", "settings.temporary_hours", (1, 336), |s| s.temporary_password_hours, |s, v| s.temporary_password_hours = v)}
                <div class="field">
                    <label for="setting-allowed_mobile_countries">{i18n.tr("settings.mobile_countries")}</label>
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
                {i18n.tr("settings.save")}
            </button>
        </form>
    }
}
