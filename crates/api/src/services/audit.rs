//! The audit log of administrative changes (contacts, ticks, invitations, primary contact,
//! discharge, organisation settings, service accounts, temporary passwords): actor, on whose
//! behalf, target, time (UTC) and client address. Rows are only ever appended; each one
//! carries the SHA-256 of its own content and of the row before, so a changed, inserted or
//! removed row breaks the chain, which `verify_chain` finds.

use chrono::{DateTime, SubsecRound, Utc};
use kring_shared::audit::{AuditAction, AuditEntry, AuditLogPage};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    entities::{audit_entry, user},
    error::ApiError,
    services::security_log::ClientInfo,
};

/// Names the advisory lock that keeps the chain a line on PostgreSQL (two writers must not
/// both append after the same row).
const AUDIT_LOCK: i64 = 0x6b72_696e_6700_0002;
/// The `prev_hash` of the first row.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Rows per page.
const PAGE: u64 = 100;

/// Who made a change.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub organisation_id: Uuid,
    pub name: String,
    /// On whose behalf, e.g. a portal administrator's relationship or `organisation_admin`.
    pub on_behalf_of: Option<String>,
    pub ip_address: Option<String>,
}

impl Actor {
    /// A signed-in user acting as `on_behalf_of`, from `origin`.
    pub fn user(account: &user::Model, on_behalf_of: &str, origin: &ClientInfo) -> Actor {
        Actor {
            user_id: Some(account.id),
            organisation_id: account.organisation_id,
            name: name_of(account),
            on_behalf_of: Some(on_behalf_of.to_owned()),
            ip_address: origin.ip_address.clone(),
        }
    }
}

/// What changed, about whom.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: AuditAction,
    pub client_id: Option<Uuid>,
    pub target: Option<(Uuid, String)>,
    pub details: serde_json::Value,
}

impl Change {
    /// A change of `action` with no client or target yet.
    pub fn new(action: AuditAction, details: serde_json::Value) -> Change {
        Change {
            action,
            client_id: None,
            target: None,
            details,
        }
    }

    /// About this client.
    pub fn client(mut self, client_id: Uuid) -> Change {
        self.client_id = Some(client_id);
        self
    }

    /// About this person.
    pub fn target(mut self, person: &user::Model) -> Change {
        self.target = Some((person.id, name_of(person)));
        self
    }
}

/// A person's full name as the log keeps it (at most 200 characters).
fn name_of(person: &user::Model) -> String {
    format!("{} {}", person.first_name, person.last_name)
        .chars()
        .take(200)
        .collect()
}

fn row_hash(row: &audit_entry::Model) -> String {
    let optional = |value: Option<String>| value.unwrap_or_default();
    let content = [
        row.seq.to_string(),
        row.prev_hash.clone(),
        row.occurred_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        row.organisation_id.to_string(),
        optional(row.actor_user_id.map(|id| id.to_string())),
        row.actor_name.clone(),
        optional(row.on_behalf_of.clone()),
        row.action.name().to_owned(),
        optional(row.client_id.map(|id| id.to_string())),
        optional(row.target_user_id.map(|id| id.to_string())),
        optional(row.target_name.clone()),
        row.details.clone(),
        optional(row.ip_address.clone()),
    ]
    // The unit separator cannot occur in any field, so fields cannot be shifted into another.
    .join("\u{1f}");
    Sha256::digest(content.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Appends `change` by `actor` in the caller's transaction: written together with the change
/// itself, or not at all.
pub async fn record(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    change: Change,
) -> Result<(), ApiError> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [AUDIT_LOCK.into()],
        ))
        .await?;
    }
    let last = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Seq)
        .one(txn)
        .await?;
    let (seq, prev_hash) = match last {
        Some(last) => (last.seq + 1, last.hash),
        None => (1, GENESIS.to_owned()),
    };
    let mut row = audit_entry::Model {
        seq,
        occurred_at: now_micros(),
        organisation_id: actor.organisation_id,
        actor_user_id: actor.user_id,
        actor_name: actor.name.clone(),
        on_behalf_of: actor.on_behalf_of.clone(),
        action: change.action.into(),
        client_id: change.client_id,
        target_user_id: change.target.as_ref().map(|(id, _)| *id),
        target_name: change.target.map(|(_, name)| name),
        details: change.details.to_string(),
        ip_address: actor.ip_address.clone(),
        prev_hash,
        hash: String::new(),
    };
    row.hash = row_hash(&row);
    audit_entry::ActiveModel {
        seq: Set(row.seq),
        occurred_at: Set(row.occurred_at),
        organisation_id: Set(row.organisation_id),
        actor_user_id: Set(row.actor_user_id),
        actor_name: Set(row.actor_name),
        on_behalf_of: Set(row.on_behalf_of),
        action: Set(row.action),
        client_id: Set(row.client_id),
        target_user_id: Set(row.target_user_id),
        target_name: Set(row.target_name),
        details: Set(row.details),
        ip_address: Set(row.ip_address),
        prev_hash: Set(row.prev_hash),
        hash: Set(row.hash),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Microseconds are what both databases keep, so the hash of a stored row can be recomputed.
fn now_micros() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The first row whose content or link to the row before does not match, if any.
pub async fn verify_chain(db: &DatabaseConnection) -> Result<Option<i64>, ApiError> {
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut after = 0i64;
    loop {
        let rows = audit_entry::Entity::find()
            .filter(audit_entry::Column::Seq.gt(after))
            .order_by_asc(audit_entry::Column::Seq)
            .limit(1000)
            .all(db)
            .await?;
        let Some(last) = rows.last() else {
            return Ok(None);
        };
        after = last.seq;
        for row in rows {
            if row.seq != expected_seq
                || row.prev_hash != expected_prev
                || row.hash != row_hash(&row)
            {
                return Ok(Some(expected_seq.min(row.seq)));
            }
            expected_prev = row.hash.clone();
            expected_seq += 1;
        }
    }
}

/// What a page shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub client_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub before: Option<i64>,
}

/// A page of the organisation's audit log, newest first; `for_admin` adds client addresses and
/// the chain check.
pub async fn page(
    db: &DatabaseConnection,
    organisation_id: Uuid,
    filter: Filter,
    for_admin: bool,
) -> Result<AuditLogPage, ApiError> {
    let mut query = audit_entry::Entity::find()
        .filter(audit_entry::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(audit_entry::Column::Seq)
        .limit(PAGE + 1);
    if let Some(client_id) = filter.client_id {
        query = query.filter(audit_entry::Column::ClientId.eq(client_id));
    }
    if let Some(user_id) = filter.user_id {
        query = query.filter(
            sea_orm::Condition::any()
                .add(audit_entry::Column::ActorUserId.eq(user_id))
                .add(audit_entry::Column::TargetUserId.eq(user_id)),
        );
    }
    if let Some(before) = filter.before {
        query = query.filter(audit_entry::Column::Seq.lt(before));
    }
    let mut rows = query.all(db).await?;
    let more = rows.len() as u64 > PAGE;
    rows.truncate(PAGE as usize);
    let next_before = more.then(|| rows.last().map(|row| row.seq)).flatten();
    let entries = rows
        .into_iter()
        // An action this version does not know (written by a newer one) is left out.
        .filter_map(|row| {
            Some(AuditEntry {
                seq: row.seq,
                occurred_at: row.occurred_at,
                action: row.action.known()?,
                actor_name: row.actor_name,
                on_behalf_of: row.on_behalf_of,
                client_id: row.client_id,
                target_name: row.target_name,
                details: serde_json::from_str(&row.details).unwrap_or_default(),
                ip_address: if for_admin { row.ip_address } else { None },
            })
        })
        .collect();
    let chain_intact = if for_admin {
        Some(verify_chain(db).await?.is_none())
    } else {
        None
    };
    Ok(AuditLogPage {
        entries,
        next_before,
        chain_intact,
    })
}
