//! The new-password form used by the first login, *Wachtwoord herstellen* and
//! *Profielinstellingen*: the rules of the organisation's policy are listed and ticked off live
//! as the user types; rules only the server can check (common, recent) are marked when it
//! answers. Paste is allowed, nothing is truncated.

use kring_shared::password::{MAX_PASSWORD_CHARS, PasswordPolicy, PasswordRule};
use leptos::{html, prelude::*};

use crate::i18n::{I18n, use_i18n};

/// What the user typed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPasswordInput {
    pub current_password: Option<String>,
    pub new_password: String,
    pub username: Option<String>,
}

/// The catalog key of a field-error code from the API.
pub fn field_error_key(field: &str, code: &str) -> &'static str {
    match (field, code) {
        ("username", "taken") => "password.error.username_taken",
        ("username", "already_chosen") => "password.error.username_already_chosen",
        ("username", "too_short") => "password.error.username_too_short",
        ("username", "too_long") => "error.too_long",
        ("username", _) => "password.error.username_invalid",
        (_, "too_short") => "password.error.too_short",
        (_, "too_long") => "password.error.too_long",
        (_, "needs_lowercase") => "password.error.needs_lowercase",
        (_, "needs_uppercase") => "password.error.needs_uppercase",
        (_, "needs_digit") => "password.error.needs_digit",
        (_, "too_common") => "password.error.too_common",
        (_, "recently_used") => "password.error.recently_used",
        _ => "error.validation_failed",
    }
}

fn rule_text(i18n: I18n, policy: PasswordPolicy, rule: PasswordRule) -> String {
    match rule {
        PasswordRule::MinLength => {
            i18n.t_with("password.rule.min_length", &policy.min_length().to_string())
        }
        PasswordRule::MaxLength => {
            i18n.t_with("password.rule.max_length", &MAX_PASSWORD_CHARS.to_string())
        }
        PasswordRule::Lowercase => i18n.t("password.rule.lowercase").to_owned(),
        PasswordRule::Uppercase => i18n.t("password.rule.uppercase").to_owned(),
        PasswordRule::Digit => i18n.t("password.rule.digit").to_owned(),
        PasswordRule::NotCommon => i18n.t("password.rule.not_common").to_owned(),
        PasswordRule::NotRecent => i18n.t("password.rule.not_recent").to_owned(),
    }
}

/// The form. `server_errors` holds the API's field errors of the last attempt.
#[component]
pub fn NewPasswordForm(
    policy: PasswordPolicy,
    #[prop(optional)] ask_current: bool,
    /// The username to suggest when the user may still choose one.
    choose_username: Option<String>,
    submit_label: &'static str,
    busy: Signal<bool>,
    server_errors: RwSignal<Vec<(String, String)>>,
    form_error: RwSignal<Option<&'static str>>,
    on_submit: Callback<NewPasswordInput>,
) -> impl IntoView {
    let i18n = use_i18n();
    let may_choose = choose_username.is_some();
    let username = RwSignal::new(choose_username.unwrap_or_default());
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let show = RwSignal::new(false);
    let repeat_error = RwSignal::new(None::<&'static str>);
    let current_error = RwSignal::new(None::<&'static str>);
    let new_input = NodeRef::<html::Input>::new();

    let broken_by_server = move |rule: PasswordRule| {
        server_errors.with(|errors| {
            errors
                .iter()
                .any(|(field, code)| field == "new_password" && code == rule.error_code())
        })
    };
    let username_error = move || {
        server_errors.with(|errors| {
            errors
                .iter()
                .find(|(field, _)| field == "username")
                .map(|(field, code)| field_error_key(field, code))
        })
    };
    let password_error = move || {
        server_errors.with(|errors| {
            errors
                .iter()
                .find(|(field, _)| field == "new_password")
                .map(|(field, code)| field_error_key(field, code))
        })
    };

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        form_error.set(None);
        server_errors.set(Vec::new());
        let typed = new_password.get_untracked();
        current_error.set(None);
        repeat_error.set(None);
        if ask_current && current.get_untracked().is_empty() {
            current_error.set(Some("password.error.current_required"));
            return;
        }
        if !policy.unmet_local_rules(&typed).is_empty() {
            form_error.set(Some("password.error.rules_not_met"));
            if let Some(input) = new_input.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        if typed != repeat.get_untracked() {
            repeat_error.set(Some("password.error.repeat_differs"));
            return;
        }
        on_submit.run(NewPasswordInput {
            current_password: ask_current.then(|| current.get_untracked()),
            new_password: typed,
            username: may_choose.then(|| username.get_untracked().trim().to_owned()),
        });
    };

    let rules = policy.rules();
    view! {
        <form class="new-password" on:submit=submit novalidate>
            {may_choose.then(|| view! {
                <div class="field">
                    <label for="new-username">{i18n.tr("password.username")}</label>
                    <p class="hint" id="new-username-hint">{i18n.tr("password.username_hint")}</p>
                    <input id="new-username" type="text" autocomplete="username" autocapitalize="none"
                        spellcheck="false" maxlength="64"
                        aria-describedby="new-username-hint new-username-error"
                        aria-invalid=move || username_error().is_some().to_string()
                        bind:value=username/>
                    <p id="new-username-error" class="field-error">{move || username_error().map(|key| i18n.t(key))}</p>
                </div>
            })}
            {ask_current.then(|| view! {
                <div class="field">
                    <label for="current-password">{i18n.tr("password.current")}</label>
                    <input id="current-password" type=move || if show.get() { "text" } else { "password" }
                        autocomplete="current-password" maxlength="128"
                        aria-describedby="current-password-error"
                        aria-invalid=move || current_error.get().is_some().to_string()
                        bind:value=current/>
                    <p id="current-password-error" class="field-error">{move || current_error.get().map(|key| i18n.t(key))}</p>
                </div>
            })}
            <div class="field">
                <label for="new-password">{i18n.tr("password.new")}</label>
                <input id="new-password" type=move || if show.get() { "text" } else { "password" }
                    autocomplete="new-password" node_ref=new_input
                    aria-describedby="password-rules new-password-error"
                    aria-invalid=move || password_error().is_some().to_string()
                    bind:value=new_password/>
                <p id="new-password-error" class="field-error">{move || password_error().map(|key| i18n.t(key))}</p>
            </div>
            <div class="password-rules" id="password-rules">
                <p class="rules-title">{i18n.tr("password.rules_title")}</p>
                <ul>
                    {rules.into_iter().map(|rule| {
                        let met = move || {
                            if rule.is_local() {
                                new_password.with(|typed| !typed.is_empty() && rule.is_met_by(policy, typed))
                            } else {
                                false
                            }
                        };
                        let state = move || {
                            if broken_by_server(rule) { "broken" }
                            else if met() { "met" }
                            else if rule.is_local() { "open" }
                            else { "server" }
                        };
                        view! {
                            <li class=move || format!("rule rule-{}", state()) data-rule=rule.error_code()>
                                <span class="rule-mark" aria-hidden="true">
                                    {move || match state() { "met" => "✓", "broken" => "✗", _ => "•" }}
                                </span>
                                <span>{move || rule_text(i18n, policy, rule)}</span>
                                <span class="visually-hidden">
                                    {move || match state() {
                                        "met" => i18n.t("password.rule_met"),
                                        "broken" => i18n.t("password.rule_broken"),
                                        "server" => i18n.t("password.rule_checked_on_save"),
                                        _ => i18n.t("password.rule_open"),
                                    }}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
            <div class="field">
                <label for="repeat-password">{i18n.tr("password.repeat")}</label>
                <input id="repeat-password" type=move || if show.get() { "text" } else { "password" }
                    autocomplete="new-password"
                    aria-describedby="repeat-password-error"
                    aria-invalid=move || repeat_error.get().is_some().to_string()
                    bind:value=repeat/>
                <p id="repeat-password-error" class="field-error">{move || repeat_error.get().map(|key| i18n.t(key))}</p>
            </div>
            <div class="checkbox">
                <input id="show-new-password" type="checkbox" bind:checked=show/>
                <label for="show-new-password">{i18n.tr("login.show_password")}</label>
            </div>
            <p class="form-error" role="alert">{move || form_error.get().map(|key| i18n.t(key))}</p>
            <button type="submit" class="button-primary button-wide" disabled=move || busy.get()>
                {move || if busy.get() { i18n.t("password.busy") } else { i18n.t(submit_label) }}
            </button>
        </form>
    }
}
