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
    FieldError,
    dossier::{DossierEvent, DossierKind, EntryChange},
    integration::{
        AppointmentUpsert, BatchAction, BatchItem, BatchResponse, BatchResult, CarePlanUpsert,
        CareTeamUpsert, CareWorkerUpsert, ClientUpsert, QuestionnaireUpsert, ReportUpsert,
        Resource, Scope, UpsertOutcome, UpsertResult,
    },
    me::Language,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, TransactionTrait,
};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::{
    entities::{
        care_appointment, care_team_member, client, client_contact, client_detail, dossier_entry,
        organisation, user,
    },
    error::ApiError,
    events::EventBus,
    mail::{Email, Paragraph},
    services::{
        auth::normalise_email,
        contacts::{self, NewAccount},
        dossier::whole_seconds,
        home::panel_enabled,
        notifications::{self, NewNotification},
        phone::normalise_mobile,
        policy::ACCEPTED,
    },
};

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
            serde_path_to_error::deserialize(value).map_err(|error| {
                let path = error.path().to_string();
                let field = if path == "." {
                    "data".to_owned()
                } else {
                    format!("data.{path}")
                };
                ApiError::Validation(vec![FieldError {
                    field,
                    code: "invalid".to_owned(),
                }])
            })
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

/// Collects field errors and fails with all of them at once.
#[derive(Default)]
struct Checks(Vec<FieldError>);

impl Checks {
    fn fail(&mut self, field: impl Into<String>, code: &str) {
        self.0.push(FieldError {
            field: field.into(),
            code: code.to_owned(),
        });
    }

    /// A required text of at most `max` characters; returns it trimmed.
    fn text(&mut self, field: impl Into<String>, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.fail(field, "required");
        } else if value.chars().count() > max {
            self.fail(field, "too_long");
        }
        value.to_owned()
    }

    /// An optional text: blank becomes `None`.
    fn optional(
        &mut self,
        field: impl Into<String>,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        let value = value.map(str::trim).filter(|value| !value.is_empty())?;
        if value.chars().count() > max {
            self.fail(field, "too_long");
        }
        Some(value.to_owned())
    }

    fn id(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.fail(field, "required");
        } else if value.chars().count() > 100 || value.chars().any(char::is_control) {
            self.fail(field, "invalid");
        }
    }

    fn done(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

/// Applies one operation in its own transaction and publishes what changed.
pub async fn apply(
    db: &DatabaseConnection,
    bus: &EventBus,
    organisation: &organisation::Model,
    scopes: &[Scope],
    operation: &Operation,
) -> Result<UpsertOutcome, ApiError> {
    let mut events = Vec::new();
    let txn = crate::db::begin_write(db).await?;
    let outcome = apply_in(&txn, organisation, scopes, operation, &mut events).await?;
    txn.commit().await?;
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
    let txn = crate::db::begin_write(db).await?;
    for (index, item) in items.into_iter().enumerate() {
        let result = match Operation::from_item(item) {
            Ok(operation) => {
                let savepoint = txn.begin().await?;
                let mut item_events = Vec::new();
                match apply_in(
                    &savepoint,
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
pub async fn apply_in(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    scopes: &[Scope],
    operation: &Operation,
    events: &mut Vec<DossierEvent>,
) -> Result<UpsertOutcome, ApiError> {
    let scope = operation.scope();
    if !scopes.contains(&scope) {
        return Err(ApiError::Forbidden(format!(
            "This API key does not have the `{}` scope.",
            scope.as_str()
        )));
    }
    match operation {
        Operation::Client { id, data } => upsert_client(txn, organisation, id, data).await,
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
        } => upsert_appointment(txn, organisation, client_id, id, data).await,
        Operation::RemoveAppointment { client_id, id } => {
            remove_appointment(txn, organisation, client_id, id).await
        }
    }
}

fn outcome(id: Uuid, external_id: &str, result: UpsertResult) -> UpsertOutcome {
    UpsertOutcome {
        id,
        external_id: external_id.to_owned(),
        result,
    }
}

/// The client with this ECD id, or 404 naming it.
async fn client_by_external_id(
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

async fn care_worker_by_external_id(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    field: &str,
    external_id: &str,
) -> Result<user::Model, ApiError> {
    user::Entity::find()
        .filter(user::Column::OrganisationId.eq(organisation.id))
        .filter(user::Column::ExternalId.eq(external_id))
        .filter(user::Column::Kind.eq("care_worker"))
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::invalid(field, "unknown_care_worker"))
}

/// A base64 JPEG or PNG of at most `MAX_PHOTO_BYTES`, as a `data:` URL.
fn photo_url(checks: &mut Checks, photo: &str) -> Option<String> {
    let Ok(bytes) = STANDARD.decode(photo.trim()) else {
        checks.fail("photo", "invalid_base64");
        return None;
    };
    if bytes.len() > MAX_PHOTO_BYTES {
        checks.fail("photo", "too_large");
        return None;
    }
    let media_type = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else {
        checks.fail("photo", "unsupported_format");
        return None;
    };
    Some(format!(
        "data:{media_type};base64,{}",
        STANDARD.encode(bytes)
    ))
}

async fn upsert_client(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    external_id: &str,
    data: &ClientUpsert,
) -> Result<UpsertOutcome, ApiError> {
    let mut checks = Checks::default();
    checks.id("id", external_id);
    let first_name = checks.text("first_name", &data.first_name, 100);
    let last_name = checks.text("last_name", &data.last_name, 100);
    if data
        .birth_date
        .is_some_and(|date| date > Utc::now().date_naive())
    {
        checks.fail("birth_date", "in_future");
    }
    let photo = match data.photo.as_deref() {
        None => None,
        Some(raw) if raw.trim().is_empty() => Some(None),
        Some(raw) => Some(photo_url(&mut checks, raw)),
    };
    let gp_name = data
        .gp
        .as_ref()
        .map(|gp| checks.text("gp.name", &gp.name, 200));
    let gp_phone = data
        .gp
        .as_ref()
        .and_then(|gp| checks.optional("gp.phone", gp.phone.as_deref(), 40));
    let pharmacy_name = data
        .pharmacy
        .as_ref()
        .map(|pharmacy| checks.text("pharmacy.name", &pharmacy.name, 200));
    let pharmacy_phone = data
        .pharmacy
        .as_ref()
        .and_then(|pharmacy| checks.optional("pharmacy.phone", pharmacy.phone.as_deref(), 40));
    let insurer = data
        .insurance
        .as_ref()
        .map(|insurance| checks.text("insurance.insurer", &insurance.insurer, 200));
    let insurance_number = data.insurance.as_ref().and_then(|insurance| {
        checks.optional(
            "insurance.policy_number",
            insurance.policy_number.as_deref(),
            60,
        )
    });
    checks.done()?;
    let now = Utc::now();
    let existing = client::Entity::find()
        .filter(client::Column::OrganisationId.eq(organisation.id))
        .filter(client::Column::ExternalId.eq(external_id))
        .one(txn)
        .await?;
    let (client_id, mut result) = match existing {
        Some(found) => {
            let photo_url = photo.clone().unwrap_or_else(|| found.photo_url.clone());
            let same = found.first_name == first_name
                && found.last_name == last_name
                && found.birth_date == data.birth_date
                && found.photo_url == photo_url
                && found.discharged_on == data.discharged_on;
            let id = found.id;
            if !same {
                let mut active: client::ActiveModel = found.into();
                active.first_name = Set(first_name);
                active.last_name = Set(last_name);
                active.birth_date = Set(data.birth_date);
                active.photo_url = Set(photo_url);
                active.discharged_on = Set(data.discharged_on);
                active.update(txn).await?;
            }
            (
                id,
                if same {
                    UpsertResult::Unchanged
                } else {
                    UpsertResult::Updated
                },
            )
        }
        None => {
            let created = client::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(organisation.id),
                external_id: Set(Some(external_id.to_owned())),
                first_name: Set(first_name),
                last_name: Set(last_name),
                birth_date: Set(data.birth_date),
                photo_url: Set(photo.flatten()),
                status: Set("active".to_owned()),
                discharged_on: Set(data.discharged_on),
                created_at: Set(now),
            }
            .insert(txn)
            .await?;
            (created.id, UpsertResult::Created)
        }
    };
    let details = client_detail::Model {
        client_id,
        gp_name,
        gp_phone,
        pharmacy_name,
        pharmacy_phone,
        insurer,
        insurance_number,
        updated_at: now,
    };
    let stored = client_detail::Entity::find_by_id(client_id)
        .one(txn)
        .await?;
    let same_details = stored.as_ref().is_some_and(|stored| {
        client_detail::Model {
            updated_at: now,
            ..stored.clone()
        } == details
    });
    if !same_details {
        let mut active: client_detail::ActiveModel = details.into();
        if stored.is_some() {
            active = active.reset_all();
            active.update(txn).await?;
        } else {
            active.insert(txn).await?;
        }
        if result == UpsertResult::Unchanged {
            result = UpsertResult::Updated;
        }
    }
    Ok(outcome(client_id, external_id, result))
}

async fn upsert_care_worker(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    external_id: &str,
    data: &CareWorkerUpsert,
) -> Result<UpsertOutcome, ApiError> {
    let mut checks = Checks::default();
    checks.id("id", external_id);
    let first_name = checks.text("first_name", &data.first_name, 100);
    let last_name = checks.text("last_name", &data.last_name, 100);
    let email = normalise_email(&data.email).unwrap_or_else(|code| {
        checks.fail("email", code);
        String::new()
    });
    let mobile = match data.mobile.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => normalise_mobile(raw)
            .map_err(|code| checks.fail("mobile", code))
            .ok(),
    };
    checks.done()?;
    let existing = user::Entity::find()
        .filter(user::Column::OrganisationId.eq(organisation.id))
        .filter(user::Column::ExternalId.eq(external_id))
        .one(txn)
        .await?;
    match existing {
        Some(found) => {
            if found.kind != "care_worker" {
                return Err(ApiError::invalid("id", "not_a_care_worker"));
            }
            let same = found.first_name == first_name
                && found.last_name == last_name
                && found.email == email
                && found.mobile == mobile;
            let id = found.id;
            if same {
                return Ok(outcome(id, external_id, UpsertResult::Unchanged));
            }
            if found.email != email || found.mobile != mobile {
                tell_old_address(txn, organisation, &found, &email, mobile.as_deref()).await?;
            }
            let mut active: user::ActiveModel = found.into();
            active.first_name = Set(first_name);
            active.last_name = Set(last_name);
            active.email = Set(email);
            active.mobile = Set(mobile);
            active.update(txn).await?;
            Ok(outcome(id, external_id, UpsertResult::Updated))
        }
        None => {
            let worker = contacts::create_account(
                txn,
                organisation,
                NewAccount {
                    first_name,
                    last_name,
                    email,
                    mobile,
                    gender: None,
                    kind: "care_worker",
                    external_id: Some(external_id.to_owned()),
                },
            )
            .await?;
            Ok(outcome(worker.id, external_id, UpsertResult::Created))
        }
    }
}

/// A care worker's e-mail address or mobile number changed by the ECD: logged, and the old
/// address is told (through the durable outbox, in this transaction), so a hijacked ECD
/// feed cannot quietly move someone's second factor.
async fn tell_old_address(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    worker: &user::Model,
    new_email: &str,
    new_mobile: Option<&str>,
) -> Result<(), ApiError> {
    crate::services::security_log::record(
        txn,
        crate::services::security_log::AuthEvent::ContactDetailsChangedByEcd,
        Some(worker.id),
        None,
        &crate::services::security_log::ClientInfo::default(),
    )
    .await?;
    let mut changed = Vec::new();
    let english = Language::from_tag(&worker.language) == Language::En;
    if worker.email != new_email {
        changed.push(if english {
            format!("e-mail address: now {new_email}")
        } else {
            format!("e-mailadres: nu {new_email}")
        });
    }
    if worker.mobile.as_deref() != new_mobile {
        let hint = new_mobile.map_or_else(String::new, crate::services::verification::phone_hint);
        changed.push(if english {
            format!("mobile number: now {hint}")
        } else {
            format!("mobiel nummer: nu {hint}")
        });
    }
    let org = &organisation.name;
    let (subject, lines) = if english {
        (
            format!("Your details in the client portal of {org} were changed"),
            [
                format!("Hello {},", worker.first_name),
                format!(
                    "The care record system of {org} changed your details in the client portal:"
                ),
                changed.join("\n"),
                "Did you not expect this? Tell your organisation's administrator at once."
                    .to_owned(),
            ],
        )
    } else {
        (
            format!("Uw gegevens in het cliëntportaal van {org} zijn gewijzigd"),
            [
                format!("Beste {},", worker.first_name),
                format!(
                    "Het cliëntdossier van {org} heeft uw gegevens in het cliëntportaal gewijzigd:"
                ),
                changed.join("\n"),
                "Had u dit niet verwacht? Meld het dan meteen bij de beheerder van uw organisatie."
                    .to_owned(),
            ],
        )
    };
    let email = Email::compose(
        format!("{} {}", worker.first_name, worker.last_name),
        worker.email.clone(),
        subject,
        &lines.map(Paragraph::Text),
        org,
    );
    crate::services::outbox::enqueue(
        txn,
        Some(organisation.id),
        "contact_details_changed",
        &email,
    )
    .await
}

/// The care worker leaves every care team. The account stays: the organisation
/// administrator decides about it in *Beheer*.
async fn remove_care_worker(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    external_id: &str,
) -> Result<UpsertOutcome, ApiError> {
    let worker = care_worker_by_external_id(txn, organisation, "id", external_id)
        .await
        .map_err(|_| ApiError::NotFound)?;
    care_team_member::Entity::delete_many()
        .filter(care_team_member::Column::CareWorkerId.eq(worker.id))
        .exec(txn)
        .await?;
    let mut active: user::ActiveModel = worker.clone().into();
    active.external_id = Set(None);
    active.update(txn).await?;
    Ok(outcome(worker.id, external_id, UpsertResult::Removed))
}

async fn upsert_care_team(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    client_external_id: &str,
    care_worker_external_id: &str,
    data: &CareTeamUpsert,
) -> Result<UpsertOutcome, ApiError> {
    let client = client_by_external_id(txn, organisation, client_external_id).await?;
    let worker =
        care_worker_by_external_id(txn, organisation, "care_worker_id", care_worker_external_id)
            .await?;
    let existing = care_team_member::Entity::find()
        .filter(care_team_member::Column::ClientId.eq(client.id))
        .filter(care_team_member::Column::CareWorkerId.eq(worker.id))
        .one(txn)
        .await?;
    match existing {
        Some(member) if member.care_role == data.role.as_str() => Ok(outcome(
            member.id,
            care_worker_external_id,
            UpsertResult::Unchanged,
        )),
        Some(member) => {
            let id = member.id;
            let mut active: care_team_member::ActiveModel = member.into();
            active.care_role = Set(data.role.as_str().to_owned());
            active.update(txn).await?;
            Ok(outcome(id, care_worker_external_id, UpsertResult::Updated))
        }
        None => {
            let member = care_team_member::ActiveModel {
                id: Set(Uuid::new_v4()),
                client_id: Set(client.id),
                care_worker_id: Set(worker.id),
                care_role: Set(data.role.as_str().to_owned()),
                created_at: Set(Utc::now()),
            }
            .insert(txn)
            .await?;
            Ok(outcome(
                member.id,
                care_worker_external_id,
                UpsertResult::Created,
            ))
        }
    }
}

async fn remove_care_team(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    client_external_id: &str,
    care_worker_external_id: &str,
) -> Result<UpsertOutcome, ApiError> {
    let client = client_by_external_id(txn, organisation, client_external_id).await?;
    let worker =
        care_worker_by_external_id(txn, organisation, "care_worker_id", care_worker_external_id)
            .await?;
    let member = care_team_member::Entity::find()
        .filter(care_team_member::Column::ClientId.eq(client.id))
        .filter(care_team_member::Column::CareWorkerId.eq(worker.id))
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let id = member.id;
    care_team_member::Entity::delete_by_id(id).exec(txn).await?;
    Ok(outcome(id, care_worker_external_id, UpsertResult::Removed))
}

/// What a dossier entry holds, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryValues {
    pub kind: DossierKind,
    pub occurred_at: chrono::DateTime<Utc>,
    pub title: String,
    pub category: Option<String>,
    pub author_name: Option<String>,
    pub body: String,
    pub content: Option<String>,
    pub valid_from: Option<chrono::NaiveDate>,
    pub valid_until: Option<chrono::NaiveDate>,
}

fn report_values(data: &ReportUpsert) -> Result<EntryValues, ApiError> {
    let mut checks = Checks::default();
    let category = checks.text("category", &data.category, 100);
    let author = checks.text("author", &data.author, 200);
    let text = checks.text("text", &data.text, 20_000);
    checks.done()?;
    Ok(EntryValues {
        kind: DossierKind::Report,
        occurred_at: whole_seconds(data.written_at),
        title: category.clone(),
        category: Some(category),
        author_name: Some(author),
        body: text,
        content: None,
        valid_from: None,
        valid_until: None,
    })
}

fn questionnaire_values(data: &QuestionnaireUpsert) -> Result<EntryValues, ApiError> {
    let mut checks = Checks::default();
    let title = checks.text("title", &data.title, 200);
    let author = checks.optional("author", data.author.as_deref(), 200);
    if data.answers.is_empty() {
        checks.fail("answers", "required");
    }
    let mut answers = Vec::with_capacity(data.answers.len());
    for (index, answer) in data.answers.iter().enumerate() {
        answers.push(kring_shared::dossier::QuestionAnswer {
            question: checks.text(format!("answers[{index}].question"), &answer.question, 1000),
            answer: answer.answer.trim().to_owned(),
        });
        if answer.answer.chars().count() > 4000 {
            checks.fail(format!("answers[{index}].answer"), "too_long");
        }
    }
    checks.done()?;
    let body = answers
        .iter()
        .map(|answer| format!("{} {}", answer.question, answer.answer))
        .collect::<Vec<_>>()
        .join(" · ");
    Ok(EntryValues {
        kind: DossierKind::Questionnaire,
        occurred_at: whole_seconds(data.completed_at),
        title,
        category: None,
        author_name: author,
        body,
        content: Some(serde_json::to_string(&answers).map_err(anyhow::Error::new)?),
        valid_from: None,
        valid_until: None,
    })
}

fn care_plan_values(data: &CarePlanUpsert) -> Result<EntryValues, ApiError> {
    let mut checks = Checks::default();
    let title = checks.text("title", &data.title, 200);
    let author = checks.optional("author", data.author.as_deref(), 200);
    let summary = checks
        .optional("summary", data.summary.as_deref(), 4000)
        .unwrap_or_default();
    if data
        .valid_until
        .is_some_and(|until| until < data.valid_from)
    {
        checks.fail("valid_until", "before_valid_from");
    }
    if data.goals.is_empty() {
        checks.fail("goals", "required");
    }
    let mut goals = Vec::with_capacity(data.goals.len());
    for (index, goal) in data.goals.iter().enumerate() {
        let mut actions = Vec::with_capacity(goal.actions.len());
        for (number, action) in goal.actions.iter().enumerate() {
            let at = format!("goals[{index}].actions[{number}]");
            actions.push(kring_shared::dossier::CarePlanAction {
                description: checks.text(format!("{at}.description"), &action.description, 1000),
                frequency: checks.optional(
                    format!("{at}.frequency"),
                    action.frequency.as_deref(),
                    200,
                ),
                responsible: checks.optional(
                    format!("{at}.responsible"),
                    action.responsible.as_deref(),
                    200,
                ),
            });
        }
        goals.push(kring_shared::dossier::CarePlanGoal {
            title: checks.text(format!("goals[{index}].title"), &goal.title, 300),
            description: checks.optional(
                format!("goals[{index}].description"),
                goal.description.as_deref(),
                4000,
            ),
            actions,
        });
    }
    checks.done()?;
    let body = if summary.is_empty() {
        goals
            .iter()
            .map(|goal| goal.title.clone())
            .collect::<Vec<_>>()
            .join(" · ")
    } else {
        summary
    };
    Ok(EntryValues {
        kind: DossierKind::CarePlan,
        occurred_at: whole_seconds(data.established_at),
        title,
        category: None,
        author_name: author,
        body,
        content: Some(serde_json::to_string(&goals).map_err(anyhow::Error::new)?),
        valid_from: Some(data.valid_from),
        valid_until: data.valid_until,
    })
}

fn same_values(entry: &dossier_entry::Model, values: &EntryValues) -> bool {
    entry.retracted_at.is_none()
        && entry.occurred_at == values.occurred_at
        && entry.title == values.title
        && entry.category == values.category
        && entry.author_name == values.author_name
        && entry.body == values.body
        && entry.content == values.content
        && entry.valid_from == values.valid_from
        && entry.valid_until == values.valid_until
}

/// Creates or updates the entry with this ECD id under the client; a retracted entry sent
/// again comes back.
pub async fn upsert_entry(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    client_external_id: &str,
    external_id: &str,
    values: EntryValues,
    events: &mut Vec<DossierEvent>,
) -> Result<UpsertOutcome, ApiError> {
    let mut checks = Checks::default();
    checks.id("id", external_id);
    checks.done()?;
    let client = client_by_external_id(txn, organisation, client_external_id).await?;
    let existing = dossier_entry::Entity::find()
        .filter(dossier_entry::Column::OrganisationId.eq(organisation.id))
        .filter(dossier_entry::Column::Kind.eq(values.kind.as_str()))
        .filter(dossier_entry::Column::ExternalId.eq(external_id))
        .one(txn)
        .await?;
    let now = Utc::now();
    let kind = values.kind;
    match existing {
        Some(entry) if entry.client_id != client.id => {
            Err(ApiError::invalid("id", "belongs_to_another_client"))
        }
        Some(entry) if same_values(&entry, &values) => {
            Ok(outcome(entry.id, external_id, UpsertResult::Unchanged))
        }
        Some(entry) => {
            let id = entry.id;
            let was_retracted = entry.retracted_at.is_some();
            let mut active: dossier_entry::ActiveModel = entry.into();
            active.occurred_at = Set(values.occurred_at);
            active.title = Set(values.title);
            active.category = Set(values.category);
            active.author_name = Set(values.author_name);
            active.body = Set(values.body);
            active.content = Set(values.content);
            active.valid_from = Set(values.valid_from);
            active.valid_until = Set(values.valid_until);
            active.updated_at = Set(now);
            active.retracted_at = Set(None);
            active.update(txn).await?;
            events.push(DossierEvent {
                client_id: client.id,
                entry_id: id,
                kind,
                change: if was_retracted {
                    EntryChange::Added
                } else {
                    EntryChange::Updated
                },
            });
            Ok(outcome(id, external_id, UpsertResult::Updated))
        }
        None => {
            let entry = dossier_entry::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(organisation.id),
                client_id: Set(client.id),
                kind: Set(kind.as_str().to_owned()),
                external_id: Set(Some(external_id.to_owned())),
                occurred_at: Set(values.occurred_at),
                title: Set(values.title),
                category: Set(values.category),
                author_name: Set(values.author_name),
                author_user_id: Set(None),
                body: Set(values.body),
                content: Set(values.content),
                valid_from: Set(values.valid_from),
                valid_until: Set(values.valid_until),
                created_at: Set(now),
                updated_at: Set(now),
                retracted_at: Set(None),
            }
            .insert(txn)
            .await?;
            if kind == DossierKind::CarePlan {
                notify_care_plan(txn, organisation, &client, entry.id).await?;
            }
            events.push(DossierEvent {
                client_id: client.id,
                entry_id: entry.id,
                kind,
                change: EntryChange::Added,
            });
            Ok(outcome(entry.id, external_id, UpsertResult::Created))
        }
    }
}

/// A new care plan version goes under *Meldingen* of everyone who may read the dossier.
async fn notify_care_plan(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    client: &client::Model,
    entry_id: Uuid,
) -> Result<(), ApiError> {
    if !panel_enabled(organisation, kring_shared::PanelKind::Dossier) {
        return Ok(());
    }
    let readers = client_contact::Entity::find()
        .filter(client_contact::Column::ClientId.eq(client.id))
        .filter(client_contact::Column::PermDossier.eq(true))
        .filter(client_contact::Column::InvitationState.eq(ACCEPTED))
        .all(txn)
        .await?;
    for reader in readers {
        notifications::notify(
            txn,
            reader.user_id,
            NewNotification {
                kind: kring_shared::contacts::NotificationKind::CarePlan,
                client_id: Some(client.id),
                contact_id: None,
                from_user_id: None,
                entry_id: Some(entry_id),
            },
        )
        .await?;
    }
    Ok(())
}

async fn retract_entry(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    client_external_id: &str,
    kind: DossierKind,
    external_id: &str,
    events: &mut Vec<DossierEvent>,
) -> Result<UpsertOutcome, ApiError> {
    let client = client_by_external_id(txn, organisation, client_external_id)
        .await
        .map_err(|_| ApiError::NotFound)?;
    let entry = dossier_entry::Entity::find()
        .filter(dossier_entry::Column::ClientId.eq(client.id))
        .filter(dossier_entry::Column::Kind.eq(kind.as_str()))
        .filter(dossier_entry::Column::ExternalId.eq(external_id))
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let id = entry.id;
    if entry.retracted_at.is_none() {
        let mut active: dossier_entry::ActiveModel = entry.into();
        active.retracted_at = Set(Some(Utc::now()));
        active.update(txn).await?;
        events.push(DossierEvent {
            client_id: client.id,
            entry_id: id,
            kind,
            change: EntryChange::Retracted,
        });
    }
    Ok(outcome(id, external_id, UpsertResult::Removed))
}

async fn upsert_appointment(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    client_external_id: &str,
    external_id: &str,
    data: &AppointmentUpsert,
) -> Result<UpsertOutcome, ApiError> {
    let mut checks = Checks::default();
    checks.id("id", external_id);
    let title = checks.text("title", &data.title, 200);
    let location = checks.optional("location", data.location.as_deref(), 200);
    let description = checks.optional("description", data.description.as_deref(), 4000);
    if data.ends_at <= data.starts_at {
        checks.fail("ends_at", "not_after_starts_at");
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

async fn remove_appointment(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    client_external_id: &str,
    external_id: &str,
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
    }
    Ok(outcome(id, external_id, UpsertResult::Removed))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn photos_must_be_small_jpeg_or_png() {
        let mut checks = Checks::default();
        let png = STANDARD.encode(b"\x89PNG\r\n\x1a\nrest");
        assert!(photo_url(&mut checks, &png).is_some_and(|url| url.starts_with("data:image/png")));
        assert!(photo_url(&mut checks, "%%%").is_none());
        assert!(photo_url(&mut checks, &STANDARD.encode(b"GIF89a")).is_none());
        let codes: Vec<_> = checks.0.iter().map(|error| error.code.as_str()).collect();
        assert_eq!(codes, ["invalid_base64", "unsupported_format"]);
    }
}
