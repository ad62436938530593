//! Clients: their portal data, photo, GP, pharmacy, insurance and discharge.

use super::*;

/// A base64 JPEG or PNG of at most `MAX_PHOTO_BYTES`, as a `data:` URL.
pub(super) fn photo_url(checks: &mut Checks, photo: &str) -> Option<String> {
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

pub(super) async fn upsert_client(
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
                status: Set(client::ClientStatus::Active),
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
