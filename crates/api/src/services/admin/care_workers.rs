//! Care workers and the care teams they are in, as the administrator manages them.

use super::*;

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
pub(super) async fn own_care_worker(
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
