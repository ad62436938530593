//! Adding a contact: an existing account (through a suggestion) or a new person, and the
//! account a new person gets.

use super::*;

/// Adds an existing account or a new person as a contact, without permissions and not yet
/// invited.
pub async fn add(
    db: &DatabaseConnection,
    sealer: &Sealer,
    actor: &user::Model,
    client_id: Uuid,
    request: &NewContactRequest,
    origin: &ClientInfo,
) -> Result<ContactRow, ApiError> {
    let access = administrator(db, actor, client_id).await?;
    if request.relationship == Relationship::Client {
        return Err(ApiError::invalid("relationship", "invalid"));
    }
    // A portal administrator names an existing account only through a suggestion's handle.
    if request.existing_user_id.is_some() {
        return Err(ApiError::invalid("existing_user_id", "not_allowed"));
    }
    if request.suggestion.is_none() {
        // Adding a new person answers whether the e-mail address is in use: that is a look-up
        // too, and counts as one.
        limits::hit(
            db,
            &format!("contact-lookup:{}", actor.id),
            limits::CONTACT_SUGGESTIONS,
        )
        .await?;
    }
    let resolved;
    let request = match &request.suggestion {
        Some(handle) => {
            resolved = NewContactRequest {
                existing_user_id: Some(suggested_user(sealer, actor, client_id, handle)?),
                ..request.clone()
            };
            &resolved
        }
        None => request,
    };
    let txn = crate::db::begin_write(db).await?;
    let (link, person) =
        create_link(&txn, &access.organisation, client_id, request, &[], false).await?;
    audit::record(
        &txn,
        &audit::Actor::user(actor, access.link.relationship.as_str(), origin),
        audit::Change::new(
            AuditAction::ContactAdded,
            serde_json::json!({"relationship": link.relationship}),
        )
        .client(client_id)
        .target(&person),
    )
    .await?;
    txn.commit().await?;
    Ok(row(&link, &person, actor))
}

/// Links an existing account of the organisation, or a new person, to the client with
/// `permissions`, not yet invited.
pub async fn create_link(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    client_id: Uuid,
    request: &NewContactRequest,
    permissions: &[Permission],
    primary: bool,
) -> Result<(client_contact::Model, user::Model), ApiError> {
    let person = match request.existing_user_id {
        Some(user_id) => user::Entity::find_by_id(user_id)
            .one(txn)
            .await?
            .filter(|person| {
                person.organisation_id == organisation.id && person.kind == AccountKind::Person
            })
            .ok_or(ApiError::NotFound)?,
        None => new_person(txn, organisation, request, AccountKind::Person).await?,
    };
    let already = client_contact::Entity::find()
        .filter(client_contact::Column::ClientId.eq(client_id))
        .filter(client_contact::Column::UserId.eq(person.id))
        .count(txn)
        .await?;
    if already > 0 {
        return Err(ApiError::Conflict(
            kring_shared::ErrorCode::AlreadyContact,
            "This person is already a contact of this client.".to_owned(),
        ));
    }
    let has = |permission| permissions.contains(&permission);
    let link = client_contact::ActiveModel {
        id: Set(Uuid::new_v4()),
        client_id: Set(client_id),
        user_id: Set(person.id),
        relationship: Set(request.relationship),
        is_primary_contact: Set(primary),
        perm_messages: Set(has(Permission::Messages)),
        perm_agenda: Set(has(Permission::Agenda)),
        perm_dossier: Set(has(Permission::Dossier)),
        perm_details: Set(has(Permission::Details)),
        perm_settings: Set(has(Permission::Settings)),
        invitation_state: Set(InvitationState::NotInvited),
        invited_at: Set(None),
        responded_at: Set(None),
        last_login_at: Set(None),
        created_at: Set(Utc::now()),
        pinboard_notifications: Set(true),
    }
    .insert(txn)
    .await?;
    Ok((link, person))
}

/// A new account for a person who has none yet: validated, with a username made from the
/// name, and a password nobody knows until the invitation sends a temporary one.
pub async fn new_person(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    request: &NewContactRequest,
    kind: AccountKind,
) -> Result<user::Model, ApiError> {
    let mut checks = Checks::default();
    let first_name = checks.parse("first_name", PersonName::parse(&request.first_name));
    let last_name = checks.parse("last_name", PersonName::parse(&request.last_name));
    let email = checks.parse("email", EmailAddress::parse(&request.email));
    let mobile = checks.parse(
        "mobile",
        MobileNumber::parse(&request.mobile, &organisation.allowed_mobile_countries),
    );
    if request.gender.is_none() {
        checks.fail("gender", "required");
    }
    if let Some(email) = &email {
        let taken = user::Entity::find()
            .filter(user::Column::OrganisationId.eq(organisation.id))
            .filter(user::Column::Email.eq(email.as_str()))
            .count(txn)
            .await?;
        if taken > 0 {
            // The form then offers "Bedoelde u …" (the lookup) instead of a second account.
            checks.fail("email", "in_use");
        }
    }
    checks.done()?;
    let (Some(first_name), Some(last_name), Some(email), Some(mobile)) =
        (first_name, last_name, email, mobile)
    else {
        return Err(anyhow::anyhow!("a checked field has no value").into());
    };
    create_account(
        txn,
        organisation,
        NewAccount {
            first_name: first_name.into_string(),
            last_name: last_name.into_string(),
            email,
            mobile: Some(mobile),
            gender: request.gender,
            kind,
            external_id: None,
        },
    )
    .await
}

/// A validated new account's details.
pub struct NewAccount {
    pub first_name: String,
    pub last_name: String,
    pub email: EmailAddress,
    pub mobile: Option<MobileNumber>,
    pub gender: Option<Gender>,
    pub kind: AccountKind,
    pub external_id: Option<String>,
}

/// Inserts an account with a username made from the name and a password nobody knows (unusable
/// until an invitation or the administrator sets a temporary one).
pub async fn create_account(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    account: NewAccount,
) -> Result<user::Model, ApiError> {
    let username = free_username(txn, &account.first_name, &account.last_name).await?;
    let unusable =
        crate::services::passwords::StorableHash::of_generated(crate::auth::secret::random_token())
            .await?;
    let now = Utc::now();
    Ok(user::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(organisation.id),
        username: Set(username),
        password_hash: Set(unusable.into_string()),
        email: Set(account.email.into_string()),
        mobile: Set(account.mobile.map(MobileNumber::into_string)),
        first_name: Set(account.first_name),
        last_name: Set(account.last_name),
        gender: Set(account.gender),
        language: Set(Language::Nl),
        kind: Set(account.kind),
        must_change_password: Set(true),
        username_chosen: Set(false),
        failed_logins: Set(0),
        locked_at: Set(None),
        last_login_at: Set(None),
        created_at: Set(now),
        totp_secret: Set(None),
        totp_enabled_at: Set(None),
        password_changed_at: Set(None),
        totp_last_step: Set(None),
        external_id: Set(account.external_id),
        locked_until: Set(None),
        lockouts: Set(0),
        failed_codes: Set(0),
        temporary_password_expires_at: Set(None),
        reset_password_hash: Set(None),
        reset_password_expires_at: Set(None),
        photo_url: Set(None),
        agenda_reminders: Set(false),
        share_contact_details: Set(false),
        message_mail: Set(true),
        absent_from: Set(None),
        absent_until: Set(None),
        absence_note: Set(None),
    }
    .insert(txn)
    .await?)
}

/// `sanne.devries`, or `sanne.devries2` … when taken: lower-case ASCII letters and digits.
pub(super) async fn free_username(
    db: &impl ConnectionTrait,
    first_name: &str,
    last_name: &str,
) -> Result<String, ApiError> {
    let clean = |text: &str| -> String {
        text.to_lowercase()
            .chars()
            .map(plain_letter)
            .filter(char::is_ascii_alphanumeric)
            .collect()
    };
    let mut base = format!("{}.{}", clean(first_name), clean(last_name));
    base = base.trim_matches('.').chars().take(56).collect();
    if base.len() < 3 {
        base = format!("gebruiker{base}");
    }
    for number in 1..1000 {
        let candidate = if number == 1 {
            base.clone()
        } else {
            format!("{base}{number}")
        };
        let taken = user::Entity::find()
            .filter(user::Column::Username.eq(candidate.clone()))
            .count(db)
            .await?;
        if taken == 0 {
            return Ok(candidate);
        }
    }
    Err(ApiError::Internal(anyhow::anyhow!("no free username")))
}

/// Common Dutch accented letters as their plain letter (ë → e), for usernames.
pub(super) fn plain_letter(c: char) -> char {
    match c {
        'á' | 'à' | 'ä' | 'â' | 'å' => 'a',
        'é' | 'è' | 'ë' | 'ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' => 'o',
        'ú' | 'ù' | 'ü' | 'û' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'ÿ' | 'ý' => 'y',
        other => other,
    }
}
