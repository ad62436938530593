//! *Gebruikersbeheer*: a portal administrator (the *Instellingen* permission) adds contacts,
//! ticks what each may see, sends the first access, and removes contacts. A client always
//! keeps at least one portal administrator; removal ends access at the next request, because
//! every request reads the link afresh (tokens carry no permissions).

use chrono::Utc;
use kring_shared::{
    Permission,
    audit::AuditAction,
    contacts::{
        ContactLookup, ContactRow, ContactSuggestion, Gender, InvitationChannel, InvitationSent,
        InvitationState, NewContactRequest, PermissionsSaved,
    },
    me::{AccountKind, Language, Relationship},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    auth::seal::Sealer,
    domain::{EmailAddress, MobileNumber, PersonName},
    entities::{client, client_contact, organisation, user},
    error::ApiError,
    mail::{Email, Paragraph},
    messages,
    services::{
        audit,
        auth::assign_temporary_password,
        limits, notifications, outbox,
        policy::{self, ClientAccess},
        security_log::ClientInfo,
    },
    validation::Checks,
};

/// The access of a portal administrator of `client_id`, or 403.
async fn administrator(
    db: &DatabaseConnection,
    actor: &user::Model,
    client_id: Uuid,
) -> Result<ClientAccess, ApiError> {
    let access = policy::client_access(db, actor, client_id).await?;
    access.require(Permission::Settings)?;
    Ok(access)
}

pub fn row(link: &client_contact::Model, person: &user::Model, actor: &user::Model) -> ContactRow {
    ContactRow {
        id: link.id,
        user_id: person.id,
        first_name: person.first_name.clone(),
        last_name: person.last_name.clone(),
        relationship: link.relationship,
        is_primary_contact: link.is_primary_contact,
        permissions: link.permissions(),
        invitation_state: link.invitation_state,
        last_login_at: person.last_login_at,
        is_you: person.id == actor.id,
    }
}

/// The permission table: every contact of the client, the client's own account included.
pub async fn list(
    db: &DatabaseConnection,
    actor: &user::Model,
    client_id: Uuid,
) -> Result<Vec<ContactRow>, ApiError> {
    administrator(db, actor, client_id).await?;
    rows_of(db, actor, client_id).await
}

/// Every contact of the client as a table row (no access check: callers check).
pub async fn rows_of(
    db: &DatabaseConnection,
    actor: &user::Model,
    client_id: Uuid,
) -> Result<Vec<ContactRow>, ApiError> {
    let links = client_contact::Entity::find()
        .filter(client_contact::Column::ClientId.eq(client_id))
        .find_also_related(user::Entity)
        .order_by_asc(user::Column::LastName)
        .order_by_asc(user::Column::FirstName)
        .all(db)
        .await?;
    Ok(links
        .iter()
        .filter_map(|(link, person)| person.as_ref().map(|person| row(link, person, actor)))
        .collect())
}

/// How long a "Bedoelde u" handle can be used.
const SUGGESTION_MINUTES: i64 = 30;

fn suggestion_context(actor: &user::Model, client_id: Uuid) -> String {
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
fn suggested_user(
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
    let unusable = crate::auth::password::hash(crate::auth::secret::random_token()).await?;
    let now = Utc::now();
    Ok(user::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(organisation.id),
        username: Set(username),
        password_hash: Set(unusable),
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
    }
    .insert(txn)
    .await?)
}

/// `sanne.devries`, or `sanne.devries2` … when taken: lower-case ASCII letters and digits.
async fn free_username(
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
fn plain_letter(c: char) -> char {
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

pub async fn link_of(
    db: &impl ConnectionTrait,
    client_id: Uuid,
    contact_id: Uuid,
) -> Result<(client_contact::Model, user::Model), ApiError> {
    let (link, person) = client_contact::Entity::find_by_id(contact_id)
        .find_also_related(user::Entity)
        .one(db)
        .await?
        .filter(|(link, _)| link.client_id == client_id)
        .ok_or(ApiError::NotFound)?;
    Ok((link, person.ok_or(ApiError::NotFound)?))
}

/// Whether another contact of the client than `except` can manage the portal.
async fn another_administrator(
    db: &impl ConnectionTrait,
    client_id: Uuid,
    except: Uuid,
) -> Result<bool, ApiError> {
    Ok(client_contact::Entity::find()
        .filter(client_contact::Column::ClientId.eq(client_id))
        .filter(client_contact::Column::Id.ne(except))
        .filter(client_contact::Column::PermSettings.eq(true))
        .filter(client_contact::Column::InvitationState.eq(InvitationState::Accepted))
        .count(db)
        .await?
        > 0)
}

fn last_administrator() -> ApiError {
    ApiError::Conflict(
        kring_shared::ErrorCode::LastAdministrator,
        "The client must keep at least one portal administrator (the settings permission)."
            .to_owned(),
    )
}

/// Saves the ticked permissions of one contact.
pub async fn set_permissions(
    db: &DatabaseConnection,
    actor: &user::Model,
    client_id: Uuid,
    contact_id: Uuid,
    permissions: &[Permission],
    origin: &ClientInfo,
) -> Result<PermissionsSaved, ApiError> {
    let access = administrator(db, actor, client_id).await?;
    let txn = crate::db::begin_write(db).await?;
    let (link, person) = link_of(&txn, client_id, contact_id).await?;
    let has = |permission| permissions.contains(&permission);
    if link.perm_settings
        && !has(Permission::Settings)
        && !another_administrator(&txn, client_id, link.id).await?
    {
        return Err(last_administrator());
    }
    client_contact::Entity::update_many()
        .col_expr(
            client_contact::Column::PermMessages,
            Expr::value(has(Permission::Messages)),
        )
        .col_expr(
            client_contact::Column::PermAgenda,
            Expr::value(has(Permission::Agenda)),
        )
        .col_expr(
            client_contact::Column::PermDossier,
            Expr::value(has(Permission::Dossier)),
        )
        .col_expr(
            client_contact::Column::PermDetails,
            Expr::value(has(Permission::Details)),
        )
        .col_expr(
            client_contact::Column::PermSettings,
            Expr::value(has(Permission::Settings)),
        )
        .filter(client_contact::Column::Id.eq(link.id))
        .exec(&txn)
        .await?;
    let before = ticks(&link);
    let (link, _) = link_of(&txn, client_id, contact_id).await?;
    let after = ticks(&link);
    if before != after {
        audit::record(
            &txn,
            &audit::Actor::user(actor, access.link.relationship.as_str(), origin),
            audit::Change::new(
                AuditAction::PermissionsChanged,
                serde_json::json!({"before": before, "after": after}),
            )
            .client(client_id)
            .target(&person),
        )
        .await?;
    }
    txn.commit().await?;
    let state = link.invitation_state;
    Ok(PermissionsSaved {
        invitation_needed: !permissions.is_empty() && state.invitable(),
        contact: row(&link, &person, actor),
    })
}

/// *Eerste toegang … Gegevens versturen*: a person added as new gets login details by
/// e-mail (and has access at once); someone with an account gets an invitation under
/// *Meldingen* to accept or decline.
pub async fn invite(
    db: &DatabaseConnection,
    public_url: &str,
    actor: &user::Model,
    client_id: Uuid,
    contact_id: Uuid,
    origin: &ClientInfo,
) -> Result<InvitationSent, ApiError> {
    let access = administrator(db, actor, client_id).await?;
    limits::hit(
        db,
        &format!("invitations:{}", actor.id),
        limits::INVITATIONS,
    )
    .await?;
    let txn = crate::db::begin_write(db).await?;
    let (link, person) = link_of(&txn, client_id, contact_id).await?;
    match link.invitation_state {
        InvitationState::Accepted => return Err(ApiError::invalid("contact", "already_accepted")),
        // One open invitation at a time: no second notification for the same link.
        InvitationState::Pending => return Err(ApiError::invalid("contact", "already_invited")),
        InvitationState::NotInvited | InvitationState::Declined => {}
    }
    let (channel, mail) = invite_link(
        &txn,
        &link,
        &person,
        actor,
        &access.client,
        &access.organisation,
        public_url,
        origin,
    )
    .await?;
    let (link, person) = link_of(&txn, client_id, contact_id).await?;
    audit::record(
        &txn,
        &audit::Actor::user(actor, access.link.relationship.as_str(), origin),
        audit::Change::new(
            AuditAction::InvitationSent,
            serde_json::json!({"channel": channel}),
        )
        .client(client_id)
        .target(&person),
    )
    .await?;
    if let Some(mail) = &mail {
        outbox::enqueue(&txn, Some(access.organisation.id), "invitation", mail).await?;
    }
    txn.commit().await?;
    Ok(InvitationSent {
        contact: row(&link, &person, actor),
        channel,
    })
}

/// Invites the contact behind `link` inside `txn`: a person added as new gets a temporary
/// password (the e-mail to send after commit is returned), someone with an account gets a
/// notification to accept.
#[allow(clippy::too_many_arguments)]
pub async fn invite_link(
    txn: &DatabaseTransaction,
    link: &client_contact::Model,
    person: &user::Model,
    inviter: &user::Model,
    client: &client::Model,
    organisation: &organisation::Model,
    public_url: &str,
    origin: &ClientInfo,
) -> Result<(InvitationChannel, Option<Email>), ApiError> {
    let now = Utc::now();
    // Added as a new person and never given a password: login details go by e-mail.
    let new_account = person.password_changed_at.is_none();
    let state = if new_account {
        InvitationState::Accepted
    } else {
        InvitationState::Pending
    };
    client_contact::Entity::update_many()
        .col_expr(
            client_contact::Column::InvitationState,
            Expr::value(state.as_str()),
        )
        .col_expr(client_contact::Column::InvitedAt, Expr::value(now))
        .filter(client_contact::Column::Id.eq(link.id))
        .exec(txn)
        .await?;
    if new_account {
        let temporary = assign_temporary_password(txn, person.id, organisation).await?;
        crate::services::security_log::record(
            txn,
            crate::services::security_log::AuthEvent::TemporaryPasswordIssued,
            Some(person.id),
            None,
            origin,
        )
        .await?;
        let mail = invitation_email(
            person,
            inviter,
            client,
            organisation,
            &temporary,
            public_url,
        )?;
        Ok((InvitationChannel::Email, Some(mail)))
    } else {
        notifications::create_invitation(txn, person, inviter, link.client_id, link.id).await?;
        Ok((InvitationChannel::Notification, None))
    }
}

fn invitation_email(
    person: &user::Model,
    inviter: &user::Model,
    client: &client::Model,
    organisation: &organisation::Model,
    temporary: &str,
    public_url: &str,
) -> anyhow::Result<Email> {
    let language = person.language;
    let inviter_name = format!("{} {}", inviter.first_name, inviter.last_name);
    let client_name = format!("{} {}", client.first_name, client.last_name);
    let org = organisation.name.as_str();
    let say = |key: &str, values: &[(&str, &str)]| messages::text(language, key, values);
    Email::compose(
        format!("{} {}", person.first_name, person.last_name),
        person.email.clone(),
        say("mail.invitation.subject", &[("client", &client_name)]),
        language,
        &[
            Paragraph::Text(say("mail.greeting", &[("name", &person.first_name)])),
            Paragraph::Text(say(
                "mail.invitation.intro",
                &[
                    ("inviter", &inviter_name),
                    ("client", &client_name),
                    ("organisation", org),
                ],
            )),
            Paragraph::Text(say(
                "mail.invitation.details",
                &[("username", &person.username), ("password", temporary)],
            )),
            Paragraph::Text(say("mail.invitation.next", &[])),
            Paragraph::Link(format!("{public_url}/inloggen")),
        ],
        org,
    )
}

/// Removes a contact from the client; their access ends with their next request. The primary
/// contact and the last portal administrator stay.
pub async fn remove(
    db: &DatabaseConnection,
    actor: &user::Model,
    client_id: Uuid,
    contact_id: Uuid,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    let access = administrator(db, actor, client_id).await?;
    let txn = crate::db::begin_write(db).await?;
    let (link, person) = link_of(&txn, client_id, contact_id).await?;
    if link.is_primary_contact {
        return Err(ApiError::Conflict(
            kring_shared::ErrorCode::PrimaryContactProtected,
            "The primary contact cannot be removed; the organisation appoints another first."
                .to_owned(),
        ));
    }
    if link.perm_settings && !another_administrator(&txn, client_id, link.id).await? {
        return Err(last_administrator());
    }
    client_contact::Entity::delete_by_id(link.id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        &audit::Actor::user(actor, access.link.relationship.as_str(), origin),
        audit::Change::new(
            AuditAction::ContactRemoved,
            serde_json::json!({"relationship": link.relationship, "permissions": ticks(&link)}),
        )
        .client(client_id)
        .target(&person),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The audit log's changes to this client's network, for its portal administrators.
pub async fn network_changes(
    db: &DatabaseConnection,
    actor: &user::Model,
    client_id: Uuid,
    before: Option<i64>,
) -> Result<kring_shared::audit::AuditLogPage, ApiError> {
    let access = administrator(db, actor, client_id).await?;
    audit::page(
        db,
        access.client.organisation_id,
        audit::Filter {
            client_id: Some(client_id),
            user_id: None,
            before,
        },
        false,
    )
    .await
}

/// The ticks of a link by name, in the table's order.
fn ticks(link: &client_contact::Model) -> Vec<&'static str> {
    Permission::ALL
        .into_iter()
        .filter(|permission| link.has(*permission))
        .map(Permission::as_str)
        .collect()
}
