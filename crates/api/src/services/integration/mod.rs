//! The integration API's rules: idempotent upserts keyed by the ECD's own ids, deletes and
//! retractions, and batches. Every single endpoint and every batch item goes through `apply`
//! on one `Operation`, and so does the demo data: there is one code path for ECD data.
//!
//! An upsert that changes nothing answers `unchanged` and tells nobody; a new or changed
//! dossier entry is published to open pages after its transaction commits; a care plan version
//! not seen before notifies everyone with the Dossier permission.

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::Utc;
use kring_shared::{
    contacts::InvitationState,
    dossier::{DossierEvent, DossierKind, EntryChange},
    integration::{
        AppointmentUpsert, BatchAction, BatchItem, BatchResponse, BatchResult, CarePlanUpsert,
        CareTeamUpsert, CareWorkerUpsert, ClientUpsert, QuestionnaireUpsert, ReportUpsert,
        Resource, Scope, UpsertOutcome, UpsertResult,
    },
    me::AccountKind,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, TransactionTrait,
};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::{
    domain::{EmailAddress, MobileNumber},
    entities::{
        care_appointment, care_team_member, client, client_contact, client_detail, dossier_entry,
        organisation, user,
    },
    error::ApiError,
    events::EventBus,
    mail::{Email, Paragraph},
    messages,
    services::media::{ClientPhotos, MediaStore, SentPhoto},
    services::{
        contacts::{self, NewAccount},
        dossier::whole_seconds,
        home::panel_enabled,
        notifications::{self, NewNotification},
    },
    validation::Checks,
};

mod appointments;
mod care_workers;
mod clients;
mod entries;

use appointments::{remove_appointment, upsert_appointment};
use care_workers::{remove_care_team, remove_care_worker, upsert_care_team, upsert_care_worker};
use clients::upsert_client;
pub use entries::{EntryValues, upsert_entry};
use entries::{care_plan_values, questionnaire_values, report_values, retract_entry};

/// The most items one batch may hold.
pub const MAX_BATCH: usize = 1000;
/// The largest photo, decoded.
pub const MAX_PHOTO_BYTES: usize = 512 * 1024;

/// One change the ECD asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    Client {
        id: String,
        data: ClientUpsert,
    },
    CareWorker {
        id: String,
        data: CareWorkerUpsert,
    },
    RemoveCareWorker {
        id: String,
    },
    CareTeam {
        client_id: String,
        care_worker_id: String,
        data: CareTeamUpsert,
    },
    RemoveCareTeam {
        client_id: String,
        care_worker_id: String,
    },
    Report {
        client_id: String,
        id: String,
        data: ReportUpsert,
    },
    Questionnaire {
        client_id: String,
        id: String,
        data: QuestionnaireUpsert,
    },
    CarePlan {
        client_id: String,
        id: String,
        data: CarePlanUpsert,
    },
    /// Retracts a report, questionnaire response or care plan version.
    Retract {
        client_id: String,
        kind: DossierKind,
        id: String,
    },
    Appointment {
        client_id: String,
        id: String,
        data: AppointmentUpsert,
    },
    RemoveAppointment {
        client_id: String,
        id: String,
    },
}

impl Operation {
    /// The scope an API key needs for this operation.
    pub fn scope(&self) -> Scope {
        match self {
            Operation::Client { .. }
            | Operation::CareWorker { .. }
            | Operation::RemoveCareWorker { .. }
            | Operation::CareTeam { .. }
            | Operation::RemoveCareTeam { .. } => Scope::ClientsWrite,
            _ => Scope::DossierWrite,
        }
    }

    /// Reads a batch item: the same shapes as the single endpoints.
    pub fn from_item(item: BatchItem) -> Result<Operation, ApiError> {
        let id = item.id;
        let client = || {
            item.client_id
                .clone()
                .ok_or_else(|| ApiError::invalid("client_id", "required"))
        };
        let data = item.data;
        fn body<T: DeserializeOwned>(data: Option<serde_json::Value>) -> Result<T, ApiError> {
            let value = data.ok_or_else(|| ApiError::invalid("data", "required"))?;
            crate::validation::typed(value, "data.")
        }
        Ok(match (item.action, item.resource) {
            (BatchAction::Upsert, Resource::Client) => Operation::Client {
                id,
                data: body(data)?,
            },
            (BatchAction::Delete, Resource::Client) => {
                return Err(ApiError::invalid("action", "not_supported"));
            }
            (BatchAction::Upsert, Resource::CareWorker) => Operation::CareWorker {
                id,
                data: body(data)?,
            },
            (BatchAction::Delete, Resource::CareWorker) => Operation::RemoveCareWorker { id },
            (BatchAction::Upsert, Resource::CareTeamMember) => Operation::CareTeam {
                client_id: client()?,
                care_worker_id: id,
                data: body(data)?,
            },
            (BatchAction::Delete, Resource::CareTeamMember) => Operation::RemoveCareTeam {
                client_id: client()?,
                care_worker_id: id,
            },
            (BatchAction::Upsert, Resource::Report) => Operation::Report {
                client_id: client()?,
                id,
                data: body(data)?,
            },
            (BatchAction::Upsert, Resource::Questionnaire) => Operation::Questionnaire {
                client_id: client()?,
                id,
                data: body(data)?,
            },
            (BatchAction::Upsert, Resource::CarePlan) => Operation::CarePlan {
                client_id: client()?,
                id,
                data: body(data)?,
            },
            (BatchAction::Delete, Resource::Report) => Operation::Retract {
                client_id: client()?,
                kind: DossierKind::Report,
                id,
            },
            (BatchAction::Delete, Resource::Questionnaire) => Operation::Retract {
                client_id: client()?,
                kind: DossierKind::Questionnaire,
                id,
            },
            (BatchAction::Delete, Resource::CarePlan) => Operation::Retract {
                client_id: client()?,
                kind: DossierKind::CarePlan,
                id,
            },
            (BatchAction::Upsert, Resource::Appointment) => Operation::Appointment {
                client_id: client()?,
                id,
                data: body(data)?,
            },
            (BatchAction::Delete, Resource::Appointment) => Operation::RemoveAppointment {
                client_id: client()?,
                id,
            },
        })
    }
}

/// The client photos among `operations` (by place), as bytes or the code they are refused
/// with, for `ClientPhotos::prepare`.
fn client_photos<'a>(
    operations: impl IntoIterator<Item = (usize, &'a Operation)>,
) -> Vec<SentPhoto> {
    operations
        .into_iter()
        .filter_map(|(index, operation)| match operation {
            Operation::Client { id, data } => data
                .photo
                .as_deref()
                .filter(|photo| !photo.trim().is_empty())
                .map(|photo| SentPhoto {
                    index,
                    external_id: id.clone(),
                    bytes: clients::photo_bytes(photo),
                }),
            _ => None,
        })
        .collect()
}

/// Applies one operation in its own transaction and publishes what changed.
pub async fn apply(
    db: &DatabaseConnection,
    bus: &EventBus,
    media: &MediaStore,
    organisation: &organisation::Model,
    scopes: &[Scope],
    operation: &Operation,
) -> Result<UpsertOutcome, ApiError> {
    let mut events = Vec::new();
    let mut photos =
        ClientPhotos::prepare(db, media, organisation.id, client_photos([(0, operation)])).await?;
    photos.select(0);
    let txn = crate::db::begin_write(db).await?;
    let outcome = apply_in(
        &txn,
        &mut photos,
        organisation,
        scopes,
        operation,
        &mut events,
    )
    .await?;
    txn.commit().await?;
    photos.done().await;
    for event in events {
        bus.publish(event);
    }
    Ok(outcome)
}

/// Applies up to `MAX_BATCH` items in order in one transaction, each in its own savepoint: a
/// bad item is reported and rolled back, and loses nothing else.
pub async fn batch(
    db: &DatabaseConnection,
    bus: &EventBus,
    media: &MediaStore,
    organisation: &organisation::Model,
    scopes: &[Scope],
    items: Vec<BatchItem>,
) -> Result<BatchResponse, ApiError> {
    if items.is_empty() {
        return Err(ApiError::invalid("items", "required"));
    }
    if items.len() > MAX_BATCH {
        return Err(ApiError::invalid("items", "too_many"));
    }
    let mut events = Vec::new();
    let mut results = Vec::with_capacity(items.len());
    let operations: Vec<Result<Operation, ApiError>> =
        items.into_iter().map(Operation::from_item).collect();
    let mut photos = ClientPhotos::prepare(
        db,
        media,
        organisation.id,
        client_photos(
            operations
                .iter()
                .enumerate()
                .filter_map(|(index, operation)| Some((index, operation.as_ref().ok()?))),
        ),
    )
    .await?;
    let txn = crate::db::begin_write(db).await?;
    for (index, operation) in operations.into_iter().enumerate() {
        let result = match operation {
            Ok(operation) => {
                let savepoint = txn.begin().await?;
                let mut item_events = Vec::new();
                let replaced = photos.replaced.len();
                photos.select(index);
                match apply_in(
                    &savepoint,
                    &mut photos,
                    organisation,
                    scopes,
                    &operation,
                    &mut item_events,
                )
                .await
                {
                    Ok(outcome) => {
                        savepoint.commit().await?;
                        events.append(&mut item_events);
                        Ok(outcome)
                    }
                    Err(error) => {
                        savepoint.rollback().await?;
                        // Its replaced photos were not replaced after all.
                        photos.replaced.truncate(replaced);
                        Err(error)
                    }
                }
            }
            Err(error) => Err(error),
        };
        results.push(match result {
            Ok(outcome) => BatchResult {
                index,
                status: if outcome.result == UpsertResult::Created {
                    201
                } else {
                    200
                },
                outcome: Some(outcome),
                problem: None,
            },
            Err(ApiError::Internal(error)) => return Err(ApiError::Internal(error)),
            Err(error) => {
                let problem = error.problem();
                BatchResult {
                    index,
                    status: problem.status,
                    outcome: None,
                    problem: Some(problem),
                }
            }
        });
    }
    txn.commit().await?;
    photos.done().await;
    for event in events {
        bus.publish(event);
    }
    let failed = results
        .iter()
        .filter(|result| result.problem.is_some())
        .count();
    Ok(BatchResponse {
        succeeded: results.len() - failed,
        failed,
        results,
    })
}

/// Applies one operation on `txn`, adding the events to publish after commit.
/// `photos` holds the operation's client photo, decoded before the transaction (the demo
/// sends none: `ClientPhotos::default()`).
pub async fn apply_in(
    txn: &impl ConnectionTrait,
    photos: &mut ClientPhotos,
    organisation: &organisation::Model,
    scopes: &[Scope],
    operation: &Operation,
    events: &mut Vec<crate::events::LiveEvent>,
) -> Result<UpsertOutcome, ApiError> {
    let scope = operation.scope();
    if !scopes.contains(&scope) {
        return Err(ApiError::Forbidden(format!(
            "This API key does not have the `{}` scope.",
            scope.as_str()
        )));
    }
    match operation {
        Operation::Client { id, data } => upsert_client(txn, photos, organisation, id, data).await,
        Operation::CareWorker { id, data } => upsert_care_worker(txn, organisation, id, data).await,
        Operation::RemoveCareWorker { id } => remove_care_worker(txn, organisation, id).await,
        Operation::CareTeam {
            client_id,
            care_worker_id,
            data,
        } => upsert_care_team(txn, organisation, client_id, care_worker_id, data).await,
        Operation::RemoveCareTeam {
            client_id,
            care_worker_id,
        } => remove_care_team(txn, organisation, client_id, care_worker_id).await,
        Operation::Report {
            client_id,
            id,
            data,
        } => {
            let values = report_values(data)?;
            upsert_entry(txn, organisation, client_id, id, values, events).await
        }
        Operation::Questionnaire {
            client_id,
            id,
            data,
        } => {
            let values = questionnaire_values(data)?;
            upsert_entry(txn, organisation, client_id, id, values, events).await
        }
        Operation::CarePlan {
            client_id,
            id,
            data,
        } => {
            let values = care_plan_values(data)?;
            upsert_entry(txn, organisation, client_id, id, values, events).await
        }
        Operation::Retract {
            client_id,
            kind,
            id,
        } => retract_entry(txn, organisation, client_id, *kind, id, events).await,
        Operation::Appointment {
            client_id,
            id,
            data,
        } => upsert_appointment(txn, organisation, client_id, id, data, events).await,
        Operation::RemoveAppointment { client_id, id } => {
            remove_appointment(txn, organisation, client_id, id, events).await
        }
    }
}

pub(super) fn outcome(id: Uuid, external_id: &str, result: UpsertResult) -> UpsertOutcome {
    UpsertOutcome {
        id,
        external_id: external_id.to_owned(),
        result,
    }
}

/// The client with this ECD id, or 404 naming it.
pub(super) async fn client_by_external_id(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    external_id: &str,
) -> Result<client::Model, ApiError> {
    client::Entity::find()
        .filter(client::Column::OrganisationId.eq(organisation.id))
        .filter(client::Column::ExternalId.eq(external_id))
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::invalid("client_id", "unknown_client"))
}

pub(super) async fn care_worker_by_external_id(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    field: &str,
    external_id: &str,
) -> Result<user::Model, ApiError> {
    user::Entity::find()
        .filter(user::Column::OrganisationId.eq(organisation.id))
        .filter(user::Column::ExternalId.eq(external_id))
        .filter(user::Column::Kind.eq(AccountKind::CareWorker))
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::invalid(field, "unknown_care_worker"))
}

#[cfg(test)]
mod tests {
    use super::{clients::photo_bytes, *};

    fn item(value: serde_json::Value) -> BatchItem {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn batch_items_name_the_bad_field() {
        let error = Operation::from_item(item(serde_json::json!({
            "action": "upsert", "resource": "report", "client_id": "C1", "id": "R1",
            "data": {"category": "Dag", "author": "A", "written_at": "yesterday", "text": "x"}
        })))
        .unwrap_err();
        match error {
            ApiError::Validation(errors) => assert_eq!(errors[0].field, "data.written_at"),
            other => panic!("unexpected {other:?}"),
        }
        let error = Operation::from_item(item(serde_json::json!({
            "action": "upsert", "resource": "report", "id": "R1", "data": {}
        })))
        .unwrap_err();
        assert!(matches!(error, ApiError::Validation(errors) if errors[0].field == "client_id"));
    }

    #[test]
    fn photos_must_be_small_base64() {
        let png = STANDARD.encode(b"\x89PNG\r\n\x1a\nrest");
        assert!(photo_bytes(&png).is_ok());
        assert_eq!(photo_bytes("%%%"), Err("invalid_base64"));
        let big = STANDARD.encode(vec![0u8; MAX_PHOTO_BYTES + 1]);
        assert_eq!(photo_bytes(&big), Err("too_large"));
        // Refused by its length, before it is decoded.
        assert_eq!(
            photo_bytes(&"%".repeat(MAX_PHOTO_BYTES * 2)),
            Err("too_large")
        );
    }
}
