//! *Gegevens*: the client's details as the ECD sent them (*Cliëntgegevens*, *Huisarts en
//! apotheek*, *Verzekeringen*), the network (*Contactpersonen*), the care team (*Zorgteam*) and
//! the *Prikbord*, each a tab with its own address. The details are read-only: the seeds'
//! answer to a mistake is "Kloppen de gegevens niet? Vertel het de zorg."

use kring_shared::{
    Permission,
    details::{CareTeamMember, ClientDetails, NetworkMember},
    integration::CareContact,
    me::ClientMembership,
};
use leptos::prelude::*;

use crate::{
    api::ApiFailure,
    components::{
        avatar::initials, date_time, failure::LoadFailure, long_date, photo::AuthImage,
        shell::Shell, tabs::TabNav,
    },
    i18n::{
        labels::{care_role_label, relationship_label},
        use_i18n,
    },
    session::use_session,
};

pub mod composer;
pub mod pinboard;

/// The parts of *Gegevens*.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Client,
    Pinboard,
    Contacts,
    CareTeam,
    Practitioners,
    Insurance,
}

impl Tab {
    const ALL: [Tab; 6] = [
        Tab::Client,
        Tab::Pinboard,
        Tab::Contacts,
        Tab::CareTeam,
        Tab::Practitioners,
        Tab::Insurance,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Tab::Client => "/gegevens",
            Tab::Pinboard => "/gegevens/prikbord",
            Tab::Contacts => "/gegevens/contactpersonen",
            Tab::CareTeam => "/gegevens/zorgteam",
            Tab::Practitioners => "/gegevens/huisarts-apotheek",
            Tab::Insurance => "/gegevens/verzekeringen",
        }
    }

    /// The catalog key of the tab's name, which is also the page's title.
    fn label(self) -> &'static str {
        match self {
            Tab::Client => "details.tab.client",
            Tab::Pinboard => "details.tab.pinboard",
            Tab::Contacts => "details.tab.contacts",
            Tab::CareTeam => "details.tab.care_team",
            Tab::Practitioners => "details.tab.practitioners",
            Tab::Insurance => "details.tab.insurance",
        }
    }
}

/// A page of *Gegevens*: the frame (heading, tabs) around `tab`.
#[component]
pub fn DetailsPage(tab: Tab) -> impl IntoView {
    view! {
        <Shell title=tab.label() protected=true>
            <DetailsFrame tab>
                {move || match tab {
                    Tab::Pinboard => view! { <pinboard::Pinboard/> }.into_any(),
                    other => view! { <DetailsTab tab=other/> }.into_any(),
                }}
            </DetailsFrame>
        </Shell>
    }
}

/// The current client's membership, when the user holds Gegevens there (reactive).
pub fn details_membership() -> Option<ClientMembership> {
    use_session()
        .current_membership()
        .filter(|membership| membership.permissions.contains(&Permission::Details))
}

#[component]
fn DetailsFrame(tab: Tab, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let children = StoredValue::new(children);
    move || {
        let Some(membership) = session.current_membership() else {
            return view! {
                <div class="page-text">
                    <h1>{i18n.tr("details.title")}</h1>
                    <p>{i18n.tr("dossier.no_client")}</p>
                    <p><a class="button-secondary" href="/start">{i18n.tr("dossier.back_start")}</a></p>
                </div>
            }
            .into_any();
        };
        if !membership.permissions.contains(&Permission::Details) {
            return view! {
                <div class="page-text">
                    <h1>{i18n.tr("details.title")}</h1>
                    <p class="form-error" role="alert">{i18n.tr("details.no_access")}</p>
                    <p><a class="button-secondary" href="/start">{i18n.tr("dossier.back_start")}</a></p>
                </div>
            }
            .into_any();
        }
        let name = format!(
            "{} {}",
            membership.client.first_name, membership.client.last_name
        );
        view! {
            <div class="page-text page-wide details">
                <p class="breadcrumb"><a href="/start">{i18n.tr("dossier.back_start")}</a></p>
                <h1>{move || i18n.t_with("details.heading", &name)}</h1>
                <TabNav
                    label="details.tabs"
                    class="details-tabs"
                    tabs=Tab::ALL.into_iter().map(|each| (each.path(), each.label(), tab == each)).collect()
                />
                {children.with_value(|children| children())}
            </div>
        }
        .into_any()
    }
}

/// One of the read-only tabs, from `GET /api/clients/{id}/details`.
#[component]
fn DetailsTab(tab: Tab) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let Some(membership) = details_membership() else {
        return ().into_any();
    };
    let client_id = membership.client.id;
    let details = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api.client_details(client_id).await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    view! {
        {move || match details.get() {
            None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
            Some(Err(failure)) => view! { <LoadFailure failure retry=move || details.refetch()/> }.into_any(),
            Some(Ok(details)) => match tab {
                Tab::Contacts => view! { <Contacts contacts=details.contacts/> }.into_any(),
                Tab::CareTeam => view! { <CareTeam team=details.care_team/> }.into_any(),
                Tab::Practitioners => view! { <Practitioners details/> }.into_any(),
                Tab::Insurance => view! { <Insurance details/> }.into_any(),
                _ => view! { <ClientData details/> }.into_any(),
            },
        }}
    }
    .into_any()
}

/// A `tel:` address: the digits and a leading plus of a number as the ECD wrote it.
fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// A phone number as a link that calls it.
#[component]
fn PhoneLink(phone: String) -> impl IntoView {
    let href = tel_href(&phone);
    view! { <a class="contact-link" href=href>{phone}</a> }
}

/// The seeds' line for data from the ECD, and when it last changed.
#[component]
fn FromTheEcd(updated_at: Option<chrono::DateTime<chrono::Utc>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="notice">{i18n.tr("details.wrong")}</p>
        {updated_at.map(|at| view! {
            <p class="hint">{move || i18n.t_args("details.updated", &[("date", &date_time(i18n.language.get(), at))])}</p>
        })}
    }
}

/// *Cliëntgegevens*: name, date of birth, address and phone.
#[component]
fn ClientData(details: ClientDetails) -> impl IntoView {
    let i18n = use_i18n();
    let person = details.client;
    let name = format!("{} {}", person.first_name, person.last_name);
    let photo_name = name.clone();
    let photo = person
        .photo_url
        .filter(|url| url.starts_with("/api/"))
        .map(|url| {
            view! {
                <AuthImage src=url class="avatar details-photo"
                    alt=Signal::derive(move || i18n.t_with("start.photo_of", &photo_name))/>
            }
        });
    let birth_date = person.birth_date;
    let unknown = move || i18n.t("details.unknown");
    view! {
        <section aria-labelledby="details-client-title">
            <h2 id="details-client-title">{i18n.tr("details.tab.client")}</h2>
            {photo}
            <dl class="details-list">
                <dt>{i18n.tr("profile.name")}</dt>
                <dd>{name}</dd>
                <dt>{i18n.tr("details.birth_date")}</dt>
                <dd>{move || birth_date.map_or_else(|| unknown().to_owned(), |date| long_date(i18n.language.get(), date))}</dd>
                <dt>{i18n.tr("details.address")}</dt>
                <dd>
                    {match person.address {
                        Some(address) => view! {
                            <span class="address-line">{address.street}</span>
                            <span class="address-line">{format!("{} {}", address.postal_code, address.city).trim().to_owned()}</span>
                        }.into_any(),
                        None => view! { {unknown} }.into_any(),
                    }}
                </dd>
                <dt>{i18n.tr("details.phone")}</dt>
                <dd>
                    {match person.phone {
                        Some(phone) => view! { <PhoneLink phone/> }.into_any(),
                        None => view! { {unknown} }.into_any(),
                    }}
                </dd>
            </dl>
            <FromTheEcd updated_at=details.updated_at/>
        </section>
    }
}

/// *Contactpersonen*: the network, with e-mail and mobile of those who share them.
#[component]
fn Contacts(contacts: Vec<NetworkMember>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="details-contacts-title">
            <h2 id="details-contacts-title">{i18n.tr("details.tab.contacts")}</h2>
            <p class="hint">
                {i18n.tr("details.sharing_hint")} " "
                <a href="/profiel">{i18n.tr("nav.profile")}</a>
                "."
            </p>
            {if contacts.is_empty() {
                view! { <p class="notice">{i18n.tr("details.no_contacts")}</p> }.into_any()
            } else {
                view! {
                    <ul class="person-list">
                        {contacts.into_iter().map(|person| view! { <ContactCard person/> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn ContactCard(person: NetworkMember) -> impl IntoView {
    let i18n = use_i18n();
    let relationship = relationship_label(person.relationship);
    view! {
        <li class="person-card">
            <h3 class="person-name">{format!("{} {}", person.first_name, person.last_name)}</h3>
            {person.is_primary_contact.then(|| view! {
                <p class="person-tags"><span class="tag">{i18n.tr("details.primary_contact")}</span></p>
            })}
            <dl class="details-list">
                <dt>{i18n.tr("details.relationship")}</dt>
                <dd>{i18n.tr(relationship)}</dd>
                {person.email.map(|email| {
                    let href = format!("mailto:{email}");
                    view! {
                        <dt>{i18n.tr("profile.email")}</dt>
                        <dd><a class="contact-link" href=href>{email}</a></dd>
                    }
                })}
                {person.mobile.map(|mobile| view! {
                    <dt>{i18n.tr("profile.mobile")}</dt>
                    <dd><PhoneLink phone=mobile/></dd>
                })}
            </dl>
        </li>
    }
}

/// *Zorgteam*: each care worker with photo, name and care role.
#[component]
fn CareTeam(team: Vec<CareTeamMember>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="details-team-title">
            <h2 id="details-team-title">{i18n.tr("details.tab.care_team")}</h2>
            {if team.is_empty() {
                view! { <p class="notice">{i18n.tr("details.no_care_team")}</p> }.into_any()
            } else {
                view! {
                    <ul class="person-list">
                        {team.into_iter().map(|member| {
                            let role = care_role_label(member.care_role);
                            // The name stands beside the photo, so the photo needs no text.
                            let picture = match member.photo_url {
                                Some(url) => view! { <img class="avatar avatar-small" src=url alt=""/> }.into_any(),
                                None => view! {
                                    <span class="avatar avatar-small" aria-hidden="true">
                                        {initials(&member.first_name, &member.last_name)}
                                    </span>
                                }.into_any(),
                            };
                            view! {
                                <li class="person-card person-with-photo">
                                    {picture}
                                    <div>
                                        <h3 class="person-name">{format!("{} {}", member.first_name, member.last_name)}</h3>
                                        <p class="person-role">{i18n.tr(role)}</p>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

/// The name and phone of a GP or pharmacy, or that it is not known.
#[component]
fn CareContactDetails(contact: Option<CareContact>) -> impl IntoView {
    let i18n = use_i18n();
    match contact {
        None => view! { <p>{i18n.tr("details.unknown")}</p> }.into_any(),
        Some(contact) => view! {
            <dl class="details-list">
                <dt>{i18n.tr("profile.name")}</dt>
                <dd>{contact.name}</dd>
                {contact.phone.map(|phone| view! {
                    <dt>{i18n.tr("details.phone")}</dt>
                    <dd><PhoneLink phone/></dd>
                })}
            </dl>
        }
        .into_any(),
    }
}

/// *Huisarts en apotheek*.
#[component]
fn Practitioners(details: ClientDetails) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="details-gp-title">
            <h2 id="details-gp-title">{i18n.tr("details.gp")}</h2>
            <CareContactDetails contact=details.gp/>
        </section>
        <section class="details-section" aria-labelledby="details-pharmacy-title">
            <h2 id="details-pharmacy-title">{i18n.tr("details.pharmacy")}</h2>
            <CareContactDetails contact=details.pharmacy/>
        </section>
        <FromTheEcd updated_at=details.updated_at/>
    }
}

/// *Verzekeringen*: the insurer and the policy number.
#[component]
fn Insurance(details: ClientDetails) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="details-insurance-title">
            <h2 id="details-insurance-title">{i18n.tr("details.tab.insurance")}</h2>
            {match details.insurance {
                None => view! { <p>{i18n.tr("details.unknown")}</p> }.into_any(),
                Some(insurance) => view! {
                    <dl class="details-list">
                        <dt>{i18n.tr("details.insurer")}</dt>
                        <dd>{insurance.insurer}</dd>
                        {insurance.policy_number.map(|number| view! {
                            <dt>{i18n.tr("details.policy_number")}</dt>
                            <dd>{number}</dd>
                        })}
                    </dl>
                }
                .into_any(),
            }}
            <FromTheEcd updated_at=details.updated_at/>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::tel_href;

    #[test]
    fn a_phone_link_keeps_only_digits_and_plus() {
        assert_eq!(tel_href("030 111 22 33"), "tel:0301112233");
        assert_eq!(tel_href("+31 (0)6-1234 5678"), "tel:+310612345678");
    }
}
