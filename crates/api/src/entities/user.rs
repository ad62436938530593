//! A user account: a client, a contact, a care worker or an organisation administrator.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// Stored lower case; usernames are not case sensitive.
    #[sea_orm(unique)]
    pub username: String,
    /// An argon2id PHC string.
    pub password_hash: String,
    pub email: String,
    /// E.164, e.g. `+31612345678`.
    pub mobile: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub gender: Option<kring_shared::contacts::Gender>,
    pub language: kring_shared::me::Language,
    pub kind: kring_shared::me::AccountKind,
    pub must_change_password: bool,
    pub username_chosen: bool,
    pub failed_logins: i32,
    pub locked_at: Option<DateTimeUtc>,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// Base32 TOTP secret while enrolling or enrolled.
    pub totp_secret: Option<String>,
    /// Set once the authenticator app is confirmed; then it replaces the SMS code.
    pub totp_enabled_at: Option<DateTimeUtc>,
    pub password_changed_at: Option<DateTimeUtc>,
    /// The last TOTP time step (unix time / 30) accepted for a login; older or equal steps
    /// are refused, so a code cannot be replayed.
    pub totp_last_step: Option<i64>,
    /// The care worker's id in the organisation's ECD, when the ECD manages this account.
    pub external_id: Option<String>,
    /// With a temporary lockout: when the block ends by itself.
    pub locked_until: Option<DateTimeUtc>,
    /// Temporary lockouts in a row (each one lasts twice as long as the one before).
    pub lockouts: i32,
    /// Wrong verification codes since the last correct one, across login attempts.
    pub failed_codes: i32,
    /// When a temporary password stops working.
    pub temporary_password_expires_at: Option<DateTimeUtc>,
    /// A temporary password asked for with *Wachtwoord vergeten* (the Laurens variant): it
    /// works next to the current password until it is used or expires, so asking for one
    /// cannot lock anybody out.
    pub reset_password_hash: Option<String>,
    pub reset_password_expires_at: Option<DateTimeUtc>,
    /// A care worker's photo (https), sent by the ECD.
    pub photo_url: Option<String>,
    /// An e-mail the day before with tomorrow's appointments.
    pub agenda_reminders: bool,
    /// Shows the user's e-mail and mobile to the networks they are in (*Contactpersonen*).
    pub share_contact_details: bool,
    pub message_mail: bool,
    pub absent_from: Option<Date>,
    pub absent_until: Option<Date>,
    pub absence_note: Option<String>,
}

impl Model {
    /// Whether the account is blocked at `now` (a temporary block ends by itself).
    pub fn is_locked(&self, now: DateTimeUtc) -> bool {
        self.locked_at.is_some() && self.locked_until.is_none_or(|until| until > now)
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
