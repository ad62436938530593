//! Everything Kring holds about one person as a person (GDPR art. 15 and 20), for every user —
//! a contact, a client, a care worker: profile, sessions, remembered devices, security events,
//! the portals they are in with their ticks (their consents), notifications and calendar
//! links. Secrets (password and code hashes, the authenticator secret) are never in it; that
//! they exist is.

use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};

use crate::{
    entities::{
        auth_event, calendar_feed, client, client_contact, notification, organisation, session,
        trusted_device, user,
    },
    error::ApiError,
};

/// Rows of each long list at most (the newest).
const LIMIT: u64 = 1000;

/// The person's data as one JSON document.
pub async fn my_data(db: &DatabaseConnection, account: &user::Model) -> Result<Value, ApiError> {
    let organisation = organisation::Entity::find_by_id(account.organisation_id)
        .one(db)
        .await?;
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(account.id))
        .order_by_desc(session::Column::CreatedAt)
        .limit(LIMIT)
        .all(db)
        .await?;
    let devices = trusted_device::Entity::find()
        .filter(trusted_device::Column::UserId.eq(account.id))
        .order_by_desc(trusted_device::Column::CreatedAt)
        .all(db)
        .await?;
    let events = auth_event::Entity::find()
        .filter(auth_event::Column::UserId.eq(account.id))
        .order_by_desc(auth_event::Column::OccurredAt)
        .limit(LIMIT)
        .all(db)
        .await?;
    let links = client_contact::Entity::find()
        .filter(client_contact::Column::UserId.eq(account.id))
        .all(db)
        .await?;
    let clients = client::Entity::find()
        .filter(client::Column::Id.is_in(links.iter().map(|link| link.client_id)))
        .all(db)
        .await?;
    let notifications = notification::Entity::find()
        .filter(notification::Column::UserId.eq(account.id))
        .order_by_desc(notification::Column::CreatedAt)
        .limit(LIMIT)
        .all(db)
        .await?;
    let feeds = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::UserId.eq(account.id))
        .all(db)
        .await?;
    Ok(json!({
        "exported_at": Utc::now(),
        "organisation": organisation.map(|o| json!({ "id": o.id, "name": o.name })),
        "profile": {
            "id": account.id,
            "username": account.username,
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": account.email,
            "mobile": account.mobile,
            "gender": account.gender,
            "language": account.language,
            "kind": account.kind,
            "created_at": account.created_at,
            "last_login_at": account.last_login_at,
            "password_changed_at": account.password_changed_at,
            "authenticator_app_since": account.totp_enabled_at,
            "photo_url": account.photo_url,
            "agenda_reminders": account.agenda_reminders,
            "share_contact_details": account.share_contact_details,
            "message_mail": account.message_mail,
            "absent_from": account.absent_from,
            "absent_until": account.absent_until,
            "absence_note": account.absence_note,
            "locked_at": account.locked_at,
            "external_id": account.external_id,
        },
        "sessions": sessions.iter().map(|s| json!({
            "id": s.id,
            "created_at": s.created_at,
            "last_seen_at": s.last_seen_at,
            "expires_at": s.expires_at,
            "ended_at": s.revoked_at,
            "ip_address": s.ip_address,
            "user_agent": s.user_agent,
        })).collect::<Vec<_>>(),
        "remembered_devices": devices.iter().map(|d| json!({
            "id": d.id,
            "label": d.label,
            "created_at": d.created_at,
            "last_used_at": d.last_used_at,
            "expires_at": d.expires_at,
            "revoked_at": d.revoked_at,
        })).collect::<Vec<_>>(),
        "security_events": events.iter().map(|e| json!({
            "occurred_at": e.occurred_at,
            "event": e.event.to_string(),
            "ip_address": e.ip_address,
            "user_agent": e.user_agent,
        })).collect::<Vec<_>>(),
        "portals": links.iter().map(|link| {
            let client = clients.iter().find(|client| client.id == link.client_id);
            json!({
                "client": client.map(|c| format!("{} {}", c.first_name, c.last_name)),
                "client_id": link.client_id,
                "relationship": link.relationship,
                "primary_contact": link.is_primary_contact,
                "permissions": link.permissions(),
                "invitation_state": link.invitation_state,
                "invited_at": link.invited_at,
                "responded_at": link.responded_at,
                "pinboard_notifications": link.pinboard_notifications,
            })
        }).collect::<Vec<_>>(),
        "notifications": notifications.iter().map(|n| json!({
            "kind": n.kind.name(),
            "client_id": n.client_id,
            "created_at": n.created_at,
            "read_at": n.read_at,
        })).collect::<Vec<_>>(),
        "calendar_links": feeds.iter().map(|f| json!({ "created_at": f.created_at })).collect::<Vec<_>>(),
    }))
}
