//! "Bedoelde u …": an existing account suggested by exact e-mail address, by name only, behind
//! a sealed handle.

use super::*;

/// How long a "Bedoelde u" handle can be used.
pub(super) const SUGGESTION_MINUTES: i64 = 30;

pub(super) fn suggestion_context(actor: &user::Model, client_id: Uuid) -> String {
    format!("contact-suggestion:{}:{client_id}", actor.id)
}

/// "Bedoelde u …": an account of the organisation with exactly this e-mail address — a
/// person, never staff — by name only, behind an opaque handle. Limited per administrator, so
/// the lookup is no search engine over the organisation.
pub async fn lookup(
    db: &DatabaseConnection,
    sealer: &Sealer,
    actor: &user::Model,
    client_id: Uuid,
    email: &str,
) -> Result<ContactLookup, ApiError> {
    let access = administrator(db, actor, client_id).await?;
    limits::hit(
        db,
        &format!("contact-lookup:{}", actor.id),
        limits::CONTACT_SUGGESTIONS,
    )
    .await?;
    let Ok(email) = EmailAddress::parse(email) else {
        return Ok(ContactLookup { suggestion: None });
    };
    let person = user::Entity::find()
        .filter(user::Column::OrganisationId.eq(access.client.organisation_id))
        .filter(user::Column::Email.eq(email.into_string()))
        .filter(user::Column::Kind.eq(AccountKind::Person))
        .order_by_asc(user::Column::CreatedAt)
        .one(db)
        .await?;
    let suggestion = match person {
        Some(person) => {
            let expires = (Utc::now() + chrono::Duration::minutes(SUGGESTION_MINUTES)).timestamp();
            Some(ContactSuggestion {
                handle: sealer.seal(
                    format!("{}|{expires}", person.id).as_bytes(),
                    &suggestion_context(actor, client_id),
                )?,
                name: format!("{} {}", person.first_name, person.last_name),
            })
        }
        None => None,
    };
    Ok(ContactLookup { suggestion })
}

/// The account behind a suggestion handle made for this administrator and client.
pub(super) fn suggested_user(
    sealer: &Sealer,
    actor: &user::Model,
    client_id: Uuid,
    handle: &str,
) -> Result<Uuid, ApiError> {
    let plain = sealer
        .open(handle, &suggestion_context(actor, client_id))
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| ApiError::invalid("suggestion", "invalid"))?;
    let (user_id, expires) = plain
        .split_once('|')
        .and_then(|(id, expires)| Some((id.parse::<Uuid>().ok()?, expires.parse::<i64>().ok()?)))
        .ok_or_else(|| ApiError::invalid("suggestion", "invalid"))?;
    if expires < Utc::now().timestamp() {
        return Err(ApiError::invalid("suggestion", "expired"));
    }
    Ok(user_id)
}
