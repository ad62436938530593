//! Client portals: the list, a new portal with its first contact, the first contact, and
//! the discharge date.

use super::*;

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

pub(super) async fn client_summary(
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
pub(super) async fn own_client(
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
    let mut checks = Checks::default();
    checks.parse("first_name", PersonName::parse(&first_name));
    checks.parse("last_name", PersonName::parse(&last_name));
    if request.primary_contact.relationship == Relationship::Client {
        checks.fail("primary_contact.relationship", "invalid");
    }
    checks.done()?;
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
        photo_media_id: Set(None),
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
        crate::services::outbox::enqueue(
            &txn,
            Some(organisation.id),
            kring_shared::admin::MailPurpose::Invitation,
            mail,
        )
        .await?;
    }
    txn.commit().await?;
    Ok((client_summary(db, &created).await?, channel))
}

/// Field errors of a nested part named `part.field`.
pub(super) fn prefix_fields(error: ApiError, part: &str) -> ApiError {
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
