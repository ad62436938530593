//! The security log: every authentication event with UTC time, user, session, IP address and
//! user agent. Never a password, code or token — the event name says what happened.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use uuid::Uuid;

use crate::entities::auth_event;

pub use crate::client_info::ClientInfo;

/// What happened.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    sea_orm::DeriveValueType,
)]
#[strum(serialize_all = "snake_case")]
#[sea_orm(value_type = "String")]
pub enum AuthEvent {
    LoginSucceeded,
    LoginFailed,
    AccountLocked,
    LoginWhileLocked,
    PasswordChangeRequired,
    PasswordChanged,
    UsernameChosen,
    ResetRequested,
    ResetUsed,
    Logout,
    SessionEnded,
    OtherSessionsEnded,
    RefreshReuseDetected,
    CodeSent,
    CodeFailed,
    CodeVerified,
    DeviceForgotten,
    TotpEnabled,
    TotpDisabled,
    ContactDetailsChanged,
    MobileCodeSent,
    MobileCodeFailed,
    MobileChanged,
    TemporaryPasswordIssued,
    ReauthenticationFailed,
    TemporaryPasswordExpired,
    ContactDetailsChangedByEcd,
}

impl AuthEvent {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Stores `event` and writes it to the log.
pub async fn record(
    db: &impl ConnectionTrait,
    event: AuthEvent,
    user_id: Option<Uuid>,
    session_id: Option<Uuid>,
    origin: &ClientInfo,
) -> anyhow::Result<()> {
    tracing::info!(
        event = event.as_str(),
        user_id = ?user_id,
        session_id = ?session_id,
        ip = origin.ip_address.as_deref().unwrap_or("-"),
        "auth event"
    );
    auth_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        occurred_at: Set(Utc::now()),
        user_id: Set(user_id),
        session_id: Set(session_id),
        event: Set(event),
        ip_address: Set(origin.ip_address.as_ref().map(|ip| truncate(ip, 64))),
        user_agent: Set(origin.user_agent.as_ref().map(|agent| truncate(agent, 512))),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn truncate(value: &str, max_chars: usize) -> String {
    value.chars().take(max_chars).collect()
}
