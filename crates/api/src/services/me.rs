//! `GET /api/me`: the signed-in user, their organisation and the clients they may open.

use chrono::Utc;
use kring_shared::contacts::InvitationState;
use kring_shared::me::AccountKind;
use kring_shared::me::{
    ClientMembership, ClientSummary, Language, Me, OrganisationInfo, UserProfile,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::{
    entities::{care_team_member, client, client_contact, organisation, user},
    error::ApiError,
    services::{media, policy},
};

/// The API view of a client.
pub fn client_summary(client: &client::Model) -> ClientSummary {
    ClientSummary {
        id: client.id,
        first_name: client.first_name.clone(),
        last_name: client.last_name.clone(),
        birth_date: client.birth_date,
        photo_url: client
            .photo_media_id
            .map(|id| media::url(id, media::Size::Thumbnail)),
        discharged_on: client.discharged_on,
    }
}

/// The API view of an organisation.
pub fn organisation_info(organisation: &organisation::Model) -> OrganisationInfo {
    OrganisationInfo {
        id: organisation.id,
        name: organisation.name.clone(),
        help_url: organisation.help_url.clone(),
        primary_colour: organisation.primary_colour.clone(),
        languages: match organisation.languages.0.as_slice() {
            [] => vec![Language::Nl],
            languages => languages.to_vec(),
        },
        password_policy: organisation.password_policy,
        idle_timeout_minutes: u32::try_from(organisation.idle_timeout_minutes.max(1)).unwrap_or(30),
    }
}

/// The organisation `account` belongs to (every account has one; a missing one is a server
/// error, not the user's).
pub async fn organisation_of(
    db: &DatabaseConnection,
    account: &user::Model,
) -> Result<organisation::Model, ApiError> {
    Ok(organisation::Entity::find_by_id(account.organisation_id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("user without organisation"))?)
}

/// Everything `GET /api/me` returns for `account`.
pub async fn me(db: &DatabaseConnection, account: &user::Model) -> Result<Me, ApiError> {
    let organisation = organisation_of(db, account).await?;
    let links = client_contact::Entity::find()
        .filter(client_contact::Column::UserId.eq(account.id))
        .filter(client_contact::Column::InvitationState.eq(InvitationState::Accepted))
        .find_also_related(client::Entity)
        .all(db)
        .await?;
    let today = Utc::now().date_naive();
    let mut clients: Vec<ClientMembership> = links
        .into_iter()
        .filter_map(|(link, client)| client.map(|client| (link, client)))
        .filter(|(_, client)| {
            !policy::access_ended(
                client.discharged_on,
                organisation.discharge_access_days,
                today,
            )
        })
        .map(|(link, client)| ClientMembership {
            client: client_summary(&client),
            relationship: link.relationship,
            is_primary_contact: link.is_primary_contact,
            permissions: link.permissions(),
            pinboard_notifications: link.pinboard_notifications,
        })
        .collect();
    clients.sort_by(|a, b| {
        (&a.client.last_name, &a.client.first_name)
            .cmp(&(&b.client.last_name, &b.client.first_name))
    });
    let mut care_team = Vec::new();
    if account.kind == AccountKind::CareWorker {
        let ids: Vec<uuid::Uuid> = care_team_member::Entity::find()
            .filter(care_team_member::Column::CareWorkerId.eq(account.id))
            .all(db)
            .await?
            .into_iter()
            .map(|member| member.client_id)
            .collect();
        care_team = client::Entity::find()
            .filter(client::Column::Id.is_in(ids))
            .filter(client::Column::OrganisationId.eq(account.organisation_id))
            .all(db)
            .await?
            .iter()
            .filter(|client| {
                !policy::access_ended(
                    client.discharged_on,
                    organisation.discharge_access_days,
                    today,
                )
            })
            .map(client_summary)
            .collect();
        care_team.sort_by(|a: &ClientSummary, b: &ClientSummary| {
            (&a.last_name, &a.first_name).cmp(&(&b.last_name, &b.first_name))
        });
    }
    Ok(Me {
        user: UserProfile {
            id: account.id,
            username: account.username.clone(),
            first_name: account.first_name.clone(),
            last_name: account.last_name.clone(),
            email: account.email.clone(),
            mobile: account.mobile.clone(),
            language: account.language,
            kind: account.kind,
            last_login_at: account.last_login_at,
            totp_enabled: account.totp_enabled_at.is_some(),
            share_contact_details: account.share_contact_details,
        },
        organisation: organisation_info(&organisation),
        clients,
        care_team,
    })
}
