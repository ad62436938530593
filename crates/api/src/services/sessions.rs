//! Sessions and their refresh tokens. A session is a token family: the refresh token (an
//! opaque random string in an HttpOnly cookie) is used once and replaced; presenting a used
//! one again means it was stolen, so the whole session is revoked. A session ends after the
//! organisation's idle timeout or absolute lifetime, whichever comes first.

use chrono::{DateTime, Duration, Utc};
use kring_shared::auth::{AccessToken, SessionSummary};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    auth::{TokenService, secret},
    entities::{client_contact, organisation, refresh_token, session, user},
    error::ApiError,
    services::{
        me::organisation_of,
        security_log::{self, AuthEvent, ClientInfo},
    },
};

/// A freshly issued pair: the access token for the body, the refresh token for the cookie.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub access: AccessToken,
    /// `None` for a renewal that lost a race: the browser already holds the winner's cookie,
    /// and nobody replaying an old cookie gets the refresh chain.
    pub refresh_token: Option<String>,
    pub session_id: Uuid,
    /// When the refresh cookie must expire (the session's absolute end).
    pub refresh_expires_at: DateTime<Utc>,
}

/// The organisation's idle timeout.
pub fn idle_timeout(organisation: &organisation::Model) -> Duration {
    Duration::minutes(i64::from(organisation.idle_timeout_minutes.max(1)))
}

/// Whether `session` is still usable at `now` under `organisation`'s timeouts.
pub fn is_live(
    session: &session::Model,
    organisation: &organisation::Model,
    now: DateTime<Utc>,
) -> bool {
    let last_seen = session.last_seen_at.unwrap_or(session.created_at);
    session.revoked_at.is_none()
        && session.expires_at > now
        && last_seen + idle_timeout(organisation) > now
}

/// Opens a session for `account` after a complete login and issues its first tokens.
pub async fn open(
    db: &DatabaseConnection,
    tokens: &TokenService,
    account: &user::Model,
    organisation: &organisation::Model,
    device_id: Option<Uuid>,
    origin: &ClientInfo,
) -> Result<IssuedTokens, ApiError> {
    let now = Utc::now();
    let session_id = Uuid::new_v4();
    let expires_at = now + Duration::hours(i64::from(organisation.session_lifetime_hours.max(1)));
    let refresh = secret::random_token();
    let txn = crate::db::begin_write(db).await?;
    session::ActiveModel {
        id: Set(session_id),
        user_id: Set(account.id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ip_address: Set(origin.ip_address.clone()),
        user_agent: Set(origin.user_agent.clone()),
        last_seen_at: Set(Some(now)),
        device_id: Set(device_id),
    }
    .insert(&txn)
    .await?;
    insert_refresh(&txn, session_id, &refresh, expires_at).await?;
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, Expr::value(now))
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::FailedCodes, Expr::value(0))
        .col_expr(user::Column::Lockouts, Expr::value(0))
        .filter(user::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    client_contact::Entity::update_many()
        .col_expr(client_contact::Column::LastLoginAt, Expr::value(now))
        .filter(client_contact::Column::UserId.eq(account.id))
        .exec(&txn)
        .await?;
    security_log::record(
        &txn,
        AuthEvent::LoginSucceeded,
        Some(account.id),
        Some(session_id),
        origin,
    )
    .await?;
    txn.commit().await?;
    Ok(IssuedTokens {
        access: access_token(tokens, account.id, session_id)?,
        refresh_token: Some(refresh),
        session_id,
        refresh_expires_at: expires_at,
    })
}

/// Trades a refresh token for a new access token and a new refresh token.
pub async fn refresh(
    db: &DatabaseConnection,
    tokens: &TokenService,
    presented: &str,
    origin: &ClientInfo,
) -> Result<IssuedTokens, ApiError> {
    let now = Utc::now();
    let hash = secret::hash_token(presented);
    let Some(stored) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash.as_str()))
        .one(db)
        .await?
    else {
        return Err(ApiError::Unauthenticated);
    };
    let Some(session) = session::Entity::find_by_id(stored.session_id)
        .one(db)
        .await?
    else {
        return Err(ApiError::Unauthenticated);
    };
    let next = tokens.successor_of(presented);
    if let Some(used_at) = stored.used_at {
        if now - used_at <= Duration::seconds(RENEWAL_GRACE_SECONDS) {
            // Two tabs renewing with one cookie: the later one gets the same successor.
            return racing_renewal(db, tokens, &session, &next, now).await;
        }
        // A used token came back: someone holds a copy. End the whole family.
        revoke(db, session.id).await?;
        security_log::record(
            db,
            AuthEvent::RefreshReuseDetected,
            Some(session.user_id),
            Some(session.id),
            origin,
        )
        .await?;
        return Err(ApiError::Unauthenticated);
    }
    let account = user::Entity::find_by_id(session.user_id)
        .one(db)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let organisation = organisation_of(db, &account).await?;
    if !is_live(&session, &organisation, now) || stored.expires_at <= now || account.is_locked(now)
    {
        return Err(ApiError::Unauthenticated);
    }
    let txn = crate::db::begin_write(db).await?;
    // Marking it used only when still unused makes two racing refreshes with one token
    // end with exactly one writer; the other is answered from the grace path.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(stored.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        txn.rollback().await?;
        return racing_renewal(db, tokens, &session, &next, now).await;
    }
    insert_refresh(&txn, session.id, &next, session.expires_at).await?;
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .filter(session::Column::Id.eq(session.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(IssuedTokens {
        access: access_token(tokens, account.id, session.id)?,
        refresh_token: Some(next),
        session_id: session.id,
        refresh_expires_at: session.expires_at,
    })
}

/// Seconds after a renewal in which the same refresh token may come back from a request that
/// was already under way (parallel requests, two tabs) without counting as theft.
pub const RENEWAL_GRACE_SECONDS: i64 = 10;

/// Answers a renewal that lost the race to another one with the same cookie — as long as the
/// winner's successor (derived, not stored in clear) exists and the session and the account
/// are still good — with a new access token only: the cookie stays the winner's.
async fn racing_renewal(
    db: &DatabaseConnection,
    tokens: &TokenService,
    session: &session::Model,
    successor: &str,
    now: DateTime<Utc>,
) -> Result<IssuedTokens, ApiError> {
    let exists = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secret::hash_token(successor)))
        .filter(refresh_token::Column::SessionId.eq(session.id))
        .one(db)
        .await?
        .is_some();
    let session = session::Entity::find_by_id(session.id)
        .one(db)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let account = user::Entity::find_by_id(session.user_id)
        .one(db)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let organisation = organisation_of(db, &account).await?;
    if !exists || !is_live(&session, &organisation, now) || account.is_locked(now) {
        return Err(ApiError::Unauthenticated);
    }
    Ok(IssuedTokens {
        access: access_token(tokens, account.id, session.id)?,
        refresh_token: None,
        session_id: session.id,
        refresh_expires_at: session.expires_at,
    })
}

/// Ends `session_id` at once: its access tokens and refresh token stop working.
pub async fn revoke(db: &impl ConnectionTrait, session_id: Uuid) -> Result<(), ApiError> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of `user_id` except `keep`.
pub async fn revoke_all(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    keep: Option<Uuid>,
) -> Result<u64, ApiError> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        update = update.filter(session::Column::Id.ne(keep));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// The user's live sessions, newest activity first.
pub async fn list(
    db: &DatabaseConnection,
    account: &user::Model,
    current: Uuid,
) -> Result<Vec<SessionSummary>, ApiError> {
    let organisation = organisation_of(db, account).await?;
    let now = Utc::now();
    let mut sessions: Vec<SessionSummary> = session::Entity::find()
        .filter(session::Column::UserId.eq(account.id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .filter(|session| is_live(session, &organisation, now))
        .map(|session| SessionSummary {
            id: session.id,
            created_at: session.created_at,
            last_seen_at: session.last_seen_at.unwrap_or(session.created_at),
            user_agent: session.user_agent,
            ip_address: session.ip_address,
            current: session.id == current,
        })
        .collect();
    sessions.sort_by(|a, b| {
        b.current
            .cmp(&a.current)
            .then(b.last_seen_at.cmp(&a.last_seen_at))
    });
    Ok(sessions)
}

/// Ends one of the user's own sessions; another user's session is "not found".
pub async fn end_own(
    db: &DatabaseConnection,
    account: &user::Model,
    session_id: Uuid,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    let session = session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .filter(|session| session.user_id == account.id && session.revoked_at.is_none())
        .ok_or(ApiError::NotFound)?;
    revoke(db, session.id).await?;
    security_log::record(
        db,
        AuthEvent::SessionEnded,
        Some(account.id),
        Some(session.id),
        origin,
    )
    .await?;
    Ok(())
}

async fn insert_refresh(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    token: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), ApiError> {
    refresh_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        session_id: Set(session_id),
        token_hash: Set(secret::hash_token(token)),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn access_token(
    tokens: &TokenService,
    user_id: Uuid,
    session_id: Uuid,
) -> Result<AccessToken, ApiError> {
    Ok(AccessToken {
        access_token: tokens.issue(user_id, session_id)?,
        token_type: "Bearer".to_owned(),
        expires_in: tokens.lifetime_seconds(),
    })
}
