//! The durable mail outbox. Mail that must not be lost (invitations, login details, reset
//! links, temporary passwords) is written to `mail_outbox` in the same transaction as the
//! change that causes it, so either both happen or neither. A worker delivers what is due,
//! with retries and a growing pause; a message that keeps failing stays visible in *Beheer*
//! with "send again". Each delivery is claimed with a conditional update first, so two
//! workers (two instances) never send the same message.

use chrono::{DateTime, Duration, DurationRound, Utc};
use kring_shared::admin::{MailPurpose, OutboxMailSummary};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{CaseStatement, Expr},
};
use uuid::Uuid;

use crate::{
    entities::{outbox_mail, user},
    error::ApiError,
    mail::{Email, Mailer},
    services::policy,
};

/// Tries before a message counts as failed (it stays, for "send again").
pub const MAX_ATTEMPTS: i32 = 8;
/// How long one delivery may take before another worker may try it.
const LEASE_SECONDS: i64 = 120;
/// Messages per round.
const BATCH: u64 = 20;

/// Writes `email` to the outbox on `db` (normally the caller's transaction).
pub async fn enqueue(
    db: &impl ConnectionTrait,
    organisation_id: Option<Uuid>,
    purpose: MailPurpose,
    email: &Email,
) -> Result<(), ApiError> {
    let now = Utc::now();
    outbox_mail::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(organisation_id),
        purpose: Set(purpose.into()),
        to_name: Set(email.to_name.chars().take(200).collect()),
        to_address: Set(email.to_address.clone()),
        subject: Set(email.subject.chars().take(300).collect()),
        text_body: Set(email.text.clone()),
        html_body: Set(email.html.clone()),
        created_at: Set(now),
        next_attempt_at: Set(now),
        attempts: Set(0),
        last_error: Set(None),
        sent_at: Set(None),
        leased_until: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The pause after `attempts` failed tries: `base`, doubling, at most an hour.
pub fn backoff(base_seconds: u64, attempts: i32) -> Duration {
    let doubled = base_seconds
        .max(1)
        .saturating_mul(1 << attempts.clamp(0, 12));
    Duration::seconds(i64::try_from(doubled.min(3600)).unwrap_or(3600))
}

/// Delivers what is due; returns how many were sent.
pub async fn deliver_due(
    db: &DatabaseConnection,
    mailer: &Mailer,
    retry_base_seconds: u64,
) -> Result<usize, ApiError> {
    let now = Utc::now();
    let due = outbox_mail::Entity::find()
        .filter(outbox_mail::Column::SentAt.is_null())
        .filter(outbox_mail::Column::Attempts.lt(MAX_ATTEMPTS))
        .filter(outbox_mail::Column::NextAttemptAt.lte(now))
        .filter(not_leased(now))
        .order_by_asc(outbox_mail::Column::CreatedAt)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut sent = 0;
    for message in due {
        // The lease, counted from this claim (a slow batch must not shorten it): nobody else
        // sends it until it runs out, which only happens when this instance dies while
        // sending. Whole seconds, so that it reads back equal on every database.
        let claimed_at = Utc::now();
        let lease = (claimed_at + Duration::seconds(LEASE_SECONDS))
            .duration_trunc(Duration::seconds(1))
            .map_err(|error| anyhow::anyhow!("lease time: {error}"))?;
        let claimed = outbox_mail::Entity::update_many()
            .col_expr(outbox_mail::Column::NextAttemptAt, Expr::value(lease))
            .col_expr(outbox_mail::Column::LeasedUntil, Expr::value(lease))
            .filter(outbox_mail::Column::Id.eq(message.id))
            .filter(outbox_mail::Column::SentAt.is_null())
            .filter(outbox_mail::Column::NextAttemptAt.eq(message.next_attempt_at))
            .filter(not_leased(claimed_at))
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let email = Email {
            to_name: message.to_name.clone(),
            to_address: message.to_address.clone(),
            subject: message.subject.clone(),
            text: message.text_body.clone(),
            html: message.html_body.clone(),
        };
        match mailer.send(&email).await {
            Ok(()) => {
                // Sent: the body (login details, links) is not kept once it is delivered.
                outbox_mail::Entity::update_many()
                    .col_expr(outbox_mail::Column::SentAt, Expr::value(Utc::now()))
                    .col_expr(
                        outbox_mail::Column::Attempts,
                        Expr::value(message.attempts + 1),
                    )
                    .col_expr(outbox_mail::Column::TextBody, Expr::value(""))
                    .col_expr(outbox_mail::Column::HtmlBody, Expr::value(""))
                    .col_expr(
                        outbox_mail::Column::LeasedUntil,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .filter(outbox_mail::Column::Id.eq(message.id))
                    .exec(db)
                    .await?;
                sent += 1;
            }
            Err(error) => {
                let attempts = message.attempts + 1;
                tracing::warn!(
                    mail = %message.id,
                    attempts,
                    error = %error,
                    "mail delivery failed; it will be tried again"
                );
                // Only while the lease is still ours. "Send again" pressed during the try
                // counted the tries from zero and made it due now: that stays.
                use sea_orm::sea_query::ExprTrait as _;
                let retried = Expr::col(outbox_mail::Column::NextAttemptAt).ne(lease);
                outbox_mail::Entity::update_many()
                    .col_expr(
                        outbox_mail::Column::Attempts,
                        Expr::col(outbox_mail::Column::Attempts).add(1),
                    )
                    .col_expr(
                        outbox_mail::Column::LeasedUntil,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .col_expr(
                        outbox_mail::Column::LastError,
                        Expr::value(format!("{error:#}").chars().take(500).collect::<String>()),
                    )
                    .col_expr(
                        outbox_mail::Column::NextAttemptAt,
                        CaseStatement::new()
                            .case(retried, Expr::col(outbox_mail::Column::NextAttemptAt))
                            .finally(Expr::value(
                                Utc::now() + backoff(retry_base_seconds, attempts - 1),
                            ))
                            .into(),
                    )
                    .filter(outbox_mail::Column::Id.eq(message.id))
                    .filter(outbox_mail::Column::LeasedUntil.eq(lease))
                    .exec(db)
                    .await?;
            }
        }
    }
    Ok(sent)
}

/// Runs the delivery worker: every second, what is due goes out.
pub fn spawn_worker(db: DatabaseConnection, mailer: Mailer, retry_base_seconds: u64) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(error) = deliver_due(&db, &mailer, retry_base_seconds).await {
                tracing::warn!(error = %error, "the mail outbox could not be read");
            }
        }
    });
}

/// The organisation's mail that has not gone out after a failed try, newest first.
pub async fn undelivered(
    db: &DatabaseConnection,
    admin: &user::Model,
) -> Result<Vec<OutboxMailSummary>, ApiError> {
    policy::require_organisation_admin(admin)?;
    Ok(outbox_mail::Entity::find()
        .filter(outbox_mail::Column::OrganisationId.eq(admin.organisation_id))
        .filter(outbox_mail::Column::SentAt.is_null())
        .filter(outbox_mail::Column::Attempts.gt(0))
        .order_by_desc(outbox_mail::Column::CreatedAt)
        .limit(200)
        .all(db)
        .await?
        .into_iter()
        .map(|message| OutboxMailSummary {
            id: message.id,
            purpose: message.purpose.name().to_owned(),
            to_name: message.to_name,
            to_address: message.to_address,
            subject: message.subject,
            created_at: message.created_at,
            attempts: message.attempts,
            given_up: message.attempts >= MAX_ATTEMPTS,
            last_error: message.last_error,
            next_attempt_at: message.next_attempt_at,
        })
        .collect())
}

/// Not being sent by any instance at `now`: no lease, or one that ran out (its instance died).
fn not_leased(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(outbox_mail::Column::LeasedUntil.is_null())
        .add(outbox_mail::Column::LeasedUntil.lte(now))
}

/// "Send again": the message is due now, with its tries counted from zero. A message that an
/// instance is sending at this moment keeps its lease, so no other instance sends it too; if
/// that try fails, it is tried again at once.
pub async fn retry(db: &DatabaseConnection, admin: &user::Model, id: Uuid) -> Result<(), ApiError> {
    policy::require_organisation_admin(admin)?;
    let updated = outbox_mail::Entity::update_many()
        .col_expr(outbox_mail::Column::Attempts, Expr::value(0))
        .col_expr(outbox_mail::Column::NextAttemptAt, Expr::value(Utc::now()))
        .filter(outbox_mail::Column::Id.eq(id))
        .filter(outbox_mail::Column::OrganisationId.eq(admin.organisation_id))
        .filter(outbox_mail::Column::SentAt.is_null())
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_doubles_from_the_base_up_to_an_hour() {
        assert_eq!(backoff(30, 0), Duration::seconds(30));
        assert_eq!(backoff(30, 1), Duration::seconds(60));
        assert_eq!(backoff(30, 3), Duration::seconds(240));
        assert_eq!(backoff(30, 20), Duration::seconds(3600));
    }
}
