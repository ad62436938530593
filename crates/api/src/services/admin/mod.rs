//! The organisation admin console (*Beheer*): the organisation's accounts here; its settings,
//! client portals and care workers each in a module of their own.

use chrono::Utc;
use kring_shared::{
    FieldError, Permission,
    admin::{
        AdminClientSummary, AdminUserSummary, CareRole, CareTeamPlace, CareWorkerSummary,
        DischargeRequest, NewCareWorkerRequest, NewClientPortalRequest, OrganisationSettings,
    },
    audit::AuditAction,
    contacts::{ContactRow, InvitationChannel, NewContactRequest},
    me::{AccountKind, Relationship},
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use uuid::Uuid;

use crate::{
    domain::PersonName,
    entities::{care_team_member, client, client_contact, organisation, user},
    error::ApiError,
    services::{audit, contacts, me::organisation_of, policy, security_log::ClientInfo},
    validation::Checks,
};

mod care_workers;
mod clients;
mod settings;

pub use care_workers::{
    care_workers, create_care_worker, remove_care_team_member, set_care_team_member,
};
use clients::own_client;
pub use clients::{client_contacts, clients, create_client, discharge, set_primary_contact};
pub use settings::{check_settings, settings, settings_of, update_settings};

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
            kind: account.kind,
            blocked: account.is_locked(chrono::Utc::now()),
            must_change_password: account.must_change_password,
            last_login_at: account.last_login_at,
            username: account.username,
            first_name: account.first_name,
            last_name: account.last_name,
            email: account.email,
        })
        .collect())
}
