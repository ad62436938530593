//! *Gebruikersbeheer* (portal administrators): the permission table of the chosen client,
//! where ticking saves at once; *Eerste toegang … Gegevens versturen* for a contact without
//! access; adding a contact ("Bedoelde u …" or "+ Nieuwe gebruiker"); removing one. Works on a
//! phone too: each contact is a card with its five ticks.

use kring_shared::{
    Permission,
    contacts::{ContactRow, Gender, InvitationChannel, InvitationState, NewContactRequest},
    me::Relationship,
};
use leptos::{html, prelude::*};
use strum::IntoEnumIterator;
use uuid::Uuid;

use crate::{
    api::ApiFailure,
    components::{audit::AuditList, date_time, failure::LoadFailure, shell::Shell},
    i18n::{
        labels::{permission_label, relationship_label},
        use_i18n,
    },
    session::use_session,
};

#[component]
pub fn UserManagementPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <Shell title="users.title" protected=true>
            <div class="page-text page-wide">
                <h1>{i18n.tr("users.title")}</h1>
                {move || match session.current_membership() {
                    Some(membership) if membership.permissions.contains(&Permission::Settings) => {
                        let client_id = membership.client.id;
                        let name = format!("{} {}", membership.client.first_name, membership.client.last_name);
                        view! {
                            <p>{i18n.t_with("users.intro", &name)}</p>
                            <ContactTable client_id/>
                            <NetworkChanges client_id/>
                        }.into_any()
                    }
                    Some(_) => view! { <p>{i18n.t("users.not_allowed")}</p> }.into_any(),
                    None => view! {
                        <p>{i18n.t("users.choose_first")} " " <a href="/start">{i18n.t("nav.start")}</a></p>
                    }.into_any(),
                }}
            </div>
        </Shell>
    }
}

/// The changes to this client's network from the audit log, read again each time it opens.
#[component]
fn NetworkChanges(client_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Nothing is read until the list is first opened; each later opening reads it again.
    let opened = RwSignal::new(false);
    let details = NodeRef::<html::Details>::new();
    let page = LocalResource::new(move || {
        let api = session.api().filter(|_| opened.get());
        async move {
            match api {
                Some(api) => api.network_changes(client_id).await.ok(),
                None => None,
            }
        }
    });
    let on_toggle = move |_| {
        let is_open = details
            .get_untracked()
            .is_some_and(|details| details.open());
        match (is_open, opened.get_untracked()) {
            (true, true) => page.refetch(),
            (true, false) => opened.set(true),
            (false, _) => {}
        }
    };
    view! {
        <details class="profile-section network-changes" node_ref=details on:toggle=on_toggle>
            <summary>{i18n.tr("audit.network_title")}</summary>
            {move || page.get().flatten().map(|page| view! { <AuditList page show_address=false/> })}
        </details>
    }
}

/// The network as read from the server; what changes it reads it again.
type ContactRows = LocalResource<Result<Vec<ContactRow>, ApiFailure>>;

#[component]
fn ContactTable(client_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let rows = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api.contacts(client_id).await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    view! {
        <section aria-labelledby="contacts-title">
            <h2 id="contacts-title">{i18n.tr("users.contacts")}</h2>
            {move || match rows.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <LoadFailure failure retry=move || rows.refetch()/> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="contact-cards">
                        {list.into_iter().map(|row| view! { <ContactCard row client_id rows/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
        <AddContact client_id rows/>
    }
}

#[component]
fn ContactCard(row: ContactRow, client_id: Uuid, rows: ContactRows) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let name = format!("{} {}", row.first_name, row.last_name);
    let contact_id = row.id;
    let permissions = RwSignal::new(row.permissions.clone());
    let state = RwSignal::new(row.invitation_state);
    let first_access =
        RwSignal::new(!row.permissions.is_empty() && row.invitation_state.invitable());
    let error = RwSignal::new(None::<&'static str>);
    let notice = RwSignal::new(None::<&'static str>);
    let confirming = RwSignal::new(false);
    let yes_button = NodeRef::<html::Button>::new();

    let save = session.action(
        move |api, wanted: Vec<Permission>| async move {
            api.set_permissions(client_id, contact_id, wanted).await
        },
        move |result| match result {
            Ok(saved) => {
                error.set(None);
                notice.set(Some("users.saved"));
                permissions.set(saved.contact.permissions.clone());
                first_access.set(saved.invitation_needed);
                // Someone who takes away their own Instellingen leaves this page.
                if saved.contact.is_you
                    && !saved.contact.permissions.contains(&Permission::Settings)
                {
                    session.reload_me();
                }
            }
            Err(failure) => {
                notice.set(None);
                error.set(Some(failure.message_key()));
                // Show the ticks as they are on the server.
                rows.refetch();
            }
        },
    );
    let invite = session.action(
        move |api, _: ()| async move { api.send_invitation(client_id, contact_id).await },
        move |result| match result {
            Ok(sent) => {
                error.set(None);
                first_access.set(false);
                state.set(sent.contact.invitation_state);
                notice.set(Some(match sent.channel {
                    InvitationChannel::Email => "users.sent_email",
                    InvitationChannel::Notification => "users.sent_notification",
                }));
            }
            Err(failure) => error.set(Some(failure.message_key())),
        },
    );
    let remove = session.action(
        move |api, _: ()| async move { api.remove_contact(client_id, contact_id).await },
        move |result| {
            confirming.set(false);
            match result {
                Ok(()) => rows.refetch(),
                Err(failure) => error.set(Some(failure.message_key())),
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

    let relationship = relationship_label(row.relationship);
    let last_login = row.last_login_at;
    let legend_name = name.clone();
    let hint_name = name.clone();
    let access_name = name.clone();
    let remove_name = name.clone();
    let removable = !row.is_primary_contact;
    view! {
        <li class="contact-card">
            <fieldset>
                <legend>
                    <strong>{legend_name}</strong>
                    <span class="muted">" · " {i18n.tr(relationship)}</span>
                    {row.is_primary_contact.then(|| view! { <span class="badge">{i18n.tr("users.primary")}</span> })}
                    {row.is_you.then(|| view! { <span class="badge">{i18n.tr("users.you")}</span> })}
                </legend>
                <div class="ticks">
                    {Permission::ALL.into_iter().map(|permission| {
                        let id = format!("perm-{contact_id}-{}", permission.as_str());
                        let for_id = id.clone();
                        view! {
                            <div class="tick">
                                <input type="checkbox" id=id
                                    prop:checked=move || permissions.with(|held| held.contains(&permission))
                                    disabled=move || save.pending().get()
                                    on:change=move |event| {
                                        let on = event_target_checked(&event);
                                        let mut wanted = permissions.get_untracked();
                                        wanted.retain(|held| *held != permission);
                                        if on {
                                            wanted.push(permission);
                                        }
                                        wanted.sort();
                                        permissions.set(wanted.clone());
                                        save.dispatch_local(wanted);
                                    }/>
                                <label for=for_id>{move || i18n.t(permission_label(permission))}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
                <p class="hint">
                    {move || match last_login {
                        Some(at) => i18n.t_with("users.last_login", &date_time(i18n.language.get(), at)),
                        None => i18n.t("users.never_logged_in").to_owned(),
                    }}
                    {move || match state.get() {
                        InvitationState::NotInvited => Some(i18n.t("users.state.not_invited")),
                        InvitationState::Pending => Some(i18n.t("users.state.pending")),
                        InvitationState::Declined => Some(i18n.t("users.state.declined")),
                        InvitationState::Accepted => None,
                    }.map(|text| view! { " · " {text} })}
                </p>
                {move || permissions.with(Vec::is_empty).then(|| view! {
                    <p class="notice-warning">{i18n.t_with("users.only_photo", &hint_name)}</p>
                })}
                {move || first_access.get().then(|| {
                    let name = access_name.clone();
                    view! {
                        <div class="inline-step">
                            <h3>{i18n.t("users.first_access")}</h3>
                            <p>{i18n.t_with("users.first_access_intro", &name)}</p>
                            <button type="button" class="button-primary" disabled=move || invite.pending().get()
                                on:click=move |_| { invite.dispatch_local(()); }>
                                {i18n.t("users.send_details")}
                            </button>
                        </div>
                    }
                })}
                <p class="notice" role="status">{move || notice.get().map(|key| i18n.t(key))}</p>
                <p class="form-error" role="alert">{move || error.get().map(|key| i18n.t(key))}</p>
                {removable.then(|| view! {
                    <div class="form-actions">
                        <Show when=move || confirming.get() fallback=move || view! {
                            <button type="button" class="button-secondary" on:click=move |_| confirming.set(true)>
                                {i18n.tr("users.remove")}
                            </button>
                        }>
                            <p class="dialog-question">{i18n.t_with("users.remove_question", &remove_name)}</p>
                            <button type="button" class="button-primary" node_ref=yes_button
                                disabled=move || remove.pending().get()
                                on:click=move |_| { remove.dispatch_local(()); }>
                                {i18n.tr("users.remove_yes")}
                            </button>
                            <button type="button" class="button-secondary" on:click=move |_| confirming.set(false)>
                                {i18n.tr("logout.no")}
                            </button>
                        </Show>
                    </div>
                })}
            </fieldset>
        </li>
    }
}

/// Adding a contact: first the e-mail address ("Bedoelde u …"), then either the suggested
/// person or the new person's details.
#[component]
fn AddContact(client_id: Uuid, rows: ContactRows) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let email = RwSignal::new(String::new());
    // None: not looked up yet; Some(None): no account, a new person; Some(Some(..)): suggestion.
    let looked_up = RwSignal::new(None::<Option<(String, String)>>);
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let gender = RwSignal::new(String::new());
    let relationship = RwSignal::new(Relationship::Child.as_str().to_owned());
    let mobile = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let form_error = RwSignal::new(None::<&'static str>);
    let added = RwSignal::new(None::<String>);

    let lookup = session.action(
        move |api, typed: String| async move { api.lookup_contact(client_id, &typed).await },
        move |result| match result {
            Ok(answer) => {
                form_error.set(None);
                looked_up.set(Some(
                    answer.suggestion.map(|person| (person.handle, person.name)),
                ));
            }
            Err(failure) => form_error.set(Some(failure.message_key())),
        },
    );
    let add =
        session.action(
            move |api, request: NewContactRequest| async move {
                api.add_contact(client_id, &request).await
            },
            move |result| match result {
                Ok(row) => {
                    errors.set(Vec::new());
                    form_error.set(None);
                    added.set(Some(format!("{} {}", row.first_name, row.last_name)));
                    looked_up.set(None);
                    for field in [email, first_name, last_name, gender, mobile] {
                        field.set(String::new());
                    }
                    rows.refetch();
                }
                Err(failure) => {
                    errors.set(failure.field_errors());
                    form_error.set(Some(failure.message_key()));
                }
            },
        );
    let field_error = move |field: &'static str| {
        errors.with(|errors| crate::components::field_error_key(errors, field))
    };
    let search = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        added.set(None);
        errors.set(Vec::new());
        if email.get_untracked().trim().is_empty() {
            errors.set(vec![("email".to_owned(), "required".to_owned())]);
            return;
        }
        lookup.dispatch_local(email.get_untracked());
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let existing = looked_up
            .get_untracked()
            .flatten()
            .map(|(handle, _)| handle);
        let gender_value = match gender.get_untracked().as_str() {
            "female" => Some(Gender::Female),
            "male" => Some(Gender::Male),
            "unknown" => Some(Gender::Unknown),
            _ => None,
        };
        add.dispatch_local(NewContactRequest {
            suggestion: existing,
            existing_user_id: None,
            first_name: first_name.get_untracked(),
            last_name: last_name.get_untracked(),
            email: email.get_untracked(),
            gender: gender_value,
            relationship: Relationship::parse(&relationship.get_untracked())
                .unwrap_or(Relationship::Other),
            mobile: mobile.get_untracked(),
        });
    };
    let relationship_select = move || {
        view! {
            <div class="field">
                <label for="new-relationship">{i18n.tr("users.relationship")}</label>
                <select id="new-relationship" prop:value=move || relationship.get()
                    on:change=move |event| relationship.set(event_target_value(&event))>
                    {Relationship::iter().filter(|r| *r != Relationship::Client).map(|r| view! {
                        <option value=r.as_str() selected=move || relationship.get() == r.as_str()>
                            {move || i18n.t(relationship_label(r))}
                        </option>
                    }).collect_view()}
                </select>
            </div>
        }
    };
    let text_field = move |id: &'static str,
                           label: &'static str,
                           field: &'static str,
                           value: RwSignal<String>,
                           kind: &'static str,
                           autocomplete: &'static str| {
        let error_id = format!("{id}-error");
        let described = error_id.clone();
        view! {
            <div class="field">
                <label for=id>{i18n.tr(label)}</label>
                <input id=id type=kind autocomplete=autocomplete maxlength="254"
                    aria-describedby=described
                    aria-invalid=move || field_error(field).is_some().to_string()
                    bind:value=value/>
                <p id=error_id class="field-error">{move || field_error(field).map(|key| i18n.t(key))}</p>
            </div>
        }
    };
    view! {
        <section class="profile-section" aria-labelledby="add-contact-title">
            <h2 id="add-contact-title">{i18n.tr("users.add")}</h2>
            <p class="notice" role="status">{move || added.get().map(|name| i18n.t_with("users.added", &name))}</p>
            <form class="search-form" on:submit=search novalidate>
                {text_field("new-email", "profile.email", "email", email, "email", "off")}
                <button type="submit" class="button-secondary" disabled=move || lookup.pending().get()>
                    {i18n.tr("users.lookup")}
                </button>
            </form>
            <p class="form-error" role="alert">{move || form_error.get().map(|key| i18n.t(key))}</p>
            {move || looked_up.get().map(|found| match found {
                Some((_, name)) => view! {
                    <form class="inline-step" on:submit=submit novalidate>
                        <h3>{i18n.t_with("users.did_you_mean", &name)}</h3>
                        {relationship_select()}
                        <button type="submit" class="button-primary" disabled=move || add.pending().get()>
                            {i18n.t("users.add_button")}
                        </button>
                    </form>
                }.into_any(),
                None => view! {
                    <form class="inline-step" on:submit=submit novalidate>
                        <h3>{i18n.t("users.new_user")}</h3>
                        {text_field("new-first-name", "users.first_name", "first_name", first_name, "text", "off")}
                        {text_field("new-last-name", "users.last_name", "last_name", last_name, "text", "off")}
                        <fieldset class="field" aria-describedby="new-gender-error">
                            <legend>{i18n.t("users.gender")}</legend>
                            {[("female", "users.gender.female"), ("male", "users.gender.male"), ("unknown", "users.gender.unknown")].into_iter().map(|(value, label)| {
                                let id = format!("gender-{value}");
                                let for_id = id.clone();
                                view! {
                                    <div class="checkbox">
                                        <input type="radio" name="gender" id=id value=value
                                            prop:checked=move || gender.get() == value
                                            on:change=move |_| gender.set(value.to_owned())/>
                                        <label for=for_id>{i18n.tr(label)}</label>
                                    </div>
                                }
                            }).collect_view()}
                            <p id="new-gender-error" class="field-error">{move || field_error("gender").map(|key| i18n.t(key))}</p>
                        </fieldset>
                        {relationship_select()}
                        <p class="hint">{i18n.t("contact.mobile_hint")}</p>
                        {text_field("new-mobile", "profile.mobile", "mobile", mobile, "tel", "off")}
                        <button type="submit" class="button-primary" disabled=move || add.pending().get()>
                            {i18n.t("users.add_button")}
                        </button>
                    </form>
                }.into_any(),
            })}
        </section>
    }
}
