//! *Inloggen*: username and password, with clear Dutch messages. A temporary password (first
//! login) continues on the same page with *Wachtwoord wijzigen*, where the user may also
//! choose a username once.

use leptos::{html, prelude::*};
use leptos_router::hooks::{use_navigate, use_query_map};

use kring_shared::{
    ErrorCode,
    auth::{
        FirstPasswordRequest, PasswordChangeChallenge, SecondFactorChallenge,
        VerificationChallenge, VerificationChannel, VerifyCodeRequest,
    },
};

use crate::{
    api::{Anonymous, ApiFailure, Authenticated, LoginStep, action},
    components::{
        new_password::{NewPasswordForm, NewPasswordInput},
        shell::Shell,
    },
    i18n::use_i18n,
    session::{SessionData, use_session},
};

/// Only same-site paths are followed after login, never another origin. The browser's URL
/// rules read `\` as `/` and drop tabs and line breaks, so `/\evil.example` or a tab between
/// two slashes would name another host: a path with a backslash or any control character is
/// refused, like one that starts with `//`.
fn safe_return_path(candidate: Option<String>) -> String {
    candidate
        .filter(|path| {
            path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/inloggen")
                && !path.chars().any(|c| c == '\\' || c.is_control())
        })
        .unwrap_or_else(|| "/start".to_owned())
}

/// What a finished login does: keep the session and go back to the page that sent the user
/// here (`?terug=`), or to Start. The way back is read now, while the login page is open.
fn sign_in_and_return() -> impl Fn(SessionData) + Clone + 'static {
    let session = use_session();
    let navigate = use_navigate();
    let back = safe_return_path(use_query_map().with_untracked(|query| query.get("terug")));
    move |data| {
        session.sign_in(data);
        navigate(&back, Default::default());
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let challenge = RwSignal::new(None::<PasswordChangeChallenge>);
    let code_step = RwSignal::new(None::<VerificationChallenge>);
    let setup_step = RwSignal::new(None::<SecondFactorChallenge>);
    view! {
        <Shell title="login.title">
            {move || match (challenge.get(), code_step.get(), setup_step.get()) {
                (Some(next), _, _) => view! { <FirstPasswordStep challenge=next restart=challenge/> }.into_any(),
                (None, Some(next), _) => view! { <CodeStep challenge=next code_step password_step=challenge/> }.into_any(),
                (None, None, Some(next)) => view! { <SecondFactorStep challenge=next setup_step code_step/> }.into_any(),
                (None, None, None) => view! { <LoginForm challenge code_step setup_step/> }.into_any(),
            }}
        </Shell>
    }
}

/// An account without a second factor chooses the mobile number for its codes; the code sent
/// to it then goes through the usual code step, which saves the number.
#[component]
fn SecondFactorStep(
    challenge: SecondFactorChallenge,
    setup_step: RwSignal<Option<SecondFactorChallenge>>,
    code_step: RwSignal<Option<VerificationChallenge>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let mobile = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let form_error = RwSignal::new(None::<&'static str>);
    let attempt = StoredValue::new(challenge.attempt_token.clone());
    let send = action(
        move |typed: String| {
            let token = attempt.get_value();
            async move { Anonymous.choose_mobile(&token, &typed).await }
        },
        move |result| match result {
            Ok(next) => code_step.set(Some(next)),
            Err(failure) if failure.code() == Some(ErrorCode::LoginAttemptExpired) => {
                setup_step.set(None);
            }
            Err(failure) => {
                errors.set(failure.field_errors());
                form_error.set(
                    failure
                        .field_errors()
                        .is_empty()
                        .then(|| failure.message_key()),
                );
            }
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.set(Vec::new());
        form_error.set(None);
        send.dispatch_local(mobile.get_untracked());
    };
    let mobile_error = move || {
        errors.with(|errors| {
            crate::components::field_error_key(errors, "mobile").map(|key| i18n.t(key))
        })
    };
    view! {
        <div class="login-card">
            <h1>{i18n.tr("second_factor.title")}</h1>
            <p>{i18n.tr("second_factor.intro")}</p>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="second-factor-mobile">{i18n.tr("second_factor.mobile")}</label>
                    <input id="second-factor-mobile" type="tel" inputmode="tel" autocomplete="tel"
                        maxlength="32" aria-describedby="second-factor-mobile-error"
                        aria-invalid=move || mobile_error().is_some().to_string()
                        bind:value=mobile/>
                    <p id="second-factor-mobile-error" class="field-error" role="alert">{mobile_error}</p>
                </div>
                {move || form_error.get().map(|key| view! { <p class="form-error" role="alert">{i18n.t(key)}</p> })}
                <button type="submit" class="button-primary button-wide" disabled=move || send.pending().get()>
                    {i18n.tr("second_factor.submit")}
                </button>
            </form>
        </div>
    }
}

/// *Apparaat verificatie*: the code from the SMS, "Geen code ontvangen?" and "remember this
/// device".
#[component]
fn CodeStep(
    challenge: VerificationChallenge,
    code_step: RwSignal<Option<VerificationChallenge>>,
    password_step: RwSignal<Option<PasswordChangeChallenge>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let signed_in = sign_in_and_return();
    let code = RwSignal::new(String::new());
    let trust = RwSignal::new(false);
    let code_error = RwSignal::new(None::<&'static str>);
    let notice = RwSignal::new(None::<&'static str>);
    let code_input = NodeRef::<html::Input>::new();
    let attempt = StoredValue::new(challenge.attempt_token.clone());
    let by_app = challenge.channel == VerificationChannel::Totp;
    let check = action(
        move |(typed, remember): (String, bool)| {
            let request = VerifyCodeRequest {
                attempt_token: attempt.get_value(),
                code: typed,
                trust_device: remember,
            };
            async move {
                match Anonymous.verify(&request).await? {
                    LoginStep::SignedIn(api) => finish_login(api).await.map(Ok),
                    LoginStep::NewPasswordNeeded(next) => Ok(Err(next)),
                    LoginStep::CodeNeeded(_) | LoginStep::SecondFactorNeeded(_) => {
                        Err(ApiFailure::Network)
                    }
                }
            }
        },
        move |result| match result {
            Ok(Ok(data)) => signed_in(data),
            Ok(Err(next)) => password_step.set(Some(next)),
            Err(failure) if failure.code() == Some(ErrorCode::LoginAttemptExpired) => {
                code_step.set(None);
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
    let resend = action(
        move |_: ()| {
            let token = attempt.get_value();
            async move { Anonymous.resend_code(&token).await }
        },
        move |result| match result {
            Ok(_) => {
                code_error.set(None);
                notice.set(Some("verify.resent"));
            }
            Err(failure) if failure.code() == Some(ErrorCode::RateLimited) => {
                notice.set(Some("verify.resend_wait"));
            }
            Err(failure) if failure.code() == Some(ErrorCode::LoginAttemptExpired) => {
                code_step.set(None);
            }
            Err(failure) => notice.set(Some(failure.message_key())),
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        notice.set(None);
        let Some(typed) = crate::components::typed_code(&code.get_untracked()) else {
            code_error.set(Some("verify.code_format"));
            return;
        };
        code_error.set(None);
        check.dispatch_local((typed, trust.get_untracked()));
    };
    let hint = challenge.phone_hint.clone();
    let days = challenge.trusted_device_days.to_string();
    let intro = move || {
        if by_app {
            i18n.t("verify.intro_app").to_owned()
        } else {
            i18n.t_with("verify.intro", &hint)
        }
    };
    view! {
        <div class="login-card">
            <h1>{i18n.tr("verify.title")}</h1>
            <p>{intro}</p>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="code">{i18n.tr("verify.code")}</label>
                    <input id="code" type="text" inputmode=if by_app { "text" } else { "numeric" }
                        autocomplete="one-time-code" maxlength="12" node_ref=code_input
                        aria-describedby="code-error"
                        aria-invalid=move || code_error.get().is_some().to_string()
                        bind:value=code/>
                    <p id="code-error" class="field-error" role="alert">{move || code_error.get().map(|key| i18n.t(key))}</p>
                </div>
                {(challenge.trusted_device_days > 0).then(|| view! {
                    <div class="checkbox">
                        <input id="trust-device" type="checkbox" bind:checked=trust/>
                        <label for="trust-device">{move || i18n.t_with("verify.trust", &days)}</label>
                    </div>
                })}
                <button type="submit" class="button-primary button-wide" disabled=move || check.pending().get()>
                    {i18n.tr("verify.submit")}
                </button>
            </form>
            <p class="notice" role="status">{move || notice.get().map(|key| i18n.t(key))}</p>
            {(!by_app).then(|| view! {
                <p class="below-form">
                    <button type="button" class="button-quiet" disabled=move || resend.pending().get()
                        on:click=move |_| { resend.dispatch_local(()); }>
                        {i18n.tr("verify.resend")}
                    </button>
                </p>
            })}
        </div>
    }
}

/// The step after a right password, when it is not yet a session.
#[derive(Debug, Clone)]
enum Next {
    Password(PasswordChangeChallenge),
    Code(VerificationChallenge),
    SecondFactor(SecondFactorChallenge),
}

/// Signs in with a fresh client and goes where the user wanted to go.
async fn finish_login(api: Authenticated) -> Result<SessionData, ApiFailure> {
    let me = api.me().await?;
    Ok(SessionData { api, me })
}

#[component]
fn FirstPasswordStep(
    challenge: PasswordChangeChallenge,
    restart: RwSignal<Option<PasswordChangeChallenge>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let signed_in = sign_in_and_return();
    let server_errors = RwSignal::new(Vec::new());
    let form_error = RwSignal::new(None::<&'static str>);
    let attempt = challenge.attempt_token.clone();
    let save = action(
        move |input: NewPasswordInput| {
            let request = FirstPasswordRequest {
                attempt_token: attempt.clone(),
                new_password: input.new_password,
                username: input.username.filter(|name| !name.is_empty()),
            };
            async move {
                let api = Anonymous.first_password(&request).await?;
                finish_login(api).await
            }
        },
        move |result| match result {
            Ok(data) => signed_in(data),
            Err(failure) if failure.code() == Some(ErrorCode::LoginAttemptExpired) => {
                restart.set(None);
            }
            Err(failure) => {
                server_errors.set(failure.field_errors());
                form_error.set(Some(failure.message_key()));
            }
        },
    );
    let choose = challenge
        .may_choose_username
        .then(|| challenge.username.clone());
    let on_submit = Callback::new(move |input: NewPasswordInput| {
        save.dispatch_local(input);
    });
    view! {
        <div class="login-card">
            <h1>{i18n.tr("password.first_title")}</h1>
            <p>{i18n.tr("password.first_intro")}</p>
            {challenge.may_choose_username.then(|| view! {
                <p class="notice">{i18n.tr("password.username_once")}</p>
            })}
            <NewPasswordForm
                policy=challenge.password_policy
                choose_username=choose
                submit_label="password.save"
                busy=save.pending().into()
                server_errors
                form_error
                on_submit
            />
        </div>
    }
}

#[component]
fn LoginForm(
    challenge: RwSignal<Option<PasswordChangeChallenge>>,
    code_step: RwSignal<Option<VerificationChallenge>>,
    setup_step: RwSignal<Option<SecondFactorChallenge>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let signed_in = sign_in_and_return();

    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let show_password = RwSignal::new(false);
    let username_error = RwSignal::new(None::<&'static str>);
    let password_error = RwSignal::new(None::<&'static str>);
    let form_error = RwSignal::new(None::<&'static str>);
    let username_input = NodeRef::<html::Input>::new();
    let password_input = NodeRef::<html::Input>::new();

    let locked = RwSignal::new(false);
    let login = action(
        |(name, secret): (String, String)| async move {
            match Anonymous.login(&name, &secret).await? {
                LoginStep::SignedIn(api) => finish_login(api).await.map(Ok),
                LoginStep::NewPasswordNeeded(next) => Ok(Err(Next::Password(next))),
                LoginStep::CodeNeeded(next) => Ok(Err(Next::Code(next))),
                LoginStep::SecondFactorNeeded(next) => Ok(Err(Next::SecondFactor(next))),
            }
        },
        move |result| match result {
            Ok(Ok(data)) => signed_in(data),
            Ok(Err(Next::Password(next))) => challenge.set(Some(next)),
            Ok(Err(Next::Code(next))) => code_step.set(Some(next)),
            Ok(Err(Next::SecondFactor(next))) => setup_step.set(Some(next)),
            Err(failure) => {
                locked.set(failure.code() == Some(ErrorCode::AccountLocked));
                password.set(String::new());
                form_error.set(Some(failure.message_key()));
                if let Some(input) = password_input.try_get_untracked().flatten() {
                    let _ = input.focus();
                }
            }
        },
    );
    let busy = login.pending();

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        form_error.set(None);
        let name = username.get_untracked().trim().to_owned();
        let secret = password.get_untracked();
        username_error.set(name.is_empty().then_some("error.required_username"));
        password_error.set(secret.is_empty().then_some("error.required_password"));
        if name.is_empty() {
            if let Some(input) = username_input.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        if secret.is_empty() {
            if let Some(input) = password_input.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        login.dispatch_local((name, secret));
    };

    view! {
        <div class="login-card">
            <h1>{i18n.tr("login.title")}</h1>
            {move || session.ended_by_idle.get().then(|| view! {
                <p class="notice" role="status">{i18n.t("idle.signed_out")}</p>
            })}
            <p>{i18n.tr("login.intro")}</p>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="username">{i18n.tr("login.username")}</label>
                    <input
                        id="username"
                        name="username"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                        node_ref=username_input
                        aria-invalid=move || username_error.get().is_some().to_string()
                        aria-describedby="username-error"
                        bind:value=username
                    />
                    <p id="username-error" class="field-error">
                        {move || username_error.get().map(|key| i18n.t(key))}
                    </p>
                </div>
                <div class="field">
                    <label for="password">{i18n.tr("login.password")}</label>
                    <input
                        id="password"
                        name="password"
                        type=move || if show_password.get() { "text" } else { "password" }
                        autocomplete="current-password"
                        required
                        maxlength="128"
                        node_ref=password_input
                        aria-invalid=move || password_error.get().is_some().to_string()
                        aria-describedby="password-error"
                        bind:value=password
                    />
                    <p id="password-error" class="field-error">
                        {move || password_error.get().map(|key| i18n.t(key))}
                    </p>
                </div>
                <div class="checkbox">
                    <input id="show-password" type="checkbox" bind:checked=show_password/>
                    <label for="show-password">{i18n.tr("login.show_password")}</label>
                </div>
                <div class="form-error" role="alert">
                    {move || form_error.get().map(|key| view! {
                        <p>{i18n.t(key)}</p>
                        {locked.get().then(|| view! {
                            <p><a href="/wachtwoord-vergeten">{i18n.t("login.unblock_link")}</a></p>
                        })}
                    })}
                </div>
                <button type="submit" class="button-primary button-wide" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t("login.busy") } else { i18n.t("login.submit") }}
                </button>
            </form>
            <p class="below-form"><a href="/wachtwoord-vergeten">{i18n.tr("login.forgot")}</a></p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(safe_return_path(Some("/profiel".into())), "/profiel");
        assert_eq!(safe_return_path(Some("//evil.example".into())), "/start");
        assert_eq!(
            safe_return_path(Some("https://evil.example".into())),
            "/start"
        );
        assert_eq!(safe_return_path(Some("/inloggen".into())), "/start");
        // What the browser would turn into `//evil.example`.
        assert_eq!(safe_return_path(Some("/\\evil.example".into())), "/start");
        assert_eq!(safe_return_path(Some("/\\/evil.example".into())), "/start");
        assert_eq!(safe_return_path(Some("/\t/evil.example".into())), "/start");
        assert_eq!(safe_return_path(Some("/\n/evil.example".into())), "/start");
        assert_eq!(
            safe_return_path(Some("/berichten/nieuw?aan=1".into())),
            "/berichten/nieuw?aan=1"
        );
        assert_eq!(safe_return_path(None), "/start");
    }
}
