//! The organisation admin console: the organisation's accounts.

use kring_shared::admin::AdminUserSummary;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use crate::{
    entities::user,
    error::ApiError,
    services::{me::account_kind, policy},
};

/// At most this many accounts per answer; a search narrows it down.
pub const MAX_USERS: u64 = 200;

/// The organisation's accounts, by last name, optionally those whose name, username or
/// e-mail address contains `search` (case-insensitive).
pub async fn users(
    db: &DatabaseConnection,
    admin: &user::Model,
    search: Option<&str>,
) -> Result<Vec<AdminUserSummary>, ApiError> {
    policy::require_organisation_admin(admin)?;
    let mut query = user::Entity::find()
        .filter(user::Column::OrganisationId.eq(admin.organisation_id))
        .order_by_asc(user::Column::LastName)
        .order_by_asc(user::Column::FirstName)
        .limit(MAX_USERS);
    if let Some(search) = search.map(str::trim).filter(|search| !search.is_empty()) {
        let escaped = search
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let mut any = Condition::any();
        for column in [
            user::Column::FirstName,
            user::Column::LastName,
            user::Column::Username,
            user::Column::Email,
        ] {
            any = any.add(
                Expr::expr(Func::lower(Expr::col(column)))
                    .like(LikeExpr::new(pattern.clone()).escape('\\')),
            );
        }
        query = query.filter(any);
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|account| AdminUserSummary {
            id: account.id,
            kind: account_kind(&account.kind),
            blocked: account.locked_at.is_some(),
            must_change_password: account.must_change_password,
            last_login_at: account.last_login_at,
            username: account.username,
            first_name: account.first_name,
            last_name: account.last_name,
            email: account.email,
        })
        .collect())
}
