//! Authorization in one place: whether a user may act for a client, and with which permission.
//! Handlers ask here; they never decide access themselves.

use chrono::{Duration, NaiveDate, Utc};
use kring_shared::{Permission, contacts::InvitationState, me::AccountKind};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    entities::{client, client_contact, organisation, user},
    error::ApiError,
};

/// A user's live access to one client.
#[derive(Debug, Clone)]
pub struct ClientAccess {
    pub client: client::Model,
    pub link: client_contact::Model,
    pub organisation: organisation::Model,
}

impl ClientAccess {
    /// Fails with 403 unless the link grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.link.has(permission) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "You do not have the {} permission for this client.",
                permission.as_str()
            )))
        }
    }
}

/// Fails with 403 unless `account` is an organisation administrator.
pub fn require_organisation_admin(account: &user::Model) -> Result<(), ApiError> {
    if account.kind == AccountKind::OrganisationAdmin {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only the organisation's administrator can do this.".to_owned(),
        ))
    }
}

/// Whether access to a discharged client has ended: it stays for the organisation's number of
/// days after the discharge date, then closes.
pub fn access_ended(discharged_on: Option<NaiveDate>, access_days: i16, today: NaiveDate) -> bool {
    match discharged_on {
        Some(date) => today > date + Duration::days(i64::from(access_days.max(0))),
        None => false,
    }
}

/// The access `account` has to `client_id`: 404 when the client does not exist, 403 when the
/// user is not in the client's network, has not accepted the invitation, or access ended.
pub async fn client_access(
    db: &DatabaseConnection,
    account: &user::Model,
    client_id: Uuid,
) -> Result<ClientAccess, ApiError> {
    let denied = || ApiError::Forbidden("You have no access to this client's portal.".to_owned());
    // The accepted link, its client and the client's organisation in one query: this runs on
    // every request for a client.
    let found = client_contact::Entity::find()
        .filter(client_contact::Column::ClientId.eq(client_id))
        .filter(client_contact::Column::UserId.eq(account.id))
        .filter(client_contact::Column::InvitationState.eq(InvitationState::Accepted))
        .find_also_related(client::Entity)
        .and_also_related(organisation::Entity)
        .one(db)
        .await?;
    let Some((link, Some(client), Some(organisation))) = found else {
        // No link: a client that does not exist is a 404, anyone else's client a 403.
        return match client::Entity::find_by_id(client_id).one(db).await? {
            Some(_) => Err(denied()),
            None => Err(ApiError::NotFound),
        };
    };
    if client.organisation_id != account.organisation_id {
        return Err(denied());
    }
    if access_ended(
        client.discharged_on,
        organisation.discharge_access_days,
        Utc::now().date_naive(),
    ) {
        return Err(ApiError::Forbidden(
            "Access to this portal ended after the client left care.".to_owned(),
        ));
    }
    Ok(ClientAccess {
        client,
        link,
        organisation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    #[test]
    fn access_lasts_the_set_number_of_days_after_discharge() {
        assert!(!access_ended(None, 7, date(30)));
        assert!(!access_ended(Some(date(1)), 7, date(8)));
        assert!(access_ended(Some(date(1)), 7, date(9)));
        assert!(access_ended(Some(date(1)), 0, date(2)));
    }
}
