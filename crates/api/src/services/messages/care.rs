//! The care worker's side: the inbox over every client of their care teams (their own and the
//! team's), an absence that sends messages to them to the team too, and the raising of
//! messages nobody in the care team read within the organisation's answer time.

use chrono::{DateTime, NaiveDate, Utc};
use kring_shared::{
    PanelKind,
    contacts::NotificationKind,
    me::AccountKind,
    messages::{Absence, ConversationPage, InboxBox, MAX_ABSENCE_NOTE, MessagesEvent},
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use super::{ListQuery, member_of_this, page};
use crate::{
    entities::{
        care_team_member, client, conversation, message, message_receipt, organisation, user,
    },
    error::ApiError,
    events::{EventBus, LiveEvent},
    services::{
        home::panel_enabled,
        notifications::{self, NewNotification},
        policy,
    },
};

fn care_workers_only() -> ApiError {
    ApiError::Forbidden("Only care workers have an inbox and an absence.".to_owned())
}

/// Whether `worker` is away on `date`.
pub fn is_absent(worker: &user::Model, date: NaiveDate) -> bool {
    match (worker.absent_from, worker.absent_until) {
        (Some(from), Some(until)) => from <= date && date <= until,
        _ => false,
    }
}

/// The clients whose messages a care worker reads: in their care teams, not past the end of
/// access after discharge, with Berichten switched on.
pub async fn team_clients(
    db: &DatabaseConnection,
    account: &user::Model,
) -> Result<Vec<Uuid>, ApiError> {
    if account.kind != AccountKind::CareWorker {
        return Ok(Vec::new());
    }
    let Some(organisation) = organisation::Entity::find_by_id(account.organisation_id)
        .one(db)
        .await?
    else {
        return Ok(Vec::new());
    };
    if !panel_enabled(&organisation, PanelKind::Messages) {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = care_team_member::Entity::find()
        .filter(care_team_member::Column::CareWorkerId.eq(account.id))
        .all(db)
        .await?
        .into_iter()
        .map(|member| member.client_id)
        .collect();
    let today = Utc::now().date_naive();
    Ok(client::Entity::find()
        .filter(client::Column::Id.is_in(ids))
        .filter(client::Column::OrganisationId.eq(account.organisation_id))
        .all(db)
        .await?
        .into_iter()
        .filter(|client| {
            !policy::access_ended(
                client.discharged_on,
                organisation.discharge_access_days,
                today,
            )
        })
        .map(|client| client.id)
        .collect())
}

/// A care worker's inbox: conversations addressed to them, or to one of their care teams.
pub async fn inbox(
    db: &DatabaseConnection,
    account: &user::Model,
    inbox: InboxBox,
    query: &ListQuery<'_>,
) -> Result<ConversationPage, ApiError> {
    if account.kind != AccountKind::CareWorker {
        return Err(care_workers_only());
    }
    let clients = team_clients(db, account).await?;
    let scope = Condition::all().add(conversation::Column::ClientId.is_in(clients.clone()));
    let scope = match inbox {
        InboxBox::Personal => scope.add(member_of_this(account.id)),
        InboxBox::Team => scope.add(conversation::Column::ToTeam.eq(true)),
    };
    page(db, account.id, scope, &clients, query).await
}

/// The care worker's absence, if one is set and not over.
pub async fn absence(account: &user::Model) -> Result<Option<Absence>, ApiError> {
    if account.kind != AccountKind::CareWorker {
        return Err(care_workers_only());
    }
    let today = crate::services::agenda::time::local(Utc::now()).date();
    Ok(match (account.absent_from, account.absent_until) {
        (Some(from), Some(until)) if until >= today => Some(Absence {
            from,
            until,
            note: account.absence_note.clone(),
        }),
        _ => None,
    })
}

/// Sets the care worker's absence (one at a time; a new one replaces it).
pub async fn set_absence(
    db: &DatabaseConnection,
    account: &user::Model,
    input: &Absence,
) -> Result<Absence, ApiError> {
    if account.kind != AccountKind::CareWorker {
        return Err(care_workers_only());
    }
    let mut checks = crate::validation::Checks::default();
    if input.until < input.from {
        checks.fail("until", "before_from");
    }
    let today = crate::services::agenda::time::local(Utc::now()).date();
    if input.until < today {
        checks.fail("until", "in_past");
    }
    if input
        .from
        .checked_add_days(chrono::Days::new(366))
        .is_none_or(|latest| input.until > latest)
    {
        checks.fail("until", "too_long");
    }
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|note| !note.is_empty())
        .map(str::to_owned);
    if note
        .as_deref()
        .is_some_and(|note| note.chars().count() > MAX_ABSENCE_NOTE)
    {
        checks.fail("note", "too_long");
    }
    checks.done()?;
    let mut active: user::ActiveModel = account.clone().into();
    active.absent_from = Set(Some(input.from));
    active.absent_until = Set(Some(input.until));
    active.absence_note = Set(note.clone());
    active.update(db).await?;
    Ok(Absence {
        from: input.from,
        until: input.until,
        note,
    })
}

/// Ends the care worker's absence.
pub async fn end_absence(db: &DatabaseConnection, account: &user::Model) -> Result<(), ApiError> {
    if account.kind != AccountKind::CareWorker {
        return Err(care_workers_only());
    }
    let mut active: user::ActiveModel = account.clone().into();
    active.absent_from = Set(None);
    active.absent_until = Set(None);
    active.absence_note = Set(None);
    active.update(db).await?;
    Ok(())
}

/// Raises every message to care that nobody of the care team read by its due time (`now`
/// decides, so tests can move the clock): the conversation goes to the team inbox, every team
/// member gets it as unread, and the writer is told under *Meldingen* to call the department
/// if it is urgent. Each message is raised once, even with several instances running.
pub async fn escalate_overdue(
    db: &DatabaseConnection,
    events: &EventBus,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let due = message::Entity::find()
        .filter(message::Column::EscalatedAt.is_null())
        .filter(message::Column::CareDueAt.lte(now))
        .filter(message::Column::CareReadAt.is_null())
        .limit(500)
        .all(db)
        .await?;
    let mut raised = 0;
    for overdue in due {
        let txn = crate::db::begin_write(db).await?;
        // Claimed in one statement: only one worker raises it.
        let claimed = message::Entity::update_many()
            .col_expr(message::Column::EscalatedAt, Expr::value(now))
            .filter(message::Column::Id.eq(overdue.id))
            .filter(message::Column::EscalatedAt.is_null())
            .filter(message::Column::CareReadAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        conversation::Entity::update_many()
            .col_expr(conversation::Column::ToTeam, Expr::value(true))
            .filter(conversation::Column::Id.eq(overdue.conversation_id))
            .exec(&txn)
            .await?;
        let organisation = match client::Entity::find_by_id(overdue.client_id)
            .one(&txn)
            .await?
        {
            Some(found) => {
                organisation::Entity::find_by_id(found.organisation_id)
                    .one(&txn)
                    .await?
            }
            None => None,
        };
        let Some(organisation) = organisation else {
            txn.commit().await?;
            continue;
        };
        // Only who may read it now: the team as it is, the writer if they still have Berichten.
        let readers = super::readers(&txn, &organisation, overdue.client_id).await?;
        let team: Vec<Uuid> = readers.care.iter().copied().collect();
        for worker in &team {
            message_receipt::Entity::insert(message_receipt::ActiveModel {
                message_id: Set(overdue.id),
                user_id: Set(*worker),
                conversation_id: Set(overdue.conversation_id),
                client_id: Set(overdue.client_id),
                read_at: Set(None),
            })
            .on_conflict(
                OnConflict::columns([
                    message_receipt::Column::MessageId,
                    message_receipt::Column::UserId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        }
        let writer_reads = readers.network.contains(&overdue.author_id);
        if writer_reads {
            notifications::notify(
                &txn,
                overdue.author_id,
                NewNotification {
                    kind: NotificationKind::MessageOverdue,
                    client_id: Some(overdue.client_id),
                    contact_id: None,
                    from_user_id: None,
                    entry_id: Some(overdue.conversation_id),
                },
            )
            .await?;
        }
        txn.commit().await?;
        raised += 1;
        let mut audience = team;
        if writer_reads {
            audience.push(overdue.author_id);
        }
        events.publish(LiveEvent::Messages {
            event: MessagesEvent {
                client_id: overdue.client_id,
                conversation_id: overdue.conversation_id,
            },
            audience: audience.into(),
        });
    }
    Ok(raised)
}

/// Looks for overdue messages every five minutes.
pub fn spawn_worker(db: DatabaseConnection, events: EventBus) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(error) = escalate_overdue(&db, &events, Utc::now()).await {
                tracing::warn!(error = %error, "overdue messages could not be raised");
            }
        }
    });
}
