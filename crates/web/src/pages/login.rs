//! *Inloggen*: username and password, with clear Dutch messages.

use leptos::{html, prelude::*};
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::{
    api::{Anonymous, ApiFailure},
    components::shell::Shell,
    i18n::use_i18n,
    session::{SessionData, use_session},
};

/// Only same-site paths are followed after login, never another origin.
fn safe_return_path(candidate: Option<String>) -> String {
    candidate
        .filter(|path| {
            path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/inloggen")
        })
        .unwrap_or_else(|| "/start".to_owned())
}

#[component]
pub fn LoginPage() -> impl IntoView {
    view! {
        <Shell title="login.title">
            <LoginForm/>
        </Shell>
    }
}

#[component]
fn LoginForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();

    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let show_password = RwSignal::new(false);
    let username_error = RwSignal::new(None::<&'static str>);
    let password_error = RwSignal::new(None::<&'static str>);
    let form_error = RwSignal::new(None::<&'static str>);
    let username_input = NodeRef::<html::Input>::new();
    let password_input = NodeRef::<html::Input>::new();

    let login = Action::new_local(move |(name, secret): &(String, String)| {
        let (name, secret) = (name.clone(), secret.clone());
        async move {
            let api = Anonymous.login(&name, &secret).await?;
            let me = api.me().await?;
            Ok::<SessionData, ApiFailure>(SessionData { api, me })
        }
    });
    let busy = login.pending();

    Effect::new(move || {
        if let Some(result) = login.value().get() {
            match result {
                Ok(data) => {
                    session.sign_in(data);
                    let back = safe_return_path(query.with_untracked(|query| query.get("terug")));
                    navigate(&back, Default::default());
                }
                Err(failure) => {
                    password.set(String::new());
                    form_error.set(Some(failure.message_key()));
                    if let Some(input) = password_input.get_untracked() {
                        let _ = input.focus();
                    }
                }
            }
        }
    });

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
            <h1>{move || i18n.t("login.title")}</h1>
            <p>{move || i18n.t("login.intro")}</p>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="username">{move || i18n.t("login.username")}</label>
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
                    <label for="password">{move || i18n.t("login.password")}</label>
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
                    <label for="show-password">{move || i18n.t("login.show_password")}</label>
                </div>
                <p class="form-error" role="alert">
                    {move || form_error.get().map(|key| i18n.t(key))}
                </p>
                <button type="submit" class="button-primary button-wide" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t("login.busy") } else { i18n.t("login.submit") }}
                </button>
            </form>
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
        assert_eq!(safe_return_path(None), "/start");
    }
}
