//! `AuthUser`: a handler that needs a signed-in user asks for one in its signature. The token
//! must verify and its session must still be live — not revoked, not past its absolute end,
//! not idle longer than the organisation allows — so ending a session ends its tokens at once.
//! Activity moves the idle clock (written at most once a minute).

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use crate::{
    entities::{organisation, session, user},
    error::ApiError,
    services::sessions,
    state::AppState,
};

/// The signed-in user behind a request.
#[derive(Debug, Clone)]
pub struct AuthUser {
    /// The account.
    pub user: user::Model,
    /// The session the access token belongs to.
    pub session_id: Uuid,
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<AuthUser, ApiError>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(request);
        Box::pin(async move {
            let state = state.ok_or_else(|| anyhow::anyhow!("AppState missing"))?;
            let claims = token
                .and_then(|token| state.tokens.verify(&token))
                .ok_or(ApiError::Unauthenticated)?;
            let user = live_user(&state.db, claims.sub, claims.sid, Activity::Request).await?;
            let session_id = claims.sid;
            Ok(AuthUser { user, session_id })
        })
    }
}

/// Whether a check counts as the user's activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    Request,
    Background,
}

/// The account of `session_id`, when that session belongs to `user_id` and is still live and
/// the account is not blocked. Only a request (`Activity::Request`) moves the idle clock
/// (written at most once a minute); an open event stream does not keep a session alive.
pub async fn live_user(
    db: &DatabaseConnection,
    user_id: Uuid,
    session_id: Uuid,
    activity: Activity,
) -> Result<user::Model, ApiError> {
    let now = Utc::now();
    // The session, its account and the account's organisation in one query: this runs on
    // every request.
    let found = session::Entity::find_by_id(session_id)
        .find_also_related(user::Entity)
        .and_also_related(organisation::Entity)
        .one(db)
        .await?;
    let Some((session, Some(user), Some(organisation))) = found else {
        return Err(ApiError::Unauthenticated);
    };
    if session.user_id != user_id
        || user.is_locked(now)
        || !sessions::is_live(&session, &organisation, now)
    {
        return Err(ApiError::Unauthenticated);
    }
    let last_seen = session.last_seen_at.unwrap_or(session.created_at);
    if activity == Activity::Request && now - last_seen > Duration::seconds(60) {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::Id.eq(session.id))
            .exec(db)
            .await?;
    }
    Ok(user)
}

pub(crate) fn bearer_token(request: &HttpRequest) -> Option<String> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|token| !token.is_empty())
}
