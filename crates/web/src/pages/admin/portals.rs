//! Client portals: creating one, the primary contact, discharge.

use super::*;

/// The organisation's client portals as read from the server; what changes one reads them again.
type Portals = LocalResource<Result<Vec<AdminClientSummary>, ApiFailure>>;

/// The organisation's client portals: create one, appoint the primary contact, discharge.
#[component]
pub(super) fn ClientPortals() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api.admin_clients().await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    view! {
        <section class="profile-section" aria-labelledby="portals-title">
            <h2 id="portals-title">{i18n.tr("portals.title")}</h2>
            {move || match list.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <LoadFailure failure retry=move || list.refetch()/> }.into_any(),
                Some(Ok(items)) => view! {
                    <ul class="contact-cards">
                        {items.into_iter().map(|item| view! { <PortalCard item list/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <NewPortalForm list/>
        </section>
    }
}

#[component]
pub(super) fn PortalCard(item: AdminClientSummary, list: Portals) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let client_id = item.id;
    let name = format!("{} {}", item.first_name, item.last_name);
    let status = RwSignal::new(None::<&'static str>);
    let contacts = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api
                    .admin_client_contacts(client_id)
                    .await
                    .unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    let chosen = RwSignal::new(String::new());
    let day = RwSignal::new(
        item.discharged_on
            .map(|date| date.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    );
    // Each action answers for itself: an old failure of one must not hide the other's success.
    let done = move |result: Result<(), ApiFailure>| match result {
        Ok(()) => list.refetch(),
        Err(failure) => status.set(Some(failure.message_key())),
    };
    let appoint = session.action(
        move |api, contact: Uuid| async move {
            api.set_primary_contact(client_id, contact).await.map(drop)
        },
        done,
    );
    let discharge = session.action(
        move |api, date: Option<chrono::NaiveDate>| async move {
            api.discharge(client_id, date).await.map(drop)
        },
        done,
    );
    let primary = item.primary_contact.clone();
    let discharged = item.discharged_on;
    let select_id = format!("primary-{client_id}");
    let select_for = select_id.clone();
    let day_id = format!("discharge-{client_id}");
    let day_for = day_id.clone();
    let legend = name.clone();
    view! {
        <li class="contact-card">
            <fieldset>
                <legend><strong>{legend}</strong></legend>
                <p class="hint">
                    {move || match primary.clone() {
                        Some(person) => i18n.t_with("portals.primary", &person),
                        None => i18n.t("portals.no_primary").to_owned(),
                    }}
                    " · " {move || i18n.t_with("portals.contacts", &item.contacts.to_string())}
                </p>
                {discharged.map(|date| view! {
                    <p class="notice-warning">{move || i18n.t_with("portals.discharged", &long_date(i18n.language.get(), date))}</p>
                })}
                <form class="search-form" on:submit=move |event: leptos::ev::SubmitEvent| {
                    event.prevent_default();
                    if let Ok(contact) = chosen.get_untracked().parse::<Uuid>() {
                        appoint.dispatch_local(contact);
                    }
                }>
                    <div class="field">
                        <label for=select_for>{i18n.tr("portals.choose_primary")}</label>
                        <select id=select_id on:change=move |event| chosen.set(event_target_value(&event))>
                            <option value="">{i18n.tr("portals.choose")}</option>
                            {move || contacts.get().unwrap_or_default().into_iter().map(|row| view! {
                                <option value=row.id.to_string()>{format!("{} {}", row.first_name, row.last_name)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button-secondary" disabled=move || appoint.pending().get()>
                        {i18n.tr("portals.appoint")}
                    </button>
                </form>
                <form class="search-form" on:submit=move |event: leptos::ev::SubmitEvent| {
                    event.prevent_default();
                    let date = chrono::NaiveDate::parse_from_str(&day.get_untracked(), "%Y-%m-%d").ok();
                    discharge.dispatch_local(date);
                }>
                    <div class="field">
                        <label for=day_for>{i18n.tr("portals.discharge_on")}</label>
                        <input id=day_id type="date" bind:value=day/>
                    </div>
                    <button type="submit" class="button-secondary" disabled=move || discharge.pending().get()>
                        {i18n.tr("portals.discharge_save")}
                    </button>
                </form>
                <p class="form-error" role="alert">{move || status.get().map(|key| i18n.t(key))}</p>
            </fieldset>
        </li>
    }
}

/// *Nieuw cliëntportaal*: the client, the primary contact, and optionally the client's own
/// account; everyone gets their login details by e-mail.
#[component]
pub(super) fn NewPortalForm(list: Portals) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let open = RwSignal::new(false);
    let fields: [RwSignal<String>; 12] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let [
        client_first,
        client_last,
        birth,
        external,
        first,
        last,
        email,
        gender,
        relationship,
        mobile,
        own_email,
        own_mobile,
    ] = fields;
    relationship.set(Relationship::Child.as_str().to_owned());
    let own_account = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let status = RwSignal::new(None::<String>);
    // "Bedoelde u …": an account of the organisation with the typed e-mail address.
    let found = RwSignal::new(None::<Option<(Uuid, String)>>);
    let use_existing = RwSignal::new(false);
    let lookup = session.action(
        |api, typed: String| async move {
            let typed = typed.trim().to_lowercase();
            let people = api.admin_users(&typed).await?;
            Ok(people
                .into_iter()
                .find(|person| person.kind == AccountKind::Person && person.email == typed)
                .map(|person| {
                    (
                        person.id,
                        format!("{} {}", person.first_name, person.last_name),
                    )
                }))
        },
        move |result| {
            // A failed lookup is the same as no match: the form asks for the new person.
            let answer = result.unwrap_or_default();
            use_existing.set(answer.is_some());
            found.set(Some(answer));
        },
    );
    let create =
        session.action(
            |api, request: NewClientPortalRequest| async move {
                api.create_client_portal(&request).await
            },
            move |result| match result {
                Ok(created) => {
                    errors.set(Vec::new());
                    status.set(Some(i18n.t_with(
                        "portals.created",
                        &format!("{} {}", created.first_name, created.last_name),
                    )));
                    for field in fields {
                        field.set(String::new());
                    }
                    relationship.set(Relationship::Child.as_str().to_owned());
                    own_account.set(false);
                    found.set(None);
                    use_existing.set(false);
                    open.set(false);
                    list.refetch();
                }
                Err(failure) => {
                    errors.set(failure.field_errors());
                    status.set(Some(i18n.t(failure.message_key()).to_owned()));
                }
            },
        );
    let error_of = move |field: &'static str| {
        errors.with(|errors| {
            let (part, name) = field.split_once('.').unwrap_or(("", field));
            let inner: Vec<(String, String)> = errors
                .iter()
                .filter_map(|(full, code)| {
                    let (p, n) = full.split_once('.').unwrap_or(("", full.as_str()));
                    (p == part).then(|| (n.to_owned(), code.clone()))
                })
                .collect();
            crate::components::field_error_key(&inner, name)
        })
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
        let blank_to_none =
            |value: String| Some(value.trim().to_owned()).filter(|value| !value.is_empty());
        create.dispatch_local(NewClientPortalRequest {
            first_name: client_first.get_untracked(),
            last_name: client_last.get_untracked(),
            birth_date: chrono::NaiveDate::parse_from_str(&birth.get_untracked(), "%Y-%m-%d").ok(),
            external_id: blank_to_none(external.get_untracked()),
            primary_contact: NewContactRequest {
                suggestion: None,
                existing_user_id: use_existing
                    .get_untracked()
                    .then(|| found.get_untracked().flatten().map(|(id, _)| id))
                    .flatten(),
                first_name: first.get_untracked(),
                last_name: last.get_untracked(),
                email: email.get_untracked(),
                gender: gender_of(&gender.get_untracked()),
                relationship: Relationship::parse(&relationship.get_untracked())
                    .unwrap_or(Relationship::Other),
                mobile: mobile.get_untracked(),
            },
            client_account: own_account.get_untracked().then(|| ClientAccountRequest {
                email: own_email.get_untracked(),
                gender: None,
                mobile: own_mobile.get_untracked(),
            }),
        });
    };
    view! {
        <p class="notice" role="status">{move || status.get()}</p>
        <Show when=move || open.get() fallback=move || view! {
            <button type="button" class="button-primary" on:click=move |_| open.set(true)>
                {i18n.tr("portals.new")}
            </button>
        }>
            <form class="inline-step" on:submit=submit novalidate aria-labelledby="new-portal-title">
                <h3 id="new-portal-title">{i18n.tr("portals.new")}</h3>
                <fieldset class="field">
                    <legend>{i18n.tr("portals.client")}</legend>
                    {input("portal-first-name", "users.first_name", "first_name", client_first, "text")}
                    {input("portal-last-name", "users.last_name", "last_name", client_last, "text")}
                    {input("portal-birth-date", "portals.birth_date", "birth_date", birth, "date")}
                    {input("portal-external-id", "portals.external_id", "external_id", external, "text")}
                </fieldset>
                <fieldset class="field">
                    <legend>{i18n.tr("portals.primary_contact")}</legend>
                    {input("primary-email", "profile.email", "primary_contact.email", email, "email")}
                    <p>
                        <button type="button" class="button-secondary" disabled=move || lookup.pending().get()
                            on:click=move |_| { lookup.dispatch_local(email.get_untracked()); }>
                            {i18n.tr("users.lookup")}
                        </button>
                    </p>
                    <p role="status">
                        {move || found.get().map(|answer| match answer {
                            None => i18n.t("portals.no_account").to_owned(),
                            Some((_, name)) => i18n.t_with("users.did_you_mean", &name),
                        })}
                    </p>
                    {move || found.get().flatten().map(|(_, name)| view! {
                        <div class="checkbox">
                            <input id="use-existing" type="checkbox" bind:checked=use_existing/>
                            <label for="use-existing">{i18n.t_with("portals.use_existing", &name)}</label>
                        </div>
                    })}
                    {input("primary-first-name", "users.first_name", "primary_contact.first_name", first, "text")}
                    {input("primary-last-name", "users.last_name", "primary_contact.last_name", last, "text")}
                    <GenderSelect id="primary-gender" value=gender error=Signal::derive(move || error_of("primary_contact.gender"))/>
                    <div class="field">
                        <label for="primary-relationship">{i18n.tr("users.relationship")}</label>
                        <select id="primary-relationship" on:change=move |event| relationship.set(event_target_value(&event))>
                            {Relationship::iter().filter(|r| *r != Relationship::Client).map(|r| view! {
                                <option value=r.as_str() selected=move || relationship.get() == r.as_str()>
                                    {move || i18n.t(relationship_label(r))}
                                </option>
                            }).collect_view()}
                        </select>
                    </div>
                    {input("primary-mobile", "profile.mobile", "primary_contact.mobile", mobile, "tel")}
                </fieldset>
                <div class="checkbox">
                    <input id="own-account" type="checkbox" bind:checked=own_account/>
                    <label for="own-account">{i18n.tr("portals.own_account")}</label>
                </div>
                <Show when=move || own_account.get()>
                    {input("own-email", "profile.email", "client_account.email", own_email, "email")}
                    {input("own-mobile", "profile.mobile", "client_account.mobile", own_mobile, "tel")}
                </Show>
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || create.pending().get()>
                        {i18n.tr("portals.create")}
                    </button>
                    <button type="button" class="button-secondary" on:click=move |_| open.set(false)>
                        {i18n.tr("contact.mobile_cancel")}
                    </button>
                </div>
            </form>
        </Show>
    }
}
