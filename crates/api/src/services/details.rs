//! *Gegevens*: what the ECD sent about the client, the network with what each person chose to
//! share, and the care team. Needs the Gegevens permission with the panel switched on.

use kring_shared::{
    PanelKind, Permission,
    contacts::InvitationState,
    details::{Address, CareTeamMember, ClientDetails, NetworkMember, PersonalDetails},
    integration::{CareContact, Insurance},
    me::{AccountKind, Relationship},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    entities::{care_team_member, client_contact, client_detail, user},
    error::ApiError,
    services::{
        home::panel_enabled,
        media,
        policy::{self, ClientAccess},
    },
};

/// A contact's access to *Gegevens*: the permission, with the panel switched on. Care workers
/// are never in a network, so they never pass.
pub async fn details_access(
    db: &DatabaseConnection,
    account: &user::Model,
    client_id: Uuid,
) -> Result<ClientAccess, ApiError> {
    let access = policy::client_access(db, account, client_id).await?;
    access.require(Permission::Details)?;
    if account.kind == AccountKind::CareWorker {
        return Err(ApiError::Forbidden(
            "The pinboard and details are for the client's network.".to_owned(),
        ));
    }
    if !panel_enabled(&access.organisation, PanelKind::Details) {
        return Err(ApiError::Forbidden(
            "The organisation has switched Gegevens off.".to_owned(),
        ));
    }
    Ok(access)
}

/// Every tab of *Gegevens* for a user with `access`.
pub async fn load(
    db: &DatabaseConnection,
    access: &ClientAccess,
) -> Result<ClientDetails, ApiError> {
    let client = &access.client;
    let stored = client_detail::Entity::find_by_id(client.id).one(db).await?;
    let address = stored.as_ref().and_then(|details| {
        let street = details.address_street.clone().unwrap_or_default();
        let postal_code = details.address_postal_code.clone().unwrap_or_default();
        let city = details.address_city.clone().unwrap_or_default();
        (!(street.is_empty() && postal_code.is_empty() && city.is_empty())).then_some(Address {
            street,
            postal_code,
            city,
        })
    });
    let links = client_contact::Entity::find()
        .filter(client_contact::Column::ClientId.eq(client.id))
        .filter(client_contact::Column::InvitationState.ne(InvitationState::Declined))
        .find_also_related(user::Entity)
        .all(db)
        .await?;
    let mut contacts: Vec<NetworkMember> = links
        .into_iter()
        .filter(|(link, _)| link.relationship != Relationship::Client)
        .filter_map(|(link, person)| person.map(|person| (link, person)))
        .map(|(link, person)| {
            // Only to networks the person joined: someone merely invited shares nothing yet.
            let shared =
                person.share_contact_details && link.invitation_state == InvitationState::Accepted;
            NetworkMember {
                user_id: person.id,
                first_name: person.first_name,
                last_name: person.last_name,
                relationship: link.relationship,
                is_primary_contact: link.is_primary_contact,
                email: (shared && !person.email.is_empty()).then_some(person.email),
                mobile: if shared { person.mobile } else { None },
            }
        })
        .collect();
    contacts.sort_by(|a, b| {
        (!a.is_primary_contact, &a.last_name, &a.first_name).cmp(&(
            !b.is_primary_contact,
            &b.last_name,
            &b.first_name,
        ))
    });
    let members = care_team_member::Entity::find()
        .filter(care_team_member::Column::ClientId.eq(client.id))
        .all(db)
        .await?;
    let workers = user::Entity::find()
        .filter(user::Column::Id.is_in(members.iter().map(|member| member.care_worker_id)))
        .filter(user::Column::OrganisationId.eq(client.organisation_id))
        .all(db)
        .await?;
    let mut care_team: Vec<CareTeamMember> = members
        .iter()
        .filter_map(|member| {
            let worker = workers.iter().find(|w| w.id == member.care_worker_id)?;
            Some(CareTeamMember {
                care_worker_id: worker.id,
                first_name: worker.first_name.clone(),
                last_name: worker.last_name.clone(),
                care_role: member.care_role,
                photo_url: worker.photo_url.clone(),
            })
        })
        .collect();
    care_team.sort_by(|a, b| {
        (role_order(a.care_role), &a.last_name, &a.first_name).cmp(&(
            role_order(b.care_role),
            &b.last_name,
            &b.first_name,
        ))
    });
    Ok(ClientDetails {
        client: PersonalDetails {
            first_name: client.first_name.clone(),
            last_name: client.last_name.clone(),
            birth_date: client.birth_date,
            address,
            phone: stored.as_ref().and_then(|details| details.phone.clone()),
            photo_url: client
                .photo_media_id
                .map(|id| media::url(id, media::Size::Display)),
        },
        contacts,
        care_team,
        gp: stored.as_ref().and_then(|details| {
            details.gp_name.clone().map(|name| CareContact {
                name,
                phone: details.gp_phone.clone(),
            })
        }),
        pharmacy: stored.as_ref().and_then(|details| {
            details.pharmacy_name.clone().map(|name| CareContact {
                name,
                phone: details.pharmacy_phone.clone(),
            })
        }),
        insurance: stored.as_ref().and_then(|details| {
            details.insurer.clone().map(|insurer| Insurance {
                insurer,
                policy_number: details.insurance_number.clone(),
            })
        }),
        updated_at: stored.map(|details| details.updated_at),
    })
}

/// The care roles in the order the seeds list them: EVV first.
fn role_order(role: kring_shared::admin::CareRole) -> u8 {
    use kring_shared::admin::CareRole;
    match role {
        CareRole::Evv => 0,
        CareRole::PersonalSupervisor => 1,
        CareRole::CareAssistant => 2,
        CareRole::Other => 3,
    }
}
