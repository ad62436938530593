//! *Profielinstellingen*: the user's own details, changing the password, the places where
//! the user is signed in (each can be ended, e.g. for a lost phone), and what the user shares
//! with and hears from the network, and a copy of everything Kring holds about the user.

use kring_shared::{
    ErrorCode,
    auth::{
        ContactDetailsRequest, MobileVerification, SessionSummary, TotpSetup, TrustedDeviceSummary,
    },
    me::Me,
    password::PasswordPolicy,
};
use leptos::{html, prelude::*};

use crate::{
    api::{ApiFailure, Authenticated},
    components::{
        long_date,
        new_password::{NewPasswordForm, NewPasswordInput},
        shell::Shell,
    },
    i18n::use_i18n,
    session::{Session, use_session},
};

pub mod message_mail;
pub mod my_data;
pub mod sharing;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = move || {
        session
            .data
            .with(|data| data.as_ref().map(|data| data.me.user.clone()))
    };
    view! {
        <Shell title="profile.title" protected=true>
            <div class="page-text">
                <h1>{i18n.tr("profile.title")}</h1>
                <p>{i18n.tr("profile.intro")}</p>
                {move || user().map(|user| {
                    let mobile = user.mobile.clone();
                    view! {
                        <dl class="details-list">
                            <dt>{i18n.tr("profile.name")}</dt>
                            <dd>{format!("{} {}", user.first_name, user.last_name)}</dd>
                            <dt>{i18n.tr("profile.username")}</dt>
                            <dd>{user.username.clone()}</dd>
                            <dt>{i18n.tr("profile.email")}</dt>
                            <dd>{user.email.clone()}</dd>
                            <dt>{i18n.tr("profile.mobile")}</dt>
                            <dd>{move || mobile.clone().unwrap_or_else(|| i18n.t("profile.unknown").to_owned())}</dd>
                        </dl>
                    }
                })}
                <ProfileSections/>
            </div>
        </Shell>
    }
}

/// The sections that read and change the account; made once the session is there (the page
/// may open before a reload has resumed it).
#[component]
fn ProfileSections() -> impl IntoView {
    let session = use_session();
    // Read again after a password change, which ends the other sessions.
    let (sessions, end_session) = list_with_removal(
        session,
        |api| async move { api.sessions().await.unwrap_or_default() },
        |api, id| async move { api.end_session(id).await },
    );
    view! {
        <ContactDetails/>
        <sharing::SharingAndNotifications/>
        <message_mail::MessageMail/>
        <ChangePassword sessions/>
        <AuthenticatorApp/>
        <Sessions sessions end=end_session/>
        <Devices/>
        <CalendarSubscription/>
        <my_data::MyData/>
    }
}

/// *In uw eigen agenda*: a secret address for a calendar program, shown once; a new one
/// replaces it, and switching it off stops it at once. Only for someone who sees an agenda.
#[component]
fn CalendarSubscription() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sees_agenda = session
        .data
        .with_untracked(|data| {
            data.as_ref().map(|data| {
                data.me.clients.iter().any(|membership| {
                    membership
                        .permissions
                        .contains(&kring_shared::Permission::Agenda)
                })
            })
        })
        .unwrap_or(false);
    let status = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api.calendar_feed().await.map(|status| status.active),
                None => Err(ApiFailure::Network),
            }
        }
    });
    let address = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<&'static str>);
    let create = session.action(
        |api, ()| async move { api.create_calendar_feed().await },
        move |result| match result {
            Ok(created) => {
                address.try_set(Some(created.url));
                status.refetch();
            }
            Err(error) => {
                failure.try_set(Some(error.message_key()));
            }
        },
    );
    let revoke = session.action(
        |api, ()| async move { api.revoke_calendar_feed().await },
        move |result| match result {
            Ok(()) => {
                address.try_set(None);
                status.refetch();
            }
            Err(error) => {
                failure.try_set(Some(error.message_key()));
            }
        },
    );
    let reminders = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api.agenda_reminders().await.map(|setting| setting.enabled),
                None => Err(ApiFailure::Network),
            }
        }
    });
    let reminder_saved = RwSignal::new(None::<&'static str>);
    let set_reminders = session.action(
        |api, enabled: bool| async move { api.set_agenda_reminders(enabled).await },
        move |result| match result {
            Ok(setting) => {
                reminder_saved.try_set(Some(if setting.enabled {
                    "reminders.on"
                } else {
                    "reminders.off"
                }));
            }
            Err(error) => {
                failure.try_set(Some(error.message_key()));
            }
        },
    );
    sees_agenda.then(|| view! {
        <section class="profile-section" aria-labelledby="reminders-title">
            <h2 id="reminders-title">{i18n.tr("reminders.title")}</h2>
            <Suspense fallback=move || view! { <p class="loading">{i18n.tr("start.loading")}</p> }>
                {move || reminders.get().map(|enabled| view! {
                    <div class="checkbox">
                        <input type="checkbox" id="agenda-reminders" prop:checked=enabled.unwrap_or(false)
                            on:change=move |event| { set_reminders.dispatch_local(event_target_checked(&event)); }/>
                        <label for="agenda-reminders">{i18n.tr("reminders.label")}</label>
                    </div>
                })}
            </Suspense>
            <p role="status" class:notice=move || reminder_saved.get().is_some()>{move || reminder_saved.get().map(|key| i18n.t(key))}</p>
        </section>
        <section class="profile-section" aria-labelledby="calendar-title">
            <h2 id="calendar-title">{i18n.tr("calendar.title")}</h2>
            <p>{i18n.tr("calendar.intro")}</p>
            {move || address.get().map(|url| view! {
                <div class="inline-step" role="status">
                    <label for="calendar-url">{i18n.tr("calendar.address")}</label>
                    <input id="calendar-url" class="key-output" readonly value=url/>
                    <p class="hint">{i18n.tr("calendar.once")}</p>
                </div>
            })}
            <p class="form-error" role="alert">{move || failure.get().map(|key| i18n.t(key))}</p>
            <Suspense fallback=move || view! { <p class="loading">{i18n.tr("start.loading")}</p> }>
                {move || status.get().map(|active| {
                    let active = active.unwrap_or(false);
                    view! {
                        <p>{move || i18n.t(if active { "calendar.on" } else { "calendar.off" })}</p>
                        <div class="form-actions">
                            <button type="button" class="button-secondary"
                                on:click=move |_| { create.dispatch_local(()); }>
                                {move || i18n.t(if active { "calendar.renew" } else { "calendar.switch_on" })}
                            </button>
                            {active.then(|| view! {
                                <button type="button" class="button-secondary"
                                    on:click=move |_| { revoke.dispatch_local(()); }>
                                    {i18n.tr("calendar.switch_off")}
                                </button>
                            })}
                        </div>
                    }
                })}
            </Suspense>
        </section>
    })
}

#[component]
fn ChangePassword(sessions: LocalResource<Vec<SessionSummary>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let policy = session
        .data
        .with_untracked(|data| {
            data.as_ref()
                .map(|data| data.me.organisation.password_policy)
        })
        .unwrap_or(PasswordPolicy::Composition);
    let server_errors = RwSignal::new(Vec::new());
    let form_error = RwSignal::new(None::<&'static str>);
    let changed = RwSignal::new(false);
    let form_key = RwSignal::new(0u32);
    let save = session.action(
        |api, input: NewPasswordInput| async move {
            api.change_password(
                input.current_password.as_deref().unwrap_or_default(),
                &input.new_password,
            )
            .await
        },
        move |result| match result {
            Ok(()) => {
                changed.set(true);
                sessions.refetch();
                // A fresh, empty form: the typed passwords do not linger in the page.
                form_key.update(|key| *key += 1);
            }
            Err(failure) => {
                changed.set(false);
                server_errors.set(failure.field_errors());
                form_error.set(Some(failure.message_key()));
            }
        },
    );
    let on_submit = Callback::new(move |input: NewPasswordInput| {
        changed.set(false);
        save.dispatch_local(input);
    });
    view! {
        <section class="profile-section" aria-labelledby="change-password-title">
            <h2 id="change-password-title">{i18n.tr("password.change_title")}</h2>
            <p>{i18n.tr("password.change_intro")}</p>
            <p class="notice" role="status">
                {move || changed.get().then(|| i18n.t("password.changed"))}
            </p>
            {move || {
                form_key.track();
                view! {
                    <NewPasswordForm
                        policy
                        ask_current=true
                        choose_username=None
                        submit_label="password.save"
                        busy=save.pending().into()
                        server_errors
                        form_error
                        on_submit
                    />
                }
            }}
        </section>
    }
}

#[component]
fn Sessions(
    sessions: LocalResource<Vec<SessionSummary>>,
    end: Action<uuid::Uuid, ()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="profile-section" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{i18n.tr("sessions.title")}</h2>
            <p>{i18n.tr("sessions.intro")}</p>
            <Suspense fallback=move || view! { <p class="loading">{i18n.tr("start.loading")}</p> }>
                <ul class="session-list">
                    {move || sessions.get().map(|list| list.into_iter().map(|item: SessionSummary| {
                        let id = item.id;
                        let since = item.created_at;
                        let device = item.user_agent.clone().map(|agent| describe_agent(&agent));
                        view! {
                            <li class="session-item">
                                <div>
                                    <strong>{device.unwrap_or_else(|| i18n.t("sessions.unknown_device").to_owned())}</strong>
                                    {item.current.then(|| view! { <span class="badge">{i18n.t("sessions.this_device")}</span> })}
                                    <p class="hint">{move || i18n.t_with("sessions.since", &crate::components::date_time(i18n.language.get(), since))}</p>
                                </div>
                                {(!item.current).then(|| view! {
                                    <button type="button" class="button-secondary"
                                        on:click=move |_| { end.dispatch_local(id); }>
                                        {i18n.t("sessions.end")}
                                    </button>
                                })}
                            </li>
                        }
                    }).collect_view())}
                </ul>
            </Suspense>
        </section>
    }
}

#[component]
fn Devices() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let (devices, forget) = list_with_removal(
        session,
        |api| async move { api.devices().await.unwrap_or_default() },
        |api, id| async move { api.forget_device(id).await },
    );
    view! {
        <section class="profile-section" aria-labelledby="devices-title">
            <h2 id="devices-title">{i18n.tr("devices.title")}</h2>
            <p>{i18n.tr("devices.intro")}</p>
            <Suspense fallback=move || view! { <p class="loading">{i18n.tr("start.loading")}</p> }>
                {move || devices.get().map(|list| {
                    if list.is_empty() {
                        return view! { <p>{i18n.t("devices.none")}</p> }.into_any();
                    }
                    view! {
                        <ul class="session-list">
                            {list.into_iter().map(|device: TrustedDeviceSummary| {
                                let id = device.id;
                                let until = device.expires_at.date_naive();
                                view! {
                                    <li class="session-item device-item">
                                        <div>
                                            <strong>{describe_agent(&device.label)}</strong>
                                            {device.current.then(|| view! { <span class="badge">{i18n.t("sessions.this_device")}</span> })}
                                            <p class="hint">{move || i18n.t_with("devices.until", &long_date(i18n.language.get(), until))}</p>
                                        </div>
                                        <button type="button" class="button-secondary"
                                            on:click=move |_| { forget.dispatch_local(id); }>
                                            {i18n.t("devices.forget")}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// Changing the e-mail address and mobile number, with the password asked again.
#[component]
fn ContactDetails() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = session
        .data
        .with_untracked(|data| data.as_ref().map(|data| data.me.user.clone()));
    // What the server holds; the fields keep unsaved input across an idle logout.
    let saved_email = RwSignal::new(
        current
            .as_ref()
            .map(|user| user.email.clone())
            .unwrap_or_default(),
    );
    let saved_mobile = RwSignal::new(
        current
            .as_ref()
            .and_then(|user| user.mobile.clone())
            .unwrap_or_default(),
    );
    let email = session.draft_field(None, "contact-email", saved_email);
    let mobile = session.draft_field(None, "contact-mobile", saved_mobile);
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let form_error = RwSignal::new(None::<&'static str>);
    let saved = RwSignal::new(None::<&'static str>);
    // A code went to the new mobile number and waits to be typed.
    let pending = RwSignal::new(None::<MobileVerification>);
    let refresh_me = move |me: Me| {
        saved_email.set(me.user.email.clone());
        email.set(me.user.email.clone());
        session.data.update(|data| {
            if let Some(data) = data {
                data.me = me;
            }
        });
    };
    let save = session.action(
        |api, request: ContactDetailsRequest| async move {
            let answer = api.change_contact_details(&request).await?;
            Ok((answer, api.me().await?))
        },
        move |result| {
            password.set(String::new());
            match result {
                Ok((answer, me)) => {
                    errors.set(Vec::new());
                    form_error.set(None);
                    refresh_me(me);
                    saved.set(Some(if answer.mobile_verification.is_some() {
                        "contact.saved_email_only"
                    } else {
                        "contact.saved"
                    }));
                    pending.set(answer.mobile_verification);
                }
                Err(failure) => {
                    saved.set(None);
                    errors.set(failure.field_errors());
                    form_error.set(Some(failure.message_key()));
                }
            }
        },
    );
    let field_error = move |field: &'static str| {
        errors.with(|errors| crate::components::field_error_key(errors, field))
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        saved.set(None);
        save.dispatch_local(ContactDetailsRequest {
            current_password: password.get_untracked(),
            email: email.get_untracked(),
            mobile: mobile.get_untracked(),
        });
    };
    let on_confirmed = Callback::new(move |me: Me| {
        saved_mobile.set(me.user.mobile.clone().unwrap_or_default());
        mobile.set(me.user.mobile.clone().unwrap_or_default());
        refresh_me(me);
        pending.set(None);
        saved.set(Some("contact.mobile_saved"));
    });
    view! {
        <section class="profile-section" aria-labelledby="contact-title">
            <h2 id="contact-title">{i18n.tr("contact.title")}</h2>
            <p>{i18n.tr("contact.intro")}</p>
            <p class="notice" role="status">{move || saved.get().map(|key| i18n.t(key))}</p>
            {move || pending.get().map(|verification| view! {
                <MobileCodeStep verification pending on_confirmed/>
            })}
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="contact-email">{i18n.tr("profile.email")}</label>
                    <input id="contact-email" type="email" autocomplete="email" maxlength="254"
                        aria-describedby="contact-email-error"
                        aria-invalid=move || field_error("email").is_some().to_string()
                        bind:value=email/>
                    <p id="contact-email-error" class="field-error">{move || field_error("email").map(|key| i18n.t(key))}</p>
                </div>
                <div class="field">
                    <label for="contact-mobile">{i18n.tr("profile.mobile")}</label>
                    <p class="hint" id="contact-mobile-hint">{i18n.tr("contact.mobile_hint")}</p>
                    <input id="contact-mobile" type="tel" autocomplete="tel" maxlength="20"
                        aria-describedby="contact-mobile-hint contact-mobile-error"
                        aria-invalid=move || field_error("mobile").is_some().to_string()
                        bind:value=mobile/>
                    <p id="contact-mobile-error" class="field-error">{move || field_error("mobile").map(|key| i18n.t(key))}</p>
                </div>
                <div class="field">
                    <label for="contact-password">{i18n.tr("password.current")}</label>
                    <input id="contact-password" type="password" autocomplete="current-password"
                        maxlength="128" bind:value=password/>
                </div>
                <p class="form-error" role="alert">{move || form_error.get().map(|key| i18n.t(key))}</p>
                <button type="submit" class="button-primary" disabled=move || save.pending().get()>
                    {i18n.tr("contact.save")}
                </button>
            </form>
        </section>
    }
}

/// The code sent to a new mobile number: only the right code saves the number.
#[component]
fn MobileCodeStep(
    verification: MobileVerification,
    pending: RwSignal<Option<MobileVerification>>,
    on_confirmed: Callback<Me>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let code = RwSignal::new(String::new());
    let code_error = RwSignal::new(None::<&'static str>);
    let notice = RwSignal::new(None::<&'static str>);
    let code_input = NodeRef::<html::Input>::new();
    let confirm = session.action(
        |api, typed: String| async move {
            api.confirm_mobile(&typed).await?;
            api.me().await
        },
        move |result| match result {
            // The page may have closed while the code was checked: then nothing is left to tell.
            Ok(me) => {
                let _ = on_confirmed.try_run(me);
            }
            Err(failure) => {
                code.set(String::new());
                code_error.set(Some(failure.message_key()));
                if let Some(input) = code_input.try_get_untracked().flatten() {
                    let _ = input.focus();
                }
            }
        },
    );
    let resend = session.action(
        |api, _: ()| async move { api.resend_mobile_code().await },
        move |result| {
            notice.set(Some(match result {
                Ok(_) => "verify.resent",
                Err(failure) if failure.code() == Some(ErrorCode::RateLimited) => {
                    "verify.resend_wait"
                }
                Err(failure) => failure.message_key(),
            }));
        },
    );
    Effect::new(move || {
        if let Some(input) = code_input.get() {
            let _ = input.focus();
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        notice.set(None);
        let Some(typed) = crate::components::typed_code(&code.get_untracked()) else {
            code_error.set(Some("verify.code_format"));
            return;
        };
        code_error.set(None);
        confirm.dispatch_local(typed);
    };
    let hint = verification.phone_hint.clone();
    view! {
        <form class="inline-step" on:submit=submit novalidate aria-labelledby="mobile-code-title">
            <h3 id="mobile-code-title">{i18n.tr("contact.mobile_code_title")}</h3>
            <p>{move || i18n.t_with("contact.mobile_code_intro", &hint)}</p>
            <div class="field">
                <label for="mobile-code">{i18n.tr("verify.code")}</label>
                <input id="mobile-code" type="text" inputmode="numeric" autocomplete="one-time-code"
                    maxlength="12" node_ref=code_input aria-describedby="mobile-code-error"
                    aria-invalid=move || code_error.get().is_some().to_string()
                    bind:value=code/>
                <p id="mobile-code-error" class="field-error" role="alert">{move || code_error.get().map(|key| i18n.t(key))}</p>
            </div>
            <p class="notice" role="status">{move || notice.get().map(|key| i18n.t(key))}</p>
            <div class="form-actions">
                <button type="submit" class="button-primary" disabled=move || confirm.pending().get()>
                    {i18n.tr("contact.mobile_confirm")}
                </button>
                <button type="button" class="button-quiet" disabled=move || resend.pending().get()
                    on:click=move |_| { resend.dispatch_local(()); }>
                    {i18n.tr("verify.resend")}
                </button>
                <button type="button" class="button-secondary" on:click=move |_| pending.set(None)>
                    {i18n.tr("contact.mobile_cancel")}
                </button>
            </div>
        </form>
    }
}

/// Setting up and turning off the authenticator app (TOTP), with the password asked again.
#[component]
fn AuthenticatorApp() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let enabled = RwSignal::new(
        session
            .data
            .with_untracked(|data| data.as_ref().is_some_and(|data| data.me.user.totp_enabled)),
    );
    let asking = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let setup = RwSignal::new(None::<TotpSetup>);
    let recovery = RwSignal::new(Vec::<String>::new());
    let error = RwSignal::new(None::<&'static str>);
    let notice = RwSignal::new(None::<&'static str>);
    let set_enabled = move |on: bool| {
        enabled.set(on);
        session.data.update(|data| {
            if let Some(data) = data {
                data.me.user.totp_enabled = on;
            }
        });
    };
    let start = session.action(
        |api, typed: String| async move { api.totp_setup(&typed).await },
        move |result| {
            password.set(String::new());
            match result {
                Ok(started) => {
                    error.set(None);
                    setup.set(Some(started));
                }
                Err(failure) => error.set(Some(failure.message_key())),
            }
        },
    );
    let confirm = session.action(
        |api, typed: String| async move { api.totp_confirm(&typed).await },
        move |result| match result {
            Ok(done) => {
                error.set(None);
                setup.set(None);
                asking.set(false);
                recovery.set(done.recovery_codes);
                set_enabled(true);
            }
            Err(failure) => {
                code.set(String::new());
                error.set(Some(failure.message_key()));
            }
        },
    );
    let disable = session.action(
        |api, typed: String| async move { api.totp_disable(&typed).await },
        move |result| {
            password.set(String::new());
            match result {
                Ok(()) => {
                    error.set(None);
                    recovery.set(Vec::new());
                    notice.set(Some("totp.disabled"));
                    set_enabled(false);
                }
                Err(failure) => error.set(Some(failure.message_key())),
            }
        },
    );
    let password_field = move || {
        view! {
            <div class="field">
                <label for="totp-password">{i18n.tr("totp.password")}</label>
                <input id="totp-password" type="password" autocomplete="current-password"
                    maxlength="128" bind:value=password/>
            </div>
        }
    };
    view! {
        <section class="profile-section" aria-labelledby="totp-title">
            <h2 id="totp-title">{i18n.tr("totp.title")}</h2>
            <p>{i18n.tr("totp.intro")}</p>
            <p class="form-error" role="alert">{move || error.get().map(|key| i18n.t(key))}</p>
            <p class="notice" role="status">{move || notice.get().map(|key| i18n.t(key))}</p>
            {move || (!recovery.get().is_empty()).then(|| view! {
                <div class="recovery-codes">
                    <p>{i18n.t("totp.recovery_intro")}</p>
                    <ul>{recovery.get().into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}</ul>
                </div>
            })}
            {move || if enabled.get() {
                view! {
                    <p>{i18n.t("totp.on")}</p>
                    <form on:submit=move |event: leptos::ev::SubmitEvent| {
                        event.prevent_default();
                        notice.set(None);
                        disable.dispatch_local(password.get_untracked());
                    }>
                        {password_field()}
                        <button type="submit" class="button-secondary">{i18n.t("totp.disable")}</button>
                    </form>
                }.into_any()
            } else if let Some(started) = setup.get() {
                view! {
                    <img class="totp-qr" src=started.qr_code.clone() alt=i18n.t("totp.qr_alt") width="240" height="240"/>
                    <p>{i18n.t("totp.scan")}</p>
                    <p><code class="totp-secret">{started.secret.clone()}</code></p>
                    <form on:submit=move |event: leptos::ev::SubmitEvent| {
                        event.prevent_default();
                        confirm.dispatch_local(code.get_untracked());
                    }>
                        <div class="field">
                            <label for="totp-code">{i18n.t("totp.code")}</label>
                            <input id="totp-code" type="text" inputmode="numeric" autocomplete="one-time-code"
                                maxlength="7" bind:value=code/>
                        </div>
                        <button type="submit" class="button-primary">{i18n.t("totp.confirm")}</button>
                    </form>
                }.into_any()
            } else if asking.get() {
                view! {
                    <form on:submit=move |event: leptos::ev::SubmitEvent| {
                        event.prevent_default();
                        notice.set(None);
                        start.dispatch_local(password.get_untracked());
                    }>
                        {password_field()}
                        <button type="submit" class="button-primary">{i18n.t("totp.start")}</button>
                    </form>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="button-secondary" on:click=move |_| asking.set(true)>
                        {i18n.t("totp.setup")}
                    </button>
                }.into_any()
            }}
        </section>
    }
}

/// A list loaded with the session's client, and an action that removes one item by id and then
/// loads the list again.
fn list_with_removal<T, Load, LoadFut, Remove, RemoveFut>(
    session: Session,
    load: Load,
    remove: Remove,
) -> (LocalResource<Vec<T>>, Action<uuid::Uuid, ()>)
where
    T: 'static,
    Load: Fn(Authenticated) -> LoadFut + Copy + 'static,
    LoadFut: std::future::Future<Output = Vec<T>> + 'static,
    Remove: Fn(Authenticated, uuid::Uuid) -> RemoveFut + Copy + 'static,
    RemoveFut: std::future::Future<Output = Result<(), ApiFailure>> + 'static,
{
    let list = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => load(api).await,
                None => Vec::new(),
            }
        }
    });
    // A failed removal shows as the item still being in the list read again.
    let removal = session.action(remove, move |_| list.refetch());
    (list, removal)
}

/// A short name for a browser's user agent: "Chrome op Android", "Firefox op Windows".
fn describe_agent(agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(marker, _)| agent.contains(marker))
    .map_or("Browser", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS", "Mac"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| agent.contains(marker))
    .map(|(_, name)| *name);
    match system {
        Some(system) => format!("{browser} · {system}"),
        None => browser.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::describe_agent;

    #[test]
    fn agents_are_named_plainly() {
        assert_eq!(
            describe_agent(
                "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36"
            ),
            "Chrome · Android"
        );
        assert_eq!(describe_agent("curl/8"), "Browser");
    }
}
