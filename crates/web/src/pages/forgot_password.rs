//! *Wachtwoord vergeten*: username and e-mail address; the answer is the same whether or not
//! they match, so the page never tells who has an account.

use leptos::prelude::*;

use crate::{api::Anonymous, components::shell::Shell, i18n::use_i18n};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let username = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let username_error = RwSignal::new(None::<&'static str>);
    let email_error = RwSignal::new(None::<&'static str>);
    let request = Action::new_local(move |(name, address): &(String, String)| {
        let (name, address) = (name.clone(), address.clone());
        async move { Anonymous.forgot_password(&name, &address).await }
    });
    // What the page shows follows from the request's outcome; while a new request is under
    // way the previous failure is not shown.
    let sent = move || matches!(request.value().get(), Some(Ok(())));
    let form_error = move || {
        // A new try, or a field to fix first: the old answer no longer applies.
        if request.pending().get() || username_error.get().is_some() || email_error.get().is_some()
        {
            return None;
        }
        request.value().with(|outcome| match outcome {
            Some(Err(failure)) => Some(failure.message_key()),
            _ => None,
        })
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let name = username.get_untracked().trim().to_owned();
        let address = email.get_untracked().trim().to_owned();
        username_error.set(name.is_empty().then_some("error.required_username"));
        email_error.set(if address.is_empty() {
            Some("forgot.error.email_required")
        } else if !address.contains('@') {
            Some("forgot.error.email_invalid")
        } else {
            None
        });
        if username_error.get_untracked().is_none() && email_error.get_untracked().is_none() {
            request.dispatch_local((name, address));
        }
    };
    view! {
        <Shell title="forgot.title">
            <div class="login-card">
                <h1>{i18n.tr("forgot.title")}</h1>
                <Show
                    when=sent
                    fallback=move || view! {
                        <p>{i18n.tr("forgot.intro")}</p>
                        <form on:submit=submit novalidate>
                            <div class="field">
                                <label for="forgot-username">{i18n.tr("login.username")}</label>
                                <input id="forgot-username" type="text" autocomplete="username"
                                    autocapitalize="none" spellcheck="false" maxlength="64"
                                    aria-describedby="forgot-username-error"
                                    aria-invalid=move || username_error.get().is_some().to_string()
                                    bind:value=username/>
                                <p id="forgot-username-error" class="field-error">{move || username_error.get().map(|key| i18n.t(key))}</p>
                            </div>
                            <div class="field">
                                <label for="forgot-email">{i18n.tr("forgot.email")}</label>
                                <input id="forgot-email" type="email" autocomplete="email" maxlength="254"
                                    aria-describedby="forgot-email-error"
                                    aria-invalid=move || email_error.get().is_some().to_string()
                                    bind:value=email/>
                                <p id="forgot-email-error" class="field-error">{move || email_error.get().map(|key| i18n.t(key))}</p>
                            </div>
                            <p class="form-error" role="alert">{move || form_error().map(|key| i18n.t(key))}</p>
                            <button type="submit" class="button-primary button-wide" disabled=move || request.pending().get()>
                                {i18n.tr("forgot.submit")}
                            </button>
                        </form>
                    }
                >
                    <p class="notice" role="status">{i18n.tr("forgot.sent")}</p>
                </Show>
                <p class="below-form"><a href="/inloggen">{i18n.tr("forgot.back")}</a></p>
            </div>
        </Shell>
    }
}
