//! Service accounts for integrations: an API key per account, random and shown once, stored as
//! its SHA-256 (a 256-bit random key needs no slow hash), scoped and revocable. Created in the
//! organisation admin console or with `kring integrator create`.

use chrono::Utc;
use kring_shared::integration::{
    NewServiceAccountRequest, Scope, ServiceAccountCreated, ServiceAccountSummary,
};
use kring_shared::{audit::AuditAction, me::AccountKind};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    auth::secret::{hash_token, random_token},
    entities::{organisation, service_account, stored::KindList, user},
    error::ApiError,
    services::{audit, policy, security_log::ClientInfo},
};

/// Every key starts with this, so a leaked key is recognisable (secret scanners, logs).
pub const KEY_PREFIX: &str = "kring_";

/// The scopes of a stored account (unknown names, from a newer version, are left out).
pub fn scopes_of(account: &service_account::Model) -> Vec<Scope> {
    account.scopes.0.clone()
}

/// The console's view of an account.
pub fn summary(account: &service_account::Model) -> ServiceAccountSummary {
    ServiceAccountSummary {
        id: account.id,
        name: account.name.clone(),
        key_prefix: account.key_prefix.clone(),
        scopes: scopes_of(account),
        created_at: account.created_at,
        last_used_at: account.last_used_at,
        revoked_at: account.revoked_at,
    }
}

/// Creates an account for `organisation_id` and returns its key, the only time it is shown.
pub async fn create(
    db: &DatabaseConnection,
    organisation_id: Uuid,
    actor: Option<&audit::Actor>,
    request: &NewServiceAccountRequest,
) -> Result<ServiceAccountCreated, ApiError> {
    let created_by = actor.and_then(|actor| actor.user_id);
    let name = request.name.trim();
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(("name", "required"));
    } else if name.chars().count() > 100 {
        errors.push(("name", "too_long"));
    }
    if request.scopes.is_empty() {
        errors.push(("scopes", "required"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(
            errors
                .into_iter()
                .map(|(field, code)| kring_shared::FieldError {
                    field: field.to_owned(),
                    code: code.to_owned(),
                })
                .collect(),
        ));
    }
    let mut scopes = request.scopes.clone();
    scopes.sort_unstable_by_key(|scope| scope.as_str());
    scopes.dedup();
    let key = format!("{KEY_PREFIX}{}", random_token());
    let account = service_account::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(organisation_id),
        name: Set(name.to_owned()),
        key_prefix: Set(key.chars().take(12).collect()),
        key_hash: Set(hash_token(&key)),
        scopes: Set(KindList(scopes)),
        feed_acked_seq: Set(0),
        created_by: Set(created_by),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    };
    let txn = crate::db::begin_write(db).await?;
    let account = account.insert(&txn).await?;
    if let Some(actor) = actor {
        audit::record(
            &txn,
            actor,
            audit::Change::new(
                AuditAction::ServiceAccountCreated,
                serde_json::json!({"name": account.name, "scopes": account.scopes.0, "key_prefix": account.key_prefix}),
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(ServiceAccountCreated {
        account: summary(&account),
        api_key: key,
    })
}

/// Creates an account for the organisation with `slug` (the `kring integrator create`
/// command).
pub async fn create_for_slug(
    db: &DatabaseConnection,
    slug: &str,
    request: &NewServiceAccountRequest,
) -> anyhow::Result<ServiceAccountCreated> {
    let organisation = organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no organisation with slug {slug}"))?;
    create(db, organisation.id, None, request)
        .await
        .map_err(|error| anyhow::anyhow!("cannot create the service account: {error:?}"))
}

/// The organisation's accounts, newest first (revoked ones too, marked).
pub async fn list(
    db: &DatabaseConnection,
    admin: &user::Model,
) -> Result<Vec<ServiceAccountSummary>, ApiError> {
    policy::require_organisation_admin(admin)?;
    Ok(service_account::Entity::find()
        .filter(service_account::Column::OrganisationId.eq(admin.organisation_id))
        .order_by_desc(service_account::Column::CreatedAt)
        .all(db)
        .await?
        .iter()
        .map(summary)
        .collect())
}

/// Revokes an account: its key stops working at the next request.
pub async fn revoke(
    db: &DatabaseConnection,
    admin: &user::Model,
    account_id: Uuid,
    origin: &ClientInfo,
) -> Result<ServiceAccountSummary, ApiError> {
    policy::require_organisation_admin(admin)?;
    let account = service_account::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .filter(|account| account.organisation_id == admin.organisation_id)
        .ok_or(ApiError::NotFound)?;
    if account.revoked_at.is_some() {
        return Ok(summary(&account));
    }
    let details = serde_json::json!({"name": account.name, "key_prefix": account.key_prefix});
    let mut active: service_account::ActiveModel = account.into();
    active.revoked_at = Set(Some(Utc::now()));
    let txn = crate::db::begin_write(db).await?;
    let revoked = active.update(&txn).await?;
    audit::record(
        &txn,
        &audit::Actor::user(admin, AccountKind::OrganisationAdmin.into(), origin),
        audit::Change::new(AuditAction::ServiceAccountRevoked, details),
    )
    .await?;
    txn.commit().await?;
    Ok(summary(&revoked))
}

/// The live account a key belongs to, marking it used (at most once a minute).
pub async fn authenticate(
    db: &DatabaseConnection,
    key: &str,
) -> Result<Option<service_account::Model>, ApiError> {
    if !key.starts_with(KEY_PREFIX) {
        return Ok(None);
    }
    let Some(account) = service_account::Entity::find()
        .filter(service_account::Column::KeyHash.eq(hash_token(key)))
        .filter(service_account::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let now = Utc::now();
    if account
        .last_used_at
        .is_none_or(|used| now - used > chrono::Duration::seconds(60))
    {
        service_account::Entity::update_many()
            .col_expr(service_account::Column::LastUsedAt, Expr::value(now))
            .filter(service_account::Column::Id.eq(account.id))
            .exec(db)
            .await?;
    }
    Ok(Some(account))
}
