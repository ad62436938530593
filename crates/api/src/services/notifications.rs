//! *Meldingen*: a user's notifications, newest first, with the unread count for the badge.
//! Invitations are answered here (accept or decline); later capabilities add their own kinds.

use chrono::Utc;
use kring_shared::contacts::{
    InvitationInfo, InvitationState, Notification, NotificationKind, Notifications,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    entities::{client, client_contact, notification, user},
    error::ApiError,
};

/// What a new notification is about.
pub struct NewNotification {
    pub kind: NotificationKind,
    pub client_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub from_user_id: Option<Uuid>,
    pub entry_id: Option<Uuid>,
}

/// The hook every capability uses to tell a user something under *Meldingen* (in the caller's
/// transaction, so a notification exists exactly when its cause does).
pub async fn notify(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    notification: NewNotification,
) -> Result<(), ApiError> {
    notification::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        kind: Set(notification.kind.into()),
        client_id: Set(notification.client_id),
        contact_id: Set(notification.contact_id),
        from_user_id: Set(notification.from_user_id),
        created_at: Set(Utc::now()),
        read_at: Set(None),
        entry_id: Set(notification.entry_id),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Invites `person` to the client's portal under *Meldingen*.
pub async fn create_invitation(
    db: &impl ConnectionTrait,
    person: &user::Model,
    inviter: &user::Model,
    client_id: Uuid,
    contact_id: Uuid,
) -> Result<(), ApiError> {
    notify(
        db,
        person.id,
        NewNotification {
            kind: NotificationKind::Invitation,
            client_id: Some(client_id),
            contact_id: Some(contact_id),
            from_user_id: Some(inviter.id),
            entry_id: None,
        },
    )
    .await
}

/// The user's newest 100 notifications and the unread count.
pub async fn list(
    db: &DatabaseConnection,
    account: &user::Model,
) -> Result<Notifications, ApiError> {
    let rows = notification::Entity::find()
        .filter(notification::Column::UserId.eq(account.id))
        .order_by_desc(notification::Column::CreatedAt)
        .limit(100)
        .all(db)
        .await?;
    let unread = notification::Entity::find()
        .filter(notification::Column::UserId.eq(account.id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        // A kind this version does not know (written by a newer one) is left out.
        let Some(kind) = row.kind.known() else {
            continue;
        };
        let client_name = match row.client_id {
            Some(id) => client::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|client| format!("{} {}", client.first_name, client.last_name)),
            None => None,
        };
        let from_name = match row.from_user_id {
            Some(id) => user::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|person| format!("{} {}", person.first_name, person.last_name)),
            None => None,
        };
        let invitation = match row.contact_id {
            Some(id) => client_contact::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|link| InvitationInfo {
                    contact_id: link.id,
                    state: link.invitation_state,
                }),
            None => None,
        };
        items.push(Notification {
            id: row.id,
            kind,
            created_at: row.created_at,
            read: row.read_at.is_some(),
            client_id: row.client_id,
            entry_id: row.entry_id,
            client_name,
            from_name,
            invitation,
        });
    }
    Ok(Notifications {
        items,
        unread: u32::try_from(unread).unwrap_or(u32::MAX),
    })
}

/// Marks one of the user's notifications read (404 for anyone else's).
pub async fn mark_read(
    db: &DatabaseConnection,
    account: &user::Model,
    id: Uuid,
) -> Result<(), ApiError> {
    let updated = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::UserId.eq(account.id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    if updated.rows_affected == 0
        && notification::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_none_or(|row| row.user_id != account.id)
    {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// *Accepteren* or *Weigeren*: answers a pending invitation of the user.
pub async fn respond(
    db: &DatabaseConnection,
    account: &user::Model,
    contact_id: Uuid,
    accept: bool,
) -> Result<(), ApiError> {
    let txn = crate::db::begin_write(db).await?;
    let link = client_contact::Entity::find_by_id(contact_id)
        .one(&txn)
        .await?
        .filter(|link| link.user_id == account.id)
        .ok_or(ApiError::NotFound)?;
    if link.invitation_state != InvitationState::Pending {
        return Err(ApiError::invalid("invitation", "not_pending"));
    }
    let state = if accept {
        InvitationState::Accepted
    } else {
        InvitationState::Declined
    };
    let now = Utc::now();
    client_contact::Entity::update_many()
        .col_expr(
            client_contact::Column::InvitationState,
            Expr::value(state.as_str()),
        )
        .col_expr(client_contact::Column::RespondedAt, Expr::value(now))
        .filter(client_contact::Column::Id.eq(link.id))
        .exec(&txn)
        .await?;
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::ContactId.eq(link.id))
        .filter(notification::Column::UserId.eq(account.id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
