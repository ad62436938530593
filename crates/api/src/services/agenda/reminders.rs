//! E-mail reminders: from 17:00 (Europe/Amsterdam) the day before, everyone who switched them
//! on gets one e-mail per client with tomorrow's appointments, as they may see them (a
//! private appointment stays *Bezet* for the care team). Each occurrence is reminded once per
//! start time: the reminder row is inserted first, and only the instance whose insert took
//! it puts the occurrence in a mail, so two instances never send the same reminder. The mail
//! goes through the durable outbox in the same transaction.

use chrono::{DateTime, Duration, NaiveTime, Timelike, Utc};
use kring_shared::{
    agenda::{AgendaItem, AppointmentSource, ReminderSetting},
    contacts::InvitationState,
    me::AccountKind,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};
use uuid::Uuid;

use super::{agenda_viewer, in_range, time};
use crate::{
    entities::{agenda_reminder, care_team_member, client_contact, organisation, user},
    error::ApiError,
    mail::{Email, Paragraph},
    messages,
};

/// The hour (wall clock) from which tomorrow's reminders go out.
pub const SEND_FROM_HOUR: u32 = 17;

/// `GET /api/me/agenda-reminders`.
pub fn setting(account: &user::Model) -> ReminderSetting {
    ReminderSetting {
        enabled: account.agenda_reminders,
    }
}

/// `PUT /api/me/agenda-reminders`.
pub async fn set(
    db: &DatabaseConnection,
    account: &user::Model,
    wanted: &ReminderSetting,
) -> Result<ReminderSetting, ApiError> {
    user::Entity::update_many()
        .col_expr(
            user::Column::AgendaReminders,
            sea_orm::sea_query::Expr::value(wanted.enabled),
        )
        .filter(user::Column::Id.eq(account.id))
        .exec(db)
        .await?;
    Ok(wanted.clone())
}

/// The clients whose agenda `account` may see: their network's, and a care worker's team's.
async fn clients_of(db: &DatabaseConnection, account: &user::Model) -> Result<Vec<Uuid>, ApiError> {
    let mut ids: Vec<Uuid> = client_contact::Entity::find()
        .filter(client_contact::Column::UserId.eq(account.id))
        .filter(client_contact::Column::InvitationState.eq(InvitationState::Accepted))
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.client_id)
        .collect();
    if account.kind == AccountKind::CareWorker {
        ids.extend(
            care_team_member::Entity::find()
                .filter(care_team_member::Column::CareWorkerId.eq(account.id))
                .all(db)
                .await?
                .into_iter()
                .map(|member| member.client_id),
        );
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

fn line(account: &user::Model, item: &AgendaItem) -> String {
    let say = |key: &str| messages::text(account.language, key, &[]);
    let when = if item.all_day {
        say("mail.reminder.all_day")
    } else {
        format!(
            "{:02}:{:02} – {:02}:{:02}",
            item.local_start.hour(),
            item.local_start.minute(),
            item.local_end.hour(),
            item.local_end.minute()
        )
    };
    let what = match (&item.title, item.busy) {
        (Some(title), false) => title.clone(),
        _ => say("mail.reminder.busy"),
    };
    match &item.location {
        Some(place) => format!("- {when}: {what} ({place})"),
        None => format!("- {when}: {what}"),
    }
}

/// Sends what is due at `now`; answers how many e-mails were queued.
pub async fn send_due(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, ApiError> {
    let local_now = time::local(now);
    if local_now.hour() < SEND_FROM_HOUR {
        return Ok(0);
    }
    let tomorrow = local_now.date() + Duration::days(1);
    let (start, end) = (
        time::day_start(tomorrow),
        time::day_start(tomorrow + Duration::days(1)),
    );
    let people = user::Entity::find()
        .filter(user::Column::AgendaReminders.eq(true))
        .all(db)
        .await?;
    let mut queued = 0;
    for account in people.iter().filter(|account| !account.is_locked(now)) {
        match remind(db, account, now, tomorrow, start, end).await {
            Ok(sent) => queued += sent,
            Err(error) => {
                tracing::warn!(user = %account.id, error = %error, "a reminder could not be sent");
            }
        }
    }
    Ok(queued)
}

/// One person's reminders for tomorrow; answers how many e-mails were queued.
async fn remind(
    db: &DatabaseConnection,
    account: &user::Model,
    now: DateTime<Utc>,
    tomorrow: chrono::NaiveDate,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let account = account.clone();
    let mut queued = 0;
    {
        for client_id in clients_of(db, &account).await? {
            let Ok(viewer) = agenda_viewer(db, &account, client_id).await else {
                continue;
            };
            let (items, _) = in_range(db, &viewer, start, end).await?;
            let items: Vec<AgendaItem> = items
                .into_iter()
                .filter(|item| item.local_start.date() == tomorrow)
                .collect();
            if items.is_empty() {
                continue;
            }
            let txn = crate::db::begin_write(db).await?;
            let mut claimed = Vec::new();
            for item in items {
                let key: String = format!("{}#{}", item.key, item.starts_at.timestamp())
                    .chars()
                    .take(160)
                    .collect();
                let inserted = agenda_reminder::Entity::insert(agenda_reminder::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    user_id: Set(account.id),
                    occurrence_key: Set(key),
                    sent_at: Set(now),
                })
                .on_conflict(
                    OnConflict::columns([
                        agenda_reminder::Column::UserId,
                        agenda_reminder::Column::OccurrenceKey,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
                if inserted == 1 {
                    claimed.push(item);
                }
            }
            if !claimed.is_empty() {
                if claimed
                    .iter()
                    .any(|item| item.source == AppointmentSource::Care)
                {
                    // Care data leaves the portal in the mail: a read on the user's behalf.
                    let origin = crate::services::security_log::ClientInfo::default();
                    let reader = crate::services::access_log::Reader {
                        user: &account,
                        session_id: Uuid::nil(),
                        origin: &origin,
                    };
                    super::log_care_read(&txn, &viewer, &reader, None).await?;
                }
                let email = compose(db, &account, &viewer, tomorrow, &claimed).await?;
                crate::services::outbox::enqueue(
                    &txn,
                    Some(account.organisation_id),
                    kring_shared::admin::MailPurpose::AgendaReminder,
                    &email,
                )
                .await?;
                queued += 1;
            }
            txn.commit().await?;
        }
    }
    Ok(queued)
}

async fn compose(
    db: &DatabaseConnection,
    account: &user::Model,
    viewer: &super::Viewer,
    day: chrono::NaiveDate,
    items: &[AgendaItem],
) -> Result<Email, ApiError> {
    let language = account.language;
    let say = |key: &str, values: &[(&str, &str)]| messages::text(language, key, values);
    let organisation = organisation::Entity::find_by_id(account.organisation_id)
        .one(db)
        .await?
        .map(|organisation| organisation.name)
        .unwrap_or_default();
    let client = viewer.client();
    let client_name = format!("{} {}", client.first_name, client.last_name);
    let date = day.format("%d-%m-%Y").to_string();
    let mut paragraphs = vec![
        Paragraph::Text(say("mail.greeting", &[("name", &account.first_name)])),
        Paragraph::Text(say(
            "mail.reminder.intro",
            &[("date", &date), ("client", &client_name)],
        )),
        Paragraph::Text(
            items
                .iter()
                .map(|item| line(account, item))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    ];
    if items
        .iter()
        .any(|item| item.source == AppointmentSource::Care)
    {
        paragraphs.push(Paragraph::Text(say("mail.reminder.care_note", &[])));
    }
    paragraphs.push(Paragraph::Text(say("mail.reminder.stop", &[])));
    Ok(Email::compose(
        format!("{} {}", account.first_name, account.last_name),
        account.email.clone(),
        say("mail.reminder.subject", &[]),
        language,
        &paragraphs,
        &organisation,
    )?)
}

/// Looks for due reminders every ten minutes.
pub fn spawn_worker(db: DatabaseConnection) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(error) = send_due(&db, Utc::now()).await {
                tracing::warn!(error = %error, "agenda reminders could not be sent");
            }
        }
    });
}

/// `now` at `hour` o'clock on `date` in the agenda's zone (for tests and the bench).
pub fn at_hour(date: chrono::NaiveDate, hour: u32) -> DateTime<Utc> {
    time::instant(date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default()))
}
