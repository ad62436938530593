//! The access log (NEN 7513): every read of dossier data, and every note written, with who,
//! on whose behalf, which client, what, when and from where. Rows are written in the request
//! that reads; they are queryable per client by the organisation administrator (the screen
//! that shows them to the client comes later).

use chrono::{DateTime, Utc};
use kring_shared::{
    dossier::{AccessAction, AccessLogEntry, AccessLogPage, AccessObject},
    me::Relationship,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::{
    entities::{access_log, client, user},
    error::ApiError,
    services::{policy, security_log::ClientInfo},
};

/// Who reads, in which session, from where.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    pub user: &'a user::Model,
    pub session_id: Uuid,
    pub origin: &'a ClientInfo,
}

/// Records one access to `client`'s dossier by `reader`, acting as `acting_as`.
pub async fn record(
    db: &impl ConnectionTrait,
    reader: &Reader<'_>,
    client: &client::Model,
    acting_as: Relationship,
    action: AccessAction,
    object: AccessObject,
    object_id: Option<Uuid>,
) -> Result<(), ApiError> {
    record_detail(
        db, reader, client, acting_as, action, object, object_id, None,
    )
    .await
}

/// `record` with a detail, e.g. an export's months.
#[allow(clippy::too_many_arguments)]
pub async fn record_detail(
    db: &impl ConnectionTrait,
    reader: &Reader<'_>,
    client: &client::Model,
    acting_as: Relationship,
    action: AccessAction,
    object: AccessObject,
    object_id: Option<Uuid>,
    detail: Option<String>,
) -> Result<(), ApiError> {
    access_log::ActiveModel {
        id: Set(Uuid::new_v4()),
        occurred_at: Set(Utc::now()),
        organisation_id: Set(client.organisation_id),
        client_id: Set(client.id),
        user_id: Set(Some(reader.user.id)),
        user_name: Set(format!(
            "{} {}",
            reader.user.first_name, reader.user.last_name
        )),
        acting_as: Set(acting_as.into()),
        action: Set(action),
        object: Set(object.into()),
        object_id: Set(object_id),
        session_id: Set(Some(reader.session_id)),
        ip_address: Set(reader.origin.ip_address.clone()),
        user_agent: Set(reader.origin.user_agent.clone()),
        detail: Set(detail),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The log of one client of the admin's organisation, newest first, 100 rows per page.
pub async fn for_client(
    db: &DatabaseConnection,
    admin: &user::Model,
    client_id: Uuid,
    before: Option<DateTime<Utc>>,
) -> Result<AccessLogPage, ApiError> {
    policy::require_organisation_admin(admin)?;
    client::Entity::find_by_id(client_id)
        .one(db)
        .await?
        .filter(|client| client.organisation_id == admin.organisation_id)
        .ok_or(ApiError::NotFound)?;
    const PAGE: u64 = 100;
    let mut query = access_log::Entity::find()
        .filter(access_log::Column::ClientId.eq(client_id))
        .order_by_desc(access_log::Column::OccurredAt)
        .limit(PAGE + 1);
    if let Some(before) = before {
        query = query.filter(access_log::Column::OccurredAt.lt(before));
    }
    let mut rows = query.all(db).await?;
    let more = rows.len() as u64 > PAGE;
    rows.truncate(PAGE as usize);
    let next_before = more
        .then(|| rows.last().map(|row| row.occurred_at))
        .flatten();
    Ok(AccessLogPage {
        entries: rows
            .into_iter()
            .map(|row| AccessLogEntry {
                occurred_at: row.occurred_at,
                user_id: row.user_id,
                user_name: row.user_name,
                acting_as: row.acting_as.name().to_owned(),
                action: row.action,
                object: row.object.name().to_owned(),
                object_id: row.object_id,
                ip_address: row.ip_address,
                user_agent: row.user_agent,
            })
            .collect(),
        next_before,
    })
}
