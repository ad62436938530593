//! Care workers and the care teams they are in.

use super::*;

pub(super) async fn upsert_care_worker(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    external_id: &str,
    data: &CareWorkerUpsert,
) -> Result<UpsertOutcome, ApiError> {
    let mut checks = Checks::default();
    checks.id("id", external_id);
    let first_name = checks.text("first_name", &data.first_name, 100);
    let last_name = checks.text("last_name", &data.last_name, 100);
    let email = checks.parse("email", EmailAddress::parse(&data.email));
    let mobile = match data.mobile.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => checks.parse("mobile", MobileNumber::parse_any_country(raw)),
    };
    let photo_url = checks.https_url("photo_url", data.photo_url.as_deref());
    checks.done()?;
    let Some(email) = email else {
        return Err(anyhow::anyhow!("a checked e-mail address has no value").into());
    };
    let existing = user::Entity::find()
        .filter(user::Column::OrganisationId.eq(organisation.id))
        .filter(user::Column::ExternalId.eq(external_id))
        .one(txn)
        .await?;
    match existing {
        Some(found) => {
            if found.kind != AccountKind::CareWorker {
                return Err(ApiError::invalid("id", "not_a_care_worker"));
            }
            let same = found.first_name == first_name
                && found.last_name == last_name
                && found.email == email.as_str()
                && found.mobile.as_deref() == mobile.as_ref().map(MobileNumber::as_str)
                && found.photo_url == photo_url;
            let id = found.id;
            if same {
                return Ok(outcome(id, external_id, UpsertResult::Unchanged));
            }
            if found.email != email.as_str()
                || found.mobile.as_deref() != mobile.as_ref().map(MobileNumber::as_str)
            {
                tell_old_address(
                    txn,
                    organisation,
                    &found,
                    email.as_str(),
                    mobile.as_ref().map(MobileNumber::as_str),
                )
                .await?;
            }
            let mut active: user::ActiveModel = found.into();
            active.first_name = Set(first_name);
            active.last_name = Set(last_name);
            active.email = Set(email.into_string());
            active.mobile = Set(mobile.map(MobileNumber::into_string));
            active.photo_url = Set(photo_url);
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
                    kind: AccountKind::CareWorker,
                    external_id: Some(external_id.to_owned()),
                },
            )
            .await?;
            if photo_url.is_some() {
                let mut active: user::ActiveModel = worker.clone().into();
                active.photo_url = Set(photo_url);
                active.update(txn).await?;
            }
            Ok(outcome(worker.id, external_id, UpsertResult::Created))
        }
    }
}

/// A care worker's e-mail address or mobile number changed by the ECD: logged, and the old
/// address is told (through the durable outbox, in this transaction), so a hijacked ECD
/// feed cannot quietly move someone's second factor.
pub(super) async fn tell_old_address(
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
    let language = worker.language;
    let org = organisation.name.as_str();
    let say = |key: &str, values: &[(&str, &str)]| messages::text(language, key, values);
    let mut changed = Vec::new();
    if worker.email != new_email {
        changed.push(say("mail.details_changed.email", &[("email", new_email)]));
    }
    if worker.mobile.as_deref() != new_mobile {
        let hint = new_mobile.map_or_else(String::new, crate::services::verification::phone_hint);
        changed.push(say("mail.details_changed.mobile", &[("mobile", &hint)]));
    }
    let email = Email::compose(
        format!("{} {}", worker.first_name, worker.last_name),
        worker.email.clone(),
        say("mail.details_changed.subject", &[("organisation", org)]),
        language,
        &[
            Paragraph::Text(say("mail.greeting", &[("name", &worker.first_name)])),
            Paragraph::Text(say("mail.details_changed.intro", &[("organisation", org)])),
            Paragraph::Text(changed.join("\n")),
            Paragraph::Text(say("mail.details_changed.unexpected", &[])),
        ],
        org,
    )?;
    crate::services::outbox::enqueue(
        txn,
        Some(organisation.id),
        kring_shared::admin::MailPurpose::ContactDetailsChanged,
        &email,
    )
    .await
}

/// The care worker leaves every care team. The account stays: the organisation
/// administrator decides about it in *Beheer*.
pub(super) async fn remove_care_worker(
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

pub(super) async fn upsert_care_team(
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
        Some(member) if member.care_role == data.role => Ok(outcome(
            member.id,
            care_worker_external_id,
            UpsertResult::Unchanged,
        )),
        Some(member) => {
            let id = member.id;
            let mut active: care_team_member::ActiveModel = member.into();
            active.care_role = Set(data.role);
            active.update(txn).await?;
            Ok(outcome(id, care_worker_external_id, UpsertResult::Updated))
        }
        None => {
            let member = care_team_member::ActiveModel {
                id: Set(Uuid::new_v4()),
                client_id: Set(client.id),
                care_worker_id: Set(worker.id),
                care_role: Set(data.role),
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

pub(super) async fn remove_care_team(
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
