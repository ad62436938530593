//! *Zorgverleners* and their care teams.

use super::*;

/// The care workers and the client portals they can be placed with, read together.
type CareWorkersAndClients =
    LocalResource<Result<(Vec<CareWorkerSummary>, Vec<AdminClientSummary>), ApiFailure>>;

/// *Zorgverleners* and their care teams, until the integration API feeds them from the ECD.
#[component]
pub(super) fn CareWorkers() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let data = LocalResource::new(move || {
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
            <h2 id="careworkers-title">{i18n.tr("careworkers.title")}</h2>
            {move || match data.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <LoadFailure failure retry=move || data.refetch()/> }.into_any(),
                Some(Ok((workers, clients))) => view! {
                    <ul class="contact-cards">
                        {workers.into_iter().map(|worker| view! {
                            <CareWorkerCard worker clients=clients.clone() refresh=data/>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <NewCareWorkerForm refresh=data/>
        </section>
    }
}

#[component]
pub(super) fn CareWorkerCard(
    worker: CareWorkerSummary,
    clients: Vec<AdminClientSummary>,
    refresh: CareWorkersAndClients,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let worker_id = worker.id;
    let error = RwSignal::new(None::<&'static str>);
    let chosen_client = RwSignal::new(String::new());
    let chosen_role = RwSignal::new(CareRole::Evv.as_str().to_owned());
    let change = session.action(
        move |api, (client_id, role): (Uuid, Option<CareRole>)| async move {
            match role {
                Some(role) => api.set_care_team_member(client_id, worker_id, role).await,
                None => api.remove_care_team_member(client_id, worker_id).await,
            }
        },
        move |result| match result {
            Ok(()) => refresh.refetch(),
            Err(failure) => error.set(Some(failure.message_key())),
        },
    );
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
                    view! { <p class="hint">{i18n.tr("careworkers.no_team")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="session-list">
                            {worker.teams.into_iter().map(|place| {
                                let client_id = place.client_id;
                                let role = care_role_label(place.care_role);
                                let label = place.client_name.clone();
                                view! {
                                    <li class="session-item">
                                        <span>{place.client_name.clone()} " — " {i18n.tr(role)}</span>
                                        <button type="button" class="button-secondary"
                                            on:click=move |_| { change.dispatch_local((client_id, None)); }>
                                            {i18n.tr("careworkers.remove")}
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
                        <label for=client_for>{i18n.tr("careworkers.client")}</label>
                        <select id=client_select on:change=move |event| chosen_client.set(event_target_value(&event))>
                            <option value="">{i18n.tr("portals.choose")}</option>
                            {clients.into_iter().map(|item| view! {
                                <option value=item.id.to_string()>{format!("{} {}", item.first_name, item.last_name)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=role_for>{i18n.tr("careworkers.role")}</label>
                        <select id=role_select on:change=move |event| chosen_role.set(event_target_value(&event))>
                            {CareRole::iter().map(|role| view! {
                                <option value=role.as_str()>{move || i18n.t(care_role_label(role))}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button-secondary" disabled=move || change.pending().get()>
                        {i18n.tr("careworkers.add_to_team")}
                    </button>
                </form>
                <p class="form-error" role="alert">{move || error.get().map(|key| i18n.t(key))}</p>
            </fieldset>
        </li>
    }
}

#[component]
pub(super) fn NewCareWorkerForm(refresh: CareWorkersAndClients) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let open = RwSignal::new(false);
    let fields: [RwSignal<String>; 5] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let [first, last, email, gender, mobile] = fields;
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let status = RwSignal::new(None::<String>);
    let create = session.action(
        |api, request: NewCareWorkerRequest| async move { api.create_care_worker(&request).await },
        move |result| match result {
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
                refresh.refetch();
            }
            Err(failure) => {
                errors.set(failure.field_errors());
                status.set(Some(i18n.t(failure.message_key()).to_owned()));
            }
        },
    );
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
                {i18n.tr("careworkers.new")}
            </button>
        }>
            <form class="inline-step" on:submit=submit novalidate aria-labelledby="new-careworker-title">
                <h3 id="new-careworker-title">{i18n.tr("careworkers.new")}</h3>
                {input("worker-first-name", "users.first_name", "first_name", first, "text")}
                {input("worker-last-name", "users.last_name", "last_name", last, "text")}
                {input("worker-email", "profile.email", "email", email, "email")}
                <GenderSelect id="worker-gender" value=gender error=Signal::derive(move || error_of("gender"))/>
                {input("worker-mobile", "profile.mobile", "mobile", mobile, "tel")}
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || create.pending().get()>
                        {i18n.tr("careworkers.create")}
                    </button>
                    <button type="button" class="button-secondary" on:click=move |_| open.set(false)>
                        {i18n.tr("contact.mobile_cancel")}
                    </button>
                </div>
            </form>
        </Show>
    }
}
