//! *Koppelingen*: service accounts and their API keys.

use super::*;

/// *Koppelingen*: service accounts for the ECD and other integrations. A new key is shown
/// once; a key can be revoked.
#[component]
pub(super) fn Integrations() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let accounts = LocalResource::new(move || {
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
    let create = session.action(
        |api, request: NewServiceAccountRequest| async move {
            api.create_service_account(&request).await
        },
        move |result| match result {
            Ok(created) => {
                new_key.set(Some(created.api_key));
                name.set(String::new());
                error.set(None);
                accounts.refetch();
            }
            Err(failure) => error.set(Some(failure.message_key())),
        },
    );
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
            <h2 id="integrations-title">{i18n.tr("integrations.title")}</h2>
            <p>{i18n.tr("integrations.intro")}</p>
            <p><a href="/docs/">{i18n.tr("integrations.docs")}</a></p>
            {move || match accounts.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <LoadFailure failure retry=move || accounts.refetch()/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="hint">{i18n.t("integrations.none")}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="contact-cards">
                        {list.into_iter().map(|account| view! { <IntegrationCard account accounts/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <form class="profile-form" on:submit=submit novalidate=true>
                <h3>{i18n.tr("integrations.new")}</h3>
                <TextField
                    id="integration-name"
                    label="integrations.name"
                    value=name
                    error=Signal::derive(move || error.get().filter(|key| *key == "integrations.error.name"))
                />
                <fieldset>
                    <legend>{i18n.tr("integrations.scopes")}</legend>
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
                        {i18n.tr("integrations.create")}
                    </button>
                </div>
            </form>
            {move || new_key.get().map(|key| view! {
                <div class="banner" role="status">
                    <p><strong>{i18n.tr("integrations.key_once")}</strong></p>
                    <label for="integration-key">{i18n.tr("integrations.key")}</label>
                    <input id="integration-key" class="key-output" type="text" readonly=true value=key/>
                </div>
            })}
        </section>
    }
}

#[component]
pub(super) fn IntegrationCard(
    account: ServiceAccountSummary,
    accounts: LocalResource<Result<Vec<ServiceAccountSummary>, ApiFailure>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = account.id;
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let revoke = session.action(
        move |api, _: ()| async move { api.revoke_service_account(id).await },
        move |result| match result {
            Ok(_) => accounts.refetch(),
            Err(failure) => error.set(Some(failure.message_key())),
        },
    );
    let scopes = account.scopes.clone();
    let used = account.last_used_at;
    let revoked = account.revoked_at.is_some();
    let name = account.name.clone();
    view! {
        <li class="contact-card" data-integration=account.name.clone()>
            <p>
                <strong>{account.name.clone()}</strong>
                " · "
                <code>{format!("{}…", account.key_prefix)}</code>
                {revoked.then(|| view! { " " <span class="badge">{i18n.tr("integrations.revoked")}</span> })}
            </p>
            <p class="hint">
                {move || scopes.iter().map(|scope| i18n.t(scope_label(*scope))).collect::<Vec<_>>().join(", ")}
            </p>
            <p class="hint">
                {move || match used {
                    Some(at) => i18n.t_args("integrations.last_used", &[("date", &date_time(i18n.language.get(), at))]),
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
                                {i18n.tr("integrations.revoke")}
                                <span class="visually-hidden">{format!(": {}", name.clone())}</span>
                            </button>
                        }
                    >
                        <p>{i18n.tr("integrations.revoke_confirm")}</p>
                        <button type="button" class="button-primary" on:click=move |_| { revoke.dispatch_local(()); }>
                            {i18n.tr("integrations.revoke_yes")}
                        </button>
                        <button type="button" class="button-secondary" on:click=move |_| confirming.set(false)>
                            {i18n.tr("integrations.revoke_no")}
                        </button>
                    </Show>
                </div>
            })}
        </li>
    }
}
