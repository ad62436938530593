//! Care appointments (the *Agenda*'s ECD side).

use super::*;
use crate::events::LiveEvent;

pub(super) async fn upsert_appointment(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    client_external_id: &str,
    external_id: &str,
    data: &AppointmentUpsert,
    events: &mut Vec<LiveEvent>,
) -> Result<UpsertOutcome, ApiError> {
    let mut checks = Checks::default();
    checks.id("id", external_id);
    let title = checks.text("title", &data.title, 200);
    let location = checks.optional("location", data.location.as_deref(), 200);
    let description = checks.optional("description", data.description.as_deref(), 4000);
    if data.ends_at <= data.starts_at {
        checks.fail("ends_at", "not_after_starts_at");
    } else if (data.ends_at - data.starts_at).num_days() >= crate::services::agenda::MAX_LENGTH_DAYS
    {
        checks.fail("ends_at", "too_long");
    }
    checks.done()?;
    let client = client_by_external_id(txn, organisation, client_external_id).await?;
    let care_worker_id = match data.care_worker_id.as_deref() {
        Some(worker) => Some(
            care_worker_by_external_id(txn, organisation, "care_worker_id", worker)
                .await?
                .id,
        ),
        None => None,
    };
    let starts_at = whole_seconds(data.starts_at);
    let ends_at = whole_seconds(data.ends_at);
    let existing = care_appointment::Entity::find()
        .filter(care_appointment::Column::OrganisationId.eq(organisation.id))
        .filter(care_appointment::Column::ExternalId.eq(external_id))
        .one(txn)
        .await?;
    let now = Utc::now();
    match existing {
        Some(found) if found.client_id != client.id => {
            Err(ApiError::invalid("id", "belongs_to_another_client"))
        }
        Some(found) => {
            let same = found.retracted_at.is_none()
                && found.title == title
                && found.starts_at == starts_at
                && found.ends_at == ends_at
                && found.location == location
                && found.description == description
                && found.care_worker_id == care_worker_id;
            let id = found.id;
            if same {
                return Ok(outcome(id, external_id, UpsertResult::Unchanged));
            }
            events.push(LiveEvent::agenda(client.id));
            let mut active: care_appointment::ActiveModel = found.into();
            active.title = Set(title);
            active.starts_at = Set(starts_at);
            active.ends_at = Set(ends_at);
            active.location = Set(location);
            active.description = Set(description);
            active.care_worker_id = Set(care_worker_id);
            active.updated_at = Set(now);
            active.retracted_at = Set(None);
            active.update(txn).await?;
            Ok(outcome(id, external_id, UpsertResult::Updated))
        }
        None => {
            events.push(LiveEvent::agenda(client.id));
            let created = care_appointment::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(organisation.id),
                client_id: Set(client.id),
                external_id: Set(external_id.to_owned()),
                title: Set(title),
                starts_at: Set(starts_at),
                ends_at: Set(ends_at),
                location: Set(location),
                description: Set(description),
                care_worker_id: Set(care_worker_id),
                created_at: Set(now),
                updated_at: Set(now),
                retracted_at: Set(None),
            }
            .insert(txn)
            .await?;
            Ok(outcome(created.id, external_id, UpsertResult::Created))
        }
    }
}

pub(super) async fn remove_appointment(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    client_external_id: &str,
    external_id: &str,
    events: &mut Vec<LiveEvent>,
) -> Result<UpsertOutcome, ApiError> {
    let client = client_by_external_id(txn, organisation, client_external_id)
        .await
        .map_err(|_| ApiError::NotFound)?;
    let found = care_appointment::Entity::find()
        .filter(care_appointment::Column::ClientId.eq(client.id))
        .filter(care_appointment::Column::ExternalId.eq(external_id))
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let id = found.id;
    if found.retracted_at.is_none() {
        let mut active: care_appointment::ActiveModel = found.into();
        active.retracted_at = Set(Some(Utc::now()));
        active.update(txn).await?;
        events.push(LiveEvent::agenda(client.id));
    }
    Ok(outcome(id, external_id, UpsertResult::Removed))
}
