//! The organisation admin console: the organisation's accounts and settings.

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

/// The organisation's settings as the console edits them.
pub fn settings_of(organisation: &organisation::Model) -> OrganisationSettings {
    OrganisationSettings {
        name: organisation.name.clone(),
        logo_url: organisation.logo_url.clone(),
        primary_colour: organisation.primary_colour.clone(),
        help_url: organisation.help_url.clone(),
        panel_agenda_enabled: organisation.panel_agenda_enabled,
        panel_messages_enabled: organisation.panel_messages_enabled,
        panel_dossier_enabled: organisation.panel_dossier_enabled,
        panel_details_enabled: organisation.panel_details_enabled,
        messages_to_care_allowed: organisation.messages_to_care_allowed,
        lockout_threshold: organisation.lockout_threshold,
        reset_link_minutes: organisation.reset_link_minutes,
        verification_code_minutes: organisation.verification_code_minutes,
        trusted_device_days: organisation.trusted_device_days,
        idle_timeout_minutes: organisation.idle_timeout_minutes,
        session_lifetime_hours: organisation.session_lifetime_hours,
        password_policy: organisation.password_policy,
        discharge_access_days: organisation.discharge_access_days,
        lockout_mode: organisation.lockout_mode,
        reset_mode: organisation.reset_mode,
        temporary_password_hours: organisation.temporary_password_hours,
        allowed_mobile_countries: organisation
            .allowed_mobile_countries
            .split(',')
            .map(str::trim)
            .filter(|code| !code.is_empty())
            .map(str::to_owned)
            .collect(),
    }
}

/// The settings of the admin's organisation.
pub async fn settings(
    db: &DatabaseConnection,
    admin: &user::Model,
) -> Result<OrganisationSettings, ApiError> {
    policy::require_organisation_admin(admin)?;
    Ok(settings_of(&organisation_of(db, admin).await?))
}

/// Every field that is out of bounds, with its reason; nothing is saved unless all are fine.
pub fn check_settings(settings: &OrganisationSettings) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut refuse = |field: &str, code: &str| {
        errors.push(FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
        });
    };
    let name = settings.name.trim();
    if name.is_empty() {
        refuse("name", "required");
    } else if name.chars().count() > 200 {
        refuse("name", "too_long");
    }
    match parse_colour(&settings.primary_colour) {
        None => refuse("primary_colour", "invalid"),
        // Against the page background (#f6f5f1), the lighter of white and it counts too.
        Some(colour) if contrast(colour, (0xf6, 0xf5, 0xf1)) < 4.5 => {
            refuse("primary_colour", "low_contrast");
        }
        Some(_) => {}
    }
    for (field, value) in [
        ("logo_url", &settings.logo_url),
        ("help_url", &settings.help_url),
    ] {
        if let Some(url) = value
            .as_deref()
            .map(str::trim)
            .filter(|url| !url.is_empty())
            && (!url.starts_with("https://")
                || url.len() > 500
                || url.contains(char::is_whitespace))
        {
            refuse(field, "invalid");
        }
    }
    for (field, value, range) in [
        ("lockout_threshold", settings.lockout_threshold, 2..=10),
        ("reset_link_minutes", settings.reset_link_minutes, 5..=60),
        (
            "verification_code_minutes",
            settings.verification_code_minutes,
            1..=10,
        ),
        ("trusted_device_days", settings.trusted_device_days, 0..=90),
        (
            "idle_timeout_minutes",
            settings.idle_timeout_minutes,
            5..=120,
        ),
        (
            "session_lifetime_hours",
            settings.session_lifetime_hours,
            1..=24,
        ),
        (
            "discharge_access_days",
            settings.discharge_access_days,
            0..=365,
        ),
        (
            "temporary_password_hours",
            settings.temporary_password_hours,
            1..=336,
        ),
    ] {
        if !range.contains(&value) {
            refuse(field, "out_of_range");
        }
    }
    if settings.allowed_mobile_countries.is_empty() {
        refuse("allowed_mobile_countries", "required");
    } else if settings.allowed_mobile_countries.iter().any(|code| {
        code.len() != 2
            || code
                .to_ascii_uppercase()
                .parse::<phonenumber::country::Id>()
                .is_err()
    }) {
        refuse("allowed_mobile_countries", "invalid");
    }
    errors
}

/// `#rrggbb` as three bytes.
fn parse_colour(text: &str) -> Option<(u8, u8, u8)> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).ok();
    Some((byte(0)?, byte(2)?, byte(4)?))
}

/// The WCAG 2 contrast ratio of two sRGB colours.
fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let luminance = |(r, g, b): (u8, u8, u8)| {
        let channel = |value: u8| {
            let c = f64::from(value) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Saves all settings at once, or none with the reasons (422).
pub async fn update_settings(
    db: &DatabaseConnection,
    admin: &user::Model,
    settings: &OrganisationSettings,
    origin: &ClientInfo,
) -> Result<OrganisationSettings, ApiError> {
    policy::require_organisation_admin(admin)?;
    let errors = check_settings(settings);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let blank_to_none = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    let current = organisation_of(db, admin).await?;
    let before = serde_json::to_value(settings_of(&current)).map_err(anyhow::Error::from)?;
    let mut organisation = current.into_active_model();
    organisation.name = Set(settings.name.trim().to_owned());
    organisation.logo_url = Set(blank_to_none(&settings.logo_url));
    organisation.primary_colour = Set(settings.primary_colour.to_lowercase());
    organisation.help_url = Set(blank_to_none(&settings.help_url));
    organisation.panel_agenda_enabled = Set(settings.panel_agenda_enabled);
    organisation.panel_messages_enabled = Set(settings.panel_messages_enabled);
    organisation.panel_dossier_enabled = Set(settings.panel_dossier_enabled);
    organisation.panel_details_enabled = Set(settings.panel_details_enabled);
    organisation.messages_to_care_allowed = Set(settings.messages_to_care_allowed);
    organisation.lockout_threshold = Set(settings.lockout_threshold);
    organisation.reset_link_minutes = Set(settings.reset_link_minutes);
    organisation.verification_code_minutes = Set(settings.verification_code_minutes);
    organisation.trusted_device_days = Set(settings.trusted_device_days);
    organisation.idle_timeout_minutes = Set(settings.idle_timeout_minutes);
    organisation.session_lifetime_hours = Set(settings.session_lifetime_hours);
    organisation.password_policy = Set(settings.password_policy);
    organisation.discharge_access_days = Set(settings.discharge_access_days);
    organisation.lockout_mode = Set(settings.lockout_mode);
    organisation.reset_mode = Set(settings.reset_mode);
    organisation.temporary_password_hours = Set(settings.temporary_password_hours);
    organisation.allowed_mobile_countries = Set(settings
        .allowed_mobile_countries
        .iter()
        .map(|code| code.trim().to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(","));
    let txn = crate::db::begin_write(db).await?;
    let saved = organisation.update(&txn).await?;
    let after = serde_json::to_value(settings_of(&saved)).map_err(anyhow::Error::from)?;
    let changed = changed_fields(&before, &after);
    if !changed.is_empty() {
        audit::record(
            &txn,
            &audit::Actor::user(admin, AccountKind::OrganisationAdmin.into(), origin),
            audit::Change::new(AuditAction::OrganisationSettingsChanged, changed.into()),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(settings_of(&saved))
}

/// The fields that differ, each as `{"before": …, "after": …}`.
fn changed_fields(
    before: &serde_json::Value,
    after: &serde_json::Value,
) -> serde_json::Map<String, serde_json::Value> {
    let (Some(before), Some(after)) = (before.as_object(), after.as_object()) else {
        return serde_json::Map::new();
    };
    after
        .iter()
        .filter(|(field, value)| before.get(*field) != Some(value))
        .map(|(field, value)| {
            (
                field.clone(),
                serde_json::json!({"before": before.get(field), "after": value}),
            )
        })
        .collect()
}

/// The organisation's client portals, by last name.
pub async fn clients(
    db: &DatabaseConnection,
    admin: &user::Model,
) -> Result<Vec<AdminClientSummary>, ApiError> {
    policy::require_organisation_admin(admin)?;
    let list = client::Entity::find()
        .filter(client::Column::OrganisationId.eq(admin.organisation_id))
        .order_by_asc(client::Column::LastName)
        .order_by_asc(client::Column::FirstName)
        .all(db)
        .await?;
    let mut summaries = Vec::with_capacity(list.len());
    for item in list {
        summaries.push(client_summary(db, &item).await?);
    }
    Ok(summaries)
}

async fn client_summary(
    db: &DatabaseConnection,
    item: &client::Model,
) -> Result<AdminClientSummary, ApiError> {
    let contacts = PaginatorTrait::count(
        client_contact::Entity::find().filter(client_contact::Column::ClientId.eq(item.id)),
        db,
    )
    .await?;
    let primary = client_contact::Entity::find()
        .filter(client_contact::Column::ClientId.eq(item.id))
        .filter(client_contact::Column::IsPrimaryContact.eq(true))
        .find_also_related(user::Entity)
        .one(db)
        .await?
        .and_then(|(_, person)| person)
        .map(|person| format!("{} {}", person.first_name, person.last_name));
    Ok(AdminClientSummary {
        id: item.id,
        first_name: item.first_name.clone(),
        last_name: item.last_name.clone(),
        birth_date: item.birth_date,
        external_id: item.external_id.clone(),
        discharged_on: item.discharged_on,
        primary_contact: primary,
        contacts: u32::try_from(contacts).unwrap_or(u32::MAX),
    })
}

/// The client of the admin's organisation, or 404.
async fn own_client(
    db: &DatabaseConnection,
    admin: &user::Model,
    client_id: Uuid,
) -> Result<client::Model, ApiError> {
    policy::require_organisation_admin(admin)?;
    client::Entity::find_by_id(client_id)
        .one(db)
        .await?
        .filter(|item| item.organisation_id == admin.organisation_id)
        .ok_or(ApiError::NotFound)
}

/// A new client portal: the client, the primary contact (portal administrator) and optionally
/// the client's own account, all invited at once; nothing is kept when any part is refused.
pub async fn create_client(
    db: &DatabaseConnection,
    public_url: &str,
    admin: &user::Model,
    request: &NewClientPortalRequest,
    origin: &ClientInfo,
) -> Result<(AdminClientSummary, InvitationChannel), ApiError> {
    policy::require_organisation_admin(admin)?;
    let organisation = organisation_of(db, admin).await?;
    let first_name = request.first_name.trim().to_owned();
    let last_name = request.last_name.trim().to_owned();
    let mut errors = Vec::new();
    for (field, value) in [("first_name", &first_name), ("last_name", &last_name)] {
        if let Err(code) = PersonName::parse(value) {
            errors.push(FieldError {
                field: field.to_owned(),
                code: code.to_owned(),
            });
        }
    }
    if request.primary_contact.relationship == Relationship::Client {
        errors.push(FieldError {
            field: "primary_contact.relationship".to_owned(),
            code: "invalid".to_owned(),
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    let created = client::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(organisation.id),
        external_id: Set(request
            .external_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)),
        first_name: Set(first_name.clone()),
        last_name: Set(last_name.clone()),
        birth_date: Set(request.birth_date),
        photo_url: Set(None),
        status: Set(client::ClientStatus::Active),
        discharged_on: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    let (link, person) = contacts::create_link(
        &txn,
        &organisation,
        created.id,
        &request.primary_contact,
        &Permission::ALL,
        true,
    )
    .await
    .map_err(|error| prefix_fields(error, "primary_contact"))?;
    let (channel, primary_mail) = contacts::invite_link(
        &txn,
        &link,
        &person,
        admin,
        &created,
        &organisation,
        public_url,
        origin,
    )
    .await?;
    let mut mails: Vec<_> = primary_mail.into_iter().collect();
    if let Some(account) = &request.client_account {
        let own = NewContactRequest {
            suggestion: None,
            existing_user_id: None,
            first_name: first_name.clone(),
            last_name: last_name.clone(),
            email: account.email.clone(),
            gender: account.gender,
            relationship: Relationship::Client,
            mobile: account.mobile.clone(),
        };
        let (link, person) = contacts::create_link(
            &txn,
            &organisation,
            created.id,
            &own,
            &[
                Permission::Messages,
                Permission::Agenda,
                Permission::Dossier,
                Permission::Details,
            ],
            false,
        )
        .await
        .map_err(|error| prefix_fields(error, "client_account"))?;
        let (_, mail) = contacts::invite_link(
            &txn,
            &link,
            &person,
            admin,
            &created,
            &organisation,
            public_url,
            origin,
        )
        .await?;
        mails.extend(mail);
    }
    for mail in &mails {
        crate::services::outbox::enqueue(&txn, Some(organisation.id), "invitation", mail).await?;
    }
    txn.commit().await?;
    Ok((client_summary(db, &created).await?, channel))
}

/// Field errors of a nested part named `part.field`.
fn prefix_fields(error: ApiError, part: &str) -> ApiError {
    match error {
        ApiError::Validation(errors) => ApiError::Validation(
            errors
                .into_iter()
                .map(|error| FieldError {
                    field: format!("{part}.{}", error.field),
                    code: error.code,
                })
                .collect(),
        ),
        other => other,
    }
}

/// The client's contacts, for choosing a primary contact.
pub async fn client_contacts(
    db: &DatabaseConnection,
    admin: &user::Model,
    client_id: Uuid,
) -> Result<Vec<ContactRow>, ApiError> {
    own_client(db, admin, client_id).await?;
    contacts::rows_of(db, admin, client_id).await
}

/// Appoints another contact as primary contact; they also get *Instellingen*.
pub async fn set_primary_contact(
    db: &DatabaseConnection,
    admin: &user::Model,
    client_id: Uuid,
    contact_id: Uuid,
    origin: &ClientInfo,
) -> Result<AdminClientSummary, ApiError> {
    let item = own_client(db, admin, client_id).await?;
    let txn = crate::db::begin_write(db).await?;
    let (link, person) = contacts::link_of(&txn, client_id, contact_id).await?;
    client_contact::Entity::update_many()
        .col_expr(client_contact::Column::IsPrimaryContact, Expr::value(false))
        .filter(client_contact::Column::ClientId.eq(client_id))
        .exec(&txn)
        .await?;
    client_contact::Entity::update_many()
        .col_expr(client_contact::Column::IsPrimaryContact, Expr::value(true))
        .col_expr(client_contact::Column::PermSettings, Expr::value(true))
        .filter(client_contact::Column::Id.eq(link.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        &audit::Actor::user(admin, AccountKind::OrganisationAdmin.into(), origin),
        audit::Change::new(
            AuditAction::PrimaryContactAppointed,
            serde_json::json!({"relationship": link.relationship}),
        )
        .client(client_id)
        .target(&person),
    )
    .await?;
    txn.commit().await?;
    client_summary(db, &item).await
}

/// Marks the client discharged on a day (or undoes it). Access ends the organisation's number
/// of days after it; until then the start screen says so.
pub async fn discharge(
    db: &DatabaseConnection,
    admin: &user::Model,
    client_id: Uuid,
    request: &DischargeRequest,
    origin: &ClientInfo,
) -> Result<AdminClientSummary, ApiError> {
    let item = own_client(db, admin, client_id).await?;
    let before = item.discharged_on;
    let mut active = item.into_active_model();
    active.discharged_on = Set(request.discharged_on);
    active.status = Set(if request.discharged_on.is_some() {
        client::ClientStatus::Discharged
    } else {
        client::ClientStatus::Active
    });
    let txn = crate::db::begin_write(db).await?;
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        &audit::Actor::user(admin, AccountKind::OrganisationAdmin.into(), origin),
        audit::Change::new(
            AuditAction::DischargeDateSet,
            serde_json::json!({"before": before, "after": request.discharged_on}),
        )
        .client(client_id),
    )
    .await?;
    txn.commit().await?;
    client_summary(db, &saved).await
}

/// The organisation's care workers with their care teams, by last name.
pub async fn care_workers(
    db: &DatabaseConnection,
    admin: &user::Model,
) -> Result<Vec<CareWorkerSummary>, ApiError> {
    policy::require_organisation_admin(admin)?;
    let workers = user::Entity::find()
        .filter(user::Column::OrganisationId.eq(admin.organisation_id))
        .filter(user::Column::Kind.eq(AccountKind::CareWorker))
        .order_by_asc(user::Column::LastName)
        .order_by_asc(user::Column::FirstName)
        .all(db)
        .await?;
    let mut list = Vec::with_capacity(workers.len());
    for worker in workers {
        let places = care_team_member::Entity::find()
            .filter(care_team_member::Column::CareWorkerId.eq(worker.id))
            .all(db)
            .await?;
        let mut teams = Vec::with_capacity(places.len());
        for place in places {
            if let Some(item) = client::Entity::find_by_id(place.client_id).one(db).await? {
                teams.push(CareTeamPlace {
                    client_id: item.id,
                    client_name: format!("{} {}", item.first_name, item.last_name),
                    care_role: place.care_role,
                });
            }
        }
        teams.sort_by(|a, b| a.client_name.cmp(&b.client_name));
        list.push(CareWorkerSummary {
            id: worker.id,
            first_name: worker.first_name,
            last_name: worker.last_name,
            email: worker.email,
            teams,
        });
    }
    Ok(list)
}

/// A care worker account, invited with a temporary password by e-mail.
pub async fn create_care_worker(
    db: &DatabaseConnection,
    admin: &user::Model,
    request: &NewCareWorkerRequest,
    origin: &ClientInfo,
) -> Result<CareWorkerSummary, ApiError> {
    policy::require_organisation_admin(admin)?;
    let organisation = organisation_of(db, admin).await?;
    let as_contact = NewContactRequest {
        suggestion: None,
        existing_user_id: None,
        first_name: request.first_name.clone(),
        last_name: request.last_name.clone(),
        email: request.email.clone(),
        gender: request.gender,
        relationship: Relationship::Other,
        mobile: request.mobile.clone(),
    };
    let txn = crate::db::begin_write(db).await?;
    let worker =
        contacts::new_person(&txn, &organisation, &as_contact, AccountKind::CareWorker).await?;
    txn.commit().await?;
    crate::services::auth::issue_temporary_password(db, admin, worker.id, origin).await?;
    Ok(CareWorkerSummary {
        id: worker.id,
        first_name: worker.first_name,
        last_name: worker.last_name,
        email: worker.email,
        teams: Vec::new(),
    })
}

/// The care worker of the admin's organisation, or 404.
async fn own_care_worker(
    db: &DatabaseConnection,
    admin: &user::Model,
    care_worker_id: Uuid,
) -> Result<user::Model, ApiError> {
    user::Entity::find_by_id(care_worker_id)
        .one(db)
        .await?
        .filter(|worker| {
            worker.organisation_id == admin.organisation_id
                && worker.kind == AccountKind::CareWorker
        })
        .ok_or(ApiError::NotFound)
}

/// Puts a care worker in a client's care team with `role`, or changes the role.
pub async fn set_care_team_member(
    db: &DatabaseConnection,
    admin: &user::Model,
    client_id: Uuid,
    care_worker_id: Uuid,
    role: CareRole,
) -> Result<(), ApiError> {
    own_client(db, admin, client_id).await?;
    own_care_worker(db, admin, care_worker_id).await?;
    let txn = crate::db::begin_write(db).await?;
    care_team_member::Entity::delete_many()
        .filter(care_team_member::Column::ClientId.eq(client_id))
        .filter(care_team_member::Column::CareWorkerId.eq(care_worker_id))
        .exec(&txn)
        .await?;
    care_team_member::ActiveModel {
        id: Set(Uuid::new_v4()),
        client_id: Set(client_id),
        care_worker_id: Set(care_worker_id),
        care_role: Set(role),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Takes a care worker out of a client's care team.
pub async fn remove_care_team_member(
    db: &DatabaseConnection,
    admin: &user::Model,
    client_id: Uuid,
    care_worker_id: Uuid,
) -> Result<(), ApiError> {
    own_client(db, admin, client_id).await?;
    own_care_worker(db, admin, care_worker_id).await?;
    let removed = care_team_member::Entity::delete_many()
        .filter(care_team_member::Column::ClientId.eq(client_id))
        .filter(care_team_member::Column::CareWorkerId.eq(care_worker_id))
        .exec(db)
        .await?;
    if removed.rows_affected == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contrast_ratio_follows_wcag() {
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 0.01);
        assert!((contrast((0x1d, 0x5b, 0x79), (0xf6, 0xf5, 0xf1)) - 6.8).abs() < 0.2);
        assert!(contrast((0xff, 0xcc, 0x00), (0xf6, 0xf5, 0xf1)) < 4.5);
    }

    #[test]
    fn colours_are_six_hex_digits() {
        assert_eq!(parse_colour("#1D5B79"), Some((0x1d, 0x5b, 0x79)));
        assert_eq!(parse_colour("1d5b79"), None);
        assert_eq!(parse_colour("#1d5b7"), None);
        assert_eq!(parse_colour("#1d5b7g"), None);
    }
}
