//! Clients: their portal data, photo, GP, pharmacy, insurance and discharge.

use super::*;
use crate::{
    entities::media as media_entity,
    services::media::{ClientPhotos, PreparedPhoto},
};

/// The row of a photo written before the transaction, now that its client is known.
async fn insert_photo(
    txn: &impl ConnectionTrait,
    mut photo: media_entity::Model,
    client_id: Uuid,
) -> Result<Uuid, ApiError> {
    photo.client_id = client_id;
    let id = photo.id;
    let active: media_entity::ActiveModel = photo.into();
    active.insert(txn).await?;
    Ok(id)
}

/// The bytes of a base64 photo of at most `MAX_PHOTO_BYTES` (what it is, is decided when it
/// is decoded), or the `photo` field code it is refused with. The length is checked before
/// anything is decoded.
pub(super) fn photo_bytes(photo: &str) -> Result<Vec<u8>, &'static str> {
    let photo = photo.trim();
    if photo.len() > MAX_PHOTO_BYTES.div_ceil(3) * 4 + 4 {
        return Err("too_large");
    }
    let bytes = STANDARD.decode(photo).map_err(|_| "invalid_base64")?;
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err("too_large");
    }
    Ok(bytes)
}

pub(super) async fn upsert_client(
    txn: &impl ConnectionTrait,
    photos: &mut ClientPhotos,
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
        Some(_) => match photos.take()? {
            PreparedPhoto::Unchanged => None,
            PreparedPhoto::New(photo) => Some(Some(photo)),
            PreparedPhoto::Refused(code) => {
                checks.fail("photo", code);
                None
            }
        },
    };
    let phone = checks.optional("phone", data.phone.as_deref(), 40);
    let street = data
        .address
        .as_ref()
        .map(|address| checks.text("address.street", &address.street, 200));
    let postal_code = data.address.as_ref().and_then(|address| {
        checks.optional(
            "address.postal_code",
            Some(address.postal_code.as_str()),
            20,
        )
    });
    let city = data
        .address
        .as_ref()
        .and_then(|address| checks.optional("address.city", Some(address.city.as_str()), 100));
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
    // `None`: keep the photo; `Some(None)`: remove it; `Some(Some(_))`: replace it.
    let now = Utc::now();
    let existing = client::Entity::find()
        .filter(client::Column::OrganisationId.eq(organisation.id))
        .filter(client::Column::ExternalId.eq(external_id))
        .one(txn)
        .await?;
    let (client_id, mut result) = match existing {
        Some(found) => {
            let photo = match photo {
                Some(None) if found.photo_media_id.is_none() => None,
                other => other,
            };
            let same = found.first_name == first_name
                && found.last_name == last_name
                && found.birth_date == data.birth_date
                && photo.is_none()
                && found.discharged_on == data.discharged_on;
            let id = found.id;
            if !same {
                let photo_id = match photo {
                    None => found.photo_media_id,
                    Some(new) => {
                        let old = match found.photo_media_id {
                            Some(old) => media_entity::Entity::find_by_id(old).one(txn).await?,
                            None => None,
                        };
                        if let Some(old) = old {
                            media_entity::Entity::delete_by_id(old.id).exec(txn).await?;
                            photos.replaced.push(old);
                        }
                        match new {
                            Some(photo) => Some(insert_photo(txn, photo, found.id).await?),
                            None => None,
                        }
                    }
                };
                let mut active: client::ActiveModel = found.into();
                active.first_name = Set(first_name);
                active.last_name = Set(last_name);
                active.birth_date = Set(data.birth_date);
                active.photo_url = Set(None);
                active.photo_media_id = Set(photo_id);
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
            let id = Uuid::new_v4();
            let photo_id = match photo.flatten() {
                Some(photo) => Some(insert_photo(txn, photo, id).await?),
                None => None,
            };
            let created = client::ActiveModel {
                id: Set(id),
                organisation_id: Set(organisation.id),
                external_id: Set(Some(external_id.to_owned())),
                first_name: Set(first_name),
                last_name: Set(last_name),
                birth_date: Set(data.birth_date),
                photo_url: Set(None),
                photo_media_id: Set(photo_id),
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
        address_street: street,
        address_postal_code: postal_code,
        address_city: city,
        phone,
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
