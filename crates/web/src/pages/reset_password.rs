//! *Wachtwoord herstellen*: the page behind the e-mail's link. Checks the link first, so an
//! expired or used one says so before the user types anything.

use kring_shared::ErrorCode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{Anonymous, action},
    components::{
        new_password::{NewPasswordForm, NewPasswordInput},
        shell::Shell,
    },
    i18n::use_i18n,
};

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = query
        .with_untracked(|query| query.get("token"))
        .unwrap_or_default();
    let token = StoredValue::new(token);
    let link = LocalResource::new(move || {
        let token = token.get_value();
        async move { Anonymous.reset_link(&token).await }
    });
    let done = RwSignal::new(false);
    let server_errors = RwSignal::new(Vec::new());
    let form_error = RwSignal::new(None::<&'static str>);
    let expired = RwSignal::new(false);
    let save = action(
        move |input: NewPasswordInput| {
            let token = token.get_value();
            async move { Anonymous.reset_password(&token, &input.new_password).await }
        },
        move |result| match result {
            Ok(()) => done.set(true),
            Err(failure) if failure.code() == Some(ErrorCode::ResetLinkInvalid) => {
                expired.set(true)
            }
            Err(failure) => {
                server_errors.set(failure.field_errors());
                form_error.set(Some(failure.message_key()));
            }
        },
    );
    let on_submit = Callback::new(move |input: NewPasswordInput| {
        save.dispatch_local(input);
    });
    view! {
        <Shell title="reset.title">
            <div class="login-card">
                <h1>{i18n.tr("reset.title")}</h1>
                <Suspense fallback=move || view! { <p class="loading">{i18n.tr("start.loading")}</p> }>
                    {move || link.get().map(|result| {
                        if done.get() {
                            return view! {
                                <p class="notice" role="status">{i18n.t("reset.done")}</p>
                                <p><a class="button-primary button-wide" href="/inloggen">{i18n.t("login.submit")}</a></p>
                            }.into_any();
                        }
                        match result {
                            Ok(info) if !expired.get() => view! {
                                <p>{i18n.tr("reset.intro")}</p>
                                <NewPasswordForm
                                    policy=info.password_policy
                                    choose_username=None
                                    submit_label="password.save"
                                    busy=save.pending().into()
                                    server_errors
                                    form_error
                                    on_submit
                                />
                            }.into_any(),
                            _ => view! {
                                <p class="form-error" role="alert">{i18n.t("error.reset_link_invalid")}</p>
                                <p><a href="/wachtwoord-vergeten">{i18n.t("reset.ask_new")}</a></p>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </Shell>
    }
}
