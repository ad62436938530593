//! The access log (NEN 7513): every read of dossier data, and every note written, with who,
//! on whose behalf, which client, what, when and from where. Rows are written in the request
//! that reads, and are durable before its answer leaves: a row written inside a transaction
//! commits with it; a read's row goes through the group commit (`GroupCommit`), which writes
//! the rows of all requests waiting at that moment in one transaction — one fsync for many
//! readers instead of one each — and answers each request once its row is committed.

use std::any::Any;

use chrono::{DateTime, Utc};
use kring_shared::{
    dossier::{AccessAction, AccessLogEntry, AccessLogPage, AccessObject},
    me::Relationship,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use tokio::sync::{mpsc, oneshot};
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
pub async fn record<C: ConnectionTrait + 'static>(
    db: &C,
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
pub async fn record_detail<C: ConnectionTrait + 'static>(
    db: &C,
    reader: &Reader<'_>,
    client: &client::Model,
    acting_as: Relationship,
    action: AccessAction,
    object: AccessObject,
    object_id: Option<Uuid>,
    detail: Option<String>,
) -> Result<(), ApiError> {
    let row = access_log::ActiveModel {
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
    };
    // On the connection itself (not inside a transaction) during a request: group commit.
    let on_connection = (db as &dyn Any).is::<DatabaseConnection>();
    if on_connection && let Ok(writer) = GROUP_COMMIT.try_with(GroupCommit::clone) {
        return writer.write(row).await;
    }
    access_log::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

tokio::task_local! {
    /// The group commit of the request being handled (set by `with_group_commit`).
    static GROUP_COMMIT: GroupCommit;
}

/// Runs `request` with `writer` as the access log's group commit.
pub async fn with_group_commit<F: std::future::Future>(
    writer: GroupCommit,
    request: F,
) -> F::Output {
    GROUP_COMMIT.scope(writer, request).await
}

/// A row waiting for its commit, and who waits for it.
struct Pending {
    row: access_log::ActiveModel,
    done: oneshot::Sender<Result<(), String>>,
}

/// The access log's group commit: one writer task per instance takes every row that is waiting
/// (up to 500), inserts them in one transaction and answers each waiting request after the
/// commit. With one reader it is a plain insert; with many, one fsync serves them all.
#[derive(Clone)]
pub struct GroupCommit {
    queue: mpsc::Sender<Pending>,
}

/// Rows per transaction at most.
const GROUP: usize = 500;

impl GroupCommit {
    /// Starts the writer task on `db`.
    pub fn start(db: DatabaseConnection) -> GroupCommit {
        let (queue, mut waiting) = mpsc::channel::<Pending>(4 * GROUP);
        tokio::spawn(async move {
            let mut group = Vec::with_capacity(GROUP);
            while waiting.recv_many(&mut group, GROUP).await > 0 {
                let (rows, done): (Vec<_>, Vec<_>) =
                    group.drain(..).map(|p| (p.row, p.done)).unzip();
                let outcome = commit(&db, rows.clone()).await;
                match outcome {
                    Ok(()) => {
                        for waiter in done {
                            let _ = waiter.send(Ok(()));
                        }
                    }
                    // One row the database refuses must not fail the others: one by one.
                    Err(error) if rows.len() > 1 => {
                        tracing::warn!(error = %error, "an access-log group failed; writing its rows one by one");
                        for (row, waiter) in rows.into_iter().zip(done) {
                            let single = commit(&db, vec![row]).await.map_err(|e| e.to_string());
                            let _ = waiter.send(single);
                        }
                    }
                    Err(error) => {
                        for waiter in done {
                            let _ = waiter.send(Err(error.to_string()));
                        }
                    }
                }
            }
        });
        GroupCommit { queue }
    }

    /// Writes `row`; returns once it is committed.
    async fn write(&self, row: access_log::ActiveModel) -> Result<(), ApiError> {
        let (done, committed) = oneshot::channel();
        self.queue
            .send(Pending { row, done })
            .await
            .map_err(|_| anyhow::anyhow!("the access-log writer has stopped"))?;
        committed
            .await
            .map_err(|_| anyhow::anyhow!("the access-log writer has stopped"))?
            .map_err(|error| anyhow::anyhow!("writing the access log failed: {error}"))?;
        Ok(())
    }
}

/// Inserts `rows` in one transaction.
async fn commit(
    db: &DatabaseConnection,
    rows: Vec<access_log::ActiveModel>,
) -> Result<(), sea_orm::DbErr> {
    let txn = crate::db::begin_write(db).await?;
    access_log::Entity::insert_many(rows)
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await
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
