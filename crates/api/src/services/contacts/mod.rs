//! *Gebruikersbeheer*: a portal administrator (the *Instellingen* permission) adds contacts,
//! ticks what each may see, sends the first access, and removes contacts. A client always
//! keeps at least one portal administrator; removal ends access at the next request, because
//! every request reads the link afresh (tokens carry no permissions).

use chrono::Utc;
use kring_shared::{
    Permission,
    audit::AuditAction,
    contacts::{
        ContactLookup, ContactRow, ContactSuggestion, Gender, InvitationChannel, InvitationSent,
        InvitationState, NewContactRequest, PermissionsSaved,
    },
    me::{AccountKind, Language, Relationship},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    auth::seal::Sealer,
    domain::{EmailAddress, MobileNumber, PersonName},
    entities::{client, client_contact, organisation, user},
    error::ApiError,
    mail::{Email, Paragraph},
    messages,
    services::{
        audit,
        auth::assign_temporary_password,
        limits, notifications, outbox,
        policy::{self, ClientAccess},
        security_log::ClientInfo,
    },
    validation::Checks,
};

mod invitations;
mod lookup;
mod people;

pub use invitations::{invite, invite_link};
pub use lookup::lookup;
use lookup::suggested_user;
pub use people::{NewAccount, add, create_account, create_link, new_person};

/// The access of a portal administrator of `client_id`, or 403.
async fn administrator(
    db: &DatabaseConnection,
    actor: &user::Model,
    client_id: Uuid,
) -> Result<ClientAccess, ApiError> {
    let access = policy::client_access(db, actor, client_id).await?;
    access.require(Permission::Settings)?;
    Ok(access)
}

pub fn row(link: &client_contact::Model, person: &user::Model, actor: &user::Model) -> ContactRow {
    ContactRow {
        id: link.id,
        user_id: person.id,
        first_name: person.first_name.clone(),
        last_name: person.last_name.clone(),
        relationship: link.relationship,
        is_primary_contact: link.is_primary_contact,
        permissions: link.permissions(),
        invitation_state: link.invitation_state,
        last_login_at: person.last_login_at,
        is_you: person.id == actor.id,
    }
}

/// The permission table: every contact of the client, the client's own account included.
pub async fn list(
    db: &DatabaseConnection,
    actor: &user::Model,
    client_id: Uuid,
) -> Result<Vec<ContactRow>, ApiError> {
    administrator(db, actor, client_id).await?;
    rows_of(db, actor, client_id).await
}

/// Every contact of the client as a table row (no access check: callers check).
pub async fn rows_of(
    db: &DatabaseConnection,
    actor: &user::Model,
    client_id: Uuid,
) -> Result<Vec<ContactRow>, ApiError> {
    let links = client_contact::Entity::find()
        .filter(client_contact::Column::ClientId.eq(client_id))
        .find_also_related(user::Entity)
        .order_by_asc(user::Column::LastName)
        .order_by_asc(user::Column::FirstName)
        .all(db)
        .await?;
    Ok(links
        .iter()
        .filter_map(|(link, person)| person.as_ref().map(|person| row(link, person, actor)))
        .collect())
}

pub async fn link_of(
    db: &impl ConnectionTrait,
    client_id: Uuid,
    contact_id: Uuid,
) -> Result<(client_contact::Model, user::Model), ApiError> {
    let (link, person) = client_contact::Entity::find_by_id(contact_id)
        .find_also_related(user::Entity)
        .one(db)
        .await?
        .filter(|(link, _)| link.client_id == client_id)
        .ok_or(ApiError::NotFound)?;
    Ok((link, person.ok_or(ApiError::NotFound)?))
}

/// Whether another contact of the client than `except` can manage the portal.
async fn another_administrator(
    db: &impl ConnectionTrait,
    client_id: Uuid,
    except: Uuid,
) -> Result<bool, ApiError> {
    Ok(client_contact::Entity::find()
        .filter(client_contact::Column::ClientId.eq(client_id))
        .filter(client_contact::Column::Id.ne(except))
        .filter(client_contact::Column::PermSettings.eq(true))
        .filter(client_contact::Column::InvitationState.eq(InvitationState::Accepted))
        .count(db)
        .await?
        > 0)
}

fn last_administrator() -> ApiError {
    ApiError::Conflict(
        kring_shared::ErrorCode::LastAdministrator,
        "The client must keep at least one portal administrator (the settings permission)."
            .to_owned(),
    )
}

/// Saves the ticked permissions of one contact.
pub async fn set_permissions(
    db: &DatabaseConnection,
    actor: &user::Model,
    client_id: Uuid,
    contact_id: Uuid,
    permissions: &[Permission],
    origin: &ClientInfo,
) -> Result<PermissionsSaved, ApiError> {
    let access = administrator(db, actor, client_id).await?;
    let txn = crate::db::begin_write(db).await?;
    let (link, person) = link_of(&txn, client_id, contact_id).await?;
    let has = |permission| permissions.contains(&permission);
    if link.perm_settings
        && !has(Permission::Settings)
        && !another_administrator(&txn, client_id, link.id).await?
    {
        return Err(last_administrator());
    }
    client_contact::Entity::update_many()
        .col_expr(
            client_contact::Column::PermMessages,
            Expr::value(has(Permission::Messages)),
        )
        .col_expr(
            client_contact::Column::PermAgenda,
            Expr::value(has(Permission::Agenda)),
        )
        .col_expr(
            client_contact::Column::PermDossier,
            Expr::value(has(Permission::Dossier)),
        )
        .col_expr(
            client_contact::Column::PermDetails,
            Expr::value(has(Permission::Details)),
        )
        .col_expr(
            client_contact::Column::PermSettings,
            Expr::value(has(Permission::Settings)),
        )
        .filter(client_contact::Column::Id.eq(link.id))
        .exec(&txn)
        .await?;
    let before = ticks(&link);
    let (link, _) = link_of(&txn, client_id, contact_id).await?;
    let after = ticks(&link);
    if before != after {
        audit::record(
            &txn,
            &audit::Actor::user(actor, access.link.relationship.as_str(), origin),
            audit::Change::new(
                AuditAction::PermissionsChanged,
                serde_json::json!({"before": before, "after": after}),
            )
            .client(client_id)
            .target(&person),
        )
        .await?;
    }
    txn.commit().await?;
    let state = link.invitation_state;
    Ok(PermissionsSaved {
        invitation_needed: !permissions.is_empty() && state.invitable(),
        contact: row(&link, &person, actor),
    })
}

/// Removes a contact from the client; their access ends with their next request. The primary
/// contact and the last portal administrator stay.
pub async fn remove(
    db: &DatabaseConnection,
    actor: &user::Model,
    client_id: Uuid,
    contact_id: Uuid,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    let access = administrator(db, actor, client_id).await?;
    let txn = crate::db::begin_write(db).await?;
    let (link, person) = link_of(&txn, client_id, contact_id).await?;
    if link.is_primary_contact {
        return Err(ApiError::Conflict(
            kring_shared::ErrorCode::PrimaryContactProtected,
            "The primary contact cannot be removed; the organisation appoints another first."
                .to_owned(),
        ));
    }
    if link.perm_settings && !another_administrator(&txn, client_id, link.id).await? {
        return Err(last_administrator());
    }
    client_contact::Entity::delete_by_id(link.id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        &audit::Actor::user(actor, access.link.relationship.as_str(), origin),
        audit::Change::new(
            AuditAction::ContactRemoved,
            serde_json::json!({"relationship": link.relationship, "permissions": ticks(&link)}),
        )
        .client(client_id)
        .target(&person),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The audit log's changes to this client's network, for its portal administrators.
pub async fn network_changes(
    db: &DatabaseConnection,
    actor: &user::Model,
    client_id: Uuid,
    before: Option<i64>,
) -> Result<kring_shared::audit::AuditLogPage, ApiError> {
    let access = administrator(db, actor, client_id).await?;
    audit::page(
        db,
        access.client.organisation_id,
        audit::Filter {
            client_id: Some(client_id),
            user_id: None,
            before,
        },
        false,
    )
    .await
}

/// The ticks of a link by name, in the table's order.
fn ticks(link: &client_contact::Model) -> Vec<&'static str> {
    Permission::ALL
        .into_iter()
        .filter(|permission| link.has(*permission))
        .map(Permission::as_str)
        .collect()
}
