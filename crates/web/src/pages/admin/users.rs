//! The organisation's accounts and sending a new temporary password.

use super::*;

/// The organisation's accounts, searchable, each with "send a temporary password".
#[component]
pub(super) fn AdminUsers() -> impl IntoView {
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
            <h2 id="admin-users-title">{i18n.tr("admin.users")}</h2>
            <form class="search-form" role="search" on:submit=submit>
                <div class="field">
                    <label for="admin-search">{i18n.tr("admin.search")}</label>
                    <input id="admin-search" type="search" maxlength="100" bind:value=typed/>
                </div>
                <button type="submit" class="button-secondary">{i18n.tr("admin.search_button")}</button>
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
pub(super) fn AdminUserRow(
    user: AdminUserSummary,
    sent_to: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let name = format!("{} {}", user.first_name, user.last_name);
    let confirming = RwSignal::new(false);
    let failed = RwSignal::new(None::<&'static str>);
    let yes_button = NodeRef::<html::Button>::new();
    let id: Uuid = user.id;
    let sent_name = name.clone();
    let send = session.action(
        move |api, _: ()| async move { api.send_temporary_password(id).await },
        move |result| {
            confirming.set(false);
            match result {
                Ok(()) => {
                    failed.set(None);
                    sent_to.set(Some(sent_name.clone()));
                }
                Err(failure) => failed.set(Some(failure.message_key())),
            }
        },
    );
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
                {user.blocked.then(|| view! { <span class="badge badge-warning">{i18n.tr("admin.blocked")}</span> })}
                {user.must_change_password.then(|| view! { <span class="badge">{i18n.tr("admin.temporary")}</span> })}
                <br/>
                <span class="muted">{user.username.clone()} " · " {user.email.clone()} " · " {i18n.tr(kind)}</span>
            </div>
            <div class="form-actions">
                <Show when=move || confirming.get() fallback=move || view! {
                    <button type="button" class="button-secondary"
                        on:click=move |_| confirming.set(true)>
                        {i18n.tr("admin.send_temporary")}
                    </button>
                }>
                    <p class="dialog-question">{i18n.t_with("admin.send_temporary_question", &question_name)}</p>
                    <button type="button" class="button-primary" node_ref=yes_button
                        disabled=move || send.pending().get()
                        on:click=move |_| { send.dispatch_local(()); }>
                        {i18n.tr("admin.send_temporary_yes")}
                    </button>
                    <button type="button" class="button-secondary" on:click=move |_| confirming.set(false)>
                        {i18n.tr("logout.no")}
                    </button>
                </Show>
                <p class="form-error" role="alert">{move || failed.get().map(|key| i18n.t(key))}</p>
            </div>
        </li>
    }
}
